//! The Markdown format (`list --format markdown`): a table for a README or
//! an essay, saying which school produced it.

use std::fmt::Write as _;

use crate::explain::Listed;

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `list --format markdown`: a Markdown table of products and verdicts.
pub fn list(school: &str, rows: &[Listed<'_>]) -> String {
    let mut out = format!(
        "Verdicts under the `{school}` school.\n\n| Product | Vendor | First release | Licence | Role | Verdict | Reason |\n|---|---|---|---|---|---|---|\n"
    );
    for r in rows {
        let p = r.product;
        let role = match &p.backend {
            Some(b) => format!("{} over `{}`", p.role, b.id),
            None => p.role.to_string(),
        };
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} | {} | **{}** | {} |",
            cell(&p.name),
            p.id,
            cell(&p.vendor),
            p.first_release
                .map_or_else(|| "unknown".to_string(), |y| y.to_string()),
            cell(&p.license),
            role,
            r.verdict,
            cell(&r.reason),
        );
    }
    out
}
