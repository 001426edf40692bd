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

use walk::Reporter;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Diagnostics, FileId, Files, Loc, Stage};
use crate::error::{Error, FileProblem};
use crate::model::{Criterion, Knowledge, Product, School, Source, TraitDef, Untrusted};

/// The built-in data files, compiled into the binary so hvkb runs from any
/// directory: `(name, text)` in load order (listed by `build.rs`).
pub const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// The largest data file hvkb reads.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most data hvkb reads in one run, over all files given: ten files at
/// the size cap.
pub const MAX_TOTAL_BYTES: u64 = 10 * MAX_FILE_BYTES;

/// How long hvkb waits for one file to be read before giving up on it.
const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

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
    /// `[[patch]]` tables.
    pub patches: Vec<crate::model::Patch>,
    /// `[[identity]]` tables.
    pub identities: Vec<crate::model::Identity>,
    /// `[[signal]]` tables.
    pub signals: Vec<crate::model::Signal>,
    /// `[[hypervisor]]` tables.
    pub machines: Vec<crate::model::Machine>,
}

/// Reads a data file from disk, refusing anything that is not a regular UTF-8
/// file of at most [`MAX_FILE_BYTES`]: directories, FIFOs and devices (which
/// could block or never end) are turned away before they are opened.
pub fn read_file(path: &Path) -> Result<String, Error> {
    let fail = |problem| Error::File {
        path: path.to_path_buf(),
        problem,
    };
    // A file that is not there (or vanished since) is `Missing`.
    let unreadable = |e: std::io::Error| {
        fail(if e.kind() == std::io::ErrorKind::NotFound {
            FileProblem::Missing
        } else {
            FileProblem::Io(e)
        })
    };
    let meta = fs::metadata(path).map_err(unreadable)?;
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
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Non-blocking: a file that would block on read (`/proc/kmsg`, a trace
    // pipe) fails at once with `WouldBlock` instead of waiting for ever.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(unreadable)?;
    // The read runs on its own thread so that a file that blocks in a way
    // `O_NONBLOCK` does not cover (a hung network mount) cannot hang hvkb:
    // after READ_TIMEOUT it is given up, and the thread ends with the process.
    let expected = meta.len();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        // `take` bounds the read even if the file grows while we read it.
        let read = file
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map(|_| bytes);
        let _ = send.send(read);
    });
    let bytes = match receive.recv_timeout(READ_TIMEOUT) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
            return Err(fail(FileProblem::Blocks));
        }
        Ok(Err(e)) => return Err(fail(FileProblem::Io(e))),
        Err(_) => return Err(fail(FileProblem::Blocks)),
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(FileProblem::TooLarge {
            limit_mib: MAX_FILE_BYTES / (1024 * 1024),
        }));
    }
    // Files under /proc and /sys report a size of 0 and hold more; any
    // other difference means the file changed while it was read.
    if expected != 0 && bytes.len() as u64 != expected {
        return Err(fail(FileProblem::Changed));
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

/// The largest top-level table (or run of top-level keys) hvkb parses: a
/// product with every fact and configuration is a few KiB. Parsing a table
/// takes many times its size in memory, so this bounds memory whatever a
/// file holds.
pub const MAX_TABLE_BYTES: usize = 1024 * 1024;

/// Parses one data file's text into a layer, recording every syntax and
/// shape problem in `diags`.
///
/// Each top-level table (`[[product]]` with its sub-tables, `[[source]]`,
/// ...) is parsed on its own, so memory stays proportional to one table
/// rather than to the file, and lines that hold only blanks or comments are
/// never handed to the parser. Reading stops once the file has more
/// problems than anyone reads ([`crate::diagnostic::PER_FILE`]).
pub fn parse_layer(files: &Files, file: FileId, diags: &mut Diagnostics) -> Vec<Layer> {
    let text = &files.get(file).text;
    let all = pieces(text);
    // A large file is read by two threads, each taking half of its tables
    // in order, and the halves are joined in order: the result is the same
    // as reading it in one go, and takes about half the time.
    let halves: Vec<&[std::ops::Range<usize>]> = if text.len() >= PARALLEL_BYTES {
        let (a, b) = all.split_at(all.len() / 2);
        vec![a, b]
    } else {
        vec![&all[..]]
    };
    let results: Vec<(Layer, Diagnostics, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = halves
            .iter()
            .map(|half| scope.spawn(move || parse_pieces(text, file, half)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut layers = Vec::new();
    let mut syntax = false;
    for (part, part_diags, part_syntax) in results {
        layers.push(part);
        diags.absorb(part_diags);
        syntax |= part_syntax;
    }
    // A syntax error anywhere leaves the file unread: what the rest would
    // give is not to be trusted. The halves are merged in order, one after
    // the other, rather than copied into one.
    if syntax { Vec::new() } else { layers }
}

/// Files at least this large are read by two threads.
const PARALLEL_BYTES: usize = 256 * 1024;

/// Reads some of a file's top-level pieces, in order; the flag says whether
/// any had a syntax error.
fn parse_pieces(
    text: &str,
    file: FileId,
    pieces: &[std::ops::Range<usize>],
) -> (Layer, Diagnostics, bool) {
    let mut diags = Diagnostics::default();
    let mut layer = Layer::default();
    let mut syntax = false;
    for piece in pieces {
        if diags.full(file) {
            break;
        }
        let at = |span: std::ops::Range<usize>| Loc {
            file,
            span: span.start + piece.start..span.end + piece.start,
        };
        if piece.len() > MAX_TABLE_BYTES {
            diags.push(
                Diagnostic::error(
                    at(0..0),
                    format!(
                        "this table is {} KiB, more than the {} KiB one table may hold",
                        piece.len() / 1024,
                        MAX_TABLE_BYTES / 1024
                    ),
                )
                .stage(Stage::Syntax)
                .help("a product with all its facts takes a few KiB; split the data into tables"),
            );
            syntax = true;
            continue;
        }
        let (doc, errors) = DeTable::parse_recoverable(&text[piece.clone()]);
        if !errors.is_empty() {
            // Report only the syntax errors of this table: what the
            // recovering parser makes of the rest would only add confusing
            // follow-on errors.
            for e in errors {
                diags.push(
                    Diagnostic::error(
                        at(e.span().unwrap_or(0..0)),
                        format!("invalid TOML: {}", e.message().trim_end()),
                    )
                    .stage(Stage::Syntax),
                );
            }
            syntax = true;
            continue;
        }
        if !syntax {
            let mut cx = Reporter {
                file,
                offset: piece.start,
                diags: &mut diags,
            };
            parse::layer(doc.get_ref(), doc.span(), &mut cx, &mut layer);
        }
    }
    (layer, diags, syntax)
}

/// Which multi-line string (`"""` or `'''`) is open at the end of `line`,
/// given the one open at its start. Strings on one line, escapes and
/// comments are followed, so three quotes inside a one-line string or a
/// comment open nothing.
fn multiline_open(line: &str, mut open: Option<&'static str>) -> Option<&'static str> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match open {
            Some(delim) => {
                if delim.starts_with('"') && b[i] == b'\\' {
                    i += 2;
                } else if b[i..].starts_with(delim.as_bytes()) {
                    // Up to two more quotes belong to the string's text.
                    let q = b[i];
                    while i < b.len() && b[i] == q {
                        i += 1;
                    }
                    open = None;
                } else {
                    i += 1;
                }
            }
            None => match b[i] {
                b'#' => break,
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    open = Some("\"\"\"");
                    i += 3;
                }
                b'\'' if b[i..].starts_with(b"'''") => {
                    open = Some("'''");
                    i += 3;
                }
                q @ (b'"' | b'\'') => {
                    i += 1;
                    while i < b.len() && b[i] != q {
                        if q == b'"' && b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            },
        }
    }
    open
}

/// The top-level pieces of a data file: the keys before the first table
/// header, then each `[[kind]]` header with everything up to the next one.
/// Leading lines that hold only blanks or comments are left out of each
/// piece, and pieces with nothing else are dropped. Lines inside multi-line
/// strings are never taken for headers.
/// Whether a line holds three equal quotes in a row: one pass that jumps
/// from quote to quote.
fn has_triple_quote(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'"' || c == b'\'') {
        let j = i + p;
        if b.get(j + 1) == Some(&b[j]) && b.get(j + 2) == Some(&b[j]) {
            return true;
        }
        i = j + 1;
    }
    false
}

fn pieces(text: &str) -> Vec<std::ops::Range<usize>> {
    // Most files hold no multi-line string at all: one search says so, and
    // spares looking at each line's quotes.
    let any_triple = text.contains("\"\"\"") || text.contains("\'\'\'");
    let mut starts = vec![0];
    let mut open: Option<&str> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if open.is_none() && is_header(line) {
            starts.push(at);
        }
        // A byte scan first: most lines hold quotes, few hold three in a row.
        if open.is_some() || (any_triple && has_triple_quote(line.as_bytes())) {
            open = multiline_open(line, open);
        }
        at += line.len();
    }
    starts.push(text.len());
    starts.dedup();
    let mut out = Vec::new();
    for w in starts.windows(2) {
        let (mut start, end) = (w[0], w[1]);
        // Skip leading blank and comment lines.
        for line in text[start..end].split_inclusive('\n') {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                start += line.len();
            } else {
                break;
            }
        }
        if start < end {
            out.push(start..end);
        }
    }
    out
}

/// Whether a line is a top-level array-of-tables header, `[[kind]]`.
fn is_header(line: &str) -> bool {
    let t = line.trim();
    let Some(rest) = t.strip_prefix("[[") else {
        return false;
    };
    let Some((name, after)) = rest.split_once("]]") else {
        return false;
    };
    let after = after.trim();
    (after.is_empty() || after.starts_with('#')) && parse::TOP_KEYS.contains(&name.trim())
}

/// Which layers to load: the built-in data plus the user's files.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Whether to load the built-in data first.
    pub builtin: bool,
    /// `--catalog` files, in order; later ones win.
    pub catalogs: Vec<PathBuf>,
    /// `--criteria` file, replacing the criteria and schools.
    pub criteria: Option<PathBuf>,
}

/// Everything a run loaded: the files (for diagnostics) and the merged data.
#[derive(Debug)]
pub struct Loaded {
    /// Every file read, so diagnostics can quote them.
    pub files: Files,
    /// The merged knowledge base (usable only if `diagnostics` has no error).
    pub knowledge: Knowledge,
    /// Problems found while reading: syntax and the shape of each table.
    pub diagnostics: Diagnostics,
    /// The first file that is not built in (files are numbered in load order).
    pub first_user_file: FileId,
    /// The criteria file given with `--criteria`, if any.
    pub criteria_file: Option<FileId>,
    /// Built-in entities that a user's file replaced, as `(kind, id, where
    /// the replacement is)`.
    pub replaced: Vec<(&'static str, String, Loc)>,
}

impl Loaded {
    /// Whether every file parsed as TOML, so checks across files make sense.
    pub fn parsed(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.stage == Stage::Syntax)
    }
}

/// Reads and merges the data for a run. I/O problems are errors; problems in
/// the data are returned as diagnostics for the caller to report.
pub fn load(inputs: &Inputs) -> Result<Loaded, Error> {
    let mut total = 0u64;
    let mut read = |path: &Path| -> Result<(String, String), Error> {
        let text = read_file(path)?;
        total += text.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(Error::File {
                path: path.to_path_buf(),
                problem: FileProblem::TotalTooLarge {
                    limit_mib: MAX_TOTAL_BYTES / (1024 * 1024),
                },
            });
        }
        Ok((path.display().to_string(), text))
    };
    let mut overlays = Vec::new();
    for path in &inputs.catalogs {
        overlays.push(read(path)?);
    }
    let criteria = match &inputs.criteria {
        Some(path) => Some(read(path)?),
        None => None,
    };
    Ok(load_texts(inputs.builtin, overlays, criteria))
}

/// The built-in data for classifying a few products: no sources, and of
/// the products only those `roots` names (from the other tables) and what
/// they delegate to, followed to the end of each chain. Parsing is most of
/// a run's time, and a command that classifies a handful of candidates
/// needs a handful of products. The built-in data is checked whole by the
/// test suite (and by `hvkb check`).
pub fn load_builtin_subset(roots: impl Fn(&[Layer]) -> Vec<String>) -> Loaded {
    let mut files = Files::default();
    let mut diags = Diagnostics::default();
    let mut merger = Merger::default();
    // Every table but sources and products is read; products are found by
    // the id their first lines give, and read when wanted.
    let ids = add_builtin(&mut files);
    type Found = (
        Layer,
        Diagnostics,
        Vec<(String, FileId, std::ops::Range<usize>)>,
    );
    let scan = |id: FileId| -> Found {
        let text = &files.get(id).text;
        let mut rest = Vec::new();
        let mut found = Vec::new();
        for p in pieces(text) {
            let piece = &text[p.clone()];
            if piece.starts_with("[[source]]") {
                continue;
            }
            match piece.strip_prefix("[[product]]").and_then(first_id) {
                Some(pid) => found.push((pid.to_string(), id, p)),
                None => rest.push(p),
            }
        }
        let (layer, d, _) = parse_pieces(text, id, &rest);
        (layer, d, found)
    };
    let scanned: Vec<Found> = read_on_two_threads(&ids, scan);
    let mut products: rustc_hash::FxHashMap<String, (FileId, std::ops::Range<usize>)> =
        rustc_hash::FxHashMap::default();
    let mut others = Vec::new();
    for (layer, d, found) in scanned {
        diags.absorb(d);
        others.push(layer);
        for (pid, id, range) in found {
            products.insert(pid, (id, range));
        }
    }
    let mut wanted: Vec<String> = roots(&others);
    for layer in others {
        merger.add(layer, 0, &mut diags);
    }
    let mut done: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    while let Some(reference) = wanted.pop() {
        let pid = reference.split('@').next().unwrap_or("").to_string();
        if !done.insert(pid.clone()) {
            continue;
        }
        let Some((file, range)) = products.get(&pid) else {
            continue;
        };
        let (layer, d, _) =
            parse_pieces(&files.get(*file).text, *file, std::slice::from_ref(range));
        diags.absorb(d);
        for p in &layer.products {
            wanted.extend(p.backend.iter().map(|b| b.id.clone()));
            for c in &p.configurations {
                wanted.extend(c.backend.iter().map(|b| b.id.clone()));
            }
        }
        merger.add(layer, 0, &mut diags);
    }
    merger.patch(&mut diags);
    let replaced = std::mem::take(&mut merger.replaced);
    let knowledge = merger.finish();
    let first_user_file = FileId(files.len());
    Loaded {
        files,
        knowledge,
        diagnostics: diags,
        first_user_file,
        criteria_file: None,
        replaced,
    }
}

/// The id a product table gives on its first `id = "..."` line.
fn first_id(piece: &str) -> Option<&str> {
    piece.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix("id")?
            .trim_start()
            .strip_prefix('=')?;
        let rest = rest.trim().strip_prefix('"')?;
        Some(&rest[..rest.find('"')?])
    })
}

/// Registers the built-in files, in load order.
fn add_builtin(files: &mut Files) -> Vec<FileId> {
    BUILTIN
        .iter()
        .map(|(name, text)| files.add(format!("<built-in>/{name}"), *text))
        .collect()
}

/// Runs `read` on each file, two threads taking every other one (the
/// built-in files are many and small), and gives the results in file
/// order, so they merge as if read one by one.
fn read_on_two_threads<T: Send>(ids: &[FileId], read: impl Fn(FileId) -> T + Sync) -> Vec<T> {
    std::thread::scope(|scope| {
        let half = |odd: usize| {
            let read = &read;
            scope.spawn(move || {
                ids.iter()
                    .skip(odd)
                    .step_by(2)
                    .map(|&id| read(id))
                    .collect::<Vec<T>>()
            })
        };
        let (even, odd) = (half(0), half(1));
        let join = |h: std::thread::ScopedJoinHandle<'_, Vec<T>>| {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        };
        let (even, odd) = (join(even), join(odd));
        let mut all = Vec::with_capacity(even.len() + odd.len());
        let mut odd = odd.into_iter();
        for e in even {
            all.push(e);
            all.extend(odd.next());
        }
        all
    })
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
    let mut diags = Diagnostics::default();
    let mut merger = Merger::default();
    if builtin {
        let ids = add_builtin(&mut files);
        let files = &files;
        let parsed = read_on_two_threads(&ids, |id| {
            let mut d = Diagnostics::default();
            (parse_layer(files, id, &mut d), d)
        });
        for (layers, d) in parsed {
            diags.absorb(d);
            for layer in layers {
                merger.add(layer, 0, &mut diags);
            }
        }
    }
    let first_user_file = FileId(files.len());
    for (n, (name, text)) in overlays.into_iter().enumerate() {
        let id = files.add(name, text);
        for layer in parse_layer(&files, id, &mut diags) {
            merger.add(layer, n + 1, &mut diags);
        }
    }
    let mut criteria_file = None;
    if let Some((name, text)) = criteria {
        let id = files.add(name, text);
        criteria_file = Some(id);
        let layers = parse_layer(&files, id, &mut diags);
        merger.criteria.clear();
        merger.schools.clear();
        for layer in layers {
            merger.add(layer, usize::MAX, &mut diags);
        }
    }
    merger.patch(&mut diags);
    let replaced = std::mem::take(&mut merger.replaced);
    let mut knowledge = merger.finish();
    // Facts are marked with the user's file they come from when there is
    // built-in data to tell them from; with only the user's files, every
    // fact would be.
    if builtin {
        knowledge.user_files = (first_user_file.0..files.len())
            .map(|i| (i, files.get(FileId(i)).name.clone()))
            .collect();
    }
    Loaded {
        files,
        knowledge,
        diagnostics: diags,
        first_user_file,
        criteria_file,
        replaced,
    }
}

/// Something with an id and a place, so one merge routine serves every kind.
trait Entity {
    fn id(&self) -> &str;
    fn loc(&self) -> &Loc;
    const KIND: &'static str;
}

macro_rules! entity {
    ($t:ty, $kind:literal, $id:ident) => {
        impl Entity for $t {
            fn id(&self) -> &str {
                &self.$id
            }
            fn loc(&self) -> &Loc {
                &self.loc
            }
            const KIND: &'static str = $kind;
        }
    };
}
entity!(Source, "source", id);
entity!(TraitDef, "trait", id);
entity!(Criterion, "criterion", id);
entity!(School, "school", id);
entity!(Product, "product", id);
entity!(Untrusted, "untrusted host", prefix);
entity!(crate::model::Identity, "identity", id);
entity!(crate::model::Signal, "signal", id);
entity!(crate::model::Machine, "hypervisor", id);

/// The entities of one kind, in first-defined order, each remembering which
/// layer group defined it, with an index by id.
struct Bin<T> {
    items: Vec<(usize, T)>,
    index: rustc_hash::FxHashMap<String, usize>,
}

impl<T> Default for Bin<T> {
    fn default() -> Self {
        Bin {
            items: Vec::new(),
            index: rustc_hash::FxHashMap::default(),
        }
    }
}

impl<T: Entity> Bin<T> {
    /// Adds `item` from layer group `group`: a later group replaces an
    /// earlier entity with the same id; the same id twice in one group is an
    /// error.
    fn add(
        &mut self,
        item: T,
        group: usize,
        diags: &mut Diagnostics,
        replaced: &mut Vec<(&'static str, String, Loc)>,
    ) {
        match self.index.get(item.id()) {
            Some(&i) if self.items[i].0 == group => diags.push(
                Diagnostic::error(
                    item.loc().clone(),
                    format!("duplicate {} id `{}`", T::KIND, item.id()),
                )
                .stage(Stage::Shape)
                .related(self.items[i].1.loc().clone(), "first defined here")
                .help("give this one another id"),
            ),
            Some(&i) => {
                if self.items[i].0 == 0 && group > 0 {
                    replaced.push((T::KIND, item.id().to_string(), item.loc().clone()));
                }
                self.items[i] = (group, item);
            }
            None => {
                self.index.insert(item.id().to_string(), self.items.len());
                self.items.push((group, item));
            }
        }
    }

    fn extend(
        &mut self,
        items: Vec<T>,
        group: usize,
        diags: &mut Diagnostics,
        replaced: &mut Vec<(&'static str, String, Loc)>,
    ) {
        self.items.reserve(items.len());
        self.index.reserve(items.len());
        for item in items {
            self.add(item, group, diags, replaced);
        }
    }

    fn clear(&mut self) {
        self.items.clear();
        self.index.clear();
    }

    fn into_vec(self) -> Vec<T> {
        self.items.into_iter().map(|(_, x)| x).collect()
    }
}

/// Entities by kind.
#[derive(Default)]
struct Merger {
    sources: Bin<Source>,
    traits: Bin<TraitDef>,
    criteria: Bin<Criterion>,
    schools: Bin<School>,
    products: Bin<Product>,
    untrusted: Bin<Untrusted>,
    identities: Bin<crate::model::Identity>,
    signals: Bin<crate::model::Signal>,
    machines: Bin<crate::model::Machine>,
    /// Patches with the layer group that wrote them.
    patches: Vec<(usize, crate::model::Patch)>,
    replaced: Vec<(&'static str, String, Loc)>,
}

impl Merger {
    fn add(&mut self, layer: Layer, group: usize, diags: &mut Diagnostics) {
        self.sources
            .extend(layer.sources, group, diags, &mut self.replaced);
        self.traits
            .extend(layer.traits, group, diags, &mut self.replaced);
        self.criteria
            .extend(layer.criteria, group, diags, &mut self.replaced);
        self.schools
            .extend(layer.schools, group, diags, &mut self.replaced);
        self.products
            .extend(layer.products, group, diags, &mut self.replaced);
        self.untrusted
            .extend(layer.untrusted, group, diags, &mut self.replaced);
        self.identities
            .extend(layer.identities, group, diags, &mut self.replaced);
        self.signals
            .extend(layer.signals, group, diags, &mut self.replaced);
        self.machines
            .extend(layer.machines, group, diags, &mut self.replaced);
        self.patches
            .extend(layer.patches.into_iter().map(|p| (group, p)));
    }

    /// Sets each patch's facts on its product (or configuration), in the
    /// order the patches were read. A later layer wins: a patch does not
    /// apply to a product that a later layer replaced whole.
    fn patch(&mut self, diags: &mut Diagnostics) {
        for (group, patch) in std::mem::take(&mut self.patches) {
            let (product, config) = match patch.target.id.split_once('@') {
                Some((p, c)) => (p, Some(c)),
                None => (patch.target.id.as_str(), None),
            };
            let found = self
                .products
                .index
                .get(product)
                .map(|&i| &mut self.products.items[i]);
            if found.as_ref().is_some_and(|(g, _)| *g > group) {
                continue;
            }
            let Some((_, p)) = found else {
                diags.push(
                    Diagnostic::error(
                        patch.target.loc.clone(),
                        format!("the patch names product `{product}`, which is not in the catalog"),
                    )
                    .stage(Stage::Shape)
                    .help("a patch sets facts on a product by its id; `hvkb list` shows the ids"),
                );
                continue;
            };
            let facts = match config {
                None => &mut p.traits,
                Some(c) => match p
                    .configurations
                    .iter_mut()
                    .find(|x| x.id.eq_ignore_ascii_case(c))
                {
                    Some(cf) => &mut cf.traits,
                    None => {
                        diags.push(
                            Diagnostic::error(
                                patch.target.loc.clone(),
                                format!("product `{product}` has no configuration `{c}`"),
                            )
                            .stage(Stage::Shape),
                        );
                        continue;
                    }
                },
            };
            facts.extend(patch.traits);
        }
    }

    fn finish(self) -> Knowledge {
        let signals = self.signals.into_vec();
        let machines = self.machines.into_vec();
        let mut kb = Knowledge::new(
            self.sources
                .into_vec()
                .into_iter()
                .map(|s| (s.id.clone(), s))
                .collect(),
            self.traits.into_vec(),
            self.criteria.into_vec(),
            self.schools.into_vec(),
            self.products.into_vec(),
            self.untrusted.into_vec(),
            self.identities.into_vec(),
        );
        kb.signals = signals;
        kb.machines = machines;
        kb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_quotes_inside_one_line_strings_or_comments_open_nothing() {
        let text = "[[source]]\nid = \"a\"\nnote = \"he wrote \\\"\\\"\\\" and '''\"\n# a comment with \"\"\"\n[[source]]\nid = \"b\"\nnote = '''\n[[source]]\n'''\n[[source]]\nid = \"c\"\n";
        let got: Vec<&str> = pieces(text)
            .into_iter()
            .map(|r| text[r].lines().nth(1).unwrap_or(""))
            .collect();
        // Three pieces: `a`, `b` (whose multi-line note holds a header-like
        // line), and `c`.
        assert_eq!(got, ["id = \"a\"", "id = \"b\"", "id = \"c\""]);
        assert_eq!(multiline_open("x = 'it''' # '''", None), None);
        assert_eq!(multiline_open("x = \"\"\"a\\\"\"\"", None), Some("\"\"\""));
        assert_eq!(multiline_open("end\"\"\"\" # \"\"\"", Some("\"\"\"")), None);
    }

    use crate::testkb::HEAD as BASE;

    fn product(id: &str, name: &str) -> String {
        crate::testkb::product(id, name, "hypervisor", "one")
    }

    fn load(overlays: &[String]) -> Loaded {
        let mut files = vec![(
            "base.toml".to_string(),
            format!("{BASE}{}", product("a", "A")),
        )];
        files.extend(
            overlays
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("o{i}.toml"), t.clone())),
        );
        load_texts(false, files, None)
    }

    #[test]
    fn an_overlay_replaces_a_product_with_the_same_id_and_keeps_the_rest() {
        let l = load(&[product("a", "Replaced") + &product("b", "B")]);
        assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
        assert_eq!(l.knowledge.products.len(), 2);
        assert_eq!(l.knowledge.product("a").unwrap().name, "Replaced");
    }

    #[test]
    fn a_later_overlay_wins_over_an_earlier_one() {
        let l = load(&[product("a", "First"), product("a", "Second")]);
        assert_eq!(l.knowledge.product("a").unwrap().name, "Second");
    }

    #[test]
    fn the_same_id_twice_in_one_file_is_an_error_pointing_at_both() {
        let l = load(&[product("b", "B") + &product("b", "B")]);
        let d: Vec<_> = l.diagnostics.iter().collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "duplicate product id `b`");
        assert!(d[0].related.is_some());
    }

    #[test]
    fn a_criteria_file_replaces_every_criterion_and_school() {
        let criteria = BASE
            .split("[[criterion]]")
            .nth(1)
            .map(|rest| format!("[[criterion]]{}", rest.replace("\"c\"", "\"other\"")))
            .unwrap();
        let l = load_texts(
            false,
            vec![("base.toml".into(), format!("{BASE}{}", product("a", "A")))],
            Some(("c.toml".into(), criteria)),
        );
        assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
        let ids: Vec<&str> = l.knowledge.criteria.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["other"]);
        assert_eq!(l.knowledge.schools.len(), 1);
    }
}
