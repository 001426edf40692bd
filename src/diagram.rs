//! The layer diagram: the boxes of a system from the hardware up, and the
//! parts each fact puts in them (what holds the processor's host mode, who
//! schedules virtual CPUs, where the drivers are). Which box a fact's value
//! puts which part in is data (`data/diagram.toml`); this module only
//! stacks the boxes and draws them, as box-drawing text or as SVG.

use serde::Deserialize;

use crate::engine::classify;
use crate::model::{Knowledge, School, Subject, UNKNOWN};

/// The built-in diagram rules.
const RULES: &str = include_str!("../data/diagram.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    #[serde(rename = "box")]
    boxes: Vec<BoxRule>,
    place: Vec<PlaceRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoxRule {
    id: String,
    label: String,
    #[serde(default)]
    always: bool,
    beside: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceRule {
    #[serde(rename = "trait")]
    trait_id: String,
    value: String,
    #[serde(rename = "box")]
    box_id: String,
    part: String,
}

fn rules() -> Rules {
    // The rules are compiled in and checked by a test; an unreadable file
    // gives an empty picture rather than a panic.
    toml::from_str(RULES).unwrap_or(Rules {
        boxes: Vec::new(),
        place: Vec::new(),
    })
}

/// One box of the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// What the box is.
    pub label: String,
    /// The parts the facts put in it.
    pub parts: Vec<String>,
    /// A box drawn beside this one (a service VM beside the guests).
    pub beside: Option<Box<Layer>>,
}

/// A subject's layer diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// The subject, as `Name (id)`.
    pub title: String,
    /// The boxes, from the hardware up.
    pub layers: Vec<Layer>,
    /// Traits whose value is unknown, so nothing of theirs is drawn.
    pub unknown: Vec<String>,
}

impl Diagram {
    /// The diagram of a subject: the facts of the product whose facts
    /// decide (at the end of its backend chain), with each product on the
    /// chain drawn as a process on the host.
    pub fn of(kb: &Knowledge, subject: Subject<'_>, school: &School) -> Diagram {
        let rules = rules();
        let c = classify(kb, subject, school, &[]);
        let mut parts: Vec<(String, Vec<String>)> = rules
            .boxes
            .iter()
            .map(|b| (b.id.clone(), Vec::new()))
            .collect();
        let mut put = |box_id: &str, part: String| {
            if let Some((_, v)) = parts.iter_mut().find(|(id, _)| id == box_id)
                && !v.contains(&part)
            {
                v.push(part);
            }
        };
        let mut unknown = Vec::new();
        for t in &kb.traits {
            // A fact the product need not give (its other facts rule it out)
            // is neither drawn nor listed as unknown.
            let Some((fact, _)) = c.decider.fact(&t.id) else {
                continue;
            };
            let value = fact.value.as_str();
            if value == UNKNOWN {
                unknown.push(t.id.clone());
                continue;
            }
            for r in rules
                .place
                .iter()
                .filter(|r| r.trait_id == t.id && r.value == value)
            {
                put(&r.box_id, r.part.replace("{name}", &c.decider.product.name));
            }
        }
        for link in &c.chain {
            put(
                "processes",
                format!("{} ({})", link.subject.product.name, link.role),
            );
        }
        let layer = |b: &BoxRule, parts: &[String]| Layer {
            label: b.label.clone(),
            parts: parts.to_vec(),
            beside: None,
        };
        let shown =
            |b: &BoxRule| b.always || parts.iter().any(|(id, v)| id == &b.id && !v.is_empty());
        let parts_of = |id: &str| -> Vec<String> {
            parts
                .iter()
                .find(|(x, _)| x == id)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut layers: Vec<Layer> = Vec::new();
        for b in rules
            .boxes
            .iter()
            .filter(|b| b.beside.is_none() && shown(b))
        {
            let mut l = layer(b, &parts_of(&b.id));
            if let Some(side) = rules
                .boxes
                .iter()
                .find(|s| s.beside.as_deref() == Some(b.id.as_str()) && shown(s))
            {
                l.beside = Some(Box::new(layer(side, &parts_of(&side.id))));
            }
            layers.push(l);
        }
        Diagram {
            title: format!("{} ({})", subject.product.name, subject),
            layers,
            unknown,
        }
    }

    /// The diagram in words, bottom up: the text alternative of the picture.
    pub fn describe(&self) -> String {
        let mut out = format!("Layers of {}, from the hardware up: ", self.title);
        let words: Vec<String> = self
            .layers
            .iter()
            .map(|l| {
                let mut w = layer_words(l);
                if let Some(b) = &l.beside {
                    w.push_str(&format!(", beside it {}", layer_words(b)));
                }
                w
            })
            .collect();
        out.push_str(&words.join("; "));
        out.push('.');
        if !self.unknown.is_empty() {
            out.push_str(&format!(" Not known: {}.", self.unknown.join(", ")));
        }
        out
    }

    /// Box-drawing text, the guests on top, `width` columns wide.
    pub fn text(&self, width: usize) -> String {
        let width = width.clamp(20, 100);
        let mut out = format!("{}\n", cut_to(&crate::prose::escape(&self.title), width));
        for l in self.layers.iter().rev() {
            let rows = match &l.beside {
                None => framed(l, width),
                Some(b) => {
                    let right = (width * 2 / 5).max(30).min(width / 2);
                    let left = width.saturating_sub(right + 1);
                    side_by_side(&framed(l, left), &framed(b, right))
                }
            };
            for r in rows {
                out.push_str(r.trim_end());
                out.push('\n');
            }
        }
        if !self.unknown.is_empty() {
            let line = format!("Not known: {}", self.unknown.join(", "));
            out.push_str(&cut_to(&crate::prose::escape(&line), width));
            out.push('\n');
        }
        out
    }

    /// The diagram as an SVG document, with a title and a description.
    pub fn svg(&self) -> String {
        const W: usize = 560;
        const LINE: usize = 18;
        let height_of = |l: &Layer| {
            30 + LINE
                * l.parts
                    .len()
                    .max(l.beside.as_ref().map_or(0, |b| b.parts.len()))
        };
        let total: usize = self.layers.iter().map(|l| height_of(l) + 8).sum::<usize>() + 8;
        let mut svg = Svg::new(W, total);
        svg.open(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("viewBox", &format!("0 0 {W} {total}")),
                ("width", &W.to_string()),
                ("height", &total.to_string()),
                ("role", "img"),
                ("aria-labelledby", "diagram-title diagram-desc"),
                ("class", "diagram"),
            ],
        );
        svg.element("title", &[("id", "diagram-title")], &self.title);
        svg.element("desc", &[("id", "diagram-desc")], &self.describe());
        svg.element(
            "style",
            &[],
            ".layer{fill:#eef3fb;stroke:#5b5b5b}text{font:14px sans-serif;fill:#1c1c1c}\
             .label{font-weight:600}@media (prefers-color-scheme:dark){.layer{fill:#1e2633;\
             stroke:#a8a8a8}text{fill:#e8e8e8}}",
        );
        let mut y = 8;
        for l in self.layers.iter().rev() {
            let h = height_of(l);
            match &l.beside {
                None => svg.layer(l, 8, y, W - 16, h),
                Some(b) => {
                    let right = (W - 16) * 2 / 5;
                    svg.layer(l, 8, y, W - 16 - right - 8, h);
                    svg.layer(b, W - 8 - right, y, right, h);
                }
            }
            y += h + 8;
        }
        svg.close("svg");
        svg.finish()
    }
}

fn layer_words(l: &Layer) -> String {
    if l.parts.is_empty() {
        l.label.clone()
    } else {
        format!("{} ({})", l.label, l.parts.join(", "))
    }
}

/// A box as lines of text, `width` columns wide.
fn framed(l: &Layer, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let inner = width.saturating_sub(4);
    let pad = |s: &str| {
        // Escaped before it is measured, so the border stays put.
        let cut = cut_to(&crate::prose::escape(s), inner);
        let w = cut.width();
        format!("│ {cut}{} │", " ".repeat(inner.saturating_sub(w)))
    };
    let mut rows = vec![format!("┌{}┐", "─".repeat(width.saturating_sub(2)))];
    rows.push(pad(&l.label));
    for p in &l.parts {
        rows.push(pad(&format!("· {p}")));
    }
    rows.push(format!("└{}┘", "─".repeat(width.saturating_sub(2))));
    rows
}

/// `text` cut to `width` display columns, with `…` when cut.
fn cut_to(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Two boxes on the same rows, the shorter one padded below.
fn side_by_side(left: &[String], right: &[String]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let lw = left.first().map_or(0, |r| r.width());
    let rows = left.len().max(right.len());
    (0..rows)
        .map(|i| {
            let l = left.get(i).cloned().unwrap_or_else(|| " ".repeat(lw));
            let r = right.get(i).map_or("", String::as_str);
            format!("{l} {r}")
        })
        .collect()
}

/// A small typed SVG writer: every attribute value and every text is
/// escaped, so data cannot close a tag or open a script.
struct Svg {
    out: String,
}

impl Svg {
    fn new(width: usize, height: usize) -> Self {
        Svg {
            out: String::with_capacity(256 + width + height * 4),
        }
    }

    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (k, v) in attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", escape_xml(v)));
        }
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
    }

    fn close(&mut self, name: &str) {
        self.out.push_str(&format!("</{name}>"));
    }

    fn element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.out.push_str(&escape_xml(text));
        self.close(name);
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push_str("/>");
    }

    /// One box: a rectangle, its label, and its parts.
    fn layer(&mut self, l: &Layer, x: usize, y: usize, w: usize, h: usize) {
        let n = |v: usize| v.to_string();
        self.empty(
            "rect",
            &[
                ("x", &n(x)),
                ("y", &n(y)),
                ("width", &n(w)),
                ("height", &n(h)),
                ("rx", "6"),
                ("class", "layer"),
            ],
        );
        self.element(
            "text",
            &[("x", &n(x + 10)), ("y", &n(y + 20)), ("class", "label")],
            &l.label,
        );
        for (i, p) in l.parts.iter().enumerate() {
            self.element(
                "text",
                &[
                    ("x", &n(x + 18)),
                    ("y", &n(y + 38 + 18 * i)),
                    ("class", "part"),
                ],
                &format!("· {p}"),
            );
        }
    }

    fn finish(self) -> String {
        let mut s = self.out;
        s.push('\n');
        s
    }
}

/// Escapes text for XML and HTML (`&`, `<`, `>`, quotes), and drops
/// control characters XML cannot hold.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Only what XML 1.0 can hold; the rest (controls, U+FFFE,
            // U+FFFF) is dropped.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_rules_read() {
        let r = rules();
        assert!(r.boxes.iter().any(|b| b.always));
        assert!(!r.place.is_empty());
        for p in &r.place {
            assert!(r.boxes.iter().any(|b| b.id == p.box_id), "{}", p.box_id);
        }
    }

    #[test]
    fn svg_text_is_escaped() {
        let d = Diagram {
            title: "<script>alert(1)</script>".into(),
            layers: vec![Layer {
                label: "a & b".into(),
                parts: vec!["\"quoted\"".into()],
                beside: None,
            }],
            unknown: Vec::new(),
        };
        let svg = d.svg();
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a &amp; b"));
    }
}
