//! Remediation export: the work items of an assessment (planned controls, threats to
//! mitigate), chosen by [`work_items`], rendered as GitHub issues (JSON for the REST API) or
//! a CSV for Jira's importer.
//!
//! Every item has a stable [`ExportItem::key`] (`control/ID`, `threat/SYSTEM:ID`): the GitHub
//! body carries it in a marker comment and the Jira row in a label, so that a re-run updates
//! the issues it made before instead of duplicating them, and the ones whose key is gone can
//! be closed (`docs/export.md`, `scripts/github-sync.sh`).
//!
//! Model text reaches GitHub only through [`crate::markdown::escape`], Jira only through
//! [`jira_escape`] and CSV only through [`crate::csv`].

use riskfirst_assess::{money, Action, Assessment, ThreatOut};
use riskfirst_model::format::{ControlStatus, ThreatStatus};
use serde::Serialize;

use crate::markdown::{escape, escape_with_code};

/// What an item asks a team to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A planned or in-progress control: finish it.
    Control,
    /// An open threat recommended for mitigation: mitigate it.
    Threat,
}

/// The priority names, highest first: Jira's default scheme, and the GitHub label.
const JIRA_PRIORITIES: [&str; 5] = ["Highest", "High", "Medium", "Low", "Lowest"];

/// Priority from the top: 0 is the highest (Jira `Highest`, label `P1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(usize);

impl Priority {
    /// The priority of risk level `level` on a scale of levels given lowest first:
    /// the highest level is `Highest`/P1, the next `High`/P2, and so on down to `Lowest`/P5.
    /// An unknown level is the lowest priority.
    pub fn from_level(levels: &[String], level: &str) -> Priority {
        let rank = levels
            .iter()
            .position(|l| l == level)
            .map_or(JIRA_PRIORITIES.len() - 1, |i| levels.len() - 1 - i);
        Priority(rank.min(JIRA_PRIORITIES.len() - 1))
    }

    /// The name in Jira's default priority scheme.
    pub fn jira(self) -> &'static str {
        JIRA_PRIORITIES[self.0.min(JIRA_PRIORITIES.len() - 1)]
    }

    /// `P1` … `P5`.
    pub fn label(self) -> String {
        format!("P{}", self.0 + 1)
    }
}

/// The threat an item links back to.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreatLink {
    pub id: String,
    /// The system that holds it: `riskfirst explain SYSTEM:ID` names it even when several systems share the id.
    pub system: String,
    pub title: String,
    /// STRIDE category, kebab-case (`information-disclosure`).
    pub stride: String,
    pub level: String,
}

impl ThreatLink {
    fn of(t: &ThreatOut) -> ThreatLink {
        ThreatLink {
            id: t.id.clone(),
            system: t.system.clone(),
            title: t.title.clone(),
            stride: t.stride.name().to_string(),
            level: t.level.level.clone(),
        }
    }
}

/// One unit of remediation work.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportItem {
    pub kind: ItemKind,
    /// The control id, or the threat id.
    pub id: String,
    /// Stable across runs and unique in an export: `control/ID` or `threat/SYSTEM:ID`.
    pub key: String,
    pub title: String,
    /// The owning team's id.
    pub owner: String,
    /// `YYYY-MM-DD`, for controls that state one.
    pub due: Option<String>,
    /// Expected annual loss it removes: the control's, or what closing the threat removes now.
    pub risk_removed: f64,
    /// The same, as people read it (`€1.2M`).
    pub risk_removed_text: String,
    pub currency: String,
    pub priority: Priority,
    /// Why it is on the list (a status, or the recommendation's reason); backticks mark ids.
    pub reason: String,
    /// The threats it concerns; for a threat, the threat itself.
    pub threats: Vec<ThreatLink>,
}

/// The work items of an assessment: planned and in-progress controls, then (unless
/// `planned_only`) the open threats recommended for mitigation; each list by priority,
/// then risk removed (largest first), then id.
pub fn work_items(a: &Assessment, planned_only: bool) -> Vec<ExportItem> {
    let levels = &a.settings.levels;
    let currency = &a.settings.currency;
    let mut controls = Vec::new();
    for c in &a.controls {
        if !matches!(c.status, ControlStatus::Planned | ControlStatus::InProgress) {
            continue;
        }
        let threats: Vec<&ThreatOut> = c
            .threats
            .iter()
            .filter_map(|r| a.threats.iter().find(|t| r.is(t)))
            .collect();
        // A control is as urgent as the worst threat it addresses.
        let priority = threats
            .iter()
            .map(|t| Priority::from_level(levels, &t.level.level))
            .min()
            .unwrap_or_else(|| Priority::from_level(levels, ""));
        controls.push(ExportItem {
            kind: ItemKind::Control,
            id: c.id.clone(),
            key: format!("control/{}", c.id),
            title: c.title.clone(),
            owner: c.owner.clone(),
            due: c.due.clone(),
            risk_removed: c.loss_removed,
            risk_removed_text: money(c.loss_removed, currency),
            currency: currency.clone(),
            priority,
            reason: format!("the control is {}", c.status.label()),
            threats: threats.into_iter().map(ThreatLink::of).collect(),
        });
    }
    let mut threats = Vec::new();
    if !planned_only {
        for t in &a.threats {
            if t.status != ThreatStatus::Open || t.recommendation.action != Action::Mitigate {
                continue;
            }
            let loss = t.current_value();
            threats.push(ExportItem {
                kind: ItemKind::Threat,
                id: t.id.clone(),
                key: format!("threat/{}:{}", t.system, t.id),
                title: t.title.clone(),
                owner: t.owner.clone(),
                due: None,
                risk_removed: loss,
                risk_removed_text: money(loss, currency),
                currency: currency.clone(),
                priority: Priority::from_level(levels, &t.level.level),
                reason: t.recommendation.reason.clone(),
                threats: vec![ThreatLink::of(t)],
            });
        }
    }
    let order = |x: &ExportItem, y: &ExportItem| {
        x.priority
            .cmp(&y.priority)
            .then(y.risk_removed.total_cmp(&x.risk_removed))
            .then_with(|| x.key.cmp(&y.key))
    };
    controls.sort_by(order);
    threats.sort_by(order);
    controls.extend(threats);
    controls
}

/// The marker a GitHub issue body carries, for [`ExportItem::key`]; `scripts/github-sync.sh`
/// finds earlier issues by it. Keys are ids of the safe alphabet, which cannot end a comment.
pub fn github_marker(key: &str) -> String {
    format!("<!-- riskfirst-key: {key} -->")
}

/// Model text as one line of plain text: control characters (line breaks, escapes, bidi
/// overrides) become spaces. For titles, which trackers show as they are.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if riskfirst_model::text::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

impl ExportItem {
    fn summary(&self) -> String {
        match self.kind {
            ItemKind::Control => plain(&format!("Implement control {}: {}", self.id, self.title)),
            ItemKind::Threat => plain(&format!("Mitigate threat {}: {}", self.id, self.title)),
        }
    }

    fn labels(&self) -> Vec<String> {
        let mut labels = vec!["riskfirst".to_string(), "security".to_string()];
        let mut stride: Vec<&str> = self.threats.iter().map(|t| t.stride.as_str()).collect();
        stride.sort_unstable();
        stride.dedup();
        labels.extend(stride.into_iter().map(str::to_string));
        labels.push(self.priority.label());
        labels.push(format!("team:{}", self.owner));
        labels
    }

    fn what(&self) -> &'static str {
        match self.kind {
            ItemKind::Control => "Control",
            ItemKind::Threat => "Threat",
        }
    }

    /// The GitHub Markdown body: what, who, when, how much, the way back to each threat,
    /// and the key marker.
    fn markdown_body(&self) -> String {
        let mut b = format!(
            "**{}** `{}`: {}\n\n- Owner: team `{}`\n- Due: {}\n- Risk removed: {} a year (expected annual loss, {:.0} {})\n- Priority: {} ({})\n- Why: {}\n",
            self.what(),
            self.id,
            escape(&self.title),
            self.owner,
            self.due.as_deref().unwrap_or("none"),
            escape(&self.risk_removed_text),
            self.risk_removed,
            escape(&self.currency),
            self.priority.jira(),
            self.priority.label(),
            escape_with_code(&self.reason),
        );
        if !self.threats.is_empty() {
            b.push_str("\n**Threats**\n\n");
            for t in &self.threats {
                b.push_str(&format!(
                    "- `{}` ({}, level {}): {}. Details: `riskfirst explain {}:{}`\n",
                    t.id,
                    t.stride,
                    escape(&t.level),
                    escape(&t.title),
                    t.system,
                    t.id
                ));
            }
        }
        b.push('\n');
        b.push_str(&github_marker(&self.key));
        b.push('\n');
        b
    }

    /// The Jira description, in Jira's own wiki markup.
    fn jira_body(&self) -> String {
        let mut b = format!(
            "*{}* {{{{{}}}}}: {}\n\n* Owner: team {{{{{}}}}}\n* Due: {}\n* Risk removed: {} a year (expected annual loss, {:.0} {})\n* Priority: {} ({})\n* Why: {}\n",
            self.what(),
            self.id,
            jira_escape(&self.title),
            self.owner,
            self.due.as_deref().unwrap_or("none"),
            jira_escape(&self.risk_removed_text),
            self.risk_removed,
            jira_escape(&self.currency),
            self.priority.jira(),
            self.priority.label(),
            jira_with_code(&self.reason),
        );
        if !self.threats.is_empty() {
            b.push_str("\nh3. Threats\n\n");
            for t in &self.threats {
                b.push_str(&format!(
                    "* {{{{{}}}}} ({}, level {}): {}. Details: {{{{riskfirst explain {}:{}}}}}\n",
                    t.id,
                    t.stride,
                    jira_escape(&t.level),
                    jira_escape(&t.title),
                    t.system,
                    t.id
                ));
            }
        }
        b.push_str(&format!("\nriskfirst key: {{{{{}}}}}\n", self.key));
        b
    }
}

/// One issue as `POST /repos/{owner}/{repo}/issues` takes it.
#[derive(Serialize)]
struct GithubIssue {
    title: String,
    body: String,
    labels: Vec<String>,
    /// Empty: owners are teams, not GitHub users; the team is in the body and a label.
    assignees: Vec<String>,
}

/// The items as a JSON array of GitHub issues.
pub fn github_issues(items: &[ExportItem]) -> String {
    let issues: Vec<GithubIssue> = items
        .iter()
        .map(|i| GithubIssue {
            title: i.summary(),
            body: i.markdown_body(),
            labels: i.labels(),
            assignees: Vec::new(),
        })
        .collect();
    // Serialising plain strings cannot fail; an empty array is the safe fallback.
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into()) + "\n"
}

/// Model text made inert in Jira wiki markup, on one line: control characters become
/// spaces, and every character that starts markup (emphasis, monospace, links, macros,
/// tables, lists, headings, images, citations) is backslash-escaped.
pub fn jira_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '?' | '-' | '+' | '^' | '~' | '{' | '}' | '[' | ']' | '|' | '!'
            | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if riskfirst_model::text::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Assessment text in which backticks mark ids: each plain pair becomes Jira monospace
/// (`{{id}}`); everything else goes through [`jira_escape`].
fn jira_with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let pairs = (parts.len() - 1) / 2;
    let mut out = String::new();
    let mut plain = String::new();
    for (i, part) in parts.iter().enumerate() {
        let code = i % 2 == 1 && i <= 2 * pairs;
        let safe = !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/:@".contains(c));
        if code && safe {
            out.push_str(&jira_escape(&plain));
            plain.clear();
            out.push_str("{{");
            out.push_str(part);
            out.push_str("}}");
        } else {
            if i % 2 == 1 {
                plain.push('`');
            }
            plain.push_str(part);
            if code {
                plain.push('`');
            }
        }
    }
    out.push_str(&jira_escape(&plain));
    out
}

fn csv_row(fields: &[String], out: &mut String) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::csv::text_field(f, out);
    }
    out.push_str("\r\n");
}

/// A Jira label: no whitespace (Jira splits on it).
fn jira_label(text: &str) -> String {
    plain(text).replace(char::is_whitespace, "_")
}

/// The items as CSV for Jira's importer: one row per item. Jira takes one label per
/// column, so there are as many `Labels` columns as the item with most labels needs; the
/// last label of each row is its key (`riskfirst-key:KEY`).
pub fn jira_csv(items: &[ExportItem]) -> String {
    let rows: Vec<(Vec<String>, &ExportItem)> = items
        .iter()
        .map(|i| {
            let mut labels: Vec<String> = i.labels().iter().map(|l| jira_label(l)).collect();
            labels.push(jira_label(&format!("riskfirst-key:{}", i.key)));
            (labels, i)
        })
        .collect();
    let columns = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(1);
    let mut header = vec!["Summary", "Issue Type", "Description", "Priority"];
    header.extend(std::iter::repeat_n("Labels", columns));
    header.extend(["Due Date", "Component/s"]);
    let mut out = String::new();
    csv_row(
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        &mut out,
    );
    for (mut labels, i) in rows {
        let mut row = vec![
            i.summary(),
            "Task".to_string(),
            i.jira_body(),
            i.priority.jira().to_string(),
        ];
        labels.resize(columns, String::new());
        row.extend(labels);
        row.push(i.due.clone().unwrap_or_default());
        row.push(i.owner.clone());
        csv_row(&row, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, id: &str, title: &str, labels: usize) -> ExportItem {
        ExportItem {
            kind,
            id: id.into(),
            key: match kind {
                ItemKind::Control => format!("control/{id}"),
                ItemKind::Threat => format!("threat/shop:{id}"),
            },
            title: title.into(),
            owner: "web".into(),
            due: None,
            risk_removed: 1234.0,
            risk_removed_text: "€1.2k".into(),
            currency: "EUR".into(),
            priority: Priority(1),
            reason: "closing `T1` pays for itself".into(),
            threats: (0..labels)
                .map(|n| ThreatLink {
                    id: format!("T{n}"),
                    system: "shop".into(),
                    title: "t".into(),
                    stride: format!("stride-{n}"),
                    level: "high".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn priorities_map_from_the_top_of_the_scale() {
        let levels: Vec<String> = ["low", "medium", "high", "critical"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(Priority::from_level(&levels, "critical").jira(), "Highest");
        assert_eq!(Priority::from_level(&levels, "critical").label(), "P1");
        assert_eq!(Priority::from_level(&levels, "high").jira(), "High");
        assert_eq!(Priority::from_level(&levels, "low").jira(), "Low");
        assert_eq!(Priority::from_level(&levels, "unknown").jira(), "Lowest");
    }

    #[test]
    fn model_html_never_reaches_a_github_body() {
        let hostile = "<details ontoggle=alert(1)><script>x</script> [link](http://e) ![i](x)";
        let text = github_issues(&[item(ItemKind::Threat, "T1", hostile, 1)]);
        let issues: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let body = issues[0]["body"].as_str().expect("body");
        assert!(!body.contains("<details"), "{body}");
        assert!(!body.contains("<script"), "{body}");
        assert!(!body.contains("](http"), "{body}");
        assert!(
            body.contains("&lt;details ontoggle=alert\\(1\\)&gt;"),
            "{body}"
        );
        assert!(
            body.ends_with("<!-- riskfirst-key: threat/shop:T1 -->\n"),
            "{body}"
        );
        // The reason's id stays code.
        assert!(
            body.contains("- Why: closing `T1` pays for itself"),
            "{body}"
        );
    }

    #[test]
    fn titles_are_one_line_of_plain_text() {
        let text = github_issues(&[item(
            ItemKind::Control,
            "mfa",
            "MFA\ncheck passed all clear\u{202e}",
            0,
        )]);
        let issues: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            issues[0]["title"],
            "Implement control mfa: MFA check passed all clear "
        );
    }

    #[test]
    fn jira_markup_is_escaped_and_ids_are_monospace() {
        assert_eq!(
            jira_escape("*bold* {code} [link|http://x] h1. -x"),
            "\\*bold\\* \\{code\\} \\[link\\|http://x\\] h1. \\-x"
        );
        assert_eq!(
            jira_with_code("closing `T1` removes `a b` or `x"),
            "closing {{T1}} removes `a b` or `x"
        );
    }

    #[test]
    fn jira_rows_defuse_formulas_and_keep_every_label() {
        let csv = jira_csv(&[
            item(ItemKind::Threat, "T1", "=HYPERLINK(\"http://e\")", 1),
            item(ItemKind::Control, "c", "many", 9),
        ]);
        let mut lines = csv.split("\r\n");
        let header = lines.next().expect("header");
        // riskfirst, security, 9 STRIDE labels, the priority, the team and the key.
        assert_eq!(header.matches("Labels").count(), 14, "{header}");
        // The summary leads with the action, so the title's formula is inert text.
        assert!(
            csv.contains("\r\n\"Mitigate threat T1: =HYPERLINK(\"\"http://e\"\")\","),
            "{csv}"
        );
        assert!(csv.contains("riskfirst-key:control/c"), "{csv}");
        assert!(csv.contains("riskfirst-key:threat/shop:T1"), "{csv}");
    }
}
