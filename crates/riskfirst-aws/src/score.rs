//! The two scores of an evidence scan, and its findings ranked by business risk.
//!
//! - **Security Hub score**: controls passed over controls evaluated, as AWS
//!   Security Hub computes it. A control is evaluated when at least one resource
//!   was judged, and passes when every judged resource passes.
//! - **Risk-weighted score**: the same, each control counted by its business
//!   weight (`checks.rs`), so a public database costs more points than a missing tag.
//!
//! Findings (failed evaluations) are ranked by weight, then severity, then check id
//! and resource, so the order is the same on every run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks::{self, Area, Evaluation, Outcome, Severity};
use crate::graph::Location;
use crate::Scan;

/// One failed check on one resource, with what the reader needs to act.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsbp: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub cis: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prowler: Option<&'static str>,
    pub severity: Severity,
    pub area: Area,
    pub weight: u8,
    pub business_risk: &'static str,
    pub resource: String,
    pub detail: String,
    pub at: Location,
}

/// One check's result over all its resources.
#[derive(Clone, Debug, Serialize)]
pub struct ControlResult {
    pub check: &'static str,
    pub title: &'static str,
    pub outcome: Outcome,
    pub passed: usize,
    pub failed: usize,
    pub not_evaluated: usize,
}

/// The evidence scan's result.
#[derive(Clone, Debug, Serialize)]
pub struct Scorecard {
    /// Controls passed over controls evaluated, 0 to 100; `None` when nothing was evaluated.
    pub security_hub_score: Option<f64>,
    /// The same, each control weighted by its business risk.
    pub risk_weighted_score: Option<f64>,
    pub controls_evaluated: usize,
    pub controls_passed: usize,
    pub resources: usize,
    pub findings: Vec<Finding>,
    pub controls: Vec<ControlResult>,
}

/// Scores and ranks a scan.
pub fn scorecard(scan: &Scan) -> Scorecard {
    let mut per: BTreeMap<&'static str, (usize, usize, usize)> = BTreeMap::new();
    for e in &scan.evaluations {
        let entry = per.entry(e.check).or_default();
        match e.outcome {
            Outcome::Pass => entry.0 += 1,
            Outcome::Fail => entry.1 += 1,
            Outcome::NotEvaluated => entry.2 += 1,
        }
    }
    let mut controls = Vec::new();
    let (mut evaluated, mut passed, mut w_evaluated, mut w_passed) = (0usize, 0usize, 0u64, 0u64);
    for check in checks::CHECKS {
        let Some(&(p, f, n)) = per.get(check.id) else {
            continue;
        };
        let outcome = if f > 0 {
            Outcome::Fail
        } else if p > 0 {
            Outcome::Pass
        } else {
            Outcome::NotEvaluated
        };
        if outcome != Outcome::NotEvaluated {
            evaluated += 1;
            w_evaluated += u64::from(check.weight);
            if outcome == Outcome::Pass {
                passed += 1;
                w_passed += u64::from(check.weight);
            }
        }
        controls.push(ControlResult {
            check: check.id,
            title: check.title,
            outcome,
            passed: p,
            failed: f,
            not_evaluated: n,
        });
    }
    let pct =
        |num: u64, den: u64| (den > 0).then(|| (1000.0 * num as f64 / den as f64).round() / 10.0);
    let mut findings: Vec<Finding> = scan
        .evaluations
        .iter()
        .filter(|e| e.outcome == Outcome::Fail)
        .filter_map(|e: &Evaluation| {
            let c = checks::check(e.check)?;
            Some(Finding {
                check: c.id,
                title: c.title,
                fsbp: c.fsbp,
                cis: c.cis,
                prowler: c.prowler,
                severity: c.severity,
                area: c.area,
                weight: c.weight,
                business_risk: c.area.business_risk(),
                resource: e.resource.clone(),
                detail: e.detail.clone(),
                at: e.at.clone(),
            })
        })
        .collect();
    findings.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(b.severity.cmp(&a.severity))
            .then(a.check.cmp(b.check))
            .then(a.resource.cmp(&b.resource))
    });
    Scorecard {
        security_hub_score: pct(passed as u64, evaluated as u64),
        risk_weighted_score: pct(w_passed, w_evaluated),
        controls_evaluated: evaluated,
        controls_passed: passed,
        resources: scan.graph.len(),
        findings,
        controls,
    }
}
