//! `hvkb site DIR`: the knowledge base as a static web site. Every page is
//! rendered (minijinja templates, HTML auto-escaped) from the same
//! explanations, debates and citations the command line prints, so the two
//! cannot disagree. No server, no framework: the index filters its table
//! with a few lines of plain JavaScript and works without them.

use std::path::Path;

use minijinja::{Environment, context};
use serde::Serialize;

use crate::cite;
use crate::debate::Debate;
use crate::diagram::Diagram;
use crate::engine::{Reading, Stance, classify};
use crate::explain::{Explanation, OneLine, citations};
use crate::model::{Knowledge, Lean, School, Source, Subject, Verdict, ref_ids};
use crate::render::text::change_lines;

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// A compact citation linked to its entry in the bibliography.
#[derive(Serialize)]
struct Cite {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct ReadingView {
    criterion: String,
    title: String,
    reading: String,
    meaning: String,
    lean: String,
    stance: String,
    rationale: String,
    convention: String,
    cites: Vec<Cite>,
}

#[derive(Serialize)]
struct Row {
    id: String,
    name: String,
    vendor: String,
    verdict: String,
    reason: String,
    href: String,
}

/// The file name of a subject's page: `id.html` or `id@config.html`.
fn page(s: Subject<'_>) -> String {
    format!("{s}.html")
}

/// A serializable value as a template value.
fn ser<T: Serialize>(t: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(t))
}

fn cite_list(kb: &Knowledge, ids: &[&str]) -> Vec<Cite> {
    ids.iter()
        .filter_map(|id| kb.sources.get(*id))
        .map(|s| Cite {
            id: s.id.clone(),
            label: cite::short(s),
        })
        .collect()
}

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    // Text from the data is HTML-escaped by the engine; before that, any
    // character that would act rather than show (a control character, a
    // bidirectional override) is made visible, as in the terminal.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(s) if !value.is_safe() && crate::prose::escape(s).len() != s.len() => {
            let shown = minijinja::Value::from(crate::prose::escape(s).into_owned());
            minijinja::escape_formatter(out, state, &shown)
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_template("base.html", include_str!("site/base.html"))?;
    env.add_template("index.html", include_str!("site/index.html"))?;
    env.add_template("product.html", include_str!("site/product.html"))?;
    env.add_template("reading.html", include_str!("site/reading.html"))?;
    env.add_template("list.html", include_str!("site/list.html"))?;
    env.add_template("matrix.html", include_str!("site/matrix.html"))?;
    env.add_template("schools.html", include_str!("site/schools.html"))?;
    env.add_template("sources.html", include_str!("site/sources.html"))?;
    Ok(env)
}

/// Writes the site into `dir` (created if needed), under `school`.
pub fn build(kb: &Knowledge, school: &School, dir: &Path) -> std::io::Result<Written> {
    let env = environment().map_err(std::io::Error::other)?;
    let mut written = Written::default();
    let mut write = |rel: &str, text: &str| -> std::io::Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        written.files += 1;
        written.bytes += text.len() as u64;
        Ok(())
    };
    let render = |name: &str, ctx: minijinja::Value| -> std::io::Result<String> {
        env.get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(std::io::Error::other)
    };
    write("style.css", include_str!("site/style.css"))?;

    // Every product and configuration, with its verdict under the school.
    let subjects: Vec<Subject<'_>> = kb.subjects().collect();
    let rows: Vec<(Subject<'_>, Row)> = subjects
        .iter()
        .map(|s| {
            let c = classify(kb, *s, school, &[]);
            (
                *s,
                Row {
                    id: s.to_string(),
                    name: match s.configuration {
                        Some(cf) => format!("{}: {}", s.product.name, cf.name),
                        None => s.product.name.clone(),
                    },
                    vendor: s.product.vendor.clone(),
                    verdict: c.verdict.to_string(),
                    reason: OneLine(&c).to_string(),
                    href: format!("product/{}", page(*s)),
                },
            )
        })
        .collect();
    let count = |v: Verdict| rows.iter().filter(|(_, r)| r.verdict == v.as_str()).count();
    let verdicts: Vec<minijinja::Value> = Verdict::ALL
        .iter()
        .map(|v| context! { id => v.as_str(), count => count(*v) })
        .collect();
    let products: Vec<&Row> = rows
        .iter()
        .filter(|(s, _)| s.configuration.is_none())
        .map(|(_, r)| r)
        .collect();
    write(
        "index.html",
        &render(
            "index.html",
            context! {
                root => "",
                title => "Hypervisors: Type 1, Type 2 or neither",
                description => format!("{} hypervisors and related products, each classified from sourced facts, with the reasoning.", products.len()),
                school => school.id.clone(),
                verdicts,
                products => ser(&products),
            },
        )?,
    )?;

    // One page per verdict.
    for v in Verdict::ALL {
        let these: Vec<minijinja::Value> = rows
            .iter()
            .filter(|(_, r)| r.verdict == v.as_str())
            .map(|(_, r)| context! { name => r.name.clone(), reason => r.reason.clone(), href => format!("../{}", r.href) })
            .collect();
        write(
            &format!("verdict/{v}.html"),
            &render(
                "list.html",
                context! {
                    root => "../",
                    title => format!("Every product that is {} under the {} school", v.phrase(), school.id),
                    description => format!("{} products and configurations the {} school calls {}.", these.len(), school.id, v),
                    products => these,
                },
            )?,
        )?;
    }

    // One page per product and per configuration.
    for s in &subjects {
        let e = Explanation::new(kb, *s, school, &[]);
        let d = Debate::new(kb, *s, &[]);
        let diagram = Diagram::of(kb, *s, school);
        let c = &e.classification;
        // The decisive readings carry the criterion's rationale; the other
        // criteria's are on the decisive readings of the pages they decide.
        let reading = |r: &Reading<'_>| -> ReadingView {
            let meaning = kb
                .trait_def(r.trait_id())
                .and_then(|t| t.value(&r.value))
                .map(|v| v.meaning.clone())
                .unwrap_or_default();
            let stance = match r.stance {
                Stance::Decisive | Stance::Neutral | Stance::Unknown | Stance::Evidence => {
                    String::new()
                }
                other => other.to_string(),
            };
            ReadingView {
                criterion: r.criterion.id.clone(),
                title: r.criterion.title.clone(),
                reading: r.to_string(),
                meaning,
                lean: r.lean.map_or("unknown", Lean::as_str).to_string(),
                stance,
                rationale: if r.decisive {
                    r.criterion.rationale.clone()
                } else {
                    String::new()
                },
                convention: r
                    .convention()
                    .map(|v| v.rationale.clone())
                    .unwrap_or_default(),
                cites: cite_list(kb, &ref_ids(r.sources)),
            }
        };
        let facts: Vec<minijinja::Value> = kb
            .traits
            .iter()
            .filter_map(|t| {
                let (f, _) = c.decider.fact(&t.id)?;
                Some(context! {
                    trait => t.id.clone(),
                    value => f.value.clone(),
                    note => f.note.clone().unwrap_or_default(),
                    cites => ser(&cite_list(kb, &ref_ids(&f.sources))),
                })
            })
            .collect();
        let schools: Vec<minijinja::Value> = d
            .by_school
            .iter()
            .map(|x| context! { id => x.school.id.clone(), verdict => x.verdict.as_str(), reason => OneLine(x).to_string() })
            .collect();
        let configurations: Vec<minijinja::Value> = e
            .configurations
            .iter()
            .map(|x| {
                let name = x
                    .subject
                    .configuration
                    .map_or_else(String::new, |cf| cf.name.clone());
                context! { name, verdict => x.verdict.as_str(), href => page(x.subject) }
            })
            .collect();
        let disputes: Vec<minijinja::Value> = e
            .disputes
            .iter()
            .map(|x| context! { note => x.note.clone(), cites => ser(&cite_list(kb, &ref_ids(&x.sources))) })
            .collect();
        let name = match s.configuration {
            Some(cf) => format!("{}: {}", s.product.name, cf.name),
            None => s.product.name.clone(),
        };
        let html = render(
            "product.html",
            context! {
                root => "../",
                title => format!("{name}: {}", c.verdict),
                description => format!("Is {name} a Type 1 or a Type 2 hypervisor? Under the {} school: {}. {}", school.id, c.verdict, OneLine(c)),
                name,
                verdict => c.verdict.as_str(),
                school => school.id.clone(),
                reason => OneLine(c).to_string(),
                description_text => match s.configuration {
                    Some(cf) => cf.description.clone(),
                    None => s.product.description.clone(),
                },
                diagram => diagram.svg(),
                diagram_desc => diagram.describe(),
                decisive => ser(&c.decisive().filter(|r| c.reads(r)).map(reading).collect::<Vec<_>>()),
                evidence => ser(&c.readings.iter().filter(|r| !r.decisive && c.reads(r)).map(reading).collect::<Vec<_>>()),
                changes => change_lines(&e.changes),
                disputes,
                schools,
                facts,
                configurations,
            },
        )?;
        write(&format!("product/{}", page(*s)), &html)?;
    }

    // The debate matrix: every product under every school.
    let matrix_rows: Vec<minijinja::Value> = kb
        .products
        .iter()
        .map(|p| {
            let d = Debate::new(kb, Subject::of(p), &[]);
            let cells: Vec<minijinja::Value> = d
                .by_school
                .iter()
                .map(|x| context! { school => x.school.id.clone(), verdict => x.verdict.as_str() })
                .collect();
            context! {
                name => p.name.clone(),
                href => format!("product/{}", page(Subject::of(p))),
                contested => d.contested(),
                cells,
            }
        })
        .collect();
    write(
        "matrix.html",
        &render(
            "matrix.html",
            context! {
                root => "",
                title => "The debate matrix",
                description => format!("{} products under {} schools of criteria: where the schools agree and where they part.", kb.products.len(), kb.schools.len()),
                schools => kb.schools.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
                rows => matrix_rows,
            },
        )?,
    )?;

    // The schools.
    let schools: Vec<minijinja::Value> = kb
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| {
            context! {
                id => s.id.clone(),
                name => s.name.clone(),
                default => i == 0,
                summary => s.summary.clone(),
                decisive => ref_ids(&s.decisive).join(", "),
                rule => s.combine.describe(),
                cites => ser(&cite_list(kb, &ref_ids(&s.sources))),
            }
        })
        .collect();
    write(
        "schools.html",
        &render(
            "schools.html",
            context! {
                root => "",
                title => "Schools of criteria",
                description => "Each school holds some criteria decisive and combines them with a rule; hvkb applies every school to every product.",
                schools,
            },
        )?,
    )?;

    // The bibliography: every source, with an anchor.
    let all: Vec<&Source> = citations(kb).into_iter().map(|(s, _)| s).collect();
    let references = cite::references(&all);
    let sources: Vec<minijinja::Value> = all
        .iter()
        .zip(references)
        .map(|(s, reference)| context! { id => s.id.clone(), label => cite::short(s), reference, weak => s.weak })
        .collect();
    write(
        "sources.html",
        &render(
            "sources.html",
            context! {
                root => "",
                title => "Bibliography",
                description => format!("The {} sources behind hvkb's facts, criteria and schools, in APA style.", sources.len()),
                sources,
            },
        )?,
    )?;
    Ok(written)
}
