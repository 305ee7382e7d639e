//! Tests of `riskfirst export`: the GitHub issues JSON and the Jira CSV parsed back and checked field by field on the demo.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The binary with a fixed environment: no colour, a fixed day, no standard input.
fn riskfirst(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_riskfirst"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .env("RISKFIRST_TODAY", "2026-12-01")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "riskfirst {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn export(to: &str, extra: &[&str]) -> String {
    let mut args = vec!["export", "--demo", "--trials", "2000", "--to", to];
    args.extend_from_slice(extra);
    riskfirst(&args)
}

fn analysis() -> Value {
    let text = riskfirst(&["analyze", "--demo", "--trials", "2000", "--format", "json"]);
    serde_json::from_str(&text).expect("analyze JSON parses")
}

/// An RFC 4180 parser: quoted fields, doubled quotes, newlines inside quotes, CRLF or LF rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted field: {field:?}"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "the CSV ends inside a quoted field");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn the_csv_parser_reads_quotes_commas_and_newlines() {
    let rows = parse_csv("\"a\",\"b, c\"\r\n\"say \"\"hi\"\"\",\"one\ntwo\"\r\n");
    assert_eq!(
        rows,
        vec![
            vec!["a".to_string(), "b, c".to_string()],
            vec!["say \"hi\"".to_string(), "one\ntwo".to_string()],
        ]
    );
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && matches!(parts[1].parse::<u32>(), Ok(1..=12))
        && matches!(parts[2].parse::<u32>(), Ok(1..=31))
}

fn planned_controls(a: &Value) -> Vec<String> {
    let mut ids: Vec<String> = a["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .filter(|c| c["status"] == "planned" || c["status"] == "in-progress")
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn github_issues_parse_back_with_title_body_and_labels() {
    let text = export("github-issues", &[]);
    let issues: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    let a = analysis();
    let planned = planned_controls(&a);
    let mitigate: Vec<&str> = a["threats"]
        .as_array()
        .expect("threats")
        .iter()
        .filter(|t| t["status"] == "open" && t["recommendation"]["action"] == "mitigate")
        .map(|t| t["id"].as_str().expect("id"))
        .collect();
    assert!(!mitigate.is_empty(), "the demo has threats to mitigate");
    assert_eq!(issues.len(), planned.len() + mitigate.len());
    for issue in &issues {
        let title = issue["title"].as_str().expect("a title");
        assert!(!title.trim().is_empty());
        let body = issue["body"].as_str().expect("a body");
        let labels: Vec<&str> = issue["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|l| l.as_str().expect("a label string"))
            .collect();
        assert!(labels.contains(&"riskfirst"), "{labels:?}");
        assert!(labels.contains(&"security"), "{labels:?}");
        assert!(labels.iter().any(|l| l.starts_with("team:")), "{labels:?}");
        assert_eq!(issue["assignees"], serde_json::json!([]));
        let named = planned.iter().any(|id| body.contains(&format!("`{id}`")))
            || mitigate.iter().any(|id| body.contains(&format!("`{id}`")));
        assert!(named, "the body names no control or threat: {body}");
    }
    for id in &mitigate {
        assert!(
            issues.iter().any(|i| {
                i["body"].as_str().is_some_and(|b| {
                    b.contains(&format!(":{id}`")) && b.contains("riskfirst explain")
                })
            }),
            "no issue links back to threat {id}"
        );
    }
}

#[test]
fn the_jira_csv_parses_back_with_valid_priorities_and_dates() {
    let rows = parse_csv(&export("jira-csv", &[]));
    let header = &rows[0];
    for column in [
        "Summary",
        "Description",
        "Priority",
        "Labels",
        "Due Date",
        "Component/s",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "no {column}: {header:?}"
        );
    }
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    assert!(rows.len() > 1, "the demo has work to export");
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{row:?}");
        assert!(
            ["Highest", "High", "Medium", "Low", "Lowest"].contains(&row[col("Priority")].as_str()),
            "{row:?}"
        );
        let due = &row[col("Due Date")];
        assert!(due.is_empty() || is_date(due), "bad due date {due:?}");
        assert!(!row[col("Summary")].is_empty());
        assert!(row.contains(&"riskfirst".to_string()));
    }
}

#[test]
fn only_planned_exports_exactly_the_planned_and_in_progress_controls() {
    let a = analysis();
    let planned = planned_controls(&a);
    assert!(planned.len() >= 3, "{planned:?}");
    let rows = parse_csv(&export("jira-csv", &["--only", "planned"]));
    let mut exported: Vec<String> = rows[1..]
        .iter()
        .map(|r| {
            let summary = &r[0];
            summary
                .strip_prefix("Implement control ")
                .and_then(|s| s.split(':').next())
                .unwrap_or_else(|| panic!("not a control: {summary}"))
                .to_string()
        })
        .collect();
    exported.sort();
    assert_eq!(exported, planned);
}

#[test]
fn the_control_removing_most_loss_is_exported_field_by_field() {
    let a = analysis();
    let best = a["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .filter(|c| c["status"] == "planned" || c["status"] == "in-progress")
        .max_by(|x, y| {
            x["loss_removed"]
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&y["loss_removed"].as_f64().unwrap_or(0.0))
        })
        .expect("a planned control");
    let id = best["id"].as_str().expect("id");
    let rows = parse_csv(&export("jira-csv", &["--only", "planned"]));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let row = rows[1..]
        .iter()
        .find(|r| r[col("Summary")].starts_with(&format!("Implement control {id}:")))
        .expect("its row");
    let title = best["title"].as_str().expect("title");
    assert_eq!(
        row[col("Summary")],
        format!("Implement control {id}: {title}")
    );
    let owner = best["owner"].as_str().expect("owner");
    assert_eq!(row[col("Component/s")], owner);
    assert!(row.contains(&format!("team:{owner}")));
    assert_eq!(
        row[col("Due Date")],
        best["due"].as_str().unwrap_or_default()
    );
    let description = &row[col("Description")];
    let removed = best["loss_removed"].as_f64().expect("loss_removed");
    assert!(
        description.contains(&format!("{removed:.0} EUR")),
        "{description}"
    );
    for t in best["threats"].as_array().expect("threats") {
        let t = t["id"].as_str().expect("a threat reference has an id");
        assert!(
            description.contains(&format!("{{{{{t}}}}}")),
            "{description}"
        );
    }
    // Its priority is that of the worst threat it addresses.
    let levels: Vec<&str> = a["settings"]["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let worst = best["threats"]
        .as_array()
        .expect("threats")
        .iter()
        .filter_map(|r| {
            a["threats"]
                .as_array()?
                .iter()
                .find(|t| t["id"] == r["id"] && t["system"] == r["system"])
        })
        .filter_map(|t| levels.iter().position(|l| t["level"]["level"] == *l))
        .max()
        .expect("a level");
    let names = ["Highest", "High", "Medium", "Low", "Lowest"];
    assert_eq!(
        row[col("Priority")],
        names[(levels.len() - 1 - worst).min(4)]
    );
}

#[test]
fn output_goes_to_a_file_with_dash_o() {
    let dir = std::env::temp_dir().join(format!("riskfirst-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("issues.json");
    let path_text = path.to_str().expect("UTF-8 path");
    let stdout = export("github-issues", &["-o", path_text]);
    assert!(stdout.is_empty(), "{stdout}");
    let written = std::fs::read_to_string(&path).expect("the file was written");
    let issues: Vec<Value> = serde_json::from_str(&written).expect("JSON");
    assert!(!issues.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
