//! The command line resolved against the loaded data, once: names become
//! a school and subjects, `TRAIT=VALUE` facts are checked against the
//! traits, and each command becomes a typed [`Query`] that the renderers
//! answer. This is ripgrep's low-level to high-level args step.

use crate::cite::Style;
use crate::cli::{
    CiteArgs, CiteFormat, FactArg, Format, ListArgs, QueryCommand, SortKey, TableArgs, TableFormat,
};
use crate::diagnostic::{Files, Loc};
use crate::engine::Assumption;
use crate::error::Error;
use crate::model::{
    Fact, Knowledge, Product, Role, School, Status, Subject, SubjectRef, UNKNOWN, Unresolved,
};
use crate::prose::{closest, did_you_mean};

/// A question about the knowledge base, with every name resolved.
pub enum Query<'k> {
    /// `list`.
    List {
        /// The school applied.
        school: &'k School,
        /// The filters and the order.
        list: &'k ListArgs,
        /// Format and header.
        table: TableArgs,
    },
    /// `show`.
    Show {
        /// The school applied.
        school: &'k School,
        /// The product, maybe in a configuration.
        subject: Subject<'k>,
        /// What-if facts.
        assumptions: Vec<Assumption>,
        /// Print every fact's sources in full.
        sources: bool,
        /// Output format.
        format: Format,
    },
    /// `explain`.
    Explain {
        /// The school applied.
        school: &'k School,
        /// The product, maybe in a configuration.
        subject: Subject<'k>,
        /// What-if facts.
        assumptions: Vec<Assumption>,
        /// Only the verdict, the decisive readings and the changes.
        brief: bool,
        /// Output format.
        format: Format,
    },
    /// `schools`.
    Schools {
        /// Format and header.
        table: TableArgs,
    },
    /// `traits`.
    Traits {
        /// The traits to list (every one when none was named).
        which: Vec<&'k crate::model::TraitDef>,
        /// Format and header.
        table: TableArgs,
    },
    /// `debate`, for one subject or every product.
    Debate {
        /// One subject, or every product when `None`.
        subject: Option<Subject<'k>>,
        /// What-if facts.
        assumptions: Vec<Assumption>,
        /// Format and header.
        table: TableArgs,
    },
    /// `classify`: a hypothetical product made of the facts given.
    Classify {
        /// The school applied.
        school: &'k School,
        /// The hypothetical product.
        product: Box<Product>,
        /// The facts, also applied as assumptions so the output marks them as given.
        facts: Vec<Assumption>,
        /// Output format.
        format: Format,
    },
    /// `diagram`.
    Diagram {
        /// The school (its verdict is not drawn, but the chain is read under it).
        school: &'k School,
        /// The product, maybe in a configuration.
        subject: Subject<'k>,
        /// Output format.
        format: crate::cli::DiagramFormat,
    },
    /// `detect`.
    Detect {
        /// The school the verdicts are under.
        school: &'k School,
        /// The recorded machine, or `None` for this one.
        root: Option<&'k std::path::Path>,
        /// Output format.
        format: Format,
    },
    /// `site`.
    Site {
        /// The school the pages' verdicts are under.
        school: &'k School,
        /// Where to write.
        dir: &'k std::path::Path,
    },
    /// `sources`.
    Sources {
        /// Format and header.
        table: TableArgs,
    },
    /// `cite`.
    Cite {
        /// The school whose verdict's sources are cited.
        school: &'k School,
        /// One subject, or every source when `None`.
        subject: Option<Subject<'k>>,
        /// Reference style.
        style: Style,
        /// Output format.
        format: CiteFormat,
    },
}

impl<'k> Query<'k> {
    /// Resolves a command against the data. `files` receives the text of
    /// `classify`'s facts, so the hypothetical product has real places.
    pub fn resolve(
        kb: &'k Knowledge,
        files: &mut Files,
        school: Option<&str>,
        command: &'k QueryCommand,
    ) -> Result<Self, Error> {
        let school = || resolve_school(kb, school);
        Ok(match command {
            QueryCommand::List(list) => Query::List {
                school: school()?,
                list,
                table: table(list.table)?,
            },
            QueryCommand::Show(a) => Query::Show {
                school: school()?,
                subject: resolve_subject(kb, &a.subject.subject()?)?,
                assumptions: assumptions(kb, &a.assume.assume)?,
                sources: a.sources,
                format: a.format,
            },
            QueryCommand::Explain(a) => {
                if a.brief && a.format == Format::Json {
                    return Err(Error::Usage {
                        message: "`--brief` does nothing with `--format json`: the JSON always holds every part".into(),
                    });
                }
                Query::Explain {
                    school: school()?,
                    subject: resolve_subject(kb, &a.subject.subject()?)?,
                    assumptions: assumptions(kb, &a.assume.assume)?,
                    brief: a.brief,
                    format: a.format,
                }
            }
            QueryCommand::Schools(a) => Query::Schools { table: table(*a)? },
            QueryCommand::Traits(a) => Query::Traits {
                which: match &a.name {
                    None => kb.traits.iter().collect(),
                    Some(n) => vec![resolve_trait(kb, n)?],
                },
                table: table(a.table)?,
            },
            QueryCommand::Debate(a) => Query::Debate {
                subject: a
                    .subject
                    .as_ref()
                    .map(|s| resolve_subject(kb, s))
                    .transpose()?,
                assumptions: assumptions(kb, &a.assume.assume)?,
                table: table(a.table)?,
            },
            QueryCommand::Classify(a) => {
                let facts = assumptions(kb, &a.set)?;
                Query::Classify {
                    school: school()?,
                    product: Box::new(hypothetical(files, &a.name, &facts)),
                    facts,
                    format: a.format,
                }
            }
            QueryCommand::Sources(a) => Query::Sources { table: table(*a)? },
            QueryCommand::Diagram(a) => Query::Diagram {
                school: school()?,
                subject: resolve_subject(kb, &a.subject.subject()?)?,
                format: a.format,
            },
            QueryCommand::Detect(a) => {
                if let Some(root) = &a.root
                    && !root.is_dir()
                {
                    return Err(Error::Usage {
                        message: format!(
                            "`--root {}` is not a directory: give the directory a machine was recorded into",
                            crate::prose::escape(&root.display().to_string())
                        ),
                    });
                }
                Query::Detect {
                    school: school()?,
                    root: a.root.as_deref(),
                    format: a.format,
                }
            }
            QueryCommand::Site(a) => Query::Site {
                school: school()?,
                dir: &a.dir,
            },
            QueryCommand::Cite(CiteArgs {
                subject,
                style,
                format,
                ..
            }) => Query::Cite {
                school: school()?,
                subject: subject
                    .as_ref()
                    .map(|s| resolve_subject(kb, s))
                    .transpose()?,
                style: *style,
                format: *format,
            },
        })
    }
}

/// Refuses `--no-header` where there is no header row to leave out.
fn table(args: TableArgs) -> Result<TableArgs, Error> {
    match args.format {
        TableFormat::Json | TableFormat::Markdown if args.no_header => Err(Error::Usage {
            message: format!(
                "`--no-header` does nothing with `--format {}`: it applies to table, csv and tsv",
                if args.format == TableFormat::Json {
                    "json"
                } else {
                    "markdown"
                }
            ),
        }),
        _ => Ok(args),
    }
}

/// A trait named on the command line: case-insensitive, with `-` and `_`
/// (and spaces) taken as the same.
pub fn resolve_trait<'k>(
    kb: &'k Knowledge,
    name: &str,
) -> Result<&'k crate::model::TraitDef, Error> {
    let fold = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| {
                if c == '-' || c == ' ' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    };
    let wanted = fold(name);
    kb.traits
        .iter()
        .find(|t| fold(&t.id) == wanted)
        .ok_or_else(|| {
            let ids: Vec<&str> = kb.traits.iter().map(|t| t.id.as_str()).collect();
            Error::Usage {
                message: format!(
                    "no trait named `{name}`; {}",
                    did_you_mean(name, &ids, "traits")
                ),
            }
        })
}

/// The school named on the command line, or the default (the first one).
pub fn resolve_school<'k>(kb: &'k Knowledge, name: Option<&str>) -> Result<&'k School, Error> {
    let known = || kb.schools.iter().map(|s| s.id.clone()).collect();
    match name {
        Some(n) => kb.school(n).ok_or_else(|| Error::UnknownSchool {
            name: n.to_string(),
            known: known(),
        }),
        None => kb.default_school().ok_or_else(|| Error::UnknownSchool {
            name: "(default)".to_string(),
            known: known(),
        }),
    }
}

/// The subject a user names, with the closest names when there is none.
pub fn resolve_subject<'k>(kb: &'k Knowledge, r: &SubjectRef) -> Result<Subject<'k>, Error> {
    // A name another tool prints (often a vendor's) that names no
    // product: one candidate is that product; several are listed.
    if r.configuration.is_none()
        && kb.lookup(&r.product).is_none()
        && let Some(x) = kb.identity_named(&r.product)
    {
        let subjects: Vec<Subject<'k>> = x
            .candidates
            .iter()
            .filter_map(|c| kb.backend(&c.id))
            .collect();
        match subjects[..] {
            [one] => return Ok(one),
            [] => {}
            _ => {
                let school = kb.default_school();
                let candidates = subjects
                    .iter()
                    .map(|s| match school {
                        Some(sc) => format!(
                            "`{s}` ({})",
                            crate::engine::classify(kb, *s, sc, &[]).verdict
                        ),
                        None => format!("`{s}`"),
                    })
                    .collect();
                return Err(Error::Ambiguous {
                    name: r.product.clone(),
                    candidates,
                    note: x.note.clone(),
                });
            }
        }
    }
    kb.subject(r).map_err(|missing| match missing {
        Unresolved::Product => {
            let mut suggestions: Vec<String> = Vec::new();
            for n in closest(&r.product, kb.names()) {
                let id = kb.lookup(n).map_or(n, |p| p.id.as_str()).to_string();
                if !suggestions.contains(&id) {
                    suggestions.push(id);
                }
            }
            Error::UnknownProduct {
                name: r.to_string(),
                suggestions,
            }
        }
        Unresolved::Configuration(p) => Error::UnknownConfiguration {
            product: p.id.clone(),
            name: r.configuration.clone().unwrap_or_default(),
            known: p.configurations.iter().map(|c| c.id.clone()).collect(),
        },
    })
}

/// Checks `TRAIT=VALUE` facts against the traits.
pub fn assumptions(kb: &Knowledge, facts: &[FactArg]) -> Result<Vec<Assumption>, Error> {
    let usage = |message: String| Error::Usage { message };
    let mut out: Vec<Assumption> = Vec::new();
    for f in facts {
        let def = resolve_trait(kb, &f.trait_id).map_err(|_| {
            let ids: Vec<&str> = kb.traits.iter().map(|t| t.id.as_str()).collect();
            usage(format!(
                "unknown trait `{}` in `{}={}`; {}",
                f.trait_id,
                f.trait_id,
                f.value,
                did_you_mean(&f.trait_id, &ids, "traits")
            ))
        })?;
        let value = if f.value.eq_ignore_ascii_case(UNKNOWN) {
            UNKNOWN.to_string()
        } else {
            match def
                .values
                .iter()
                .find(|v| v.id.eq_ignore_ascii_case(&f.value))
            {
                Some(v) => v.id.clone(),
                None => {
                    let mut values = def.value_ids();
                    values.push(UNKNOWN);
                    return Err(usage(format!(
                        "`{}` is not a value of trait `{}`; {}",
                        f.value,
                        def.id,
                        did_you_mean(&f.value, &values, "values")
                    )));
                }
            }
        };
        match out.iter().find(|a| a.trait_id == def.id) {
            Some(a) if a.value != value => {
                return Err(usage(format!(
                    "`{}` is given two values, `{}` and `{value}`: give one",
                    def.id, a.value
                )));
            }
            Some(_) => {}
            None => out.push(Assumption {
                trait_id: def.id.clone(),
                value,
            }),
        }
    }
    Ok(out)
}

/// A product made only of facts given with `--set`; traits not given are
/// unknown. Its places point into the command line, registered as a file.
fn hypothetical(files: &mut Files, name: &str, facts: &[Assumption]) -> Product {
    let text: Vec<String> = facts
        .iter()
        .map(|f| format!("{}={}", f.trait_id, f.value))
        .collect();
    let file = files.add("<command line>", text.join(" "));
    let mut at = 0;
    let traits = facts
        .iter()
        .zip(&text)
        .map(|(f, written)| {
            let loc = Loc {
                file,
                span: at..at + written.len(),
            };
            at += written.len() + 1;
            (
                f.trait_id.clone(),
                Fact {
                    value: f.value.clone(),
                    sources: Vec::new(),
                    note: None,
                    loc: loc.clone(),
                    key_loc: loc,
                },
            )
        })
        .collect();
    Product {
        id: "hypothetical".to_string(),
        name: name.to_string(),
        aliases: Vec::new(),
        vendor: "(none)".to_string(),
        first_release: None,
        license: "(none)".to_string(),
        status: Status::Active,
        role: Role::Hypervisor,
        backend: None,
        architectures: Vec::new(),
        homepage: None,
        description:
            "A hypothetical hypervisor described only by the facts given on the command line."
                .to_string(),
        sources: Vec::new(),
        traits,
        configurations: Vec::new(),
        disputes: Vec::new(),
        loc: Loc {
            file,
            span: 0..at.saturating_sub(1),
        },
        id_loc: Loc { file, span: 0..0 },
        name_loc: Loc { file, span: 0..0 },
    }
}

/// Whether a product passes the `list` filters.
pub fn keep(p: &Product, args: &ListArgs) -> bool {
    let vendor = args
        .vendor
        .as_ref()
        .is_none_or(|v| p.vendor.to_lowercase().contains(&v.to_lowercase()));
    // An SPDX expression matches any of its licences (`GPL-2.0-only AND BSD-2-Clause`).
    let license = args.license.as_ref().is_none_or(|l| {
        p.license
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .any(|part| part.eq_ignore_ascii_case(l))
    });
    let status = args.status.is_none_or(|s| p.status == s);
    let role = args.role.is_none_or(|r| p.role == r);
    vendor && license && status && role
}

/// The sort key for `list`.
pub fn sort<T>(
    rows: &mut [T],
    key: SortKey,
    product: impl Fn(&T) -> &Product,
    verdict: impl Fn(&T) -> crate::model::Verdict,
) {
    // Products are sorted by id already; each sort is stable, so ids break ties.
    match key {
        SortKey::Id => {}
        SortKey::Name => rows.sort_by_cached_key(|r| product(r).name.to_lowercase()),
        SortKey::Vendor => rows.sort_by_cached_key(|r| {
            let p = product(r);
            (p.vendor.to_lowercase(), p.name.to_lowercase())
        }),
        SortKey::Year => rows.sort_by_key(|r| product(r).first_release.unwrap_or(i64::MAX)),
        SortKey::Verdict => rows.sort_by_key(|r| verdict(r)),
    }
}
