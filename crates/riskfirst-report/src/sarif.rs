//! SARIF 2.1.0 output of `riskfirst check`, so code-scanning interfaces show threats on the model files.
//!
//! A pure function of the data the command gathered: the rules, the results
//! and their locations. It computes nothing and reads no file.

use serde_json::{json, Value};

/// The schema the output declares; code-scanning services check `version`, editors use `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF's three result levels, mapped by the command from the risk level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// The producing tool.
#[derive(Clone, Debug)]
pub struct Tool {
    pub version: String,
    /// Where users read about the tool; omitted when `None`.
    pub information_uri: Option<String>,
}

/// One rule of `tool.driver.rules`.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule code, such as `I001`; results refer to it by `ruleId`.
    pub id: String,
    pub name: String,
    pub summary: String,
    /// The rule's documentation in Markdown, when it has one.
    pub doc: Option<String>,
    /// Such as the STRIDE category and `external/cwe/cwe-319`.
    pub tags: Vec<String>,
    pub level: Level,
}

/// Where a result is written: a model file (relative, `/`-separated) and the element's position.
#[derive(Clone, Debug)]
pub struct Location {
    pub uri: String,
    pub line: u32,
    pub column: u32,
}

/// One result.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule_id: String,
    pub level: Level,
    pub message: String,
    pub location: Option<Location>,
    /// Stable across runs (the threat id and what failed), so a service tracks the result.
    pub fingerprint: String,
}

/// The key of `partialFingerprints`; the version suffix lets the scheme change without merging old and new results.
pub const FINGERPRINT_KEY: &str = "riskfirstThreat/v1";

/// The fingerprint of each finding, unique within the log: a fingerprint met
/// again (two appetite statements of one scope and measure) gets `#2`, `#3`…
/// in the order of the findings, so code scanning never merges two results.
pub fn unique_fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(findings.len());
    for f in findings {
        let mut fingerprint = f.fingerprint.clone();
        let mut n = 1;
        while !seen.insert(fingerprint.clone()) {
            n += 1;
            fingerprint = format!("{}#{n}", f.fingerprint);
        }
        out.push(fingerprint);
    }
    out
}

/// The SARIF log: one run of riskfirst.
pub fn render(tool: &Tool, rules: &[Rule], findings: &[Finding]) -> Value {
    let rules: Vec<Value> = rules.iter().map(rule).collect();
    let results: Vec<Value> = findings
        .iter()
        .zip(unique_fingerprints(findings))
        .map(|(f, fingerprint)| result(f, &fingerprint))
        .collect();
    let mut driver = json!({
        "name": "riskfirst",
        "version": tool.version,
        "semanticVersion": tool.version,
        "rules": rules,
    });
    if let Some(uri) = &tool.information_uri {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "results": results,
        }]
    })
}

fn rule(r: &Rule) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "defaultConfiguration": { "level": r.level.as_str() },
        "properties": { "tags": r.tags },
    });
    if let Some(doc) = &r.doc {
        v["fullDescription"] = json!({ "text": doc, "markdown": doc });
        v["help"] = json!({ "text": doc, "markdown": doc });
    }
    v
}

fn result(f: &Finding, fingerprint: &str) -> Value {
    let mut v = json!({
        "ruleId": f.rule_id,
        "level": f.level.as_str(),
        "message": { "text": f.message },
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if let Some(l) = &f.location {
        // SARIF lines and columns start at 1: an unknown position is written as the file's start.
        v["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": l.uri },
                "region": { "startLine": l.line.max(1), "startColumn": l.column.max(1) },
            }
        }]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_carry_rule_location_and_fingerprint() {
        let tool = Tool {
            version: "1.2.3".into(),
            information_uri: Some("https://example.org".into()),
        };
        let rules = [Rule {
            id: "I001".into(),
            name: "unencrypted-communication".into(),
            summary: "Data crosses a network unencrypted".into(),
            doc: Some("# I001".into()),
            tags: vec!["information-disclosure".into()],
            level: Level::Error,
        }];
        let findings = [Finding {
            rule_id: "I001".into(),
            level: Level::Warning,
            message: "m".into(),
            location: Some(Location {
                uri: "systems/a.yaml".into(),
                line: 0,
                column: 3,
            }),
            fingerprint: "a:I001@x@y".into(),
        }];
        let v = render(&tool, &rules, &findings);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["help"]["markdown"],
            "# I001"
        );
        let r = &run["results"][0];
        assert_eq!(r["level"], "warning");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        assert_eq!(r["partialFingerprints"][FINGERPRINT_KEY], "a:I001@x@y");
    }

    #[test]
    fn fingerprints_are_unique_per_result() {
        let finding = |fingerprint: &str| Finding {
            rule_id: "appetite-breached".into(),
            level: Level::Error,
            message: "m".into(),
            location: None,
            fingerprint: fingerprint.into(),
        };
        let findings = [
            finding("appetite:fraud:max_annual_loss"),
            finding("appetite:fraud:max_annual_loss"),
            finding("appetite:fraud:max_annual_loss#2"),
            finding("other"),
        ];
        let tool = Tool {
            version: "1".into(),
            information_uri: None,
        };
        let v = render(&tool, &[], &findings);
        let prints: Vec<&str> = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"][FINGERPRINT_KEY]
                    .as_str()
                    .expect("a string")
            })
            .collect();
        assert_eq!(
            prints,
            [
                "appetite:fraud:max_annual_loss",
                "appetite:fraud:max_annual_loss#2",
                "appetite:fraud:max_annual_loss#2#2",
                "other"
            ]
        );
    }
}
