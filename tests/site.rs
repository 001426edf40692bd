//! `hvkb site` and `hvkb diagram`: pages with titles and descriptions,
//! links that resolve, data escaped, and the pages as a real browser shows
//! them (headless Chromium, when it is installed; `.ci/run` installs it and
//! sets `HVKB_REQUIRE_BROWSER=1`, so CI never skips it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{hvkb, scratch, test_path, write};

/// Builds the site of the fixture knowledge base (plus `extra` catalogs).
fn build(name: &str, extra: &[&Path]) -> PathBuf {
    let dir = scratch(name);
    let out = dir.join("site");
    let kb = test_path("fixtures/kb.toml");
    let mut args: Vec<String> = vec![
        "--no-builtin".into(),
        "--catalog".into(),
        kb.display().to_string(),
    ];
    for e in extra {
        args.extend(["--catalog".into(), e.display().to_string()]);
    }
    args.extend(["site".into(), out.display().to_string()]);
    let r = hvkb(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("wrote "), "{}", r.stdout);
    out
}

/// Every `.html` file under `dir`.
fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The values of an attribute (`href="..."`) in a page, with the
/// character references the template engine writes decoded.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    html.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest.find('"').map(|end| unescape(&rest[..end]))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn every_page_has_a_title_a_description_and_links_that_resolve() {
    let site = build("site-links", &[]);
    let all = pages(&site);
    // index, matrix, schools, sources, one per verdict, one per product and configuration
    assert!(all.len() >= 4 + 5 + 8, "{} pages", all.len());
    for page in &all {
        let html = std::fs::read_to_string(page).unwrap();
        let name = page.strip_prefix(&site).unwrap().display().to_string();
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"en\">"),
            "{name}"
        );
        assert!(
            html.contains("<title>") && !html.contains("<title> ·"),
            "{name}"
        );
        assert!(
            html.contains("<meta name=\"description\" content=\""),
            "{name}"
        );
        assert!(html.trim_end().ends_with("</html>"), "{name}");
        assert_eq!(html.matches("<h1>").count(), 1, "{name}: one h1");
        for href in attr_values(&html, "href") {
            if href.starts_with("http") {
                continue;
            }
            let (file, anchor) = href.split_once('#').unwrap_or((&href, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            assert!(target.is_file(), "{name}: {href} does not resolve");
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&target).unwrap();
                assert!(
                    text.contains(&format!("id=\"{anchor}\"")),
                    "{name}: no anchor {href}"
                );
            }
        }
        // Every image has a text alternative.
        for svg in html.match_indices("<svg").map(|(i, _)| &html[i..]) {
            assert!(svg.contains("<title") && svg.contains("<desc"), "{name}");
        }
    }
}

#[test]
fn pages_say_verdicts_in_words_and_agree_with_the_command_line() {
    let site = build("site-words", &[]);
    let gamma = std::fs::read_to_string(site.join("product/gamma.html")).unwrap();
    let explain: serde_json::Value =
        serde_json::from_str(crate::util::fixture(&["explain", "gamma", "--format", "json"]).ok())
            .unwrap();
    let verdict = explain["verdict"].as_str().unwrap();
    let reason = explain["reason"].as_str().unwrap();
    assert!(gamma.contains(&format!("<span class=\"badge {verdict}\">{verdict}</span>")));
    assert!(gamma.contains(reason), "the page gives the CLI's reason");
    let matrix = std::fs::read_to_string(site.join("matrix.html")).unwrap();
    assert!(
        attr_values(&matrix, "href").contains(&"product/gamma.html#school-where".to_string()),
        "cells link to the school's reasoning"
    );
}

#[test]
fn data_from_a_hostile_catalog_renders_as_text() {
    let dir = scratch("site-hostile-src");
    let evil = write(
        &dir,
        "evil.toml",
        &std::fs::read_to_string(test_path("fixtures/kb.toml"))
            .unwrap()
            .split("[[product]]")
            .nth(1)
            .map(|p| {
                format!(
                    "[[product]]{}",
                    p.replacen("id = \"alpha\"", "id = \"evil\"", 1)
                        .replacen(
                            "name = \"Alpha Hypervisor\"",
                            "name = \"<script>alert(1)</script>\"",
                            1
                        )
                        .replacen(
                            "aliases = [\"alpha hv\", \"a1\"]",
                            "aliases = [\"\\\"><img src=x onerror=alert(2)>\"]",
                            1
                        )
                )
            })
            .unwrap(),
    );
    let site = build("site-hostile", &[&evil]);
    for page in pages(&site) {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(!html.contains("<script>alert"), "{}", page.display());
        assert!(!html.contains("<img src=x"), "{}", page.display());
    }
    let evil_page = std::fs::read_to_string(site.join("product/evil.html")).unwrap();
    assert!(evil_page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn diagrams_are_derived_from_facts_with_a_text_alternative() {
    let table = crate::util::fixture(&["diagram", "gamma"]).ok().to_string();
    assert!(table.contains("Hardware") && table.contains('┌'), "{table}");
    let svg = crate::util::fixture(&["diagram", "gamma", "--format", "svg"])
        .ok()
        .to_string();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(
        svg.contains("<title id=\"diagram-title\">") && svg.contains("<desc id=\"diagram-desc\">")
    );
    // Different facts, different pictures.
    let alpha = crate::util::fixture(&["diagram", "alpha"]).ok().to_string();
    let beta = crate::util::fixture(&["diagram", "beta"]).ok().to_string();
    assert_ne!(
        alpha.lines().skip(1).collect::<Vec<_>>(),
        beta.lines().skip(1).collect::<Vec<_>>()
    );
}

/// Headless Chromium, if installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn a_real_browser_shows_the_verdicts() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("HVKB_REQUIRE_BROWSER").is_none(),
            "HVKB_REQUIRE_BROWSER is set but no Chromium was found"
        );
        eprintln!("skipped: Chromium is not installed (apt-get install chromium)");
        return;
    };
    let site = build("site-browser", &[]);
    let shots = scratch("site-shots");
    for (page, expect) in [
        (
            "index.html",
            vec!["type1", "neither", "Gamma Kernel Monitor"],
        ),
        (
            "product/gamma.html",
            vec!["neither", "Hardware", "What would change the verdict"],
        ),
        ("matrix.html", vec!["type1", "type2", "neither"]),
    ] {
        let url = format!("file://{}", site.join(page).display());
        let flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ];
        let dom = Command::new(browser)
            .args(flags)
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dom.stdout);
        for word in expect {
            assert!(dom.contains(word), "{page}: the rendered DOM lacks {word}");
        }
        let shot = shots.join(page.replace('/', "_") + ".png");
        let ok = Command::new(browser)
            .args(flags)
            .arg("--window-size=900,1200")
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            shot.is_file(),
            "{page}: no screenshot ({})",
            String::from_utf8_lossy(&ok.stderr)
        );
        assert!(!blank(&shot), "{page}: the screenshot is blank");
    }
}

/// Whether a PNG is one colour.
fn blank(path: &Path) -> bool {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let first = &bytes[..px];
    bytes.chunks(px).all(|p| p == first)
}
