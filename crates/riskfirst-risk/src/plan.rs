//! Return on security investment per control, and the control set a budget should buy.
//!
//! Both work from the current stage: the controls that count in [`Stage::Current`].
//! Costs over a horizon of `years` are `cost_once + cost_yearly · years`; the yearly
//! equivalent is `cost_yearly + cost_once / years`.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::RiskError;
use crate::sim::{
    exposure_eal, for_each_event, key_order, prepare, EventScratch, Portfolio, Reduces, SimConfig,
    Stage, CHUNK,
};

/// The most candidates [`PlanMethod::Exact`] enumerates, and [`plan`]'s switch to greedy:
/// 2^20 subsets take well under a second and 24 MiB.
pub const EXACT_LIMIT: usize = 20;

/// Up to this many candidates, [`plan_objective`]'s heuristic also starts from every pair.
pub const PAIR_SEED_LIMIT: usize = 40;

/// The most nodes [`PlanMethod::BranchAndBound`] visits before it stops with the best plan
/// found and a bound on how far from the optimum it can be.
pub const NODE_LIMIT: u64 = 200_000;

/// One control's return on security investment.
///
/// The loss it removes is the drop in the whole portfolio's expected annual loss at the
/// current stage: for a control that counts now, current without it minus current; for any
/// other, current minus current with it. ROSI = (loss removed − annual cost) / annual cost,
/// with annual cost = yearly cost + one-off cost / years; `None` when the control is free.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlRosi {
    pub control: usize,
    pub key: String,
    /// Whether the control counts in the current stage.
    pub in_current: bool,
    pub annual_cost: f64,
    /// Exact expected annual loss removed (from the analytic means).
    pub loss_removed: f64,
    /// The same from the simulation, with and without the control on the same random
    /// numbers, so it is never negative and its noise is that of the difference only.
    pub loss_removed_simulated: f64,
    /// The Monte Carlo standard error of `loss_removed_simulated`.
    pub loss_removed_se: f64,
    pub rosi: Option<f64>,
    pub rosi_simulated: Option<f64>,
}

/// How [`plan`] searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanMethod {
    /// Every subset of the candidates: the optimum.
    Exact,
    /// Best marginal loss removed per cost, recomputed after each pick (controls on the same
    /// exposure multiply, so each one's value depends on those already chosen).
    Greedy,
    /// Branch and bound seeded with the greedy plan: the optimum when it finishes within
    /// [`NODE_LIMIT`] nodes, else the best plan found with a bound on the gap
    /// ([`Plan::removable_bound`]).
    BranchAndBound,
}

/// A control in a plan, with its cost and the loss it removes given those before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanStep {
    pub control: usize,
    pub key: String,
    /// One-off plus yearly cost over the plan's years.
    pub cost: f64,
    /// Expected loss removed over the plan's years, on top of the steps before.
    pub loss_removed: f64,
}

/// A point of the efficient frontier: the least expected annual loss that `budget` can reach.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrontierPoint {
    pub budget: f64,
    pub remaining_eal: f64,
}

/// What a budget buys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub method: PlanMethod,
    pub budget: f64,
    pub years: f64,
    /// Expected annual loss at the current stage, before the plan.
    pub current_eal: f64,
    /// The controls to fund, in order of value for money.
    pub chosen: Vec<PlanStep>,
    pub total_cost: f64,
    /// Expected annual loss with the plan.
    pub remaining_eal: f64,
    /// Budget against remaining expected annual loss, budget ascending, remaining risk
    /// strictly falling. It spans all candidates, not only the budget, to show what more
    /// money would buy. Exact: the Pareto front of every subset; greedy: the greedy path.
    pub frontier: Vec<FrontierPoint>,
    /// Candidates whose loss removed over the years (alone, on top of the current stage) is
    /// below their cost over the years.
    pub not_worth_funding: Vec<PlanStep>,
    /// Whether no plan within the budget removes more (exact search, or a branch and bound
    /// that finished).
    #[serde(default)]
    pub proven_optimal: bool,
    /// The most expected annual loss any plan within the budget can remove, as far as the
    /// search proved it (the plan's own when proven optimal); `None` when the search gives
    /// no bound (greedy).
    #[serde(default)]
    pub removable_bound: Option<f64>,
}

impl Plan {
    /// How far the plan may be from the optimum: (bound − removed) / bound, 0 when proven
    /// optimal, `None` without a bound.
    pub fn gap(&self) -> Option<f64> {
        let removed = self.current_eal - self.remaining_eal;
        self.removable_bound.map(|b| {
            if self.proven_optimal || b <= removed || b <= 0.0 {
                0.0
            } else {
                (b - removed) / b
            }
        })
    }
}

/// The ROSI of every control (see [`ControlRosi`]), simulating with `cfg`.
pub fn rosi(p: &Portfolio, cfg: &SimConfig, years: f64) -> Result<Vec<ControlRosi>, RiskError> {
    p.validate()?;
    cfg.validate()?;
    check_years(years)?;
    let base: Vec<bool> = p
        .controls
        .iter()
        .map(|c| c.counts_in(Stage::Current))
        .collect();
    let current = total_eal(p, &|c| base[c]);
    let k = p.controls.len();
    let prepared = prepare(p);
    let order = key_order(p);
    let trials = cfg.trials as usize;
    let chunks = trials.div_ceil(CHUNK);

    // Per chunk: for each control, the sum and sum of squares over years of the loss it
    // removes. Chunks are combined in order, so the result does not depend on threads.
    let partials: Vec<Vec<(f64, f64)>> = (0..chunks)
        .into_par_iter()
        .map_init(
            || (EventScratch::default(), Vec::new()),
            |(scratch, diff), c| {
                let n = CHUNK.min(trials - c * CHUNK);
                diff.clear();
                diff.resize(k * CHUNK, 0.0);
                for &e in &order {
                    let x = &prepared[e];
                    let effects = &p.exposures[e].controls;
                    if effects.is_empty() {
                        continue;
                    }
                    let keep = |ev: &crate::sim::Event<'_>, flip: Option<usize>| {
                        let (mut ff, mut fl) = (1.0, 1.0);
                        for (j, eff) in effects.iter().enumerate() {
                            if base[eff.control] != (flip == Some(eff.control)) {
                                match eff.reduces {
                                    Reduces::Frequency => ff *= 1.0 - ev.eff[j],
                                    Reduces::Loss => fl *= 1.0 - ev.eff[j],
                                }
                            }
                        }
                        (ff, fl)
                    };
                    for_each_event(x, cfg.seed, c as u64, n, scratch, |ev| {
                        let raw: f64 = ev.losses.iter().sum();
                        let loss = |(ff, fl): (f64, f64)| if ev.u < ff { raw * fl } else { 0.0 };
                        let at_base = loss(keep(ev, None));
                        for (j, eff) in effects.iter().enumerate() {
                            // A control acting twice on this exposure is counted at its first effect.
                            if effects[..j].iter().any(|o| o.control == eff.control) {
                                continue;
                            }
                            let flipped = loss(keep(ev, Some(eff.control)));
                            let removed = if base[eff.control] {
                                flipped - at_base
                            } else {
                                at_base - flipped
                            };
                            diff[eff.control * CHUNK + ev.trial] += removed;
                        }
                    });
                }
                (0..k)
                    .map(|ctl| {
                        let d = &diff[ctl * CHUNK..ctl * CHUNK + n];
                        (d.iter().sum(), d.iter().map(|v| v * v).sum())
                    })
                    .collect()
            },
        )
        .collect();

    let nf = trials as f64;
    let out = p
        .controls
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let (s1, s2) = partials
                .iter()
                .fold((0.0, 0.0), |(a, b), ch| (a + ch[i].0, b + ch[i].1));
            let mean = s1 / nf;
            let var = if trials > 1 {
                ((s2 - nf * mean * mean) / (nf - 1.0)).max(0.0)
            } else {
                0.0
            };
            let flipped = total_eal(p, &|c| base[c] != (c == i));
            let removed = if base[i] {
                flipped - current
            } else {
                current - flipped
            };
            let annual_cost = spec.cost_yearly + spec.cost_once / years;
            let ratio = |r: f64| (annual_cost > 0.0).then(|| (r - annual_cost) / annual_cost);
            ControlRosi {
                control: i,
                key: spec.key.clone(),
                in_current: base[i],
                annual_cost,
                loss_removed: removed,
                loss_removed_simulated: mean,
                loss_removed_se: (var / nf).sqrt(),
                rosi: ratio(removed),
                rosi_simulated: ratio(mean),
            }
        })
        .collect();
    Ok(out)
}

/// The plan for `budget` over `years`: exact search up to [`EXACT_LIMIT`] candidates,
/// branch and bound above. Candidates must be controls that do not count in the current stage.
pub fn plan(
    p: &Portfolio,
    candidates: &[usize],
    budget: f64,
    years: f64,
) -> Result<Plan, RiskError> {
    let method = if candidates.len() <= EXACT_LIMIT {
        PlanMethod::Exact
    } else {
        PlanMethod::BranchAndBound
    };
    plan_with_method(p, candidates, budget, years, method)
}

/// [`plan`] with the search method chosen by the caller ([`PlanMethod::Exact`] takes at
/// most [`EXACT_LIMIT`] candidates).
pub fn plan_with_method(
    p: &Portfolio,
    candidates: &[usize],
    budget: f64,
    years: f64,
    method: PlanMethod,
) -> Result<Plan, RiskError> {
    p.validate()?;
    check_years(years)?;
    if !(budget.is_finite() && budget >= 0.0) {
        return Err(RiskError::Config(format!(
            "budget {budget} must be finite and non-negative"
        )));
    }
    if method == PlanMethod::Exact && candidates.len() > EXACT_LIMIT {
        return Err(RiskError::Config(format!(
            "exact search takes at most {EXACT_LIMIT} candidates, not {}",
            candidates.len()
        )));
    }
    for (i, &c) in candidates.iter().enumerate() {
        let Some(spec) = p.controls.get(c) else {
            return Err(RiskError::Config(format!(
                "candidate control {c} does not exist"
            )));
        };
        if spec.counts_in(Stage::Current) {
            return Err(RiskError::Config(format!(
                "candidate `{}` already counts in the current stage",
                spec.key
            )));
        }
        if candidates[..i].contains(&c) {
            return Err(RiskError::Config(format!(
                "candidate `{}` is listed twice",
                spec.key
            )));
        }
    }
    let model = Model::new(p, candidates, years);
    let (chosen_set, frontier) = match method {
        PlanMethod::Exact => model.exact(budget),
        PlanMethod::Greedy => model.greedy(budget),
        PlanMethod::BranchAndBound => {
            return plan_objective_with_method(&model, budget, years, method);
        }
    };
    let chosen = model.steps(&chosen_set);
    let total_cost = chosen.iter().map(|s| s.cost).sum();
    let removed: f64 = chosen.iter().map(|s| s.loss_removed).sum::<f64>() / years;
    let not_worth_funding = (0..candidates.len())
        .filter_map(|i| {
            let step = model.step(i, &vec![1.0; model.base.len()]);
            (step.loss_removed < step.cost).then_some(step)
        })
        .collect();
    Ok(Plan {
        method,
        budget,
        years,
        current_eal: model.current,
        chosen,
        total_cost,
        remaining_eal: model.current - removed,
        frontier,
        not_worth_funding,
        proven_optimal: method == PlanMethod::Exact,
        removable_bound: (method == PlanMethod::Exact).then_some(removed),
    })
}

fn check_years(years: f64) -> Result<(), RiskError> {
    if years.is_finite() && years > 0.0 {
        Ok(())
    } else {
        Err(RiskError::Config(format!(
            "years {years} must be finite and positive"
        )))
    }
}

fn total_eal(p: &Portfolio, active: &dyn Fn(usize) -> bool) -> f64 {
    p.exposures
        .iter()
        .map(|e| exposure_eal(e, None, active))
        .sum()
}

/// The analytic model a plan searches: EAL(current ∪ S) = rest + Σ_e base_e · Π keep_{e,c}
/// over the candidates c in S acting on e (frequency and loss factors multiply the same way).
struct Model<'a> {
    p: &'a Portfolio,
    candidates: &'a [usize],
    years: f64,
    current: f64,
    /// The current EAL of each exposure a candidate acts on.
    base: Vec<f64>,
    /// Per candidate: (index into `base`, kept fraction).
    acts: Vec<Vec<(usize, f64)>>,
    cost: Vec<f64>,
}

impl<'a> Model<'a> {
    fn new(p: &'a Portfolio, candidates: &'a [usize], years: f64) -> Self {
        let now = |c: usize| p.controls[c].counts_in(Stage::Current);
        let current = total_eal(p, &now);
        let mut base = Vec::new();
        let mut acts = vec![Vec::new(); candidates.len()];
        for e in &p.exposures {
            let mut touched = false;
            for eff in &e.controls {
                if let Some(i) = candidates.iter().position(|&c| c == eff.control) {
                    if !touched {
                        base.push(exposure_eal(e, None, &now));
                        touched = true;
                    }
                    let (e, keep) = (base.len() - 1, 1.0 - eff.effectiveness.mean());
                    // A control acting on both frequency and loss keeps the product.
                    match acts[i].last_mut() {
                        Some((last, k)) if *last == e => *k *= keep,
                        _ => acts[i].push((e, keep)),
                    }
                }
            }
        }
        let cost = candidates
            .iter()
            .map(|&c| p.controls[c].cost_once + p.controls[c].cost_yearly * years)
            .collect();
        Model {
            p,
            candidates,
            years,
            current,
            base,
            acts,
            cost,
        }
    }

    /// Expected annual loss removed by candidate `i` on top of those in `factor`'s state.
    fn marginal(&self, i: usize, factor: &[f64]) -> f64 {
        self.acts[i]
            .iter()
            .map(|&(e, keep)| self.base[e] * factor[e] * (1.0 - keep))
            .sum()
    }

    fn apply(&self, i: usize, factor: &mut [f64]) {
        for &(e, keep) in &self.acts[i] {
            factor[e] *= keep;
        }
    }

    fn step(&self, i: usize, factor: &[f64]) -> PlanStep {
        let c = self.candidates[i];
        PlanStep {
            control: c,
            key: self.p.controls[c].key.clone(),
            cost: self.cost[i],
            loss_removed: self.marginal(i, factor) * self.years,
        }
    }

    /// The chosen set, ordered by value for money given those before (candidates that
    /// remove nothing last, in input order).
    fn steps(&self, set: &[usize]) -> Vec<PlanStep> {
        let mut left = set.to_vec();
        let mut out = Vec::new();
        let mut factor = vec![1.0; self.base.len()];
        while let Some(pos) = self.best_ratio(&left, &factor, f64::INFINITY) {
            let i = left.remove(pos);
            out.push(self.step(i, &factor));
            self.apply(i, &mut factor);
        }
        out.extend(left.into_iter().map(|i| self.step(i, &factor)));
        out
    }

    /// Among `left`, the position of the best marginal value per cost that fits `room` and
    /// removes something (a free control ranks first); ties go to the larger value, then
    /// the earlier candidate.
    fn best_ratio(&self, left: &[usize], factor: &[f64], room: f64) -> Option<usize> {
        let mut best: Option<(usize, f64, f64)> = None;
        for (pos, &i) in left.iter().enumerate() {
            let value = self.marginal(i, factor);
            if self.cost[i] > room || value <= 0.0 {
                continue;
            }
            let ratio = if self.cost[i] > 0.0 {
                value / self.cost[i]
            } else {
                f64::INFINITY
            };
            let better = match best {
                None => true,
                Some((_, r, v)) => ratio > r || (ratio == r && value > v),
            };
            if better {
                best = Some((pos, ratio, value));
            }
        }
        best.map(|(pos, _, _)| pos)
    }

    fn greedy(&self, budget: f64) -> (Vec<usize>, Vec<FrontierPoint>) {
        let run = |room0: f64| {
            let mut left: Vec<usize> = (0..self.candidates.len()).collect();
            let mut factor = vec![1.0; self.base.len()];
            let (mut room, mut spent, mut eal) = (room0, 0.0, self.current);
            let mut picked = Vec::new();
            let mut path = vec![FrontierPoint {
                budget: 0.0,
                remaining_eal: eal,
            }];
            while let Some(pos) = self.best_ratio(&left, &factor, room) {
                let i = left.remove(pos);
                eal -= self.marginal(i, &factor);
                self.apply(i, &mut factor);
                room -= self.cost[i];
                spent += self.cost[i];
                picked.push(i);
                if spent == path[path.len() - 1].budget {
                    path.pop();
                }
                path.push(FrontierPoint {
                    budget: spent,
                    remaining_eal: eal,
                });
            }
            (picked, eal, path)
        };
        let (mut picked, eal, _) = run(budget);
        // The classic safeguard: ratio-greedy can miss one large, valuable control.
        let zero = vec![1.0; self.base.len()];
        let single = (0..self.candidates.len())
            .filter(|&i| self.cost[i] <= budget)
            .map(|i| (i, self.marginal(i, &zero)))
            .fold(None, |b: Option<(usize, f64)>, (i, v)| {
                if b.is_none_or(|(_, bv)| v > bv) {
                    Some((i, v))
                } else {
                    b
                }
            });
        if let Some((i, v)) = single {
            if self.current - v < eal {
                picked = vec![i];
            }
        }
        let (_, _, path) = run(f64::INFINITY);
        (picked, path)
    }

    fn exact(&self, budget: f64) -> (Vec<usize>, Vec<FrontierPoint>) {
        let n = self.candidates.len();
        let mut all: Vec<(f64, f64, u32)> = Vec::with_capacity(1 << n);
        let mut factor = vec![1.0; self.base.len()];
        self.enumerate(0, 0, 0.0, 0.0, &mut factor, &mut all);
        // Best within budget: most removed, then cheapest, then first enumerated.
        let mut best: Option<(f64, f64, u32)> = None;
        for &s in all.iter().filter(|s| s.0 <= budget) {
            if best.is_none_or(|b| s.1 > b.1 || (s.1 == b.1 && s.0 < b.0)) {
                best = Some(s);
            }
        }
        let best = best.map_or(0, |s| s.2);
        all.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then(a.2.cmp(&b.2))
        });
        let mut frontier: Vec<FrontierPoint> = Vec::new();
        let mut most = f64::NEG_INFINITY;
        for &(cost, removed, _) in &all {
            if removed > most {
                most = removed;
                frontier.push(FrontierPoint {
                    budget: cost,
                    remaining_eal: self.current - removed,
                });
            }
        }
        ((0..n).filter(|i| best & (1 << i) != 0).collect(), frontier)
    }

    /// Depth-first over include/exclude of candidate `i`, recording (cost, EAL removed, mask).
    /// No pruning: the frontier needs every subset, and 2^20 leaves are cheap.
    fn enumerate(
        &self,
        i: usize,
        mask: u32,
        cost: f64,
        removed: f64,
        factor: &mut [f64],
        out: &mut Vec<(f64, f64, u32)>,
    ) {
        if i == self.candidates.len() {
            out.push((cost, removed, mask));
            return;
        }
        self.enumerate(i + 1, mask, cost, removed, factor, out);
        let gain = self.marginal(i, factor);
        let saved: Vec<f64> = self.acts[i].iter().map(|&(e, _)| factor[e]).collect();
        self.apply(i, factor);
        self.enumerate(
            i + 1,
            mask | (1 << i),
            cost + self.cost[i],
            removed + gain,
            factor,
            out,
        );
        for (&(e, _), v) in self.acts[i].iter().zip(saved) {
            factor[e] = v;
        }
    }
}

/// The portfolio model as an [`Objective`]. Each exposure's loss removed is
/// `base · (1 − Π keep)` over the chosen candidates on it: diminishing returns, so a
/// candidate is worth most on top of the fewest others and the fractional knapsack of the
/// open candidates' marginal values at a node bounds what they can add.
impl Objective for Model<'_> {
    fn len(&self) -> usize {
        self.candidates.len()
    }
    fn key(&self, i: usize) -> String {
        self.p.controls[self.candidates[i]].key.clone()
    }
    fn control(&self, i: usize) -> usize {
        self.candidates[i]
    }
    fn cost(&self, i: usize) -> f64 {
        self.cost[i]
    }
    fn eal(&self, chosen: &[bool]) -> f64 {
        let mut factor = vec![1.0; self.base.len()];
        for i in (0..self.candidates.len()).filter(|i| chosen[*i]) {
            self.apply(i, &mut factor);
        }
        let removed: f64 = self
            .base
            .iter()
            .zip(&factor)
            .map(|(b, f)| b * (1.0 - f))
            .sum();
        self.current - removed
    }
    fn bound(&self, inside: &[bool], open: &[bool], room: f64) -> f64 {
        let mut factor = vec![1.0; self.base.len()];
        for i in (0..self.candidates.len()).filter(|i| inside[*i]) {
            self.apply(i, &mut factor);
        }
        let mut items: Vec<(f64, f64)> = (0..self.candidates.len())
            .filter(|i| open[*i])
            .map(|i| (self.marginal(i, &factor), self.cost[i]))
            .collect();
        fractional_knapsack(&mut items, room)
    }
}

/// A plan's search space given as a function: the expected annual loss left by any set
/// of candidates. It lets a model whose controls do not simply multiply (ways into one
/// scenario overlap, so closing two of them is worth more than the sum of each) be
/// planned by the same searches.
pub trait Objective: Sync {
    /// The number of candidates.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The candidate's key, for the output.
    fn key(&self, i: usize) -> String;
    /// The candidate's index among the controls, for the output.
    fn control(&self, i: usize) -> usize;
    /// One-off plus yearly cost over the plan's years.
    fn cost(&self, i: usize) -> f64;
    /// The expected annual loss with the chosen candidates added to the current stage.
    fn eal(&self, chosen: &[bool]) -> f64;
    /// An upper bound on the expected annual loss that any subset of the `open`
    /// candidates costing at most `room` removes on top of the `inside` ones:
    /// `max eal(inside) − eal(inside ∪ T)` over `T ⊆ open`, `cost(T) ≤ room`.
    /// [`PlanMethod::BranchAndBound`] prunes with it, so it must never be below that
    /// maximum. The default, `eal(inside) − eal(inside ∪ open)`, holds for any objective
    /// where adding a candidate never raises the loss; a model that knows its structure
    /// can give a tighter one.
    fn bound(&self, inside: &[bool], open: &[bool], room: f64) -> f64 {
        let _ = room;
        let all: Vec<bool> = inside.iter().zip(open).map(|(a, b)| *a || *b).collect();
        (self.eal(inside) - self.eal(&all)).max(0.0)
    }
}

/// The most of `value` that `room` buys when candidates may be taken in part (the
/// fractional knapsack): the greedy by value per cost, the last one cut to fit. An upper
/// bound on any whole selection whose cost is at most `room` and whose worth is at most
/// the sum of its values. Free candidates count in full; values at or below 0 are left.
pub fn fractional_knapsack(items: &mut [(f64, f64)], room: f64) -> f64 {
    // (value, cost)
    items.sort_by(|a, b| {
        let ra = if a.1 > 0.0 { a.0 / a.1 } else { f64::INFINITY };
        let rb = if b.1 > 0.0 { b.0 / b.1 } else { f64::INFINITY };
        rb.total_cmp(&ra)
    });
    let (mut left, mut total) = (room, 0.0);
    for &(value, cost) in items.iter() {
        if value <= 0.0 {
            continue;
        }
        if cost <= left {
            total += value;
            left -= cost;
        } else {
            if left > 0.0 {
                total += value * left / cost;
            }
            break;
        }
    }
    total
}

/// The plan for `budget` over `years` on an [`Objective`]: every subset up to
/// [`EXACT_LIMIT`] candidates; above, the ratio-greedy path improved by local search
/// (adding, dropping or swapping one candidate while it helps), which handles
/// complementary candidates that greedy alone would leave.
///
/// The objective: the most expected loss removed within the budget; among equal
/// removals, the cheaper set.
pub fn plan_objective(obj: &dyn Objective, budget: f64, years: f64) -> Result<Plan, RiskError> {
    let method = if obj.len() <= EXACT_LIMIT {
        PlanMethod::Exact
    } else {
        PlanMethod::BranchAndBound
    };
    plan_objective_with_method(obj, budget, years, method)
}

/// [`plan_objective`] with the search chosen by the caller ([`PlanMethod::Exact`] takes at
/// most [`EXACT_LIMIT`] candidates; [`PlanMethod::Greedy`] is the greedy path with local search).
pub fn plan_objective_with_method(
    obj: &dyn Objective,
    budget: f64,
    years: f64,
    method: PlanMethod,
) -> Result<Plan, RiskError> {
    check_years(years)?;
    if method == PlanMethod::Exact && obj.len() > EXACT_LIMIT {
        return Err(RiskError::Config(format!(
            "exact search takes at most {EXACT_LIMIT} candidates, not {}",
            obj.len()
        )));
    }
    if !(budget.is_finite() && budget >= 0.0) {
        return Err(RiskError::Config(format!(
            "budget {budget} must be finite and non-negative"
        )));
    }
    let n = obj.len();
    let none = vec![false; n];
    let current = obj.eal(&none);
    let cost_of = |set: &[bool]| -> f64 { (0..n).filter(|i| set[*i]).map(|i| obj.cost(i)).sum() };
    let (method, best, frontier, bound) = if method == PlanMethod::Exact {
        let all: Vec<(f64, f64, u32)> = (0..1u32 << n)
            .into_par_iter()
            .map(|mask| {
                let set: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
                (cost_of(&set), current - obj.eal(&set), mask)
            })
            .collect();
        let mut best: Option<(f64, f64, u32)> = None;
        for &s in all.iter().filter(|s| s.0 <= budget) {
            if best.is_none_or(|b| {
                s.1 > b.1 + 1e-9 * b.1.abs() || (s.1 >= b.1 - 1e-9 * b.1.abs() && s.0 < b.0)
            }) {
                best = Some(s);
            }
        }
        let mut sorted = all;
        sorted.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then(a.2.cmp(&b.2))
        });
        let mut frontier: Vec<FrontierPoint> = Vec::new();
        let mut most: Option<f64> = None;
        for &(cost, removed, _) in &sorted {
            if most.is_none_or(|m| removed > m + 1e-9 * m.abs()) {
                most = Some(removed);
                frontier.push(FrontierPoint {
                    budget: cost,
                    remaining_eal: current - removed,
                });
            }
        }
        let mask = best.map_or(0, |b| b.2);
        let set: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
        (PlanMethod::Exact, set, frontier, None)
    } else {
        let (set, path) = heuristic(obj, budget);
        if method == PlanMethod::Greedy {
            (PlanMethod::Greedy, set, path, None)
        } else {
            let (method, set, bound) = branch_and_bound(obj, budget, set, NODE_LIMIT);
            (method, set, path, Some(bound))
        }
    };
    // The chosen set in order of value for money given those before it.
    let mut order = Vec::new();
    let mut taken = vec![false; n];
    let mut eal = current;
    let mut left: Vec<usize> = (0..n).filter(|i| best[*i]).collect();
    while !left.is_empty() {
        let mut pick = (0, f64::NEG_INFINITY, 0.0);
        for (pos, &i) in left.iter().enumerate() {
            taken[i] = true;
            let gain = eal - obj.eal(&taken);
            taken[i] = false;
            let ratio = if obj.cost(i) > 0.0 {
                gain / obj.cost(i)
            } else {
                f64::INFINITY
            };
            if ratio > pick.1 {
                pick = (pos, ratio, gain);
            }
        }
        let i = left.remove(pick.0);
        taken[i] = true;
        eal -= pick.2;
        order.push(PlanStep {
            control: obj.control(i),
            key: obj.key(i),
            cost: obj.cost(i),
            loss_removed: pick.2 * years,
        });
    }
    let total_cost = order.iter().map(|s| s.cost).sum();
    let removed = current - eal;
    let (proven_optimal, removable_bound) = match method {
        PlanMethod::Exact => (true, Some(removed)),
        PlanMethod::Greedy => (false, None),
        PlanMethod::BranchAndBound => {
            let b = bound.unwrap_or(f64::INFINITY);
            let proven = b <= removed + 1e-9 * removed.abs() + 1e-12;
            (proven, Some(if proven { removed } else { b }))
        }
    };
    // Not worth funding: a candidate whose loss removed over the years is below its cost
    // both alone and on top of every other candidate (where ways into one scenario
    // overlap, a control is worth most once the others are in).
    let everything = vec![true; n];
    let all_eal = obj.eal(&everything);
    let not_worth_funding = (0..n)
        .filter_map(|i| {
            let mut one = vec![false; n];
            one[i] = true;
            let alone = current - obj.eal(&one);
            let mut others = everything.clone();
            others[i] = false;
            let last = obj.eal(&others) - all_eal;
            let removed = alone.max(last) * years;
            (removed < obj.cost(i)).then(|| PlanStep {
                control: obj.control(i),
                key: obj.key(i),
                cost: obj.cost(i),
                loss_removed: removed,
            })
        })
        .collect();
    Ok(Plan {
        method,
        budget,
        years,
        current_eal: current,
        chosen: order,
        total_cost,
        remaining_eal: eal,
        frontier,
        not_worth_funding,
        proven_optimal,
        removable_bound,
    })
}

/// The ratio-greedy path started from nothing, every single candidate and (up to
/// [`PAIR_SEED_LIMIT`]) every pair, each improved by local search and perturbation: the
/// best set found within `budget`, and the greedy path over all candidates.
fn heuristic(obj: &dyn Objective, budget: f64) -> (Vec<bool>, Vec<FrontierPoint>) {
    let n = obj.len();
    let current = obj.eal(&vec![false; n]);
    let cost_of = |set: &[bool]| -> f64 { (0..n).filter(|i| set[*i]).map(|i| obj.cost(i)).sum() };
    // Ratio-greedy filling of `start` within `room`, with the path it takes.
    let greedy =
        |start: Vec<bool>, room: f64, blocked: Option<usize>| -> (Vec<bool>, Vec<FrontierPoint>) {
            let mut set = start;
            let mut eal = obj.eal(&set);
            let mut spent = cost_of(&set);
            let mut path = vec![FrontierPoint {
                budget: spent,
                remaining_eal: eal,
            }];
            loop {
                let mut pick: Option<(usize, f64, f64)> = None;
                for i in 0..n {
                    if set[i] || spent + obj.cost(i) > room || blocked == Some(i) {
                        continue;
                    }
                    set[i] = true;
                    let gain = eal - obj.eal(&set);
                    set[i] = false;
                    if gain <= 0.0 {
                        continue;
                    }
                    let ratio = if obj.cost(i) > 0.0 {
                        gain / obj.cost(i)
                    } else {
                        f64::INFINITY
                    };
                    if pick.is_none_or(|(_, r, g)| ratio > r || (ratio == r && gain > g)) {
                        pick = Some((i, ratio, gain));
                    }
                }
                let Some((i, _, gain)) = pick else { break };
                set[i] = true;
                eal -= gain;
                spent += obj.cost(i);
                if path.last().is_some_and(|p| p.budget == spent) {
                    path.pop();
                }
                path.push(FrontierPoint {
                    budget: spent,
                    remaining_eal: eal,
                });
            }
            (set, path)
        };
    // Local search: one add, drop or swap at a time, while it removes more loss
    // within the budget (or the same for less).
    let score = |s: &[bool]| (current - obj.eal(s), cost_of(s));
    let improve = |mut set: Vec<bool>| -> (Vec<bool>, (f64, f64)) {
        let mut now = score(&set);
        'improve: loop {
            for i in 0..n {
                for j in 0..=n {
                    let mut cand = set.clone();
                    cand[i] = !cand[i];
                    if j < n && j != i {
                        // A swap: one in, one out.
                        if set[j] == set[i] {
                            continue;
                        }
                        cand[j] = !cand[j];
                    }
                    let (removed, cost) = score(&cand);
                    let better = removed > now.0 + 1e-9 * now.0.abs()
                        || (removed >= now.0 - 1e-9 * now.0.abs() && cost < now.1);
                    if cost <= budget && better {
                        set = cand;
                        now = (removed, cost);
                        continue 'improve;
                    }
                }
            }
            return (set, now);
        }
    };
    // Started from nothing, from each candidate that fits and, up to
    // PAIR_SEED_LIMIT candidates, from each pair that fits (partial enumeration), so
    // costly, valuable controls are not crowded out by cheap ones.
    let mut starts = vec![vec![false; n]];
    for i in (0..n).filter(|i| obj.cost(*i) <= budget) {
        let mut one = vec![false; n];
        one[i] = true;
        if n <= PAIR_SEED_LIMIT {
            for j in (i + 1..n).filter(|j| obj.cost(i) + obj.cost(*j) <= budget) {
                let mut two = one.clone();
                two[j] = true;
                starts.push(two);
            }
        }
        starts.push(one);
    }
    let results: Vec<(Vec<bool>, (f64, f64))> = starts
        .into_par_iter()
        .map(|start| improve(greedy(start, budget, None).0))
        .collect();
    let mut best: Option<(Vec<bool>, (f64, f64))> = None;
    for r in results {
        let better = best.as_ref().is_none_or(|b| {
            r.1 .0 > b.1 .0 + 1e-9 * b.1 .0.abs()
                || (r.1 .0 >= b.1 .0 - 1e-9 * b.1 .0.abs() && r.1 .1 < b.1 .1)
        });
        if better {
            best = Some(r);
        }
    }
    // Perturbation: drop one chosen candidate, refill without it, improve; repeat
    // while that finds a better set.
    let mut best = best.unwrap_or_else(|| (vec![false; n], (0.0, 0.0)));
    loop {
        let tries: Vec<(Vec<bool>, (f64, f64))> = (0..n)
            .filter(|i| best.0[*i])
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|i| {
                let mut start = best.0.clone();
                start[i] = false;
                improve(greedy(start, budget, Some(i)).0)
            })
            .collect();
        let found = tries.into_iter().find(|r| {
            r.1 .0 > best.1 .0 + 1e-9 * best.1 .0.abs()
                || (r.1 .0 >= best.1 .0 - 1e-9 * best.1 .0.abs() && r.1 .1 < best.1 .1)
        });
        match found {
            Some(r) => best = r,
            None => break,
        }
    }
    let set = best.0;
    let (_, path) = greedy(vec![false; n], f64::INFINITY, None);
    (set, path)
}

/// Branch and bound over include/exclude of each candidate, candidates in order of value
/// for money alone, the include branch first. A node is pruned when what it has removed
/// plus [`Objective::bound`] on the candidates still open and fitting cannot beat the best
/// set found (the `seed` to begin with) by more than a relative 1e-9. Returns the method,
/// the best set and an upper bound on the loss any set within `budget` removes: the best
/// set's own when the tree was finished within `node_limit` nodes, else the largest bound
/// of the nodes left unexplored. Sequential and in a fixed order: the same input gives
/// the same plan.
fn branch_and_bound(
    obj: &dyn Objective,
    budget: f64,
    seed: Vec<bool>,
    node_limit: u64,
) -> (PlanMethod, Vec<bool>, f64) {
    let n = obj.len();
    let none = vec![false; n];
    let current = obj.eal(&none);
    let cost_of = |set: &[bool]| -> f64 { (0..n).filter(|i| set[*i]).map(|i| obj.cost(i)).sum() };
    let alone: Vec<f64> = (0..n)
        .map(|i| {
            let mut one = none.clone();
            one[i] = true;
            current - obj.eal(&one)
        })
        .collect();
    let ratio = |i: usize| {
        if obj.cost(i) > 0.0 {
            alone[i] / obj.cost(i)
        } else {
            f64::INFINITY
        }
    };
    let mut order: Vec<usize> = (0..n).filter(|i| obj.cost(*i) <= budget).collect();
    order.sort_by(|a, b| ratio(*b).total_cmp(&ratio(*a)).then(a.cmp(b)));
    struct Search<'a> {
        obj: &'a dyn Objective,
        order: Vec<usize>,
        budget: f64,
        current: f64,
        best: (Vec<bool>, f64, f64),
        nodes: u64,
        limit: u64,
        /// The largest bound of a node left unexplored when the limit stopped the search.
        unexplored: f64,
    }
    impl Search<'_> {
        fn better(&self, removed: f64, cost: f64) -> bool {
            let (b, c) = (self.best.1, self.best.2);
            removed > b + 1e-9 * b.abs() || (removed >= b - 1e-9 * b.abs() && cost < c)
        }
        fn visit(&mut self, set: &mut Vec<bool>, k: usize, spent: f64, removed: f64) {
            self.nodes += 1;
            if self.better(removed, spent) {
                self.best = (set.clone(), removed, spent);
            }
            let room = self.budget - spent;
            let mut open = vec![false; set.len()];
            let mut any = false;
            for &i in &self.order[k..] {
                if self.obj.cost(i) <= room {
                    open[i] = true;
                    any = true;
                }
            }
            if !any {
                return;
            }
            let bound = removed + self.obj.bound(set, &open, room);
            let b = self.best.1;
            if bound <= b + 1e-9 * b.abs() {
                return;
            }
            if self.nodes >= self.limit {
                self.unexplored = self.unexplored.max(bound);
                return;
            }
            // The next candidate that fits.
            let Some(pos) = (k..self.order.len()).find(|&p| open[self.order[p]]) else {
                return;
            };
            let i = self.order[pos];
            set[i] = true;
            let with = self.current - self.obj.eal(set);
            self.visit(set, pos + 1, spent + self.obj.cost(i), with);
            set[i] = false;
            self.visit(set, pos + 1, spent, removed);
        }
    }
    let seed_removed = current - obj.eal(&seed);
    let seed_cost = cost_of(&seed);
    let mut search = Search {
        obj,
        order,
        budget,
        current,
        best: (seed, seed_removed, seed_cost),
        nodes: 0,
        limit: node_limit,
        unexplored: f64::NEG_INFINITY,
    };
    let mut set = none.clone();
    search.visit(&mut set, 0, 0.0, 0.0);
    let bound = search.best.1.max(search.unexplored);
    (PlanMethod::BranchAndBound, search.best.0, bound)
}
