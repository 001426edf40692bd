//! Claims about the built-in sources: the citation standard holds for the
//! data hvkb ships (`hvkb check` enforces the rules; these tests pin what
//! the audit found wrong).

use hvkb::model::SourceKind;
use hvkb::render::json::{SchoolsOutput, ShowOutput, SourcesOutput};

use crate::util::hvkb;

fn sources() -> SourcesOutput {
    hvkb(["sources", "--format", "json"]).parse()
}

#[test]
fn the_built_in_data_passes_check_with_no_errors_and_no_warnings() {
    let out = hvkb(["check"]);
    assert!(out.ok().starts_with("ok: "), "{}", out.stdout);
    assert!(
        out.stdout.trim_end().ends_with("; 0 warnings"),
        "{}",
        out.stdout
    );
}

#[test]
fn every_source_has_a_kind_a_year_and_is_cited() {
    let s = sources();
    assert!(s.sources.len() >= 200, "{}", s.sources.len());
    for e in &s.sources {
        assert!(e.source.year.is_some(), "{}", e.source.id);
        let c = &e.cited_by;
        assert!(
            !(c.products.is_empty()
                && c.criteria.is_empty()
                && c.schools.is_empty()
                && c.identities.is_empty()
                && c.detection.is_empty()),
            "{} is cited by nothing",
            e.source.id
        );
        if e.source.kind == SourceKind::Forum {
            assert!(e.source.weak, "{}", e.source.id);
        }
    }
}

#[test]
fn the_founding_works_are_cited_by_their_identifiers() {
    let s = sources();
    let get = |id: &str| &s.sources.iter().find(|e| e.source.id == id).unwrap().source;
    let pg = get("popek-goldberg-1974");
    assert_eq!(pg.kind, SourceKind::Paper);
    assert_eq!(pg.doi.as_deref(), Some("10.1145/361011.361073"));
    let tb = get("tanenbaum-bos");
    assert_eq!(tb.kind, SourceKind::Book);
    assert_eq!(tb.isbn.as_deref(), Some("978-0-13-359162-0"));
    assert!(tb.edition.as_deref().is_some_and(|e| e.starts_with('4')));
    assert!(tb.url.is_none() || !tb.url.as_deref().unwrap().contains("synology"));
    let g = get("goldberg-1973");
    assert_eq!(g.kind, SourceKind::Thesis);
    assert_eq!(g.number.as_deref(), Some("AD0772809"));
}

#[test]
fn no_claim_says_the_vsphere_book_calls_kvm_type1() {
    let kvm: ShowOutput = hvkb(["show", "kvm", "--format", "json"]).parse();
    for d in &kvm.disputes {
        assert!(!d.sources.iter().any(|s| s == "mastering-vsphere"), "{d:?}");
        assert!(!d.note.contains("Mastering vSphere"), "{d:?}");
    }
    let schools: SchoolsOutput = hvkb(["schools", "--format", "json"]).parse();
    let placement = schools
        .schools
        .iter()
        .find(|s| s.id == "placement")
        .unwrap();
    assert!(
        !placement.summary.contains("vSphere texts argue KVM"),
        "{}",
        placement.summary
    );
}

#[test]
fn wikipedia_is_cited_on_wikipedia_pinned_to_a_revision() {
    for e in sources().sources {
        let s = e.source;
        if s.publisher.as_deref() == Some("Wikipedia") {
            let url = s.url.clone().unwrap_or_default();
            assert!(
                url.starts_with("https://en.wikipedia.org/w/index.php?"),
                "{}: {url}",
                s.id
            );
            assert!(url.contains("oldid="), "{}: {url}", s.id);
        }
    }
}
