//! Lints over sources: every source must identify the real work, with the
//! fields its kind needs, valid identifiers, and an address on the
//! original publisher's host rather than a mirror or scraper.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Diagnostics, Loc};
use crate::model::{Knowledge, Source, SourceKind, Untrusted, split_url};

/// The earliest year a source may carry.
const FIRST_YEAR: i64 = 1900;

/// Fields a kind needs: each inner list is satisfied by any one of its keys.
fn required(kind: SourceKind) -> &'static [&'static [&'static str]] {
    use SourceKind::*;
    match kind {
        Paper => &[&["authors"], &["venue"], &["doi", "url"]],
        Book => &[
            &["authors"],
            &["publisher"],
            &["edition"],
            &["isbn"],
            &["section", "pages"],
        ],
        Chapter => &[
            &["authors"],
            &["venue"],
            &["publisher"],
            &["isbn", "doi"],
            &["section", "pages"],
        ],
        Thesis => &[&["authors"], &["institution"], &["number", "url"]],
        Report => &[&["institution", "publisher"], &["number"]],
        Standard => &[&["publisher"], &["number"]],
        Docs | Article | Blog => &[&["url"], &["publisher"], &["date", "retrieved"]],
        Wiki => &[&["url"], &["retrieved"]],
        Forum | MailingList => &[&["url"], &["date", "retrieved"]],
        Code => &[&["url"], &["commit", "retrieved"]],
        Commit => &[&["repository"], &["commit"], &["url"]],
        Talk => &[&["authors"], &["venue"], &["url"]],
    }
}

fn has(s: &Source, key: &str) -> bool {
    match key {
        "authors" => !s.authors.is_empty(),
        "venue" => s.venue.is_some(),
        "doi" => s.doi.is_some(),
        "url" => s.url.is_some(),
        "publisher" => s.publisher.is_some(),
        "edition" => s.edition.is_some(),
        "isbn" => s.isbn.is_some(),
        "section" => s.section.is_some(),
        "pages" => s.pages.is_some(),
        "institution" => s.institution.is_some(),
        "number" => s.number.is_some(),
        "date" => s.date.is_some(),
        "retrieved" => s.retrieved.is_some(),
        "commit" => s.commit.is_some(),
        "repository" => s.repository.is_some(),
        _ => false,
    }
}

/// Every problem with the sources, in source-id order.
pub fn lint(kb: &Knowledge, this_year: i64, diags: &mut Diagnostics) {
    let untrusted = Hosts::new(&kb.untrusted);
    for s in kb.sources.values() {
        one(&untrusted, s, this_year, diags);
    }
    duplicates(kb, diags);
}

fn one(untrusted: &Hosts<'_>, s: &Source, this_year: i64, diags: &mut Diagnostics) {
    let what = format!("source `{}` ({})", s.id, s.kind);
    let mut err = |loc: &Loc, message: String, help: String| {
        diags.push(Diagnostic::error(loc.clone(), message).help(help));
    };
    for any in required(s.kind) {
        if !any.iter().any(|k| has(s, k)) {
            let keys: Vec<String> = any.iter().map(|k| format!("`{k}`")).collect();
            err(
                &s.loc,
                format!("{what} has no {}", keys.join(" or ")),
                format!(
                    "a {} source needs {}; see \"How sources are chosen and recorded\" in the README",
                    s.kind,
                    keys.join(" or ")
                ),
            );
        }
    }
    if let Some(y) = s.year
        && !(FIRST_YEAR..=this_year).contains(&y)
    {
        err(
            s.field_loc("year"),
            format!("{what} has year {y}, outside {FIRST_YEAR} to {this_year}"),
            "write the year the work was published, or retrieved for an undated page".into(),
        );
    }
    if let Some(d) = &s.date {
        match parse_date(d) {
            None => err(
                s.field_loc("date"),
                format!("{what} has date `{d}`, which is not YYYY, YYYY-MM or YYYY-MM-DD"),
                "write for example `2014-03` or `2014-03-21`".into(),
            ),
            Some((y, _, _)) if Some(y) != s.year => err(
                s.field_loc("date"),
                format!("{what} has date `{d}` but year {}", fmt_year(s.year)),
                "make `year` the year of `date`".into(),
            ),
            Some(_) => {}
        }
    }
    if let Some(r) = &s.retrieved
        && !matches!(parse_date(r), Some((_, Some(_), Some(_))))
    {
        err(
            s.field_loc("retrieved"),
            format!("{what} has retrieval date `{r}`, which is not YYYY-MM-DD"),
            "write the day the page was read, for example `2026-11-27`".into(),
        );
    }
    if let Some(d) = &s.doi
        && !is_doi(d)
    {
        err(
            s.field_loc("doi"),
            format!("{what} has DOI `{d}`, which is not a DOI"),
            "a DOI looks like `10.1145/361011.361073`, without `https://doi.org/`".into(),
        );
    }
    if let Some(i) = &s.isbn
        && !is_isbn(i)
    {
        err(
            s.field_loc("isbn"),
            format!("{what} has ISBN `{i}`, whose check digit is wrong"),
            "copy the ISBN from the book or the publisher's catalogue".into(),
        );
    }
    if let Some(c) = &s.commit
        && !(c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        err(
            s.field_loc("commit"),
            format!("{what} has commit `{c}`, which is not a full 40-digit hash"),
            "give the full hash, as `git log` prints it".into(),
        );
    }
    if s.kind == SourceKind::Forum && !s.weak {
        err(
            &s.loc,
            format!("{what} is a forum thread but is not marked weak"),
            "add `weak = true`".into(),
        );
    }
    if let Some(a) = &s.archive
        && !(a.starts_with("https://web.archive.org/web/")
            || a.starts_with("http://web.archive.org/web/"))
    {
        err(
            s.field_loc("archive"),
            format!("{what} has an archive address not on web.archive.org"),
            "give a snapshot address `https://web.archive.org/web/<timestamp>/<original>`".into(),
        );
    }
    wikipedia(s, &what, &mut err);
    for key in ["url", "repository", "archive"] {
        let value = match key {
            "url" => &s.url,
            "repository" => &s.repository,
            _ => &s.archive,
        };
        let Some(u) = value else { continue };
        if let Some(bad) = untrusted.covering(u) {
            err(
                s.field_loc(key),
                format!(
                    "{what} points at `{}`, a known {} ({})",
                    bad.prefix, bad.class, bad.note
                ),
                "cite the original work: the publisher's own address, or leave the address out and give its identifiers (DOI, ISBN, number)".into(),
            );
        }
    }
}

/// The untrusted hosts by host name, so an address is checked with one
/// lookup per label of its host rather than against every entry.
struct Hosts<'k> {
    by_host: std::collections::HashMap<String, Vec<(String, &'k Untrusted)>>,
}

impl<'k> Hosts<'k> {
    fn new(list: &'k [Untrusted]) -> Self {
        let mut by_host: std::collections::HashMap<String, Vec<(String, &'k Untrusted)>> =
            std::collections::HashMap::new();
        for u in list {
            let prefix = u.prefix.to_ascii_lowercase();
            let (host, path) = prefix.split_once('/').unwrap_or((&prefix, ""));
            by_host
                .entry(host.to_string())
                .or_default()
                .push((path.to_string(), u));
        }
        Hosts { by_host }
    }

    /// The entry that covers an address: its host or a parent domain of it,
    /// and its path prefix.
    fn covering(&self, url: &str) -> Option<&'k Untrusted> {
        let (host, path) = split_url(url)?;
        let path = path.to_ascii_lowercase();
        let mut rest = host.as_str();
        loop {
            if let Some(entries) = self.by_host.get(rest)
                && let Some((_, u)) = entries.iter().find(|(p, _)| path.starts_with(p.as_str()))
            {
                return Some(u);
            }
            rest = rest.split_once('.')?.1;
        }
    }
}

/// Wikipedia must be cited on `*.wikipedia.org`, pinned to a revision.
fn wikipedia(s: &Source, what: &str, err: &mut impl FnMut(&Loc, String, String)) {
    let names_it = |t: &Option<String>| {
        t.as_deref()
            .is_some_and(|t| t.to_lowercase().contains("wikipedia"))
    };
    let host = s.url.as_deref().and_then(split_url);
    let on_wikipedia = host
        .as_ref()
        .is_some_and(|(h, _)| h == "wikipedia.org" || h.ends_with(".wikipedia.org"));
    if (names_it(&s.publisher) || s.title.to_lowercase().contains("wikipedia")) && !on_wikipedia {
        err(
            s.field_loc("url"),
            format!("{what} names Wikipedia but its address is not on wikipedia.org"),
            "cite the article on en.wikipedia.org, pinned to a revision (`&oldid=`)".into(),
        );
    }
    if on_wikipedia {
        let pinned = s.url.as_deref().is_some_and(|u| {
            u.split(['?', '&']).any(|p| {
                p.strip_prefix("oldid=")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        });
        if !pinned {
            err(
                s.field_loc("url"),
                format!("{what} cites Wikipedia without pinning a revision"),
                "use the permanent link: `https://en.wikipedia.org/w/index.php?title=...&oldid=...`".into(),
            );
        }
    }
}

/// The same DOI, ISBN or address on two sources.
fn duplicates(kb: &Knowledge, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<(&str, String), &Source> = BTreeMap::new();
    for s in kb.sources.values() {
        let keys = [
            ("doi", s.doi.as_ref().map(|d| d.to_lowercase())),
            ("isbn", s.isbn.as_ref().map(|i| isbn_digits(i))),
            ("url", s.url.as_ref().map(|u| normal_url(u))),
        ];
        for (field, key) in keys {
            let Some(key) = key else { continue };
            match seen.get(&(field, key.clone())) {
                Some(first) => diags.push(
                    Diagnostic::error(
                        s.field_loc(field).clone(),
                        format!(
                            "sources `{}` and `{}` have the same {}",
                            first.id,
                            s.id,
                            field.to_uppercase().replace("URL", "address")
                        ),
                    )
                    .help(format!(
                        "one work is one source: cite `{}` instead, and remove this one",
                        first.id
                    )),
                ),
                None => {
                    seen.insert((field, key), s);
                }
            }
        }
    }
}

fn fmt_year(y: Option<i64>) -> String {
    y.map_or_else(|| "none".to_string(), |y| y.to_string())
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with a real month and day.
pub fn parse_date(d: &str) -> Option<(i64, Option<u32>, Option<u32>)> {
    let mut parts = d.split('-');
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let y = parts.next().filter(|p| digits(p, 4))?.parse().ok()?;
    let m = match parts.next() {
        None => return Some((y, None, None)),
        Some(p) if digits(p, 2) => p.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?,
        Some(_) => return None,
    };
    let day = match parts.next() {
        None => return Some((y, Some(m), None)),
        Some(p) if digits(p, 2) => p.parse::<u32>().ok()?,
        Some(_) => return None,
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if parts.next().is_some() || day == 0 || day > days[m as usize - 1] {
        return None;
    }
    Some((y, Some(m), Some(day)))
}

/// `10.` then a registrant code of at least four digits, `/`, and a suffix
/// without spaces.
pub fn is_doi(d: &str) -> bool {
    let Some(rest) = d.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    let code = registrant.split('.').next().unwrap_or("");
    code.len() >= 4
        && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

fn isbn_digits(i: &str) -> String {
    i.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// An ISBN-10 or ISBN-13 with a correct check digit (hyphens and spaces allowed).
pub fn is_isbn(i: &str) -> bool {
    let d = isbn_digits(i);
    let value = |c: char| c.to_digit(10);
    match d.len() {
        10 => {
            let mut sum = 0;
            for (n, c) in d.chars().enumerate() {
                let v = match (n, c) {
                    (9, 'X') => 10,
                    _ => match value(c) {
                        Some(v) => v,
                        None => return false,
                    },
                };
                sum += v * (10 - n as u32);
            }
            sum % 11 == 0
        }
        13 => {
            let mut sum = 0;
            for (n, c) in d.chars().enumerate() {
                let Some(v) = value(c) else { return false };
                sum += if n % 2 == 0 { v } else { 3 * v };
            }
            sum % 10 == 0
        }
        _ => false,
    }
}

/// An address compared without scheme, `www.`, case of the host or a trailing `/`.
fn normal_url(u: &str) -> String {
    match split_url(u) {
        Some((host, path)) => format!(
            "{}/{}",
            host.strip_prefix("www.").unwrap_or(&host),
            path.trim_end_matches('/')
        ),
        None => u.to_string(),
    }
}

/// The current year (UTC), from the system clock.
pub fn this_year() -> i64 {
    year_of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// The civil year (UTC) of a Unix time, by Howard Hinnant's days-from-civil
/// algorithm run backwards.
fn year_of(secs: u64) -> i64 {
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_check_digits() {
        assert!(is_isbn("978-0-13-359162-0"));
        assert!(!is_isbn("978-0-13-359162-1"));
        assert!(is_isbn("0-306-40615-2"));
        assert!(!is_isbn("0-306-40615-3"));
        assert!(is_isbn("0-8044-2957-X"));
        assert!(!is_isbn("97801335916"));
    }

    #[test]
    fn doi_syntax() {
        assert!(is_doi("10.1145/361011.361073"));
        assert!(is_doi("10.1201/9781420013160-11"));
        assert!(!is_doi("https://doi.org/10.1145/361011.361073"));
        assert!(!is_doi("10.11/x"));
        assert!(!is_doi("10.1145/"));
        assert!(!is_doi("10.1145/a b"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1974"), Some((1974, None, None)));
        assert_eq!(parse_date("1974-07"), Some((1974, Some(7), None)));
        assert_eq!(parse_date("2024-02-29"), Some((2024, Some(2), Some(29))));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13"), None);
        assert_eq!(parse_date("23-01-01"), None);
    }

    #[test]
    fn years_of_unix_times() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(951_782_400), 2000); // 2000-02-29
        assert_eq!(year_of(1_704_067_199), 2023); // 2023-12-31 23:59:59
        assert_eq!(year_of(1_704_067_200), 2024);
    }
}
