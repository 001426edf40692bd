//! The knowledge base as the rest of the program sees it.
//!
//! Five kinds of entity, all read from data: **sources** (the works facts
//! are taken from), **traits** (the architecture facts a product can have,
//! with their allowed values), **criteria** (one question about one trait,
//! mapping each value to a lean), **schools** (which criteria decide, and
//! how they combine) and **products** (facts with sources). No verdict is
//! stored anywhere: [`crate::engine`] derives it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::diagnostic::Loc;

/// The value every trait accepts when a fact is not known.
pub const UNKNOWN: &str = "unknown";

/// What a dispute is about when it records what sources call the product
/// as a whole, rather than one of its facts.
pub const CLASSIFICATION: &str = "classification";

/// Defines a closed set of words spelled one way in data, output and the
/// command line: the enum, `ALL`, `as_str`, `parse`, `help` (the variant's
/// doc comment), `Display`, and serde through the same spelling.
macro_rules! spelled {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( #[doc = $doc:literal] $variant:ident => $spelling:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( #[doc = $doc] $variant, )+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in data files, output and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $spelling, )+
                }
            }

            /// Parses a spelling.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// What the value means, in a few words.
            pub fn help(self) -> &'static str {
                match self {
                    $( $name::$variant => $doc.trim(), )+
                }
            }

            /// Every spelling, in order.
            pub fn spellings() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&s, &[$($spelling),+])
                })
            }
        }
    };
}

pub(crate) use spelled;

/// A reference by id to another entity (a source, a criterion, a product),
/// with where it is written so a dangling one can be pointed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// The id referred to.
    pub id: String,
    /// Where the reference is written.
    pub loc: Loc,
}

/// A value with where it is written (an alias, an architecture).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub loc: Loc,
}

/// Ids of a list of references, for output.
pub fn ref_ids(refs: &[Ref]) -> Vec<&str> {
    refs.iter().map(|r| r.id.as_str()).collect()
}

spelled! {
    /// Where a criterion points for one trait value.
    pub enum Lean {
        /// Points to Type 1.
        Type1 => "type1",
        /// Points to Type 2.
        Type2 => "type2",
        /// Says the product is not a hypervisor at all.
        NotAHypervisor => "not-a-hypervisor",
        /// Says nothing about the type.
        Neutral => "none",
    }
}

spelled! {
    /// The answer hvkb gives for a product under a school.
    pub enum Verdict {
        /// A Type 1 (native, bare-metal) hypervisor.
        Type1 => "type1",
        /// A Type 2 (hosted) hypervisor.
        Type2 => "type2",
        /// The decisive criteria point different ways: it fits neither type cleanly.
        Neither => "neither",
        /// Not a hypervisor: nothing virtualizes the machine efficiently.
        NotAHypervisor => "not-a-hypervisor",
        /// A decisive fact is unknown, so no verdict can be derived.
        Undetermined => "undetermined",
    }
}

impl Verdict {
    /// A phrase for prose: "Type 1", "neither Type 1 nor Type 2", ...
    pub fn phrase(self) -> &'static str {
        match self {
            Verdict::Type1 => "Type 1",
            Verdict::Type2 => "Type 2",
            Verdict::Neither => "neither Type 1 nor Type 2",
            Verdict::NotAHypervisor => "not a hypervisor",
            Verdict::Undetermined => "undetermined",
        }
    }

    /// A short form for narrow tables: at most seven columns.
    pub fn short(self) -> &'static str {
        match self {
            Verdict::Type1 => "type1",
            Verdict::Type2 => "type2",
            Verdict::Neither => "neither",
            Verdict::NotAHypervisor => "not-hv",
            Verdict::Undetermined => "undet.",
        }
    }

    /// The lean a verdict of this kind agrees with, if any.
    pub fn lean(self) -> Option<Lean> {
        match self {
            Verdict::Type1 => Some(Lean::Type1),
            Verdict::Type2 => Some(Lean::Type2),
            Verdict::NotAHypervisor => Some(Lean::NotAHypervisor),
            Verdict::Neither | Verdict::Undetermined => None,
        }
    }
}

spelled! {
    /// What a product is, which decides whether it is classified by its own facts.
    pub enum Role {
        /// A hypervisor proper: classified by its own facts.
        Hypervisor => "hypervisor",
        /// An emulator: classified by its own facts (the efficiency criterion).
        Emulator => "emulator",
        /// A user-space virtual machine monitor over a backend hypervisor.
        Vmm => "vmm",
        /// A programming interface to a backend hypervisor.
        Api => "api",
        /// A distribution or appliance built around a backend hypervisor.
        Distribution => "distribution",
        /// A graphical front-end over a backend.
        Frontend => "frontend",
        /// A tool that has a backend hypervisor run its virtual machines, classified by its own facts.
        Manager => "manager",
        /// A runtime for isolated programs without a machine of their own (containers, compatibility layers), classified by its own facts.
        Runtime => "runtime",
    }
}

impl Role {
    /// Whether a product in this role takes its verdict from a backend.
    pub fn delegates(self) -> bool {
        !matches!(
            self,
            Role::Hypervisor | Role::Emulator | Role::Manager | Role::Runtime
        )
    }

    /// Whether a product in this role drives a backend that it does not take
    /// its verdict from (a backend is optional for it).
    pub fn drives(self) -> bool {
        matches!(self, Role::Manager)
    }

    /// Whether a product in this role may name a backend.
    pub fn has_backend(self) -> bool {
        self.delegates() || self.drives()
    }

    /// An article and noun for prose: "a VMM", "an API".
    pub fn noun(self) -> &'static str {
        match self {
            Role::Hypervisor => "a hypervisor",
            Role::Emulator => "an emulator",
            Role::Vmm => "a VMM (virtual machine monitor)",
            Role::Api => "an API",
            Role::Distribution => "a distribution",
            Role::Frontend => "a front-end",
            Role::Manager => "a manager of hypervisors",
            Role::Runtime => "a runtime for isolated programs",
        }
    }
}

spelled! {
    /// Whether a product is still developed.
    pub enum Status {
        /// Still developed or sold.
        Active => "active",
        /// No longer developed or sold.
        Discontinued => "discontinued",
    }
}

spelled! {
    /// How a school turns the leans of its decisive criteria into a verdict.
    pub enum Combine {
        /// Every decisive criterion that leans must lean the same way; otherwise neither.
        AllAgree => "all-agree",
        /// The lean most decisive criteria share wins; a tie gives neither.
        Majority => "majority",
    }
}

impl Combine {
    /// The rule in one sentence, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Combine::AllAgree => {
                "a not-a-hypervisor lean from any decisive criterion wins; otherwise every decisive criterion that leans must lean the same way, and if they lean different ways the verdict is neither; an unknown decisive fact gives undetermined"
            }
            Combine::Majority => {
                "a not-a-hypervisor lean from any decisive criterion wins; otherwise the lean most decisive criteria share wins, and a tie gives neither; an unknown decisive fact gives undetermined"
            }
        }
    }
}

spelled! {
    /// What kind of work a source is; each kind has the fields a reader
    /// needs to find it (see the README, "How sources are chosen and recorded").
    pub enum SourceKind {
        /// A paper in a journal or proceedings.
        Paper => "paper",
        /// A book.
        Book => "book",
        /// A chapter in an edited book.
        Chapter => "chapter",
        /// A thesis.
        Thesis => "thesis",
        /// A technical report or white paper with a number.
        Report => "report",
        /// A standard or specification with a number.
        Standard => "standard",
        /// Vendor or project documentation, manual pages.
        Docs => "docs",
        /// A news or magazine article, a press release.
        Article => "article",
        /// A blog post.
        Blog => "blog",
        /// A wiki article.
        Wiki => "wiki",
        /// A forum or question-and-answer thread.
        Forum => "forum",
        /// A file or tree in a project's own repository.
        Code => "code",
        /// A commit in a project's own repository.
        Commit => "commit",
        /// A message in a mailing-list archive.
        MailingList => "mailing-list",
        /// A conference talk or its slides.
        Talk => "talk",
    }
}

/// The bibliographic record of a work: everything a reader needs to find
/// it. Shared by the data model and the JSON contract.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Work {
    /// What kind of work it is.
    pub kind: SourceKind,
    /// Title of the work.
    pub title: String,
    /// Authors: people as `Family, Given`, organisations without a comma.
    pub authors: Vec<String>,
    /// Year of publication, or of retrieval for undated pages.
    pub year: Option<i64>,
    /// A finer date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The journal, proceedings, book (for a chapter) or event (for a talk).
    pub venue: Option<String>,
    /// Volume of the journal or series.
    pub volume: Option<String>,
    /// Issue number.
    pub issue: Option<String>,
    /// Page range.
    pub pages: Option<String>,
    /// Digital Object Identifier, bare (`10.1145/361011.361073`).
    pub doi: Option<String>,
    /// Who publishes it.
    pub publisher: Option<String>,
    /// Edition of a book.
    pub edition: Option<String>,
    /// ISBN of a book or of the book a chapter is in.
    pub isbn: Option<String>,
    /// The part of the work cited (section, chapter).
    pub section: Option<String>,
    /// The university or institution of a thesis or report.
    pub institution: Option<String>,
    /// Report, accession or standard number.
    pub number: Option<String>,
    /// The original publisher's address.
    pub url: Option<String>,
    /// A web.archive.org snapshot of the address.
    pub archive: Option<String>,
    /// When the web content was read (`YYYY-MM-DD`).
    pub retrieved: Option<String>,
    /// The repository of a commit or code.
    pub repository: Option<String>,
    /// The full hash of a commit.
    pub commit: Option<String>,
    /// Marked weak (forum, personal blog, marketing) by the catalog.
    pub weak: bool,
    /// What the source is, or a caveat about it.
    pub note: Option<String>,
}

/// A work facts are taken from: its id, its record, and where each field is
/// written. It dereferences to its [`Work`], so `source.title` reads the record.
#[derive(Clone, Debug)]
pub struct Source {
    /// Stable id, cited by facts.
    pub id: String,
    /// The bibliographic record (boxed: a source moves between several
    /// collections while the data loads, and a pointer moves cheaply).
    pub work: Box<Work>,
    /// Where it is defined.
    pub loc: Loc,
    /// Where each field is written, by key, so lints can point at it.
    pub field_locs: Vec<(&'static str, Loc)>,
}

impl std::ops::Deref for Source {
    type Target = Work;
    fn deref(&self) -> &Work {
        &self.work
    }
}

impl Source {
    /// Where a field is written, or the source itself when it is absent.
    pub fn field_loc(&self, key: &str) -> &Loc {
        self.field_locs
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&self.loc, |(_, l)| l)
    }
}

/// One allowed value of a trait.
#[derive(Clone, Debug)]
pub struct TraitValue {
    /// The value as written in data (`os-kernel`).
    pub id: String,
    /// What it means, in one sentence.
    pub meaning: String,
}

/// A kind of architecture fact a product can have.
#[derive(Clone, Debug)]
pub struct TraitDef {
    /// Stable id.
    pub id: String,
    /// The question the trait answers.
    pub question: String,
    /// Allowed values, in data order (`unknown` is always allowed besides these).
    pub values: Vec<TraitValue>,
    /// Where it is defined.
    pub loc: Loc,
}

impl TraitDef {
    /// The allowed value with this id.
    pub fn value(&self, id: &str) -> Option<&TraitValue> {
        self.values.iter().find(|v| v.id == id)
    }

    /// The allowed value ids, in data order.
    pub fn value_ids(&self) -> Vec<&str> {
        self.values.iter().map(|v| v.id.as_str()).collect()
    }
}

/// One question about one trait, mapping each value to a lean.
#[derive(Clone, Debug)]
pub struct Criterion {
    /// Stable id.
    pub id: String,
    /// The trait it reads.
    pub trait_ref: Ref,
    /// A short title (the question it asks).
    pub title: String,
    /// Why this question bears on the type, in a sentence or two.
    pub rationale: String,
    /// The lean for each value of the trait, as listed (value ids with where they are written).
    pub leans: Vec<(Ref, Lean)>,
    /// Who uses this criterion.
    pub sources: Vec<Ref>,
    /// Conventions: how some values are read, stated with their own reasons.
    pub conventions: Vec<Convention>,
    /// Where it is defined.
    pub loc: Loc,
}

impl Criterion {
    /// The lean for a value; values the criterion does not map have no lean.
    pub fn lean(&self, value: &str) -> Lean {
        self.leans
            .iter()
            .find(|(v, _)| v.id == value)
            .map_or(Lean::Neutral, |(_, l)| *l)
    }

    /// The lean for a value, or `None` when the value is `unknown`.
    pub fn reading(&self, value: &str) -> Option<Lean> {
        (value != UNKNOWN).then(|| self.lean(value))
    }

    /// The trait it reads.
    pub fn trait_id(&self) -> &str {
        &self.trait_ref.id
    }

    /// The convention that covers a value, if any.
    pub fn convention(&self, value: &str) -> Option<&Convention> {
        self.conventions
            .iter()
            .find(|c| c.values.iter().any(|v| v.id == value))
    }
}

/// A convention a criterion follows for some values. It decides verdicts,
/// so it is stated, with its rationale and sources, rather than hidden in
/// the facts.
#[derive(Clone, Debug)]
pub struct Convention {
    /// Stable id.
    pub id: String,
    /// The trait values it covers.
    pub values: Vec<Ref>,
    /// The convention and why it is reasonable.
    pub rationale: String,
    /// Who argues it, or documents the design it rests on.
    pub sources: Vec<Ref>,
    /// Where it is defined.
    pub loc: Loc,
}

/// A camp of the debate: which criteria decide and how they combine.
#[derive(Clone, Debug)]
pub struct School {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who argues it and what it holds, in a sentence or two.
    pub summary: String,
    /// The decisive criteria, by id, in order.
    pub decisive: Vec<Ref>,
    /// The combination rule.
    pub combine: Combine,
    /// Who argues it.
    pub sources: Vec<Ref>,
    /// Where it is defined.
    pub loc: Loc,
}

impl School {
    /// Whether the school holds a criterion decisive.
    pub fn decides_by(&self, criterion: &str) -> bool {
        self.decisive.iter().any(|r| r.id == criterion)
    }
}

/// A product's value for one trait, with where it comes from.
#[derive(Clone, Debug)]
pub struct Fact {
    /// The value (`unknown` when not known).
    pub value: String,
    /// The sources that support it.
    pub sources: Vec<Ref>,
    /// A note that qualifies it (required for `unknown`).
    pub note: Option<String>,
    /// Where the value is written.
    pub loc: Loc,
    /// Where the trait's name is written.
    pub key_loc: Loc,
}

impl Fact {
    /// Whether the value is `unknown`.
    pub fn is_unknown(&self) -> bool {
        self.value == UNKNOWN
    }
}

/// A variant of a product whose facts differ.
#[derive(Clone, Debug)]
pub struct Configuration {
    /// Stable id within the product.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What differs, in a sentence.
    pub description: String,
    /// The role in this configuration, when it differs.
    pub role: Option<Role>,
    /// The backend in this configuration, when it differs.
    pub backend: Option<Ref>,
    /// The host architectures this configuration is for (empty: any of the product's).
    pub architectures: Vec<String>,
    /// Facts that differ from the product's own.
    pub traits: BTreeMap<String, Fact>,
    /// Sources for what the configuration says (its role and backend).
    pub sources: Vec<Ref>,
    /// Names that mean the product in this configuration (a package name, say).
    pub aliases: Vec<Located<String>>,
    /// Where it is defined.
    pub loc: Loc,
}

/// A recorded disagreement between sources about one of a product's facts,
/// or (about [`CLASSIFICATION`]) about what to call the product.
#[derive(Clone, Debug)]
pub struct Dispute {
    /// The field or trait in question.
    pub about: String,
    /// What the sources say, in our words.
    pub note: String,
    /// The sources on each side.
    pub sources: Vec<Ref>,
    /// Where it is written.
    pub loc: Loc,
}

/// A name other tools give a hypervisor (the identifiers a detection tool
/// prints, often a vendor's name), and the catalog subjects it can mean.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The identifier, as the tools print it.
    pub id: String,
    /// What it names, in words.
    pub name: String,
    /// The products (or `product@config`) it can mean.
    pub candidates: Vec<Ref>,
    /// Where the identifier and its meaning are documented.
    pub sources: Vec<Ref>,
    /// What cannot be told apart, if anything.
    pub note: Option<String>,
    /// Where it is defined.
    pub loc: Loc,
}

/// Facts a user's file sets on a product (or one of its configurations)
/// defined elsewhere, without copying the whole entry: `[[patch]]`.
#[derive(Clone, Debug)]
pub struct Patch {
    /// The product, or `product@config`.
    pub target: Ref,
    /// The facts it sets, by trait id.
    pub traits: BTreeMap<String, Fact>,
    /// Where it is written.
    pub loc: Loc,
}

/// A hypervisor, VMM, API, distribution or emulator with its facts.
#[derive(Clone, Debug)]
pub struct Product {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other names it is looked up by.
    pub aliases: Vec<Located<String>>,
    /// Who makes it.
    pub vendor: String,
    /// Year of first public release.
    pub first_release: Option<i64>,
    /// SPDX expression, or `proprietary`.
    pub license: String,
    /// Active or discontinued.
    pub status: Status,
    /// What it is.
    pub role: Role,
    /// For a VMM, API, distribution or front-end: the product it runs on.
    pub backend: Option<Ref>,
    /// Host CPU architectures.
    pub architectures: Vec<String>,
    /// Project or product page.
    pub homepage: Option<String>,
    /// What it is, in a sentence or two.
    pub description: String,
    /// Sources for the metadata (vendor, release, licence).
    pub sources: Vec<Ref>,
    /// Architecture facts, by trait id.
    pub traits: BTreeMap<String, Fact>,
    /// Variants whose facts differ.
    pub configurations: Vec<Configuration>,
    /// Recorded disagreements between sources.
    pub disputes: Vec<Dispute>,
    /// Where it is defined (its `[[product]]` table).
    pub loc: Loc,
    /// Where its `id` is written.
    pub id_loc: Loc,
    /// Where its `name` is written.
    pub name_loc: Loc,
}

impl Product {
    /// The configuration with this id (case-insensitive).
    pub fn configuration(&self, id: &str) -> Option<&Configuration> {
        self.configurations
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// Every source the product's record cites, in first-cited order.
    pub fn cited_sources(&self) -> Vec<&str> {
        let all = self
            .sources
            .iter()
            .chain(self.traits.values().flat_map(|f| f.sources.iter()))
            .chain(self.disputes.iter().flat_map(|d| d.sources.iter()))
            .chain(self.configurations.iter().flat_map(|c| {
                c.sources
                    .iter()
                    .chain(c.traits.values().flat_map(|f| f.sources.iter()))
            }));
        first_seen(all.map(|r| r.id.as_str()))
    }

    /// The disputes about what to call the product as a whole.
    pub fn classification_disputes(&self) -> impl Iterator<Item = &Dispute> {
        self.disputes.iter().filter(|d| d.about == CLASSIFICATION)
    }
}

/// The items in first-seen order, each once.
pub fn first_seen<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = rustc_hash::FxHashSet::default();
    items.into_iter().filter(|i| seen.insert(*i)).collect()
}

spelled! {
    /// Where an effective fact comes from.
    pub enum Origin {
        /// The product's own facts in the catalog.
        Catalog => "catalog",
        /// The configuration's facts, which override the product's.
        Configuration => "configuration",
        /// Assumed on the command line.
        Assumed => "assumed",
        /// The product has no such fact.
        Missing => "missing",
    }
}

/// A product in one of its configurations, or in its default one: the
/// thing hvkb classifies. Its role, backend and facts are the
/// configuration's where it has them, else the product's.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'k> {
    /// The product.
    pub product: &'k Product,
    /// The configuration, when not the default.
    pub configuration: Option<&'k Configuration>,
}

impl<'k> Subject<'k> {
    /// A product in its default configuration.
    pub fn of(product: &'k Product) -> Self {
        Subject {
            product,
            configuration: None,
        }
    }

    /// The product in one of its configurations.
    pub fn in_configuration(product: &'k Product, configuration: &'k Configuration) -> Self {
        Subject {
            product,
            configuration: Some(configuration),
        }
    }

    /// The effective role.
    pub fn role(self) -> Role {
        self.configuration
            .and_then(|c| c.role)
            .unwrap_or(self.product.role)
    }

    /// The effective backend.
    pub fn backend(self) -> Option<&'k Ref> {
        self.configuration
            .and_then(|c| c.backend.as_ref())
            .or(self.product.backend.as_ref())
    }

    /// The effective fact for a trait, and whether the configuration or the
    /// catalog's product record gives it.
    pub fn fact(self, trait_id: &str) -> Option<(&'k Fact, Origin)> {
        match self.configuration.and_then(|c| c.traits.get(trait_id)) {
            Some(f) => Some((f, Origin::Configuration)),
            None => self
                .product
                .traits
                .get(trait_id)
                .map(|f| (f, Origin::Catalog)),
        }
    }

    /// The host architectures it is for.
    pub fn architectures(self) -> &'k [String] {
        match self.configuration {
            Some(c) if !c.architectures.is_empty() => &c.architectures,
            _ => &self.product.architectures,
        }
    }

    /// Where it is defined: the configuration's table, else the product's.
    pub fn loc(self) -> &'k Loc {
        self.configuration.map_or(&self.product.loc, |c| &c.loc)
    }

    /// Its reference, `id` or `id@config`.
    pub fn reference(self) -> SubjectRef {
        SubjectRef {
            product: self.product.id.clone(),
            configuration: self.configuration.map(|c| c.id.clone()),
        }
    }
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.product.id)?;
        if let Some(c) = self.configuration {
            write!(f, "@{}", c.id)?;
        }
        Ok(())
    }
}

/// A product named by id, name or alias, with an optional configuration:
/// `PRODUCT` or `PRODUCT@CONFIG`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectRef {
    /// The product's id, name or alias.
    pub product: String,
    /// The configuration's id.
    pub configuration: Option<String>,
}

impl std::str::FromStr for SubjectRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (product, configuration) = match s.rsplit_once('@') {
            Some((p, c)) => (p.trim(), Some(c.trim())),
            None => (s.trim(), None),
        };
        if product.is_empty() {
            return Err(format!("`{s}` names no product"));
        }
        if configuration.is_some_and(str::is_empty) {
            return Err(format!("`{s}` names no configuration after `@`"));
        }
        Ok(SubjectRef {
            product: product.to_string(),
            configuration: configuration.map(String::from),
        })
    }
}

impl fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.product)?;
        if let Some(c) = &self.configuration {
            write!(f, "@{c}")?;
        }
        Ok(())
    }
}

/// Why a [`SubjectRef`] names nothing.
#[derive(Clone, Copy, Debug)]
pub enum Unresolved<'k> {
    /// No product has that id, name or alias.
    Product,
    /// The product exists but has no such configuration.
    Configuration(&'k Product),
}

/// A host whose copies of other people's works are not citable (a mirror,
/// scraper, aggregator, pirate copy, homework or AI site, proxy, or fork).
#[derive(Clone, Debug)]
pub struct Untrusted {
    /// A host (`docslib.org`, which also covers its subdomains), or a host
    /// and path prefix (`github.com/mirror/`).
    pub prefix: String,
    /// What the host is (`mirror`, `scraper`, `fork`, ...).
    pub class: String,
    /// Why it is listed.
    pub note: String,
    /// Where it is defined.
    pub loc: Loc,
}

/// The host (lower-case, without port or user) and the path (without the
/// leading `/`) of an `http(s)://` address.
pub fn split_url(url: &str) -> Option<(String, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    Some((host.to_ascii_lowercase(), path))
}

/// Everything loaded: the input of validation and of the engine. Build it
/// with [`Knowledge::new`], which sorts the products and indexes every id.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    /// Sources, by id.
    pub sources: BTreeMap<String, Source>,
    /// Traits, in data order.
    pub traits: Vec<TraitDef>,
    /// Criteria, in data order.
    pub criteria: Vec<Criterion>,
    /// Schools, in data order; the first is the default.
    pub schools: Vec<School>,
    /// Products, sorted by id.
    pub products: Vec<Product>,
    /// Hosts whose pages may not be cited.
    pub untrusted: Vec<Untrusted>,
    /// Names other tools give hypervisors.
    pub identities: Vec<Identity>,
    /// What a machine shows, and what it can mean (for `hvkb detect`).
    pub signals: Vec<Signal>,
    /// Hypervisors as machines show them.
    pub machines: Vec<Machine>,
    /// The names of the user's files (not built in), by file id, so output
    /// can say which file a fact came from.
    pub user_files: rustc_hash::FxHashMap<usize, String>,
    index: Index,
}

/// Positions by id, so every lookup is a map access.
#[derive(Clone, Debug, Default)]
struct Index {
    traits: rustc_hash::FxHashMap<String, usize>,
    criteria: rustc_hash::FxHashMap<String, usize>,
    schools: rustc_hash::FxHashMap<String, usize>,
    products: rustc_hash::FxHashMap<String, usize>,
    /// Lower-cased ids, names and aliases; an id wins over another product's name.
    names: rustc_hash::FxHashMap<String, (usize, Option<usize>)>,
}

/// A name as lookups compare it: lower case, letters and digits only, so
/// `Alpha-HV`, `alpha hv` and `alphahv` are the same name.
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn positions(ids: impl Iterator<Item = String>) -> rustc_hash::FxHashMap<String, usize> {
    let mut map = rustc_hash::FxHashMap::default();
    map.reserve(ids.size_hint().0);
    for (i, id) in ids.enumerate() {
        map.entry(id).or_insert(i);
    }
    map
}

impl Knowledge {
    /// The user's file a place is in, if it is not built in.
    pub fn user_file(&self, loc: &Loc) -> Option<&str> {
        self.user_files.get(&loc.file.0).map(String::as_str)
    }

    /// Builds the knowledge base: products sorted by id, every id indexed.
    pub fn new(
        sources: BTreeMap<String, Source>,
        traits: Vec<TraitDef>,
        criteria: Vec<Criterion>,
        schools: Vec<School>,
        products: Vec<Product>,
        untrusted: Vec<Untrusted>,
        identities: Vec<Identity>,
    ) -> Self {
        // Sorted through an index: a product is a few hundred bytes, and a
        // sort that moved products would move each one many times.
        let mut order: Vec<(&str, usize)> = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        order.sort_unstable();
        let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
        let mut slots: Vec<Option<Product>> = products.into_iter().map(Some).collect();
        let products: Vec<Product> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let mut names: rustc_hash::FxHashMap<String, (usize, Option<usize>)> =
            rustc_hash::FxHashMap::default();
        names.reserve(products.iter().map(|p| 2 + p.aliases.len()).sum());
        // Ids first, so an id wins over another product's name.
        for (i, p) in products.iter().enumerate() {
            names.entry(fold(&p.id)).or_insert((i, None));
        }
        for (i, p) in products.iter().enumerate() {
            let own = std::iter::once(&p.name).chain(p.aliases.iter().map(|a| &a.value));
            for n in own {
                names.entry(fold(n)).or_insert((i, None));
            }
            for (c, cf) in p.configurations.iter().enumerate() {
                for a in &cf.aliases {
                    names.entry(fold(&a.value)).or_insert((i, Some(c)));
                }
            }
        }
        let index = Index {
            traits: positions(traits.iter().map(|t| t.id.clone())),
            criteria: positions(criteria.iter().map(|c| c.id.clone())),
            schools: positions(schools.iter().map(|s| s.id.to_lowercase())),
            products: positions(products.iter().map(|p| p.id.clone())),
            names,
        };
        Knowledge {
            sources,
            traits,
            criteria,
            schools,
            products,
            untrusted,
            identities,
            signals: Vec::new(),
            machines: Vec::new(),
            user_files: rustc_hash::FxHashMap::default(),
            index,
        }
    }

    /// The trait with this id.
    pub fn trait_def(&self, id: &str) -> Option<&TraitDef> {
        self.index.traits.get(id).map(|&i| &self.traits[i])
    }

    /// The criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.index.criteria.get(id).map(|&i| &self.criteria[i])
    }

    /// The school with this id (case-insensitive).
    pub fn school(&self, id: &str) -> Option<&School> {
        self.index
            .schools
            .get(&id.to_lowercase())
            .map(|&i| &self.schools[i])
    }

    /// The default school: the first one.
    pub fn default_school(&self) -> Option<&School> {
        self.schools.first()
    }

    /// The product with this exact id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.index.products.get(id).map(|&i| &self.products[i])
    }

    /// The product a user means by `name`: over ids, names and aliases,
    /// ignoring case, spaces and punctuation (`alpha hv`, `AlphaHV` and
    /// `alpha-hv` are one name); an id wins over another product's name.
    pub fn lookup(&self, name: &str) -> Option<&Product> {
        self.lookup_subject(name).map(|s| s.product)
    }

    /// As [`Knowledge::lookup`], but an alias of a configuration gives the
    /// product in that configuration.
    pub fn lookup_subject(&self, name: &str) -> Option<Subject<'_>> {
        let &(i, c) = self.index.names.get(&fold(name))?;
        let p = &self.products[i];
        Some(match c.and_then(|c| p.configurations.get(c)) {
            Some(cf) => Subject::in_configuration(p, cf),
            None => Subject::of(p),
        })
    }

    /// The identity another tool prints (a vendor's name, say), ignoring
    /// case, spaces and punctuation.
    pub fn identity_named(&self, name: &str) -> Option<&Identity> {
        let key = fold(name);
        self.identities.iter().find(|x| fold(&x.id) == key)
    }

    /// The subject a user names: a product by id, name or alias, and
    /// optionally one of its configurations.
    pub fn subject(&self, r: &SubjectRef) -> Result<Subject<'_>, Unresolved<'_>> {
        let found = self.lookup_subject(&r.product).ok_or(Unresolved::Product)?;
        let product = found.product;
        match &r.configuration {
            None => Ok(found),
            Some(c) => product
                .configuration(c)
                .map(|c| Subject::in_configuration(product, c))
                .ok_or(Unresolved::Configuration(product)),
        }
    }

    /// Resolves a backend reference written in data: an exact product id,
    /// optionally with a configuration (`id@config`).
    pub fn backend(&self, reference: &str) -> Option<Subject<'_>> {
        let (id, config) = match reference.rsplit_once('@') {
            Some((id, c)) => (id, Some(c)),
            None => (reference, None),
        };
        let product = self.product(id)?;
        match config {
            None => Some(Subject::of(product)),
            Some(c) => Some(Subject::in_configuration(
                product,
                product.configuration(c)?,
            )),
        }
    }

    /// A subject's identity, cheap to compare and hash: the addresses of
    /// its product and configuration.
    pub fn identity(s: Subject<'_>) -> (usize, usize) {
        (
            s.product as *const Product as usize,
            s.configuration
                .map_or(0, |c| c as *const Configuration as usize),
        )
    }

    /// Every name a product can be looked up by, for suggestions.
    pub fn names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        for p in &self.products {
            names.push(p.id.as_str());
            names.push(p.name.as_str());
            names.extend(p.aliases.iter().map(|a| a.value.as_str()));
        }
        names.extend(self.identities.iter().map(|x| x.id.as_str()));
        names
    }

    /// Every subject: each product in its default configuration, then in each of its configurations.
    pub fn subjects(&self) -> impl Iterator<Item = Subject<'_>> {
        self.products.iter().flat_map(|p| {
            std::iter::once(Subject::of(p)).chain(
                p.configurations
                    .iter()
                    .map(move |c| Subject::in_configuration(p, c)),
            )
        })
    }
}

/// What a machine shows, and what it can mean: one row of the detection
/// table (`[[signal]]`). A signal reads one thing (a CPUID leaf, a DMI
/// field, a file, a directory's entries), tests it, and says what a match
/// points to.
#[derive(Clone, Debug)]
pub struct Signal {
    /// Its id, for `requires` and `unless` of other signals.
    pub id: String,
    /// What it reads.
    pub read: Probe,
    /// How the value read is tested.
    pub test: Test,
    /// What a match means.
    pub means: Means,
    /// The hypervisor a `guest` or `host` signal points to.
    pub hypervisor: Option<Ref>,
    /// A name for what a `container`, `translator`, or refinement signal
    /// found (a container engine, a machine monitor, a platform).
    pub label: Option<String>,
    /// Precedence among guest signals: the lowest rank decides.
    pub rank: u32,
    /// Other signals that must match too.
    pub requires: Vec<Ref>,
    /// Other signals that must not match.
    pub unless: Vec<Ref>,
    /// A refinement applies to these hypervisors.
    pub applies_to: Vec<Ref>,
    /// A refinement replaces the candidates with these (when not empty).
    pub candidates: Vec<Ref>,
    /// Candidates a match adds, when it cannot rule them out.
    pub adds: Vec<Ref>,
    /// A host signal that makes this system the hypervisor's own privileged
    /// partition, so it is that hypervisor's host and not its guest.
    pub partition: bool,
    /// Other hypervisors imitate this signal, so when it loses to another
    /// it is a paravirtual interface, not a disagreement.
    pub imitated: bool,
    /// It shows that some hypervisor is there, not which: it gives way to
    /// a host partition, and losing to a named one is no disagreement.
    pub generic: bool,
    /// Hypervisors this signal may point past without disagreeing: the
    /// machine monitor it names runs on them.
    pub compatible: Vec<Ref>,
    /// A sentence shown with the result when the signal is used.
    pub note: Option<String>,
    /// Where the meaning of the signal is documented.
    pub sources: Vec<Ref>,
    /// Where it is written.
    pub loc: Loc,
}

/// What a signal reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The 12-byte vendor signature at any hypervisor CPUID base.
    CpuidSignature,
    /// A vendor signature at the first hypervisor base that no signal names.
    CpuidUnknown,
    /// Whether CPUID could be read at all.
    Cpuid,
    /// Bits of one CPUID register.
    CpuidBits {
        /// The leaf (EAX in).
        leaf: u32,
        /// The sub-leaf (ECX in).
        subleaf: u32,
        /// The register out.
        register: Register,
        /// Bits that must be set.
        set: Vec<u32>,
        /// Bits that must be clear.
        clear: Vec<u32>,
    },
    /// DMI fields (`/sys/class/dmi/id/<field>`), the first that matches.
    Dmi(Vec<String>),
    /// The SMBIOS "system is a virtual machine" bit.
    SmbiosVmBit,
    /// A file under the root, whole or by a `key: value` line.
    File {
        /// The path, relative to the root.
        path: String,
        /// The key of a `key: value` (or `key=value`) line to read, if not
        /// the whole file.
        key: Option<String>,
    },
    /// The names of a directory's entries.
    Entries(String),
    /// The machine's architecture.
    Arch,
}

/// A CPUID register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Register {
    /// EAX.
    Eax,
    /// EBX.
    Ebx,
    /// ECX.
    Ecx,
    /// EDX.
    Edx,
}

/// How a signal tests what it read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    /// It is there (and, for CPUID bits, the bits are as asked).
    Present,
    /// It is this text (after trimming).
    Equals(String),
    /// It starts with this text.
    Prefix(String),
    /// It holds this text.
    Contains(String),
    /// Read as hexadecimal, this bit is set.
    HexBit(u32),
}

/// What a signal's match means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Means {
    /// This system runs under the hypervisor.
    Guest,
    /// This system hosts (or can host) the hypervisor's guests.
    Host,
    /// This system is a container (informational: not a hypervisor).
    Container,
    /// A translation layer, not a hypervisor.
    Translator,
    /// Narrows the candidates of a hypervisor found otherwise.
    Refine,
    /// Read only to make other signals' conditions possible.
    Condition,
}

/// A hypervisor as the machine shows it (`[[hypervisor]]`): the catalog
/// products it can be, or why it is not in the catalog.
#[derive(Clone, Debug)]
pub struct Machine {
    /// Its id, which signals point to.
    pub id: String,
    /// Its name, in words.
    pub name: String,
    /// The catalog products or configurations it can be.
    pub candidates: Vec<Ref>,
    /// Why the candidates cannot be told apart from inside a guest.
    pub cannot_tell: Option<String>,
    /// Why it is not in the catalog, when it has no candidates.
    pub missing: Option<String>,
    /// Where it is documented.
    pub sources: Vec<Ref>,
    /// Where it is written.
    pub loc: Loc,
}
