//! What closing a threat, or adding a control, is worth: exact expected figures of the
//! scenario model, recomputed only for the scenarios a change touches.
//!
//! A threat's money is the loss removed by closing its weakness: the threat and every
//! other open finding of the same rule on the same assets (one way in, drawn several
//! times, is closed by fixing all of it). Closing it alone is worth less or nothing while
//! the same way in stays open elsewhere, so both are given. These figures rank what to do
//! first; they do not add up to the total, because ways into one scenario overlap.

use riskfirst_model::{Estate, RiskIdx};
use riskfirst_risk::Stage;
use riskfirst_rules::engine::Analysis;

use crate::scenario::{Figures, Keep};
use crate::Built;

/// Exact figures of an estate for any state of its controls and threats.
pub struct Evaluator<'a> {
    pub estate: &'a Estate,
    pub analysis: &'a Analysis,
    pub built: &'a Built,
}

/// The organisation's and each business risk's exact figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub organisation: Figures,
    /// Per business risk: expected annual loss to it.
    pub risks: Vec<f64>,
    /// Per business risk: loss events a year that reach it.
    pub risk_events: Vec<f64>,
}

impl<'a> Evaluator<'a> {
    pub fn new(estate: &'a Estate, analysis: &'a Analysis, built: &'a Built) -> Self {
        Evaluator {
            estate,
            analysis,
            built,
        }
    }

    /// Every threat's keep with the estate controls at `weights`.
    pub fn keeps(&self, weights: &[f64], stage: Stage) -> Vec<Keep> {
        (0..self.analysis.threats.len())
            .map(|t| self.built.keep(self.analysis, t, weights, stage))
            .collect()
    }

    /// The keeps of a stage.
    pub fn stage_keeps(&self, stage: Stage) -> Vec<Keep> {
        let w = crate::stage_weights(self.estate, stage, self.built.unverified_weight);
        self.keeps(&w, stage)
    }

    fn add(&self, totals: &mut Totals, s: usize, keep: &dyn Fn(usize) -> Keep, sign: f64) {
        let sc = &self.built.scenarios.list[s];
        let all = self.built.figures(s, keep, None);
        totals.organisation.events += sign * all.events;
        totals.organisation.loss += sign * all.loss;
        let lpe = self.built.loss_per_event(s, None);
        for r in &sc.risks {
            let share = if lpe > 0.0 {
                self.built.risk_loss[r.index()] / lpe
            } else {
                0.0
            };
            totals.risks[r.index()] += sign * all.loss * share;
            totals.risk_events[r.index()] += sign * all.events;
        }
    }

    /// The totals with the given keeps.
    pub fn totals(&self, keeps: &[Keep]) -> Totals {
        let n = self.estate.business_risks.len();
        let mut t = Totals {
            organisation: Figures::default(),
            risks: vec![0.0; n],
            risk_events: vec![0.0; n],
        };
        for s in 0..self.built.scenarios.list.len() {
            self.add(&mut t, s, &|i| keeps[i], 1.0);
        }
        t
    }

    /// The drop in the totals when `changed` replaces the keeps of some threats:
    /// only the scenarios those threats touch are recomputed.
    pub fn delta(&self, keeps: &[Keep], changed: &[(usize, Keep)]) -> Totals {
        let n = self.estate.business_risks.len();
        let mut d = Totals {
            organisation: Figures::default(),
            risks: vec![0.0; n],
            risk_events: vec![0.0; n],
        };
        let mut touched: Vec<usize> = changed
            .iter()
            .flat_map(|(t, _)| self.built.scenarios.of_threat[*t].iter().copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        // Sorted once, so a control acting on thousands of threats stays linear.
        let mut by_threat: Vec<(usize, Keep)> = changed.to_vec();
        by_threat.sort_by_key(|(t, _)| *t);
        let after = |i: usize| match by_threat.binary_search_by_key(&i, |(t, _)| *t) {
            Ok(j) => by_threat[j].1,
            Err(_) => keeps[i],
        };
        for s in touched {
            self.add(&mut d, s, &|i| keeps[i], 1.0);
            self.add(&mut d, s, &after, -1.0);
        }
        d
    }

    /// The open findings of the same rule on the same scenarios as `threat`: its weakness.
    pub fn weakness(&self, threat: usize) -> Vec<usize> {
        let rule = &self.analysis.threats[threat].rule.code;
        let mut out = vec![threat];
        for &s in &self.built.scenarios.of_threat[threat] {
            let sc = &self.built.scenarios.list[s];
            for w in sc.ways.iter().filter(|w| &w.rule == rule) {
                out.extend(w.threats.iter().copied());
            }
            if self.analysis.threats[threat].rule.stride
                == riskfirst_model::format::Stride::Repudiation
            {
                out.extend(
                    sc.detection
                        .iter()
                        .copied()
                        .filter(|t| &self.analysis.threats[*t].rule.code == rule),
                );
            }
        }
        out.retain(|t| {
            self.analysis.threats[*t].status == riskfirst_model::format::ThreatStatus::Open
                || *t == threat
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The drop in the totals from closing `threats` (their ways in removed).
    pub fn closing(&self, keeps: &[Keep], threats: &[usize]) -> Totals {
        let changed: Vec<(usize, Keep)> = threats.iter().map(|t| (*t, Keep::CLOSED)).collect();
        self.delta(keeps, &changed)
    }

    /// The keeps of the threats a control acts on, with the control at `weight` on top of `weights`.
    pub fn with_control(
        &self,
        weights: &[f64],
        stage: Stage,
        control: usize,
        weight: f64,
    ) -> Vec<(usize, Keep)> {
        let mut w = weights.to_vec();
        w[control] = weight;
        self.built
            .threat_controls
            .iter()
            .enumerate()
            .filter(|(_, cs)| cs.contains(&control))
            .map(|(t, _)| (t, self.built.keep(self.analysis, t, &w, stage)))
            .collect()
    }

    /// The share of a business risk in a drop (0 when it is not reached).
    pub fn risk_drop(d: &Totals, r: RiskIdx) -> f64 {
        d.risks[r.index()]
    }
}
