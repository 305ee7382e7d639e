//! Remediation export: work items (planned controls, threats to mitigate) rendered as
//! GitHub issues (JSON for the REST API) or Jira's CSV importer. Items in, text out.

use serde::Serialize;

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
#[derive(Clone, Debug)]
pub struct ThreatLink {
    pub id: String,
    /// The system that holds it: `riskfirst explain SYSTEM:ID` names it even when several systems share the id.
    pub system: String,
    pub title: String,
    /// STRIDE category, kebab-case (`information-disclosure`).
    pub stride: String,
    pub level: String,
}

/// One unit of remediation work.
#[derive(Clone, Debug)]
pub struct ExportItem {
    pub kind: ItemKind,
    /// The control id, or the threat id.
    pub id: String,
    pub title: String,
    /// The owning team's id.
    pub owner: String,
    /// `YYYY-MM-DD`, for controls that state one.
    pub due: Option<String>,
    /// Expected annual loss it removes: the control's, or the threat's current one.
    pub risk_removed: f64,
    /// The same, as people read it (`€1.2M`).
    pub risk_removed_text: String,
    pub currency: String,
    pub priority: Priority,
    /// Why it is on the list (a status, or the recommendation's reason).
    pub reason: String,
    /// The threats it concerns; for a threat, the threat itself.
    pub threats: Vec<ThreatLink>,
}

impl ExportItem {
    fn summary(&self) -> String {
        match self.kind {
            ItemKind::Control => format!("Implement control {}: {}", self.id, self.title),
            ItemKind::Threat => format!("Mitigate threat {}: {}", self.id, self.title),
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

    /// The Markdown body: what, who, when, how much, and the way back to each threat.
    fn body(&self) -> String {
        let what = match self.kind {
            ItemKind::Control => "Control",
            ItemKind::Threat => "Threat",
        };
        let mut b = format!(
            "**{what}** `{}`: {}\n\n- Owner: team `{}`\n- Due: {}\n- Risk removed: {} a year (expected annual loss, {:.0} {})\n- Priority: {} ({})\n- Why: {}\n",
            self.id,
            self.title,
            self.owner,
            self.due.as_deref().unwrap_or("none"),
            self.risk_removed_text,
            self.risk_removed,
            self.currency,
            self.priority.jira(),
            self.priority.label(),
            self.reason,
        );
        if !self.threats.is_empty() {
            b.push_str("\n**Threats**\n\n");
            for t in &self.threats {
                b.push_str(&format!(
                    "- `{}` ({}, level `{}`): {}. Details: `riskfirst explain {}:{}`\n",
                    t.id, t.stride, t.level, t.title, t.system, t.id
                ));
            }
        }
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
            body: i.body(),
            labels: i.labels(),
            assignees: Vec::new(),
        })
        .collect();
    // Serialising plain strings cannot fail; an empty array is the safe fallback.
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into()) + "\n"
}

/// How many `Labels` columns the CSV has: Jira takes one label per column, repeated.
const LABEL_COLUMNS: usize = 6;

/// One CSV field, quoted RFC 4180 style: always in quotes, quotes doubled.
pub fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn csv_row(fields: &[String], out: &mut String) {
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

/// The items as CSV for Jira's importer: one row per item, every field quoted.
pub fn jira_csv(items: &[ExportItem]) -> String {
    let mut header = vec!["Summary", "Issue Type", "Description", "Priority"];
    header.extend(std::iter::repeat_n("Labels", LABEL_COLUMNS));
    header.extend(["Due Date", "Component/s"]);
    let mut out = String::new();
    csv_row(
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        &mut out,
    );
    for i in items {
        let mut row = vec![
            i.summary(),
            "Task".to_string(),
            i.body(),
            i.priority.jira().to_string(),
        ];
        let mut labels = i.labels();
        // Jira labels cannot hold spaces; ours never do, but a team id is user data.
        for l in &mut labels {
            *l = l.replace(char::is_whitespace, "_");
        }
        labels.resize(LABEL_COLUMNS, String::new());
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

    #[test]
    fn csv_fields_escape_quotes_commas_and_newlines() {
        assert_eq!(csv_field("plain"), "\"plain\"");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("one\ntwo"), "\"one\ntwo\"");
        assert_eq!(csv_field(""), "\"\"");
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
}
