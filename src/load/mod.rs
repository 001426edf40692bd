//! Reading data files: the built-in ones compiled into the binary, and the
//! catalog and criteria files a user names on the command line.
//!
//! Every data file has the same shape (see the README, "Data format"): any of
//! the arrays `[[source]]`, `[[trait]]`, `[[criterion]]`, `[[school]]` and
//! `[[product]]`. Files are read into [`Layer`]s, then merged: a user's layer
//! replaces an entity of the same kind and id and adds new ones. A criteria
//! file given with `--criteria` first removes the built-in criteria and
//! schools. The merged result is checked by [`crate::validate`].

mod parse;
pub mod walk;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, FileId, Files, Loc};
use crate::error::{Error, FileProblem};
use crate::model::{Criterion, Knowledge, Product, School, Source, TraitDef, Untrusted};

/// The built-in data files, compiled into the binary so hvkb runs from any directory.
pub const BUILTIN: [(&str, &str); 12] = [
    ("data/sources.toml", include_str!("../../data/sources.toml")),
    ("data/traits.toml", include_str!("../../data/traits.toml")),
    (
        "data/criteria.toml",
        include_str!("../../data/criteria.toml"),
    ),
    (
        "data/untrusted.toml",
        include_str!("../../data/untrusted.toml"),
    ),
    (
        "data/catalog/apple.toml",
        include_str!("../../data/catalog/apple.toml"),
    ),
    (
        "data/catalog/bsd.toml",
        include_str!("../../data/catalog/bsd.toml"),
    ),
    (
        "data/catalog/embedded.toml",
        include_str!("../../data/catalog/embedded.toml"),
    ),
    (
        "data/catalog/ibm.toml",
        include_str!("../../data/catalog/ibm.toml"),
    ),
    (
        "data/catalog/linux.toml",
        include_str!("../../data/catalog/linux.toml"),
    ),
    (
        "data/catalog/microsoft.toml",
        include_str!("../../data/catalog/microsoft.toml"),
    ),
    (
        "data/catalog/vmware.toml",
        include_str!("../../data/catalog/vmware.toml"),
    ),
    (
        "data/catalog/xen.toml",
        include_str!("../../data/catalog/xen.toml"),
    ),
];

/// The largest data file hvkb reads.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The entities one data file defines, in file order.
#[derive(Debug, Default)]
pub struct Layer {
    /// `[[source]]` tables.
    pub sources: Vec<Source>,
    /// `[[trait]]` tables.
    pub traits: Vec<TraitDef>,
    /// `[[criterion]]` tables.
    pub criteria: Vec<Criterion>,
    /// `[[school]]` tables.
    pub schools: Vec<School>,
    /// `[[product]]` tables.
    pub products: Vec<Product>,
    /// `[[untrusted]]` tables.
    pub untrusted: Vec<Untrusted>,
}

/// Reads a data file from disk, refusing anything that is not a regular UTF-8
/// file of at most [`MAX_FILE_BYTES`]: directories, FIFOs and devices (which
/// could block or never end) are turned away before they are opened.
pub fn read_file(path: &Path) -> Result<String, Error> {
    let fail = |problem| Error::File {
        path: path.to_path_buf(),
        problem,
    };
    let meta = fs::metadata(path).map_err(|e| {
        fail(if e.kind() == std::io::ErrorKind::NotFound {
            FileProblem::Missing
        } else {
            FileProblem::Io(e)
        })
    })?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(fail(FileProblem::Directory));
    }
    if !kind.is_file() {
        return Err(fail(FileProblem::NotRegular(special_kind(&kind))));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(FileProblem::TooLarge {
            limit_mib: MAX_FILE_BYTES / (1024 * 1024),
        }));
    }
    let file = fs::File::open(path).map_err(|e| fail(FileProblem::Io(e)))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // `take` bounds the read even if the file grows while we read it.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(FileProblem::Io(e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(FileProblem::TooLarge {
            limit_mib: MAX_FILE_BYTES / (1024 * 1024),
        }));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(FileProblem::NotUtf8 {
            offset: e.utf8_error().valid_up_to(),
        })
    })
}

#[cfg(unix)]
fn special_kind(kind: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: &fs::FileType) -> &'static str {
    "a special file"
}

/// Parses one data file's text into a layer, recording every syntax and
/// schema problem in `diags`.
pub fn parse_layer(files: &Files, file: FileId, diags: &mut Vec<Diagnostic>) -> Layer {
    let text = &files.get(file).text;
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // Report only the syntax errors of this file: what the recovering
        // parser makes of the rest would only add confusing follow-on errors.
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            diags.push(Diagnostic::error(
                Loc { file, span },
                format!("{SYNTAX}{}", e.message().trim_end()),
            ));
        }
        return Layer::default();
    }
    parse::layer(doc.get_ref(), doc.span(), file, diags)
}

/// How every TOML syntax error message starts.
const SYNTAX: &str = "invalid TOML: ";

/// Which layers to load: the built-in data plus the user's files.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// `--catalog` files, in order; later ones win.
    pub catalogs: Vec<PathBuf>,
    /// `--criteria` file, replacing the built-in criteria and schools.
    pub criteria: Option<PathBuf>,
    /// Skip the built-in data (used by `check FILE`).
    pub without_builtin: bool,
}

/// Everything a run loaded: the files (for diagnostics) and the merged data.
#[derive(Debug)]
pub struct Loaded {
    /// Every file read, so diagnostics can quote them.
    pub files: Files,
    /// The merged knowledge base (valid only if `diagnostics` has no error).
    pub knowledge: Knowledge,
    /// Every problem found, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and merges the data for a run. I/O problems are errors; problems in
/// the data are returned as diagnostics for the caller to report.
pub fn load(inputs: &Inputs) -> Result<Loaded, Error> {
    let mut overlays = Vec::new();
    for path in &inputs.catalogs {
        overlays.push((path.display().to_string(), read_file(path)?));
    }
    let criteria = match &inputs.criteria {
        Some(path) => Some((path.display().to_string(), read_file(path)?)),
        None => None,
    };
    Ok(load_texts(!inputs.without_builtin, overlays, criteria))
}

/// Merges data given as text: the built-in files (if `builtin`), then each
/// overlay `(name, text)` in order, then a criteria file that replaces the
/// criteria and schools. Never fails: every problem becomes a diagnostic.
pub fn load_texts(
    builtin: bool,
    overlays: Vec<(String, String)>,
    criteria: Option<(String, String)>,
) -> Loaded {
    let mut files = Files::default();
    let mut diags = Vec::new();
    let mut merger = Merger::default();
    if builtin {
        for (name, text) in BUILTIN {
            let id = files.add(format!("<built-in>/{name}"), text);
            let layer = parse_layer(&files, id, &mut diags);
            merger.add(layer, 0, &mut diags, &files);
        }
    }
    for (n, (name, text)) in overlays.into_iter().enumerate() {
        let id = files.add(name, text);
        let layer = parse_layer(&files, id, &mut diags);
        merger.add(layer, n + 1, &mut diags, &files);
    }
    if let Some((name, text)) = criteria {
        let id = files.add(name, text);
        let layer = parse_layer(&files, id, &mut diags);
        merger.criteria.clear();
        merger.schools.clear();
        merger.add(layer, usize::MAX, &mut diags, &files);
    }
    let mut knowledge = merger.finish();
    // Checks across files would mostly echo a syntax error (a table cut
    // short looks like missing fields), so they wait until the syntax is fixed.
    if !diags.iter().any(|d| d.message.starts_with(SYNTAX)) {
        diags.extend(crate::validate::validate(&knowledge));
    }
    sort_diagnostics(&mut diags);
    knowledge.products.sort_by(|a, b| a.id.cmp(&b.id));
    Loaded {
        files,
        knowledge,
        diagnostics: diags,
    }
}

/// Orders diagnostics by file and position, errors first where they coincide.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.loc.as_ref().map(|l| (l.file, l.span.start));
        key(a).cmp(&key(b)).then(a.severity.cmp(&b.severity))
    });
}

/// Entities by kind, each remembering which layer group defined it.
#[derive(Default)]
struct Merger {
    sources: Vec<(usize, Source)>,
    traits: Vec<(usize, TraitDef)>,
    criteria: Vec<(usize, Criterion)>,
    schools: Vec<(usize, School)>,
    products: Vec<(usize, Product)>,
    untrusted: Vec<(usize, Untrusted)>,
}

/// Something with an id and a place, so one merge routine serves every kind.
trait Entity {
    fn id(&self) -> &str;
    fn loc(&self) -> &Loc;
    const KIND: &'static str;
}

macro_rules! entity {
    ($t:ty, $kind:literal) => {
        impl Entity for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn loc(&self) -> &Loc {
                &self.loc
            }
            const KIND: &'static str = $kind;
        }
    };
}
entity!(Source, "source");
entity!(TraitDef, "trait");
entity!(Criterion, "criterion");
entity!(School, "school");
entity!(Product, "product");

impl Entity for Untrusted {
    fn id(&self) -> &str {
        &self.prefix
    }
    fn loc(&self) -> &Loc {
        &self.loc
    }
    const KIND: &'static str = "untrusted host";
}

/// Adds `item` from layer group `group`: a later group replaces an earlier
/// entity with the same id; the same id twice in one group is an error.
fn merge_one<T: Entity>(
    list: &mut Vec<(usize, T)>,
    item: T,
    group: usize,
    diags: &mut Vec<Diagnostic>,
    files: &Files,
) {
    match list.iter().position(|(_, e)| e.id() == item.id()) {
        Some(i) if list[i].0 == group => {
            let first = files.position(list[i].1.loc());
            diags.push(
                Diagnostic::error(
                    item.loc().clone(),
                    format!("duplicate {} id `{}`", T::KIND, item.id()),
                )
                .help(format!(
                    "it is first defined at {first}; give this one another id"
                )),
            );
        }
        Some(i) => list[i] = (group, item),
        None => list.push((group, item)),
    }
}

impl Merger {
    fn add(&mut self, layer: Layer, group: usize, diags: &mut Vec<Diagnostic>, files: &Files) {
        for s in layer.sources {
            merge_one(&mut self.sources, s, group, diags, files);
        }
        for t in layer.traits {
            merge_one(&mut self.traits, t, group, diags, files);
        }
        for c in layer.criteria {
            merge_one(&mut self.criteria, c, group, diags, files);
        }
        for s in layer.schools {
            merge_one(&mut self.schools, s, group, diags, files);
        }
        for p in layer.products {
            merge_one(&mut self.products, p, group, diags, files);
        }
        for u in layer.untrusted {
            merge_one(&mut self.untrusted, u, group, diags, files);
        }
    }

    fn finish(self) -> Knowledge {
        Knowledge {
            sources: self
                .sources
                .into_iter()
                .map(|(_, s)| (s.id.clone(), s))
                .collect(),
            traits: self.traits.into_iter().map(|(_, t)| t).collect(),
            criteria: self.criteria.into_iter().map(|(_, c)| c).collect(),
            schools: self.schools.into_iter().map(|(_, s)| s).collect(),
            products: self.products.into_iter().map(|(_, p)| p).collect(),
            untrusted: self.untrusted.into_iter().map(|(_, u)| u).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    const PRODUCT: &str = r#"
[[product]]
id = "kvm"
name = "Replaced"
vendor = "V"
first_release = 2020
license = "MIT"
status = "active"
role = "vmm"
backend = "xen"
architectures = ["x86-64"]
homepage = "https://example.org/"
description = "d"
sources = ["kvm-api"]
"#;

    fn errors(l: &Loaded) -> Vec<String> {
        l.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn the_built_in_data_loads_without_problems() {
        let l = load_texts(true, Vec::new(), None);
        assert!(l.diagnostics.is_empty(), "{:?}", errors(&l));
        assert!(l.knowledge.products.len() >= 35);
    }

    #[test]
    fn an_overlay_replaces_a_product_with_the_same_id_and_keeps_the_rest() {
        let base = load_texts(true, Vec::new(), None).knowledge.products.len();
        let l = load_texts(true, vec![("o.toml".into(), PRODUCT.into())], None);
        assert!(errors(&l).is_empty(), "{:?}", errors(&l));
        assert_eq!(l.knowledge.products.len(), base);
        assert_eq!(l.knowledge.product("kvm").unwrap().name, "Replaced");
    }

    #[test]
    fn a_later_overlay_wins_over_an_earlier_one() {
        let second = PRODUCT.replace("Replaced", "Second");
        let l = load_texts(
            true,
            vec![("a.toml".into(), PRODUCT.into()), ("b.toml".into(), second)],
            None,
        );
        assert_eq!(l.knowledge.product("kvm").unwrap().name, "Second");
    }

    #[test]
    fn the_same_id_twice_in_one_file_is_an_error() {
        let twice = format!("{PRODUCT}\n{PRODUCT}");
        let l = load_texts(true, vec![("t.toml".into(), twice)], None);
        assert_eq!(errors(&l), ["duplicate product id `kvm`"]);
    }

    #[test]
    fn a_criteria_file_replaces_every_criterion_and_school() {
        let criteria = r#"
[[criterion]]
id = "only"
trait = "placement"
title = "t"
rationale = "r"
sources = ["kvm-api"]
type1 = ["bare-metal", "os-kernel", "firmware"]
type2 = ["late-launch", "hosted"]

[[school]]
id = "one"
name = "One"
summary = "s"
decisive = ["only"]
combine = "majority"
sources = ["kvm-api"]
"#;
        let l = load_texts(true, Vec::new(), Some(("c.toml".into(), criteria.into())));
        assert!(errors(&l).is_empty(), "{:?}", errors(&l));
        let ids: Vec<&str> = l.knowledge.criteria.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["only"]);
        assert_eq!(l.knowledge.schools.len(), 1);
    }
}
