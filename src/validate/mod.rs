//! Cross-checks over the merged data, run before anything is classified.
//!
//! Parsing ([`crate::load`]) checks each table on its own; this pass checks
//! what only the whole picture shows: every reference resolves (sources,
//! traits, criteria, backends), every value is allowed, names are unique,
//! backends form no cycle, every product has every fact the criteria read,
//! and every source identifies the real work ([`sources`]). Problems are
//! collected, never thrown, so a user sees all at once.

mod sources;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::diagnostic::{Diagnostic, Diagnostics, Loc};
use crate::model::{Fact, Knowledge, Lean, Ref, Subject, UNKNOWN};
use crate::prose::{List, count, did_you_mean, plural};

pub use sources::{is_doi, is_isbn, parse_date, this_year};

/// Every problem in the merged data (errors and warnings), in no particular order.
pub fn validate(kb: &Knowledge) -> Diagnostics {
    // The source lints read only the sources; they run beside the rest.
    let (mut diags, lints) = std::thread::scope(|scope| {
        let lints = scope.spawn(|| {
            let mut diags = Diagnostics::default();
            sources::lint(kb, this_year(), &mut diags);
            diags
        });
        let mut v = Validator {
            kb,
            diags: Diagnostics::default(),
            cited: HashSet::default(),
        };
        v.criteria();
        v.schools();
        v.products();
        v.identities();
        v.detection();
        v.uncited_sources();
        let lints = lints
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (v.diags, lints)
    });
    diags.absorb(lints);
    diags
}

struct Validator<'k> {
    kb: &'k Knowledge,
    diags: Diagnostics,
    cited: HashSet<&'k str>,
}

/// How a subject is named in messages: "product `x`" or "product `x`
/// (configuration `c`)".
fn named(s: Subject<'_>) -> String {
    match s.configuration {
        None => format!("product `{}`", s.product.id),
        Some(c) => format!("product `{}` (configuration `{}`)", s.product.id, c.id),
    }
}

impl<'k> Validator<'k> {
    fn error(&mut self, loc: &Loc, message: String, help: Option<String>) {
        self.error_hinted(loc, message, || help);
    }

    /// Records an error whose hint is worked out only if the error will be
    /// shown: a hint that compares names is not computed thousands of times
    /// for errors past the per-file cap.
    fn error_hinted(&mut self, loc: &Loc, message: String, help: impl FnOnce() -> Option<String>) {
        let mut d = Diagnostic::error(loc.clone(), message);
        if !self.diags.full(loc.file) {
            d.help = help();
        }
        self.diags.push(d);
    }

    /// Records that `refs` cite sources, and reports the undefined ones.
    /// `owner` is only formatted when there is something to report.
    fn cite(&mut self, refs: &'k [Ref], owner: impl Fn() -> String) {
        for r in refs {
            self.cited.insert(&r.id);
            if !self.kb.sources.contains_key(&r.id) {
                let kb = self.kb;
                self.error_hinted(
                    &r.loc,
                    format!("{} cites source `{}`, which is not defined", owner(), r.id),
                    || {
                        let ids = kb.sources.keys().map(String::as_str);
                        Some(match crate::prose::closest(&r.id, ids).first() {
                            Some(c) => format!("did you mean `{}`?", crate::prose::escape(c)),
                            None => "define it in a `[[source]]` table".to_string(),
                        })
                    },
                );
            }
        }
    }

    fn criteria(&mut self) {
        let kb = self.kb;
        for c in &kb.criteria {
            self.cite(&c.sources, || format!("criterion `{}`", c.id));
            let Some(t) = kb.trait_def(c.trait_id()) else {
                self.error_hinted(
                    &c.trait_ref.loc,
                    format!(
                        "criterion `{}` reads unknown trait `{}`",
                        c.id,
                        c.trait_id()
                    ),
                    || {
                        let ids: Vec<&str> = kb.traits.iter().map(|t| t.id.as_str()).collect();
                        Some(did_you_mean(c.trait_id(), &ids, "traits"))
                    },
                );
                continue;
            };
            let mut listed: HashMap<&str, Lean> = HashMap::default();
            for (value, lean) in &c.leans {
                if t.value(&value.id).is_none() {
                    self.error_hinted(
                        &value.loc,
                        format!(
                            "criterion `{}` maps `{}`, which is not a value of trait `{}`",
                            c.id, value.id, t.id
                        ),
                        || {
                            Some(did_you_mean(
                                &value.id,
                                &t.value_ids(),
                                &format!("values of `{}`", t.id),
                            ))
                        },
                    );
                } else if let Some(first) = listed.insert(&value.id, *lean) {
                    self.error(
                        &value.loc,
                        format!(
                            "criterion `{}` maps `{}` twice (to `{first}` and `{lean}`)",
                            c.id, value.id
                        ),
                        Some("list each value under one lean only".to_string()),
                    );
                }
            }
            for conv in &c.conventions {
                self.cite(&conv.sources, || {
                    format!("convention `{}` of criterion `{}`", conv.id, c.id)
                });
                for value in &conv.values {
                    if !listed.contains_key(value.id.as_str()) {
                        self.error(
                            &value.loc,
                            format!(
                                "convention `{}` of criterion `{}` covers `{}`, which the criterion does not map",
                                conv.id, c.id, value.id
                            ),
                            Some(format!(
                                "map `{}` to a lean in criterion `{}` first",
                                value.id, c.id
                            )),
                        );
                    }
                }
            }
            for value in &t.values {
                if !listed.contains_key(value.id.as_str()) {
                    self.diags.push(
                        Diagnostic::warning(
                            c.loc.clone(),
                            format!(
                                "criterion `{}` does not map value `{}` of trait `{}`, so it has no lean",
                                c.id, value.id, t.id
                            ),
                        )
                        .help(format!("list `{}` under `none` to say so explicitly", value.id)),
                    );
                }
            }
        }
    }

    fn schools(&mut self) {
        let kb = self.kb;
        if kb.schools.is_empty()
            && let Some(c) = kb.criteria.first()
        {
            self.error(
                &c.loc,
                "the criteria define no school, so nothing can be classified".to_string(),
                Some("add a `[[school]]` table naming the decisive criteria".to_string()),
            );
        }
        for s in &kb.schools {
            self.cite(&s.sources, || format!("school `{}`", s.id));
            let mut seen = HashSet::default();
            for r in &s.decisive {
                if kb.criterion(&r.id).is_none() {
                    self.error_hinted(
                        &r.loc,
                        format!("school `{}` names unknown criterion `{}`", s.id, r.id),
                        || {
                            let ids: Vec<&str> =
                                kb.criteria.iter().map(|c| c.id.as_str()).collect();
                            Some(did_you_mean(&r.id, &ids, "criteria"))
                        },
                    );
                } else if !seen.insert(r.id.as_str()) {
                    self.error(
                        &r.loc,
                        format!("school `{}` names criterion `{}` twice", s.id, r.id),
                        None,
                    );
                }
            }
        }
    }

    fn products(&mut self) {
        let kb = self.kb;
        self.names();
        // Traits the criteria read (a criterion naming an unknown trait is
        // reported once, above, not once per product).
        let mut read: Vec<(&str, &str)> = Vec::new();
        let mut seen_traits = HashSet::default();
        for c in &kb.criteria {
            if kb.trait_def(c.trait_id()).is_some() && seen_traits.insert(c.trait_id()) {
                read.push((c.trait_id(), c.id.as_str()));
            }
        }
        for p in &kb.products {
            self.cite(&p.sources, || format!("product `{}`", p.id));
            for d in &p.disputes {
                self.cite(&d.sources, || format!("a dispute of product `{}`", p.id));
            }
            self.facts(Subject::of(p), &p.traits);
            let mut seen = HashSet::default();
            for c in &p.configurations {
                if !seen.insert(c.id.as_str()) {
                    self.error(
                        &c.loc,
                        format!("product `{}` has two configurations `{}`", p.id, c.id),
                        None,
                    );
                }
                let s = Subject::in_configuration(p, c);
                self.cite(&c.sources, || named(s));
                if (c.role.is_some_and(|r| r.delegates()) || c.backend.is_some())
                    && c.sources.is_empty()
                {
                    self.error(
                        &c.loc,
                        format!("{} delegates to a backend but cites no source", named(s)),
                        Some(
                            "add `sources = [\"...\"]` saying where the backend comes from".into(),
                        ),
                    );
                }
                self.facts(s, &c.traits);
            }
            for s in std::iter::once(Subject::of(p)).chain(
                p.configurations
                    .iter()
                    .map(|c| Subject::in_configuration(p, c)),
            ) {
                self.backend(s);
                if !s.role().delegates() {
                    self.complete(s, &read);
                }
            }
        }
        self.cycles();
    }

    /// Each identity's candidates are in the catalog, and its sources exist.
    fn identities(&mut self) {
        let kb = self.kb;
        for x in &kb.identities {
            let owner = format!("identity `{}`", x.id);
            self.cite(&x.sources, || owner.clone());
            self.in_catalog(&owner, &x.candidates);
        }
    }

    /// Each of `refs` names a product or `product@config` of the catalog.
    fn in_catalog(&mut self, owner: &str, refs: &[Ref]) {
        for c in refs {
            if self.kb.backend(&c.id).is_none() {
                self.error(
                    &c.loc,
                    format!("{owner} names `{}`, which is not in the catalog", c.id),
                    Some("name a product id, or `id@config`".into()),
                );
            }
        }
    }

    /// The detection table: every reference resolves, every row is sourced,
    /// and no two rows of one rank read the same thing the same way but
    /// point to different hypervisors.
    fn detection(&mut self) {
        use crate::model::{Means, Probe};
        let kb = self.kb;
        let machines: HashSet<&str> = kb.machines.iter().map(|m| m.id.as_str()).collect();
        let signals: HashSet<&str> = kb.signals.iter().map(|s| s.id.as_str()).collect();
        for m in &kb.machines {
            self.cite(&m.sources, || format!("hypervisor `{}`", m.id));
            self.in_catalog(&format!("hypervisor `{}`", m.id), &m.candidates);
        }
        let mut seen: HashMap<String, (&str, &str)> = HashMap::default();
        for s in &kb.signals {
            let owner = format!("signal `{}`", s.id);
            self.cite(&s.sources, || owner.clone());
            self.in_catalog(&owner, &s.candidates);
            self.in_catalog(&owner, &s.adds);
            let named = s
                .hypervisor
                .iter()
                .chain(&s.applies_to)
                .chain(&s.compatible);
            for h in named {
                if !machines.contains(h.id.as_str()) {
                    let ids: Vec<&str> = kb.machines.iter().map(|m| m.id.as_str()).collect();
                    self.error(
                        &h.loc,
                        format!("{owner} names hypervisor `{}`, which is not defined", h.id),
                        Some(did_you_mean(&h.id, &ids, "hypervisors")),
                    );
                }
            }
            for r in s.requires.iter().chain(&s.unless) {
                if !signals.contains(r.id.as_str()) || r.id == s.id {
                    self.error(
                        &r.loc,
                        format!(
                            "{owner} depends on signal `{}`, which is not another signal",
                            r.id
                        ),
                        None,
                    );
                }
            }
            if s.means == Means::Refine && s.applies_to.is_empty() {
                self.error(
                    &s.loc,
                    format!("{owner} refines but names no hypervisor in `applies_to`"),
                    None,
                );
            }
            if let (Means::Guest | Means::Host, Some(h)) = (s.means, &s.hypervisor)
                && s.requires.is_empty()
                && s.unless.is_empty()
                && s.read != Probe::CpuidUnknown
            {
                let key = format!("{}|{:?}|{:?}|{:?}", s.rank, s.means, s.read, s.test);
                if let Some((other, was)) = seen.get(&key)
                    && *was != h.id
                {
                    self.error(
                        &s.loc,
                        format!(
                            "{owner} reads what signal `{other}` reads, at the same rank, but points to `{}`, not `{was}`",
                            h.id
                        ),
                        Some("give one of them another rank, or a condition".into()),
                    );
                }
                seen.insert(key, (s.id.as_str(), h.id.as_str()));
            }
        }
    }

    /// Ids, names and aliases must pick out one product each, compared
    /// case-insensitively and without surrounding blanks. Products are taken
    /// in the order they are written, so when a user's file (read after the
    /// built-in data) reuses a name, the error is in the user's file.
    fn names(&mut self) {
        let mut owners: HashMap<String, (&str, &Loc)> = HashMap::default();
        let mut in_order: Vec<&crate::model::Product> = self.kb.products.iter().collect();
        in_order.sort_by_key(|p| (p.loc.file, p.loc.span.start));
        for p in in_order {
            let written = std::iter::once(("id", p.id.as_str(), &p.id_loc))
                .chain(std::iter::once(("name", p.name.as_str(), &p.name_loc)))
                .chain(
                    p.aliases
                        .iter()
                        .map(|a| ("alias", a.value.as_str(), &a.loc)),
                )
                .chain(
                    p.configurations
                        .iter()
                        .flat_map(|c| c.aliases.iter())
                        .map(|a| ("alias", a.value.as_str(), &a.loc)),
                );
            for (what, value, loc) in written {
                // Compared as lookups compare them: `Alpha HV` is `alpha-hv`.
                let key = crate::model::fold(value);
                if key.is_empty() {
                    continue;
                }
                match owners.get(&key) {
                    Some(&(other, other_loc)) if other != p.id => {
                        let mut d = Diagnostic::error(
                            loc.clone(),
                            format!(
                                "{what} `{value}` of product `{}` is already a name of product `{}`",
                                p.id, other
                            ),
                        )
                        .help("ids, names and aliases must each pick out one product: choose another");
                        d = d.related(other_loc.clone(), "the other product's name");
                        self.diags.push(d);
                    }
                    Some(_) => {}
                    None => {
                        owners.insert(key, (&p.id, loc));
                    }
                }
            }
        }
    }

    fn facts(&mut self, s: Subject<'k>, facts: &'k BTreeMap<String, Fact>) {
        let kb = self.kb;
        for (trait_id, f) in facts {
            self.cite(&f.sources, || format!("trait `{trait_id}` of {}", named(s)));
            let Some(t) = kb.trait_def(trait_id) else {
                self.error_hinted(
                    &f.key_loc,
                    format!("{} has unknown trait `{trait_id}`", named(s)),
                    || {
                        let ids: Vec<&str> = kb.traits.iter().map(|t| t.id.as_str()).collect();
                        Some(did_you_mean(trait_id, &ids, "traits"))
                    },
                );
                continue;
            };
            if f.is_unknown() {
                if f.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    self.error(
                        &f.loc,
                        format!(
                            "trait `{trait_id}` of {} is `unknown` without a note",
                            named(s)
                        ),
                        Some("add `note = \"...\"` saying what is not known and why".into()),
                    );
                }
            } else if t.value(&f.value).is_none() {
                let mut allowed = t.value_ids();
                allowed.push(UNKNOWN);
                self.error(
                    &f.loc,
                    format!(
                        "`{}` is not a value of trait `{trait_id}` ({})",
                        f.value,
                        named(s)
                    ),
                    Some(format!("the values are {}", List::and(&allowed).ticked())),
                );
            } else if f.sources.is_empty() {
                self.error(
                    &f.loc,
                    format!("trait `{trait_id}` of {} cites no source", named(s)),
                    Some("add `sources = [\"...\"]` naming where the fact comes from".into()),
                );
            }
        }
    }

    fn backend(&mut self, s: Subject<'k>) {
        let kb = self.kb;
        let role = s.role();
        let own_backend = s
            .configuration
            .map_or(s.product.backend.as_ref(), |c| c.backend.as_ref());
        match (role.delegates(), s.backend()) {
            (true, None) => self.error(
                s.loc(),
                format!("{} is {} but names no backend", named(s), role.noun()),
                Some("add `backend = \"<product id>\"` naming the hypervisor it runs on".into()),
            ),
            // A configuration that stops delegating may keep the product's
            // backend; only a backend written on this very table is wrong.
            (false, Some(_)) if own_backend.is_some() && !role.drives() => {
                let b = own_backend.expect("checked");
                self.error(
                    &b.loc,
                    format!("{} is {}, so it cannot have a backend", named(s), role.noun()),
                    Some(
                        "remove `backend`, or set `role` to `vmm`, `api`, `distribution`, `frontend` or `manager`"
                            .into(),
                    ),
                );
            }
            (_, Some(b)) if role.has_backend() => {
                let Ok(target) = b.id.parse::<crate::model::SubjectRef>() else {
                    self.error(
                        &b.loc,
                        format!(
                            "{} names backend `{}`, which is not `ID` or `ID@CONFIG`",
                            named(s),
                            b.id
                        ),
                        None,
                    );
                    return;
                };
                match kb.product(&target.product) {
                    None => {
                        self.error_hinted(
                            &b.loc,
                            format!(
                                "{} names backend `{}`, which is not in the catalog",
                                named(s),
                                b.id
                            ),
                            || {
                                let ids = kb.products.iter().map(|q| q.id.as_str());
                                Some(match crate::prose::closest(&target.product, ids).first() {
                                    Some(c) => {
                                        format!("did you mean `{}`?", crate::prose::escape(c))
                                    }
                                    None => "name the id of a product in the catalog".to_string(),
                                })
                            },
                        );
                    }
                    Some(q)
                        if q.id == s.product.id
                            && s.configuration.is_none()
                            && target.configuration.is_none() =>
                    {
                        self.error(
                            &b.loc,
                            format!("product `{}` names itself as its backend", q.id),
                            None,
                        );
                    }
                    Some(q) => {
                        if let Some(config) = &target.configuration
                            && q.configuration(config).is_none()
                        {
                            let known: Vec<&str> =
                                q.configurations.iter().map(|c| c.id.as_str()).collect();
                            self.error(
                                &b.loc,
                                format!(
                                    "{} names backend `{}`, but `{}` has no configuration `{config}`",
                                    named(s),
                                    b.id,
                                    q.id
                                ),
                                Some(if known.is_empty() {
                                    format!("`{}` has no configurations; name it without `@`", q.id)
                                } else {
                                    format!("its configurations are {}", List::and(&known).ticked())
                                }),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Every trait the criteria read must have a value (in the configuration
    /// or the product), or an explicit `unknown`.
    ///
    /// A subject with a known fact that fails a criterion every school holds
    /// decisive (it leans `not-a-hypervisor`) is not a hypervisor under any
    /// school whatever else holds, so it need not give the other traits.
    fn complete(&mut self, s: Subject<'k>, read: &[(&str, &str)]) {
        let kb = self.kb;
        let settled = kb.criteria.iter().any(|c| {
            !kb.schools.is_empty()
                && kb
                    .schools
                    .iter()
                    .all(|school| school.decisive.iter().any(|d| d.id == c.id))
                && s.fact(c.trait_id()).is_some_and(|(f, _)| {
                    c.reading(&f.value) == Some(crate::model::Lean::NotAHypervisor)
                })
        });
        if settled {
            return;
        }
        let mut missing: Vec<&str> = Vec::new();
        let mut by: Vec<&str> = Vec::new();
        for (trait_id, criterion) in read {
            if s.fact(trait_id).is_none() {
                missing.push(trait_id);
                by.push(criterion);
            }
        }
        if !missing.is_empty() {
            self.error(
                s.loc(),
                format!(
                    "{} has no value for {} {}, read by {} {}",
                    named(s),
                    plural(missing.len(), "trait", "traits"),
                    List::and(&missing).ticked(),
                    plural(by.len(), "criterion", "criteria"),
                    List::and(&by).ticked()
                ),
                Some(
                    "add each under `[product.traits]`, or write `{ value = \"unknown\", note = \"...\" }`"
                        .into(),
                ),
            );
        }
    }

    /// Backends must end at a product classified by its own facts. Each
    /// subject has at most one backend, so the subjects form chains; every
    /// chain is walked once (any length), and each cycle is reported once
    /// for every subject on it, where that subject names its backend.
    fn cycles(&mut self) {
        let kb = self.kb;
        let subjects: Vec<Subject<'k>> = kb.subjects().collect();
        let identity = |s: &Subject<'_>| Knowledge::identity(*s);
        let index: HashMap<(usize, usize), usize> = subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (identity(s), i))
            .collect();
        let next: Vec<Option<usize>> = subjects
            .iter()
            .map(|s| {
                let b = s.backend().filter(|_| s.role().delegates())?;
                index.get(&identity(&kb.backend(&b.id)?)).copied()
            })
            .collect();
        // 0: not reached yet; 1: on the chain being walked; 2: done.
        let mut state = vec![0u8; subjects.len()];
        for start in 0..subjects.len() {
            let mut chain = Vec::new();
            let mut cur = start;
            while state[cur] == 0 {
                state[cur] = 1;
                chain.push(cur);
                match next[cur] {
                    Some(n) => cur = n,
                    None => break,
                }
            }
            if state[cur] == 1
                && let Some(at) = chain.iter().position(|&i| i == cur)
                && next[cur].is_some()
            {
                let cycle = &chain[at..];
                for k in 0..cycle.len() {
                    let names: Vec<String> = cycle[k..]
                        .iter()
                        .chain(&cycle[..=k])
                        .map(|&i| subjects[i].to_string())
                        .collect();
                    let s = subjects[cycle[k]];
                    let here = s.backend().map_or(s.loc(), |b| &b.loc);
                    self.error(
                        here,
                        format!("backends form a cycle: {}", names.join(" -> ")),
                        Some("one product in the chain must be a hypervisor classified by its own facts".into()),
                    );
                }
            }
            for i in chain {
                state[i] = 2;
            }
        }
    }

    fn uncited_sources(&mut self) {
        let mut cited = std::mem::take(&mut self.cited);
        for c in &self.kb.criteria {
            for conv in &c.conventions {
                cited.extend(conv.sources.iter().map(|r| r.id.as_str()));
            }
        }
        for s in self.kb.sources.values() {
            if !cited.contains(s.id.as_str()) {
                self.diags.push(
                    Diagnostic::warning(
                        s.loc.clone(),
                        format!("source `{}` is defined but never cited", s.id),
                    )
                    .help("cite it from a fact, criterion or school, or remove it"),
                );
            }
        }
        let _ = count;
    }
}
