//! The knowledge base as the rest of the program sees it.
//!
//! Four layers, all read from data (see `DESIGN.md`): **sources** (papers,
//! vendor documents, source code), **traits** (the architecture facts a
//! product can have, with their allowed values), **criteria** (one question
//! about one trait, mapping each value to a lean), **schools** (which
//! criteria decide, and how they combine) and **products** (facts with
//! sources). No verdict is stored anywhere: [`crate::engine`] derives it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::diagnostic::Loc;

/// The value every trait accepts when a fact is not known.
pub const UNKNOWN: &str = "unknown";

/// A reference by id to another entity (a source, a criterion, a product),
/// with where it is written so a dangling one can be pointed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// The id referred to.
    pub id: String,
    /// Where the reference is written.
    pub loc: Loc,
}

/// Ids of a list of references, for output.
pub fn ref_ids(refs: &[Ref]) -> Vec<&str> {
    refs.iter().map(|r| r.id.as_str()).collect()
}

/// Where a criterion points for one trait value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lean {
    /// Points to Type 1.
    Type1,
    /// Points to Type 2.
    Type2,
    /// Says the product is not a hypervisor at all (an emulator).
    NotAHypervisor,
    /// Says nothing about the type.
    None,
}

impl Lean {
    /// The spelling used in data files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Lean::Type1 => "type1",
            Lean::Type2 => "type2",
            Lean::NotAHypervisor => "not-a-hypervisor",
            Lean::None => "none",
        }
    }

    /// Every lean, in the order data files list them.
    pub const ALL: [Lean; 4] = [Lean::Type1, Lean::Type2, Lean::NotAHypervisor, Lean::None];
}

impl fmt::Display for Lean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer hvkb gives for a product under a school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// A Type 1 (native, bare-metal) hypervisor.
    Type1,
    /// A Type 2 (hosted) hypervisor.
    Type2,
    /// The decisive criteria point different ways: it fits neither type cleanly.
    Neither,
    /// Not a hypervisor: an emulator that interprets every instruction.
    NotAHypervisor,
    /// A decisive fact is unknown, so no verdict can be derived.
    Undetermined,
}

impl Verdict {
    /// The spelling used in output (`type1`, `not-a-hypervisor`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Type1 => "type1",
            Verdict::Type2 => "type2",
            Verdict::Neither => "neither",
            Verdict::NotAHypervisor => "not-a-hypervisor",
            Verdict::Undetermined => "undetermined",
        }
    }

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
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a product is, which decides whether it is classified by its own facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A hypervisor proper: classified by its own facts.
    Hypervisor,
    /// An emulator: classified by its own facts (the efficiency criterion).
    Emulator,
    /// A user-space virtual machine monitor over a backend hypervisor.
    Vmm,
    /// A programming interface to a backend hypervisor.
    Api,
    /// A distribution or appliance built around a backend hypervisor.
    Distribution,
    /// A graphical front-end over a backend.
    Frontend,
}

impl Role {
    /// Every role with its spelling in data files.
    pub const ALL: [(Role, &'static str); 6] = [
        (Role::Hypervisor, "hypervisor"),
        (Role::Emulator, "emulator"),
        (Role::Vmm, "vmm"),
        (Role::Api, "api"),
        (Role::Distribution, "distribution"),
        (Role::Frontend, "frontend"),
    ];

    /// The spelling used in data files and output.
    pub fn as_str(self) -> &'static str {
        Role::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("hypervisor", |(_, s)| s)
    }

    /// Parses a spelling from a data file.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(r, _)| *r)
    }

    /// Whether a product in this role takes its verdict from a backend.
    pub fn delegates(self) -> bool {
        !matches!(self, Role::Hypervisor | Role::Emulator)
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
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a product is still developed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Still developed or sold.
    Active,
    /// No longer developed or sold.
    Discontinued,
}

impl Status {
    /// The spelling used in data files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Discontinued => "discontinued",
        }
    }

    /// Parses a spelling from a data file.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "discontinued" => Some(Status::Discontinued),
            _ => None,
        }
    }
}

/// What kind of work a source is; each kind has the fields a reader needs
/// to find it (see the README, "How sources are chosen and recorded").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A paper in a journal or proceedings.
    Paper,
    /// A book.
    Book,
    /// A chapter in an edited book.
    Chapter,
    /// A thesis.
    Thesis,
    /// A technical report or white paper with a number.
    Report,
    /// A standard or specification with a number.
    Standard,
    /// Vendor or project documentation, manual pages.
    Docs,
    /// A news or magazine article, a press release.
    Article,
    /// A blog post.
    Blog,
    /// A wiki article.
    Wiki,
    /// A forum or question-and-answer thread.
    Forum,
    /// A file or tree in a project's own repository.
    Code,
    /// A commit in a project's own repository.
    Commit,
    /// A message in a mailing-list archive.
    MailingList,
    /// A conference talk or its slides.
    Talk,
}

impl SourceKind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [SourceKind; 15] = [
        SourceKind::Paper,
        SourceKind::Book,
        SourceKind::Chapter,
        SourceKind::Thesis,
        SourceKind::Report,
        SourceKind::Standard,
        SourceKind::Docs,
        SourceKind::Article,
        SourceKind::Blog,
        SourceKind::Wiki,
        SourceKind::Forum,
        SourceKind::Code,
        SourceKind::Commit,
        SourceKind::MailingList,
        SourceKind::Talk,
    ];

    /// The spelling used in data files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Paper => "paper",
            SourceKind::Book => "book",
            SourceKind::Chapter => "chapter",
            SourceKind::Thesis => "thesis",
            SourceKind::Report => "report",
            SourceKind::Standard => "standard",
            SourceKind::Docs => "docs",
            SourceKind::Article => "article",
            SourceKind::Blog => "blog",
            SourceKind::Wiki => "wiki",
            SourceKind::Forum => "forum",
            SourceKind::Code => "code",
            SourceKind::Commit => "commit",
            SourceKind::MailingList => "mailing-list",
            SourceKind::Talk => "talk",
        }
    }

    /// Parses a spelling from a data file.
    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A work facts are taken from, with the fields a reader needs to find it.
#[derive(Clone, Debug, Serialize)]
pub struct Source {
    /// Stable id, cited by facts.
    pub id: String,
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
    /// Where it is defined.
    #[serde(skip)]
    pub loc: Loc,
    /// Where each field is written, by key, so lints can point at it.
    #[serde(skip)]
    pub field_locs: BTreeMap<&'static str, Loc>,
}

impl Source {
    /// Where a field is written, or the source itself when it is absent.
    pub fn field_loc(&self, key: &str) -> &Loc {
        self.field_locs.get(key).unwrap_or(&self.loc)
    }

    /// A one-line citation: authors, year, title, venue or publisher, identifiers, URL.
    pub fn citation(&self) -> String {
        let mut parts = Vec::new();
        if !self.authors.is_empty() {
            parts.push(self.authors.join("; "));
        }
        parts.push(
            self.year
                .map_or_else(|| "n.d.".to_string(), |y| y.to_string()),
        );
        parts.push(self.title.clone());
        let mut venue = Vec::new();
        for v in [&self.venue, &self.edition.as_ref().map(|e| format!("{e} ed."))]
            .into_iter()
            .flatten()
        {
            venue.push(v.clone());
        }
        if let Some(v) = &self.volume {
            venue.push(match &self.issue {
                Some(i) => format!("{v}({i})"),
                None => v.clone(),
            });
        }
        if let Some(p) = &self.pages {
            venue.push(format!("pp. {p}"));
        }
        if let Some(s) = &self.section {
            venue.push(format!("§{s}"));
        }
        for v in [&self.institution, &self.publisher, &self.number]
            .into_iter()
            .flatten()
        {
            if !venue.contains(v) {
                venue.push(v.clone());
            }
        }
        if !venue.is_empty() {
            parts.push(venue.join(", "));
        }
        if let Some(i) = &self.isbn {
            parts.push(format!("ISBN {i}"));
        }
        if let Some(d) = &self.doi {
            parts.push(format!("doi:{d}"));
        }
        if let Some(c) = &self.commit {
            parts.push(format!("commit {c}"));
        }
        let mut s = parts.join(". ");
        if let Some(u) = &self.url {
            s.push_str(" <");
            s.push_str(u);
            s.push('>');
        }
        if self.weak {
            s.push_str(" (weak source)");
        }
        s
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

/// A kind of architecture fact a product can have (`placement`, `host_mode`, ...).
#[derive(Clone, Debug)]
pub struct TraitDef {
    /// Stable id (`host_mode`).
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
    /// Stable id (`host-mode`).
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

/// A convention a criterion follows for some values, which decides verdicts
/// and so is stated, with its rationale and sources, rather than hidden in
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

impl Criterion {
    /// The lean for a value; values the criterion does not map have no lean.
    pub fn lean(&self, value: &str) -> Lean {
        self.leans
            .iter()
            .find(|(v, _)| v.id == value)
            .map_or(Lean::None, |(_, l)| *l)
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

/// How a school turns the leans of its decisive criteria into a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Combine {
    /// Every decisive criterion that leans must lean the same way; otherwise `neither`.
    AllAgree,
    /// The lean most decisive criteria share wins; a tie gives `neither`.
    Majority,
}

impl Combine {
    /// Every rule with its spelling in data files.
    pub const ALL: [(Combine, &'static str); 2] = [
        (Combine::AllAgree, "all-agree"),
        (Combine::Majority, "majority"),
    ];

    /// The spelling used in data files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Combine::AllAgree => "all-agree",
            Combine::Majority => "majority",
        }
    }

    /// Parses a spelling from a data file.
    pub fn parse(s: &str) -> Option<Combine> {
        Combine::ALL.iter().find(|(_, n)| *n == s).map(|(c, _)| *c)
    }

    /// The rule in one sentence, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Combine::AllAgree => {
                "an emulator verdict from any decisive criterion wins; otherwise every decisive criterion that leans must lean the same way, and if they lean different ways the verdict is neither; an unknown decisive fact gives undetermined"
            }
            Combine::Majority => {
                "an emulator verdict from any decisive criterion wins; otherwise the lean most decisive criteria share wins, and a tie gives neither; an unknown decisive fact gives undetermined"
            }
        }
    }
}

/// A camp of the debate: which criteria decide and how they combine.
#[derive(Clone, Debug)]
pub struct School {
    /// Stable id (`consensus`).
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

/// A variant of a product whose facts differ (Hyper-V on client Windows, QEMU with KVM, ...).
#[derive(Clone, Debug)]
pub struct Configuration {
    /// Stable id within the product (`client`).
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
    /// Where it is defined.
    pub loc: Loc,
}

/// A recorded disagreement between sources about one of a product's facts.
#[derive(Clone, Debug)]
pub struct Dispute {
    /// The field or trait in question (`first_release`, `placement`).
    pub about: String,
    /// What the sources say, in our words.
    pub note: String,
    /// The sources on each side.
    pub sources: Vec<Ref>,
    /// Where it is written.
    pub loc: Loc,
}

/// A hypervisor, VMM, API, distribution or emulator with its facts.
#[derive(Clone, Debug)]
pub struct Product {
    /// Stable id (`kvm`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other names it is looked up by.
    pub aliases: Vec<Ref>,
    /// Who makes it.
    pub vendor: String,
    /// Year of first release.
    pub first_release: Option<i64>,
    /// SPDX id, or `proprietary`.
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
}

impl Product {
    /// The configuration with this id.
    pub fn configuration(&self, id: &str) -> Option<&Configuration> {
        self.configurations
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// The role in a configuration: the configuration's own, else the product's.
    pub fn role_in(&self, configuration: Option<&Configuration>) -> Role {
        configuration.and_then(|c| c.role).unwrap_or(self.role)
    }

    /// The backend in a configuration: the configuration's own, else the product's.
    pub fn backend_in<'a>(&'a self, configuration: Option<&'a Configuration>) -> Option<&'a Ref> {
        configuration
            .and_then(|c| c.backend.as_ref())
            .or(self.backend.as_ref())
    }

    /// A trait's fact in a configuration, and whether the configuration
    /// (rather than the product) gives it.
    pub fn fact_in<'a>(
        &'a self,
        configuration: Option<&'a Configuration>,
        trait_id: &str,
    ) -> Option<(&'a Fact, bool)> {
        match configuration.and_then(|c| c.traits.get(trait_id)) {
            Some(f) => Some((f, true)),
            None => self.traits.get(trait_id).map(|f| (f, false)),
        }
    }
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

impl Untrusted {
    /// Whether an address is on this host (and under its path prefix).
    pub fn covers(&self, url: &str) -> bool {
        let Some((host, path)) = split_url(url) else {
            return false;
        };
        let prefix = self.prefix.to_ascii_lowercase();
        let (phost, ppath) = prefix.split_once('/').unwrap_or((&prefix, ""));
        let host_ok = host == phost
            || host
                .strip_suffix(phost)
                .is_some_and(|rest| rest.ends_with('.'));
        host_ok && path.to_ascii_lowercase().starts_with(ppath)
    }
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

/// Everything loaded and validated: the input of the engine.
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
}

impl Knowledge {
    /// The trait with this id.
    pub fn trait_def(&self, id: &str) -> Option<&TraitDef> {
        self.traits.iter().find(|t| t.id == id)
    }

    /// The criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// The school with this id (case-insensitive).
    pub fn school(&self, id: &str) -> Option<&School> {
        self.schools.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    /// The product with this exact id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The product a user means by `name`: case-insensitive over id, name and aliases.
    pub fn lookup(&self, name: &str) -> Option<&Product> {
        let wanted = name.trim().to_lowercase();
        self.products
            .iter()
            .find(|p| p.id.to_lowercase() == wanted)
            .or_else(|| {
                self.products.iter().find(|p| {
                    p.name.to_lowercase() == wanted
                        || p.aliases.iter().any(|a| a.id.to_lowercase() == wanted)
                })
            })
    }

    /// Resolves a backend reference: a product id, optionally with a
    /// configuration (`qemu@kvm`). `None` if either part does not exist.
    pub fn backend(&self, reference: &str) -> Option<(&Product, Option<&Configuration>)> {
        let (id, config) = match reference.split_once('@') {
            Some((id, config)) => (id, Some(config)),
            None => (reference, None),
        };
        let product = self.product(id)?;
        match config {
            None => Some((product, None)),
            Some(c) => Some((product, Some(product.configuration(c)?))),
        }
    }

    /// Every name a product can be looked up by, for suggestions.
    pub fn names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        for p in &self.products {
            names.push(p.id.as_str());
            names.push(p.name.as_str());
            names.extend(p.aliases.iter().map(|a| a.id.as_str()));
        }
        names
    }
}
