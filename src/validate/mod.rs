//! Cross-checks over the merged data, run before anything is classified.
//!
//! Parsing ([`crate::load`]) checks each table on its own; this pass checks
//! what only the whole picture shows: every reference resolves (sources,
//! traits, criteria, backends), every value is allowed, names are unique,
//! backends form no cycle, and every product has every fact the criteria
//! read. Problems are collected, never thrown, so a user sees all at once.

mod sources;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Loc, did_you_mean, did_you_mean_or_list, ticked_list};
use crate::model::{Configuration, Fact, Knowledge, Lean, Product, Ref, UNKNOWN};

/// Every problem in the merged data (errors and warnings).
pub fn validate(kb: &Knowledge) -> Vec<Diagnostic> {
    let mut v = Validator {
        kb,
        diags: Vec::new(),
        cited: BTreeSet::new(),
    };
    v.criteria();
    v.schools();
    v.products();
    v.uncited_sources();
    v.diags.extend(sources::lint(kb, sources::this_year()));
    v.diags
}

struct Validator<'k> {
    kb: &'k Knowledge,
    diags: Vec<Diagnostic>,
    cited: BTreeSet<&'k str>,
}

impl<'k> Validator<'k> {
    fn error(&mut self, loc: &Loc, message: String, help: Option<String>) {
        self.diags
            .push(Diagnostic::error(loc.clone(), message).maybe_help(help));
    }

    fn cite(&mut self, refs: &'k [Ref], owner: &str) {
        for r in refs {
            self.cited.insert(&r.id);
            if !self.kb.sources.contains_key(&r.id) {
                let help = did_you_mean(&r.id, self.kb.sources.keys().map(String::as_str))
                    .unwrap_or_else(|| "define it in a `[[source]]` table".to_string());
                self.error(
                    &r.loc,
                    format!("{owner} cites source `{}`, which is not defined", r.id),
                    Some(help),
                );
            }
        }
    }

    fn criteria(&mut self) {
        let kb = self.kb;
        let mut seen_ids = BTreeSet::new();
        for c in &kb.criteria {
            seen_ids.insert(c.id.as_str());
            self.cite(&c.sources, &format!("criterion `{}`", c.id));
            let Some(t) = kb.trait_def(c.trait_id()) else {
                let help = did_you_mean(c.trait_id(), kb.traits.iter().map(|t| t.id.as_str()));
                self.error(
                    &c.trait_ref.loc,
                    format!(
                        "criterion `{}` reads unknown trait `{}`",
                        c.id,
                        c.trait_id()
                    ),
                    help.or_else(|| Some("define it in a `[[trait]]` table".to_string())),
                );
                continue;
            };
            let mut listed: BTreeMap<&str, Lean> = BTreeMap::new();
            for (value, lean) in &c.leans {
                if t.value(&value.id).is_none() {
                    self.error(
                        &value.loc,
                        format!(
                            "criterion `{}` maps `{}`, which is not a value of trait `{}`",
                            c.id, value.id, t.id
                        ),
                        Some(format!(
                            "the values of `{}` are {}",
                            t.id,
                            ticked_list(&t.value_ids())
                        )),
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
                self.cite(&conv.sources, &format!("convention `{}` of criterion `{}`", conv.id, c.id));
                for value in &conv.values {
                    if !listed.contains_key(value.id.as_str()) {
                        self.error(
                            &value.loc,
                            format!(
                                "convention `{}` of criterion `{}` covers `{}`, which the criterion does not map",
                                conv.id, c.id, value.id
                            ),
                            Some(format!("map `{}` to a lean in criterion `{}` first", value.id, c.id)),
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
            self.cite(&s.sources, &format!("school `{}`", s.id));
            let mut seen = BTreeSet::new();
            for r in &s.decisive {
                if kb.criterion(&r.id).is_none() {
                    let ids: Vec<&str> = kb.criteria.iter().map(|c| c.id.as_str()).collect();
                    let help = did_you_mean_or_list(&r.id, &ids, "criteria");
                    self.error(
                        &r.loc,
                        format!("school `{}` names unknown criterion `{}`", s.id, r.id),
                        Some(help),
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
        let read: Vec<(&str, &str)> = kb
            .criteria
            .iter()
            .filter(|c| kb.trait_def(c.trait_id()).is_some())
            .map(|c| (c.trait_id(), c.id.as_str()))
            .collect();
        for p in &kb.products {
            self.cite(&p.sources, &format!("product `{}`", p.id));
            for d in &p.disputes {
                self.cite(&d.sources, &format!("a dispute of product `{}`", p.id));
            }
            self.facts(p, &p.traits, "");
            self.backend(p, p.role, p.backend.as_ref(), &p.loc, "");
            if !p.role.delegates() {
                self.complete(p, None, &read, "");
            }
            let mut seen = BTreeSet::new();
            for c in &p.configurations {
                if !seen.insert(c.id.as_str()) {
                    self.error(
                        &c.loc,
                        format!("product `{}` has two configurations `{}`", p.id, c.id),
                        None,
                    );
                }
                let ctx = format!(" (configuration `{}`)", c.id);
                self.cite(&c.sources, &format!("product `{}`{ctx}", p.id));
                if c.role.is_some_and(|r| r.delegates()) && c.sources.is_empty() {
                    self.error(
                        &c.loc,
                        format!(
                            "product `{}`{ctx} delegates to a backend but cites no source",
                            p.id
                        ),
                        Some(
                            "add `sources = [\"...\"]` saying where the backend comes from".into(),
                        ),
                    );
                }
                self.facts(p, &c.traits, &ctx);
                let role = p.role_in(Some(c));
                self.backend(p, role, p.backend_in(Some(c)), &c.loc, &ctx);
                if !role.delegates() {
                    self.complete(p, Some(c), &read, &ctx);
                }
            }
        }
        self.cycles();
    }

    /// Ids, names and aliases must pick out one product each.
    fn names(&mut self) {
        let mut owners: BTreeMap<String, &str> = BTreeMap::new();
        for p in &self.kb.products {
            owners.insert(p.id.to_lowercase(), &p.id);
        }
        for p in &self.kb.products {
            let mut own = BTreeSet::new();
            own.insert(p.id.to_lowercase());
            for alias in &p.aliases {
                let key = alias.id.to_lowercase();
                if !own.insert(key.clone()) {
                    continue;
                }
                match owners.get(&key) {
                    Some(other) if *other != p.id => {
                        let msg = format!(
                            "alias `{}` of product `{}` is already a name of product `{other}`",
                            alias.id, p.id
                        );
                        self.error(
                            &alias.loc,
                            msg,
                            Some("remove it or choose another alias".into()),
                        );
                    }
                    _ => {
                        owners.insert(key, &p.id);
                    }
                }
            }
        }
    }

    fn facts(&mut self, p: &'k Product, facts: &'k BTreeMap<String, Fact>, ctx: &str) {
        let kb = self.kb;
        for (trait_id, f) in facts {
            self.cite(
                &f.sources,
                &format!("trait `{trait_id}` of product `{}`{ctx}", p.id),
            );
            let Some(t) = kb.trait_def(trait_id) else {
                let ids: Vec<&str> = kb.traits.iter().map(|t| t.id.as_str()).collect();
                let help = did_you_mean_or_list(trait_id, &ids, "traits");
                self.error(
                    &f.key_loc,
                    format!("product `{}`{ctx} has unknown trait `{trait_id}`", p.id),
                    Some(help),
                );
                continue;
            };
            if f.is_unknown() {
                if f.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    self.error(
                        &f.loc,
                        format!(
                            "trait `{trait_id}` of product `{}`{ctx} is `unknown` without a note",
                            p.id
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
                        "`{}` is not a value of trait `{trait_id}` (product `{}`{ctx})",
                        f.value, p.id
                    ),
                    Some(format!("the values are {}", ticked_list(&allowed))),
                );
            } else if f.sources.is_empty() {
                self.error(
                    &f.loc,
                    format!(
                        "trait `{trait_id}` of product `{}`{ctx} cites no source",
                        p.id
                    ),
                    Some("add `sources = [\"...\"]` naming where the fact comes from".into()),
                );
            }
        }
    }

    fn backend(
        &mut self,
        p: &Product,
        role: crate::model::Role,
        backend: Option<&Ref>,
        loc: &Loc,
        ctx: &str,
    ) {
        let kb = self.kb;
        match (role.delegates(), backend) {
            (true, None) => self.error(
                loc,
                format!(
                    "product `{}`{ctx} is {} but names no backend",
                    p.id,
                    role.noun()
                ),
                Some("add `backend = \"<product id>\"` naming the hypervisor it runs on".into()),
            ),
            (false, Some(b)) if ctx.is_empty() || p.role.delegates() => self.error(
                &b.loc,
                format!(
                    "product `{}`{ctx} is {}, so it cannot have a backend",
                    p.id,
                    role.noun()
                ),
                Some(
                    "remove `backend`, or set `role` to `vmm`, `api`, `distribution` or `frontend`"
                        .into(),
                ),
            ),
            (_, Some(b)) => {
                let target = b.id.split_once('@').map_or(b.id.as_str(), |(id, _)| id);
                if target == p.id && ctx.is_empty() {
                    self.error(
                        &b.loc,
                        format!("product `{}` names itself as its backend", p.id),
                        None,
                    );
                } else if let Some((q, Some(config))) =
                    b.id.split_once('@')
                        .and_then(|(id, c)| Some((kb.product(id)?, Some(c))))
                    && q.configuration(config).is_none()
                {
                    let known: Vec<&str> = q.configurations.iter().map(|c| c.id.as_str()).collect();
                    self.error(
                        &b.loc,
                        format!("product `{}`{ctx} names backend `{}`, but `{}` has no configuration `{config}`", p.id, b.id, q.id),
                        Some(if known.is_empty() { format!("`{}` has no configurations; name it without `@`", q.id) } else { format!("its configurations are {}", ticked_list(&known)) }),
                    );
                } else if kb.product(target).is_none() {
                    let help = did_you_mean(target, kb.products.iter().map(|q| q.id.as_str()))
                        .unwrap_or_else(|| "name the id of a product in the catalog".to_string());
                    self.error(
                        &b.loc,
                        format!(
                            "product `{}`{ctx} names backend `{}`, which is not in the catalog",
                            p.id, b.id
                        ),
                        Some(help),
                    );
                }
            }
            (false, None) => {}
        }
    }

    /// Every trait the criteria read must have a value (in the configuration
    /// or the product), or an explicit `unknown`.
    fn complete(
        &mut self,
        p: &Product,
        configuration: Option<&Configuration>,
        read: &[(&str, &str)],
        ctx: &str,
    ) {
        let loc = configuration.map_or(&p.loc, |c| &c.loc);
        let mut missing: Vec<&str> = Vec::new();
        let mut by: Vec<&str> = Vec::new();
        for (trait_id, criterion) in read {
            if p.fact_in(configuration, trait_id).is_none() && !missing.contains(trait_id) {
                missing.push(trait_id);
                by.push(criterion);
            }
        }
        if !missing.is_empty() {
            self.error(
                loc,
                format!(
                    "product `{}`{ctx} has no value for {} {}, read by {} {}",
                    p.id,
                    if missing.len() == 1 { "trait" } else { "traits" },
                    ticked_list(&missing),
                    if by.len() == 1 { "criterion" } else { "criteria" },
                    ticked_list(&by)
                ),
                Some(
                    "add each under `[product.traits]`, or write `{ value = \"unknown\", note = \"...\" }`"
                        .into(),
                ),
            );
        }
    }

    /// Backends must end at a product classified by its own facts.
    fn cycles(&mut self) {
        let kb = self.kb;
        // Each start is a product in its default configuration or in one of
        // its configurations; a cycle is reported once, where it starts at
        // the product's own `backend` line (or its configuration's).
        for p in &kb.products {
            let starts = std::iter::once(None).chain(p.configurations.iter().map(Some));
            for config in starts {
                let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
                let mut cur = (p, config);
                loop {
                    let key = (cur.0.id.as_str(), cur.1.map(|c| c.id.as_str()));
                    if seen.contains(&key) {
                        if key == seen[0] {
                            let chain: Vec<String> = seen
                                .iter()
                                .chain(std::iter::once(&key))
                                .map(|(id, c)| c.map_or(id.to_string(), |c| format!("{id}@{c}")))
                                .collect();
                            let here = p.backend_in(config).map_or(&p.loc, |b| &b.loc);
                            self.error(
                                here,
                                format!("backends form a cycle: {}", chain.join(" -> ")),
                                Some("one product in the chain must be a hypervisor classified by its own facts".into()),
                            );
                        }
                        break;
                    }
                    seen.push(key);
                    let (product, configuration) = cur;
                    match product
                        .backend_in(configuration)
                        .filter(|_| product.role_in(configuration).delegates())
                        .and_then(|b| kb.backend(&b.id))
                    {
                        Some(next) => cur = next,
                        None => break,
                    }
                }
            }
        }
    }

    fn uncited_sources(&mut self) {
        for s in self.kb.sources.values() {
            if !self.cited.contains(s.id.as_str()) {
                self.diags.push(
                    Diagnostic::warning(
                        s.loc.clone(),
                        format!("source `{}` is defined but never cited", s.id),
                    )
                    .help("cite it from a fact, criterion or school, or remove it"),
                );
            }
        }
    }
}
