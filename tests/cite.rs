//! `hvkb cite`: references for an essay, on the fixture knowledge base.
//! BibTeX is parsed back with a BibTeX parser; each style has one golden
//! file, produced by the code and reviewed.

use biblatex::ChunksExt;

use crate::util::{fixture, golden};

#[test]
fn cite_prints_the_sources_behind_a_verdict() {
    let apa = fixture(&["cite", "gamma"]).ok().to_string();
    // The explanation's sources, then the rest of the record's.
    for author in ["Doe, J.", "Doe, J., & Roe, R.", "Poe, A.", "Example Forum."] {
        assert!(apa.contains(author), "{author} in\n{apa}");
    }
    assert!(
        !apa.contains("Example Corp"),
        "docs-c is not behind gamma's verdict:\n{apa}"
    );
    let all = fixture(&["cite", "--all"]).ok().to_string();
    assert!(
        all.contains("Example Corp. (2020, March 14). Vendor Manual: Architecture."),
        "{all}"
    );
    fixture(&["cite"]).fails(2, &["--all"]);
    fixture(&["cite", "gamma", "--all"]).fails(2, &["cannot be used with"]);
}

#[test]
fn each_style_has_its_golden() {
    for style in ["apa", "ieee", "chicago"] {
        let out = fixture(&["cite", "--all", "--style", style])
            .ok()
            .to_string();
        golden(&format!("cite-{style}.txt"), &out);
    }
}

#[test]
fn bibtex_parses_back_with_one_entry_per_source_keyed_by_id() {
    let out = fixture(&["cite", "--all", "--format", "bibtex"])
        .ok()
        .to_string();
    let bib = biblatex::Bibliography::parse(&out).expect("valid BibTeX");
    let mut keys: Vec<&str> = bib.iter().map(|e| e.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["book-b", "commit-e", "docs-c", "forum-d", "paper-a"]);
    let paper = bib.get("paper-a").unwrap();
    assert_eq!(paper.entry_type, biblatex::EntryType::Article);
    assert_eq!(paper.doi().unwrap(), "10.1000/example.1");
    let book = bib.get("book-b").unwrap();
    assert_eq!(book.entry_type, biblatex::EntryType::Book);
    assert_eq!(book.isbn().unwrap().format_verbatim(), "978-3-16-148410-0");
    let authors: Vec<String> = paper
        .author()
        .unwrap()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(authors, ["Doe", "Roe"]);
    golden("cite.bib", &out);
}

#[test]
fn csl_json_items_are_keyed_by_source_id() {
    let v = fixture(&["cite", "gamma", "--format", "csl-json"]).json();
    let items = v.as_array().expect("CSL-JSON is an array of items");
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["commit-e", "paper-a", "book-b", "forum-d"]);
    assert_eq!(items[1]["type"], "article-journal");
    assert_eq!(items[1]["DOI"], "10.1000/example.1");
    assert_eq!(items[1]["issued"]["date-parts"][0][0], 1999);
    assert_eq!(items[1]["author"][1]["family"], "Roe");
    assert_eq!(items[3]["note"], "weak source");
}

#[test]
fn compact_citations_mark_weak_sources_and_the_section() {
    let t = fixture(&["show", "beta"]).ok().to_string();
    assert!(t.contains("Poe 2014, §7.3"), "{t}");
    let t = fixture(&["explain", "alpha"]).ok().to_string();
    assert!(
        t.contains("A forum thread calls it hosted. (Example Forum 2017 (weak))"),
        "{t}"
    );
}
