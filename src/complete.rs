//! What the shell offers on tab (clap_complete's dynamic completion): the
//! names in the data, read when the user presses tab, from the built-in
//! data and the user catalogs found by convention.

use clap_complete::engine::CompletionCandidate;

use crate::load::{self, Inputs};
use crate::model::{Knowledge, UNKNOWN};

/// The built-in data with the user catalogs, or nothing if it does not load.
fn knowledge() -> Option<Knowledge> {
    let catalogs = crate::paths::user_catalogs()
        .into_iter()
        .flat_map(|p| p.files)
        .collect();
    let loaded = load::load(&Inputs {
        builtin: true,
        catalogs,
        criteria: None,
    })
    .ok()?;
    Some(loaded.knowledge)
}

fn candidate(value: &str, help: &str) -> CompletionCandidate {
    // Help comes from the data: shown in the shell's menu, so escaped.
    let help = crate::prose::escape(help).into_owned();
    CompletionCandidate::new(crate::prose::escape(value).into_owned()).help(Some(help.into()))
}

/// Product ids, `id@config` forms and aliases.
pub fn products() -> Vec<CompletionCandidate> {
    let Some(kb) = knowledge() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in &kb.products {
        out.push(candidate(&p.id, &p.name));
        for c in &p.configurations {
            out.push(candidate(&format!("{}@{}", p.id, c.id), &c.name));
        }
        for a in &p.aliases {
            if !a.value.contains(char::is_whitespace) {
                out.push(candidate(&a.value, &format!("alias of {}", p.id)).hide(true));
            }
        }
    }
    out
}

/// School ids.
pub fn schools() -> Vec<CompletionCandidate> {
    knowledge().map_or_else(Vec::new, |kb| {
        kb.schools
            .iter()
            .map(|s| candidate(&s.id, &s.name))
            .collect()
    })
}

/// Trait ids.
pub fn traits() -> Vec<CompletionCandidate> {
    knowledge().map_or_else(Vec::new, |kb| {
        kb.traits
            .iter()
            .map(|t| candidate(&t.id, &t.question))
            .collect()
    })
}

/// `TRAIT=VALUE` pairs, `unknown` included.
pub fn facts() -> Vec<CompletionCandidate> {
    knowledge().map_or_else(Vec::new, |kb| {
        kb.traits
            .iter()
            .flat_map(|t| {
                t.values
                    .iter()
                    .map(move |v| candidate(&format!("{}={}", t.id, v.id), &v.meaning))
                    .chain(std::iter::once(candidate(
                        &format!("{}={UNKNOWN}", t.id),
                        "not known",
                    )))
            })
            .collect()
    })
}
