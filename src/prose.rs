//! Small helpers for English prose, used by every message and format: lists
//! joined with "and" or "or", counted nouns, and "did you mean" hints.

use std::fmt;

/// A list of phrases joined for prose: `a, b and c` or `a, b or c`,
/// optionally with each item in backticks. Modelled on `just`'s `List`.
pub struct List<'a, S: AsRef<str>> {
    items: &'a [S],
    conjunction: &'static str,
    ticked: bool,
}

impl<'a, S: AsRef<str>> List<'a, S> {
    /// `a, b and c`.
    pub fn and(items: &'a [S]) -> Self {
        List {
            items,
            conjunction: "and",
            ticked: false,
        }
    }

    /// `a, b or c`.
    pub fn or(items: &'a [S]) -> Self {
        List {
            items,
            conjunction: "or",
            ticked: false,
        }
    }

    /// Each item in backticks: `` `a`, `b` and `c` ``.
    pub fn ticked(mut self) -> Self {
        self.ticked = true;
        self
    }
}

impl<S: AsRef<str>> fmt::Display for List<'_, S> {
    /// Joins the items; past [`MAX_LISTED`] items, the list ends with "and N
    /// more", so no list from data can flood a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, more) = if self.items.len() > MAX_LISTED {
            (
                &self.items[..MAX_LISTED - 1],
                self.items.len() - (MAX_LISTED - 1),
            )
        } else {
            (self.items, 0)
        };
        let n = shown.len() + usize::from(more > 0);
        for (i, item) in shown.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == n { self.last_joiner() } else { ", " })?;
            }
            if self.ticked {
                write!(f, "`{}`", escape(item.as_ref()))?;
            } else {
                f.write_str(&escape(item.as_ref()))?;
            }
        }
        if more > 0 {
            write!(f, "{}{more} more", self.last_joiner())?;
        }
        Ok(())
    }
}

impl<S: AsRef<str>> List<'_, S> {
    fn last_joiner(&self) -> &'static str {
        match self.conjunction {
            "and" => " and ",
            _ => " or ",
        }
    }
}

/// Replaces characters that would act on a terminal rather than show on it
/// (control characters, bidirectional overrides, zero-width marks) with a
/// visible escape like `\u{1b}`, so data can never move the cursor, recolour
/// the screen or reorder a line. Newlines and tabs are kept.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Cuts `text` to at most `max` bytes (at a character boundary), marking
/// the cut, so one value from the data cannot flood a terminal.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!(
        "{} [... {} bytes cut]",
        &text[..end],
        text.len() - end
    ))
}

/// A noun in the singular or the plural, by count: `plural(1, "trait", "traits")`.
pub fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `n noun(s)`: `1 error`, `3 errors`.
pub fn count(n: usize, one: &'static str, many: &'static str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// The candidate names closest to `name`, best first (at most three).
///
/// Names are compared folded (lower case, letters and digits only). A
/// candidate is close when it starts with a name of four or more
/// characters, or when it is within a few edits of it (Damerau-Levenshtein:
/// one edit per five characters, at least one) and begins with the same
/// character, since a slip in the first letter usually makes another word
/// (`zvisor` is not a misspelling of `qvisor`). At most [`MAX_CANDIDATES`]
/// candidates are compared, so a hint stays cheap whatever the data holds.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = crate::model::fold(name);
    if wanted.is_empty() {
        return Vec::new();
    }
    let len = wanted.chars().count();
    // Edit distance costs the product of the lengths: a name longer than
    // any real one gets no suggestion, and candidates whose length alone
    // rules them out are skipped.
    if len > 256 {
        return Vec::new();
    }
    let allowed = (len / 5).max(1);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .take(MAX_CANDIDATES)
        .filter_map(|c| {
            let folded = crate::model::fold(c);
            if wanted.chars().count() >= 4 && folded.starts_with(&wanted) && folded != wanted {
                return Some((1, c));
            }
            if folded.chars().next() != wanted.chars().next()
                || folded.chars().count().abs_diff(len) > allowed.max(2)
            {
                return None;
            }
            let d = strsim::damerau_levenshtein(&wanted, &folded);
            // Two letters dropped (`autor` for `authors`) is a slip too.
            let dropped = d <= 2
                && wanted.chars().count() >= 5
                && (subsequence(&wanted, &folded) || subsequence(&folded, &wanted));
            (d <= allowed || dropped).then_some((d, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// Whether `short`'s characters appear in `long` in order.
fn subsequence(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// The most candidates a "did you mean" compares with.
pub const MAX_CANDIDATES: usize = 10_000;

/// The most items a list shows before "and N more".
pub const MAX_LISTED: usize = 12;

/// A hint for an unknown name: "did you mean `x`?" for a close one, else
/// "the {what} are `a`, `b` and `c`" (at most a dozen, then "and N more").
pub fn did_you_mean(name: &str, candidates: &[&str], what: &str) -> String {
    match closest(name, candidates.iter().copied()).first() {
        Some(c) => format!("did you mean `{}`?", escape(c)),
        None => format!("the {what} are {}", List::and(candidates).ticked()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_join_with_commas_and_a_conjunction() {
        let none: [&str; 0] = [];
        assert_eq!(List::and(&none).to_string(), "");
        assert_eq!(List::and(&["a"]).to_string(), "a");
        assert_eq!(List::and(&["a", "b"]).to_string(), "a and b");
        assert_eq!(List::or(&["a", "b", "c"]).to_string(), "a, b or c");
        assert_eq!(
            List::and(&["a", "b", "c"]).ticked().to_string(),
            "`a`, `b` and `c`"
        );
    }

    #[test]
    fn counts_pick_the_right_noun() {
        assert_eq!(count(1, "error", "errors"), "1 error");
        assert_eq!(count(0, "error", "errors"), "0 errors");
        assert_eq!(count(2, "error", "errors"), "2 errors");
    }

    #[test]
    fn closest_prefers_near_spellings_and_prefixes() {
        let names = ["alpha", "beta", "gamma-ray"];
        assert_eq!(closest("alpah", names), vec!["alpha"]);
        assert_eq!(closest("gamma", names), vec!["gamma-ray"]);
        assert!(closest("zzzzzz", names).is_empty());
    }

    #[test]
    fn closest_only_suggests_names_that_are_really_close() {
        let names = [
            "qvisor",
            "sek9",
            "awx-nitrous",
            "hvm",
            "virtualbin",
            "virtual-pd",
            "acme-vm-server",
        ];
        // Pairs a reader would not take for a slip of the keyboard.
        for far in ["zvisor", "tsk", "nope", "acme vm server for sparc", "quux"] {
            assert!(
                closest(far, names).is_empty(),
                "{far}: {:?}",
                closest(far, names)
            );
        }
        // Slips that are.
        assert_eq!(closest("hvmm", names), vec!["hvm"]);
        assert_eq!(closest("virtualbn", names), vec!["virtualbin"]);
        assert_eq!(closest("Virtual Bin2", names), vec!["virtualbin"]);
        assert_eq!(closest("qvsior", names), vec!["qvisor"]);
    }

    #[test]
    fn hints_suggest_or_list_and_stay_short() {
        assert_eq!(
            did_you_mean("alpah", &["alpha", "beta"], "names"),
            "did you mean `alpha`?"
        );
        assert_eq!(
            did_you_mean("zzz", &["alpha", "beta"], "names"),
            "the names are `alpha` and `beta`"
        );
        let many: Vec<String> = (0..40).map(|i| format!("n{i:02}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let hint = did_you_mean("qqqqqq", &many, "names");
        assert!(hint.ends_with("and 29 more"), "{hint}");
        assert_eq!(escape("a\u{1b}[2Jb\u{202e}c\n"), "a\\u{1b}[2Jb\\u{202e}c\n");
    }
}
