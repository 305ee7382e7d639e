//! The plain-scenario JSON format (`{"scenarios":[{"id","freq","low","high"}]}`) and its simulation.
//!
//! Each scenario is a fixed Poisson rate `freq` (events per year) and a lognormal loss per
//! event whose 90% interval is `low`..`high`. Other fields (such as the `lef_pert` and
//! `lm_pert` of the peer benchmark's file) are ignored. Fixed rates let the engine use its
//! Poissonized fast path: cost grows with the number of events, not of years.

use serde::Deserialize;

use crate::dist::{Dist, Range90};
use crate::error::RiskError;
use crate::sim::{simulate, Exposure, Group, LossTerm, Member, Portfolio, SimConfig};
use crate::stats::LossStats;

/// The key of the one group [`parse_scenarios`] makes: the whole portfolio.
pub const PORTFOLIO_GROUP: &str = "portfolio";

#[derive(Deserialize)]
struct File {
    scenarios: Vec<Scenario>,
}

#[derive(Deserialize)]
struct Scenario {
    id: String,
    freq: f64,
    low: f64,
    high: f64,
}

/// Parses a scenario file into a validated portfolio with one group, [`PORTFOLIO_GROUP`].
///
/// Malformed JSON, a missing field, or an impossible number (low > high, a negative or
/// non-finite value, a duplicate id) is an error that names the scenario.
pub fn parse_scenarios(json: &str) -> Result<Portfolio, RiskError> {
    let file: File = serde_json::from_str(json).map_err(|e| RiskError::Parse(e.to_string()))?;
    let exposures: Vec<Exposure> = file
        .scenarios
        .into_iter()
        .map(|s| Exposure {
            key: s.id,
            frequency: Dist::Fixed(s.freq),
            losses: vec![LossTerm {
                probability: 1.0,
                business_risk: 0,
                loss: Dist::LogNormal90(Range90 {
                    low: s.low,
                    high: s.high,
                }),
            }],
            controls: Vec::new(),
        })
        .collect();
    let members = (0..exposures.len())
        .map(|exposure| Member {
            exposure,
            business_risk: None,
        })
        .collect();
    let p = Portfolio {
        exposures,
        controls: Vec::new(),
        groups: vec![Group {
            key: PORTFOLIO_GROUP.into(),
            members,
        }],
    };
    p.validate()?;
    Ok(p)
}

/// Parses a scenario file and simulates the whole portfolio's annual loss.
pub fn simulate_scenarios(json: &str, cfg: &SimConfig) -> Result<LossStats, RiskError> {
    let p = parse_scenarios(json)?;
    let mut result = simulate(&p, cfg)?;
    // parse_scenarios made exactly one group and simulate reports every group.
    result
        .groups
        .pop()
        .map(|g| g.stats.inherent)
        .ok_or_else(|| RiskError::Config("the portfolio has no group".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_are_typed_errors() {
        let bad = [
            r#"{"scenarios":[{"id":"a","freq":0.1,"low":10,"high":1}]}"#,
            r#"{"scenarios":[{"id":"a","freq":-1,"low":1,"high":10}]}"#,
            r#"{"scenarios":[{"id":"a","freq":0.1,"low":0,"high":10}]}"#,
            r#"{"scenarios":[{"id":"a","freq":0.1,"low":1,"high":10},{"id":"a","freq":0.1,"low":1,"high":10}]}"#,
            r#"{"scenarios":[{"id":"a","freq":0.1,"low":1}]}"#,
            r#"{"scenarios":[{"id":"a","freq":1e999,"low":1,"high":10}]}"#,
            r#"not json"#,
        ];
        for b in bad {
            assert!(parse_scenarios(b).is_err(), "{b}");
        }
        let good = r#"{"description":"x","scenarios":[{"id":"a","freq":0.1,"low":1,"high":10,"lm_pert":[1,2,3]}]}"#;
        assert_eq!(parse_scenarios(good).map(|p| p.exposures.len()), Ok(1));
    }
}
