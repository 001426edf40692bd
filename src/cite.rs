//! Citations of sources: compact ones for the text views ("Tanenbaum & Bos
//! 2014, §7.3"), full references in a citation style, BibTeX and CSL-JSON.
//!
//! The styles are rendered by hayagriva, typst's CSL processor, with the
//! APA, IEEE and Chicago styles it bundles; BibTeX entries are built and
//! written by the `biblatex` crate. hvkb only maps its sources onto their
//! data models.

use biblatex::{Chunk, Spanned};
use hayagriva::archive::{ArchivedStyle, LOCALES};
use hayagriva::citationberg::Style as CslStyle;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, Library,
};
use serde_json::{Value, json};

use crate::model::{Source, SourceKind, spelled};

spelled! {
    /// Reference styles.
    pub enum Style {
        /// APA, 7th edition.
        Apa => "apa",
        /// IEEE.
        Ieee => "ieee",
        /// Chicago author-date.
        Chicago => "chicago",
    }
}

/// A person's family name (`Family, Given` → `Family`), or an organisation's name.
fn family(author: &str) -> &str {
    author.split_once(',').map_or(author, |(f, _)| f.trim())
}

/// The compact citation of a source: "Doe & Roe 2014, §7.3", "Doe et al.
/// 2007", "Example Corp 2023", with " (weak)" for weak sources.
pub fn short(s: &Source) -> String {
    let who = match s.authors.as_slice() {
        [] => s
            .publisher
            .as_deref()
            .or(s.institution.as_deref())
            .unwrap_or(&s.title)
            .to_string(),
        [a] => family(a).to_string(),
        [a, b] => format!("{} & {}", family(a), family(b)),
        [a, ..] => format!("{} et al.", family(a)),
    };
    let mut out = match s.year {
        Some(y) => format!("{who} {y}"),
        None => format!("{who} n.d."),
    };
    match (&s.section, &s.pages) {
        (Some(section), _) => {
            out.push_str(", ");
            out.push_str(&short_section(section));
        }
        (None, Some(pages)) if matches!(s.kind, SourceKind::Book) => {
            out.push_str(&format!(", pp. {pages}"));
        }
        _ => {}
    }
    if s.weak {
        out.push_str(" (weak)");
    }
    out
}

/// A section as a compact locator: "7.3 Two kinds" → "§7.3", "Chapter 2,
/// Internals" → "ch. 2", "Section 4" → "§4", else the text up to its
/// first comma or colon.
fn short_section(section: &str) -> String {
    let mut words = section.split_whitespace();
    let first = words.next().unwrap_or("");
    let number = |w: Option<&str>| {
        w.map(|w| w.trim_end_matches([',', ':', '.']).to_string())
            .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    };
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("§{}", first.trim_end_matches([',', ':', '.']));
    }
    match first.to_lowercase().as_str() {
        "chapter" | "ch." => {
            if let Some(n) = number(words.next()) {
                return format!("ch. {n}");
            }
        }
        "section" | "sec." | "§" => {
            if let Some(n) = number(words.next()) {
                return format!("§{n}");
            }
        }
        _ => {}
    }
    section
        .split([',', ':'])
        .next()
        .unwrap_or(section)
        .trim()
        .to_string()
}

/// A person for CSL and hayagriva: family and given names, or a literal organisation.
fn person(author: &str) -> Value {
    match author.split_once(',') {
        Some((f, g)) => json!({ "family": f.trim(), "given": g.trim() }),
        None => json!({ "literal": author }),
    }
}

/// Is the venue a conference or workshop (proceedings), rather than a journal?
fn proceedings(venue: &str) -> bool {
    let v = venue.to_lowercase();
    [
        "proceedings",
        "proc.",
        "conference",
        "symposium",
        "workshop",
        "usenix",
        "sosp",
        "eurosys",
        "asplos",
        "apsys",
        "showcase",
    ]
    .iter()
    .any(|w| v.contains(w))
}

/// The authors to show: the authors, or the publisher as a group author.
fn creators(s: &Source) -> Vec<String> {
    if !s.authors.is_empty() {
        return s.authors.clone();
    }
    s.publisher
        .iter()
        .chain(s.institution.iter())
        .take(1)
        .cloned()
        .collect()
}

/// The date of a source as `YYYY[-MM[-DD]]`.
fn date(s: &Source) -> Option<String> {
    s.date.clone().or(s.year.map(|y| y.to_string()))
}

/// A source as a hayagriva entry (in its YAML data model, as JSON).
fn hayagriva_entry(s: &Source) -> Value {
    let mut e = serde_json::Map::new();
    let mut parent = serde_json::Map::new();
    let (kind, parent_kind) = match s.kind {
        SourceKind::Paper => (
            "article",
            Some(if s.venue.as_deref().is_some_and(proceedings) {
                "proceedings"
            } else {
                "periodical"
            }),
        ),
        SourceKind::Book => ("book", None),
        SourceKind::Chapter => ("chapter", Some("book")),
        SourceKind::Thesis => ("thesis", None),
        SourceKind::Report | SourceKind::Standard => ("report", None),
        SourceKind::Article => ("article", Some("newspaper")),
        SourceKind::Blog => ("article", Some("blog")),
        SourceKind::Wiki => ("entry", Some("reference")),
        SourceKind::Forum | SourceKind::MailingList => ("post", None),
        SourceKind::Talk => ("misc", None),
        SourceKind::Docs | SourceKind::Code | SourceKind::Commit => ("web", None),
    };
    e.insert("type".into(), json!(kind));
    // Verbatim, so styles do not re-case names such as "DaniWeb" or "z/VM".
    e.insert(
        "title".into(),
        json!({ "value": s.title, "verbatim": true }),
    );
    let who: Vec<Value> = creators(s)
        .iter()
        .map(|a| match a.split_once(',') {
            Some(_) => json!(a),
            // An organisation: one name, not to be split into given and family names.
            None => json!({ "name": a }),
        })
        .collect();
    if !who.is_empty() {
        e.insert("author".into(), Value::Array(who));
    }
    if let Some(d) = date(s) {
        e.insert("date".into(), json!(d));
    }
    if let Some(u) = &s.url {
        match &s.retrieved {
            Some(r) => e.insert("url".into(), json!({ "value": u, "date": r })),
            None => e.insert("url".into(), json!(u)),
        };
    }
    let mut serial = serde_json::Map::new();
    if let Some(d) = &s.doi {
        serial.insert("doi".into(), json!(d));
    }
    if let Some(i) = &s.isbn {
        serial.insert("isbn".into(), json!(i));
    }
    if let Some(n) = &s.number {
        serial.insert("serial".into(), json!(n));
    }
    if !serial.is_empty() {
        e.insert("serial-number".into(), Value::Object(serial));
    }
    if let Some(ed) = &s.edition {
        let digits: String = ed.chars().take_while(char::is_ascii_digit).collect();
        e.insert(
            "edition".into(),
            match digits.parse::<i64>() {
                Ok(n) => json!(n),
                Err(_) => json!(ed),
            },
        );
    }
    if let Some(p) = &s.pages {
        e.insert("page-range".into(), json!(p.replace("--", "-")));
    }
    if s.kind == SourceKind::Thesis {
        e.insert("genre".into(), json!("Doctoral dissertation"));
    }
    let publisher = s.publisher.clone().or(s.institution.clone());
    match parent_kind {
        Some(pk) => {
            parent.insert("type".into(), json!(pk));
            let title = match s.kind {
                SourceKind::Paper | SourceKind::Chapter => s.venue.clone(),
                _ => s.publisher.clone().or(s.venue.clone()),
            };
            if let Some(t) = title {
                parent.insert("title".into(), json!({ "value": t, "verbatim": true }));
            }
            if let Some(v) = &s.volume {
                parent.insert("volume".into(), json!(v));
            }
            if let Some(i) = &s.issue {
                parent.insert("issue".into(), json!(i));
            }
            if matches!(s.kind, SourceKind::Chapter)
                && let Some(p) = &publisher
            {
                parent.insert("publisher".into(), json!(p));
            }
            e.insert("parent".into(), Value::Object(parent));
        }
        None => {
            if s.authors.is_empty() && matches!(kind, "web" | "post") {
                // The publisher already stands as the group author.
            } else if let Some(p) = &publisher {
                e.insert("publisher".into(), json!(p));
            }
            if let Some(v) = &s.venue {
                e.insert("organization".into(), json!(v));
            }
        }
    }
    Value::Object(e)
}

/// The US English locale, the one the three styles are written in. Only it
/// is decoded: decoding every locale hayagriva ships takes longer than the
/// rest of a run.
fn english() -> Vec<hayagriva::citationberg::Locale> {
    LOCALES
        .iter()
        .filter(|bytes| bytes.windows(5).any(|w| w == b"en-US"))
        .filter_map(|bytes| {
            ciborium::de::from_reader::<hayagriva::citationberg::Locale, _>(*bytes).ok()
        })
        .filter(|l| {
            l.lang
                .as_ref()
                .is_some_and(|lang| lang.to_string() == "en-US")
        })
        .take(1)
        .collect()
}

/// Full references to the sources in a style, in the same order as given.
pub fn references_in(sources: &[&Source], style: Style) -> Vec<String> {
    // Entry by entry, so one the processor cannot read falls back alone.
    let mut library = Library::new();
    for s in sources {
        let one = serde_json::json!({ s.id.clone(): hayagriva_entry(s) });
        if let Ok(l) = serde_json::from_value::<Library>(one) {
            for e in l.iter() {
                library.push(e);
            }
        }
    }
    let name = match style {
        Style::Apa => "apa",
        Style::Ieee => "ieee",
        Style::Chicago => "chicago-author-date",
    };
    let Some(CslStyle::Independent(csl)) = ArchivedStyle::by_name(name).map(ArchivedStyle::get)
    else {
        return sources.iter().map(|s| plain(s)).collect();
    };
    let locales = english();
    let mut driver = BibliographyDriver::new();
    for entry in library.iter() {
        driver.citation(CitationRequest::from_items(
            vec![CitationItem::with_entry(entry)],
            &csl,
            &locales,
        ));
    }
    let rendered = driver.finish(BibliographyRequest::new(&csl, None, &locales));
    let mut by_id = std::collections::HashMap::new();
    for item in rendered.bibliography.map(|b| b.items).unwrap_or_default() {
        let mut text = String::new();
        if let Some(first) = &item.first_field {
            let _ = first.write_buf(&mut text, BufWriteFormat::Plain);
            text.push(' ');
        }
        let _ = item.content.write_buf(&mut text, BufWriteFormat::Plain);
        by_id.insert(item.key, tidy(&text));
    }
    sources
        .iter()
        .map(|s| {
            let mut text = by_id.remove(&s.id).unwrap_or_else(|| plain(s));
            if s.weak {
                text.push_str(" [weak source]");
            }
            text
        })
        .collect()
}

/// A plain reference for a source the CSL processor could not read:
/// authors (or publisher), year, title and address.
fn plain(s: &Source) -> String {
    let who = creators(s).join("; ");
    let year = s.year.map_or_else(|| "n.d.".to_string(), |y| y.to_string());
    let url = s
        .url
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    format!("{who} ({year}). {}.{url}", s.title)
}

/// Smooths punctuation left where a style expects a date part or a field
/// the source lacks ("(2008,)", "Wind River,.", a doubled space).
fn tidy(text: &str) -> String {
    let mut t = text.to_string();
    for (from, to) in [
        (",)", ")"),
        (",.", "."),
        (".\u{201d}.", ".\u{201d}"),
        ("?.", "?"),
        ("  ", " "),
    ] {
        while t.contains(from) {
            t = t.replace(from, to);
        }
    }
    t.trim().to_string()
}

/// Full references in APA style, in the order given.
pub fn references(sources: &[&Source]) -> Vec<String> {
    references_in(sources, Style::Apa)
}

/// The sources in a style's own order (alphabetical for APA and Chicago,
/// in citation order, numbered, for IEEE), one reference per paragraph.
pub fn bibliography(sources: &[&Source], style: Style) -> String {
    let mut refs: Vec<(String, String)> = sources
        .iter()
        .map(|s| s.id.clone())
        .zip(references_in(sources, style))
        .collect();
    if style != Style::Ieee {
        refs.sort_by_key(|(_, text)| text.to_lowercase());
    }
    let mut out = String::new();
    for (_, text) in refs {
        out.push_str(&text);
        out.push_str("\n\n");
    }
    out.pop();
    out
}

fn chunk(s: &str) -> Vec<Spanned<Chunk>> {
    vec![Spanned::detached(Chunk::Normal(s.to_string()))]
}

fn verbatim(s: &str) -> Vec<Spanned<Chunk>> {
    vec![Spanned::detached(Chunk::Verbatim(s.to_string()))]
}

/// The sources as BibTeX entries keyed by source id, in the order given.
pub fn bibtex(sources: &[&Source]) -> String {
    use biblatex::EntryType as T;
    let mut out = String::new();
    for s in sources {
        let venue_is_proceedings = s.venue.as_deref().is_some_and(proceedings);
        let ty = match s.kind {
            SourceKind::Paper if venue_is_proceedings => T::InProceedings,
            SourceKind::Paper | SourceKind::Article => T::Article,
            SourceKind::Book => T::Book,
            SourceKind::Chapter => T::InCollection,
            SourceKind::Thesis => T::PhdThesis,
            SourceKind::Report | SourceKind::Standard => T::TechReport,
            _ => T::Misc,
        };
        let mut e = biblatex::Entry::new(s.id.clone(), ty.clone());
        e.set("title", verbatim(&s.title));
        let who = creators(s);
        if !who.is_empty() {
            let mut chunks = Vec::new();
            for (i, a) in who.iter().enumerate() {
                if i > 0 {
                    chunks.extend(chunk(" and "));
                }
                if a.contains(',') {
                    chunks.extend(chunk(a));
                } else {
                    chunks.extend(verbatim(a));
                }
            }
            e.set("author", chunks);
        }
        if let Some(y) = s.year {
            e.set("year", chunk(&y.to_string()));
        }
        if let Some(d) = &s.date
            && let Some(m) = d.split('-').nth(1)
        {
            e.set("month", chunk(m.trim_start_matches('0')));
        }
        if let Some(v) = &s.venue {
            let field = match ty {
                T::Article => "journal",
                T::InProceedings | T::InCollection => "booktitle",
                _ => "howpublished",
            };
            e.set(field, verbatim(v));
        } else if ty == T::Article
            && let Some(p) = &s.publisher
        {
            e.set("journal", verbatim(p));
        }
        let publisher_field = match ty {
            T::PhdThesis => "school",
            T::TechReport => "institution",
            T::Article | T::InProceedings => "",
            _ => "publisher",
        };
        if let Some(p) = s.institution.as_ref().or(s.publisher.as_ref())
            && !publisher_field.is_empty()
        {
            e.set(publisher_field, verbatim(p));
        }
        for (field, value) in [
            ("volume", &s.volume),
            (
                "number",
                if ty == T::TechReport {
                    &s.number
                } else {
                    &s.issue
                },
            ),
            ("pages", &s.pages),
            ("edition", &s.edition),
            ("isbn", &s.isbn),
            ("doi", &s.doi),
            ("url", &s.url),
            ("urldate", &s.retrieved),
        ] {
            if let Some(v) = value {
                e.set(field, chunk(v));
            }
        }
        let mut note = Vec::new();
        if let Some(sec) = &s.section {
            note.push(format!("Section {sec}"));
        }
        if let Some(c) = &s.commit {
            note.push(format!("Commit {c}"));
        }
        if let Some(r) = &s.retrieved {
            note.push(format!("Accessed {r}"));
        }
        if s.weak {
            note.push("Weak source".to_string());
        }
        if !note.is_empty() {
            e.set("note", chunk(&note.join(". ")));
        }
        out.push_str(
            &e.to_bibtex_string()
                .unwrap_or_else(|_| e.to_biblatex_string()),
        );
        out.push('\n');
    }
    out
}

/// A CSL-JSON date (`{"date-parts": [[y, m, d]]}`).
fn csl_date(d: &str) -> Value {
    let parts: Vec<i64> = d.split('-').map_while(|p| p.parse().ok()).collect();
    if parts.is_empty() {
        Value::Null
    } else {
        json!({ "date-parts": [parts] })
    }
}

/// The sources as a CSL-JSON array (the Citation Style Language's own
/// schema; fields a source lacks are left out), each item's id the source id.
pub fn csl_json(sources: &[&Source]) -> String {
    let items: Vec<Value> = sources
        .iter()
        .map(|s| {
            let kind = match s.kind {
                SourceKind::Paper if s.venue.as_deref().is_some_and(proceedings) => {
                    "paper-conference"
                }
                SourceKind::Paper => "article-journal",
                SourceKind::Book => "book",
                SourceKind::Chapter => "chapter",
                SourceKind::Thesis => "thesis",
                SourceKind::Report => "report",
                SourceKind::Standard => "standard",
                SourceKind::Docs => "webpage",
                SourceKind::Article => "article-newspaper",
                SourceKind::Blog => "post-weblog",
                SourceKind::Wiki => "entry-encyclopedia",
                SourceKind::Forum | SourceKind::MailingList => "post",
                SourceKind::Code | SourceKind::Commit => "software",
                SourceKind::Talk => "speech",
            };
            let container = match s.kind {
                SourceKind::Paper | SourceKind::Chapter | SourceKind::Talk => s.venue.as_deref(),
                SourceKind::Article | SourceKind::Blog | SourceKind::Wiki => s.publisher.as_deref(),
                _ => None,
            };
            let authors: Vec<Value> = creators(s).iter().map(|a| person(a)).collect();
            let mut item = json!({
                "id": s.id,
                "type": kind,
                "title": s.title,
                "author": authors,
                "issued": date(s).as_deref().map_or(Value::Null, csl_date),
                "accessed": s.retrieved.as_deref().map_or(Value::Null, csl_date),
                "container-title": container,
                "volume": s.volume,
                "issue": s.issue,
                "page": s.pages,
                "edition": s.edition,
                "publisher": s.institution.as_ref().or(s.publisher.as_ref()),
                "number": s.number,
                "DOI": s.doi,
                "ISBN": s.isbn,
                "URL": s.url,
                "genre": (s.kind == SourceKind::Thesis).then_some("Doctoral dissertation"),
                "version": s.commit,
                "note": s.weak.then_some("weak source"),
            });
            if let Value::Object(m) = &mut item {
                m.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
            }
            item
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}
