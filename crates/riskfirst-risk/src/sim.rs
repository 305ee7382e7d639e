//! The portfolio Monte Carlo engine: inputs, validation, deterministic parallel simulation and analytic means.
//!
//! # Model (FAIR style)
//!
//! For every simulated year and exposure: a rate λ is drawn from `frequency` (once per
//! year), the number of events is Poisson(λ), and every event draws one loss from each of
//! the exposure's loss terms. Controls act on events:
//!
//! - a frequency control with effectiveness e lets an event through with probability 1 − e.
//!   One uniform u per event is shared by all stages: the event happens in a stage when
//!   u < Π(1 − e) over the frequency controls active in that stage, so the events of a
//!   stage with more controls are a subset of those of a stage with fewer;
//! - a loss control scales the event's losses by 1 − e, applied to the same loss draws in
//!   every stage.
//!
//! Effectiveness ranges are drawn **per event**, each (exposure, control) pair from its
//! own stream, so adding or removing a control never shifts any other draw.
//! Consequently inherent ≥ current ≥ projected holds year by year (common random numbers),
//! and "with vs without control X" differs only where X acts.
//!
//! # Determinism
//!
//! Trials are cut into chunks of [`CHUNK`] years. The random stream of exposure `key` in
//! chunk `c` is derived from `(seed, FNV-1a-64(key), c)` (see `Rng::stream`), never from
//! positions in the input or from threads. Each chunk is filled by one task, exposures
//! in an order of keys and events in stream order, into per-trial cells, and every sum
//! across chunks is made in chunk order: no floating-point sum depends on scheduling. Same input and seed give the same bytes for any thread count
//! and any order of the exposures.
//!
//! # Memory
//!
//! Each event is drawn once and added to every group its exposure belongs to. Within a
//! chunk, exposures are drawn grouped by their smallest group (see `draw_order`), so a
//! group's years are complete, handed on and its buffer reused before the next starts;
//! across chunks a group keeps its years with a loss exactly while they fit
//! [`SimConfig::memory_budget`], else a sketch. Memory is independent of the number of
//! exposures and of the event rate.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dist::{poisson_p_positive, Dist, Effectiveness, Sampler, MAX_AMOUNT, MAX_RATE};
use crate::error::{Problem, RiskError};
use crate::rng::{fnv1a64, Rng};
use crate::stats::{LossStats, Sketch};

/// Years per chunk: the unit of parallel work and of stream derivation. Part of the
/// reproducibility contract (changing it changes results).
pub const CHUNK: usize = 4096;

/// What is simulated: exposures (threats or scenarios), the controls acting on them and
/// the roll-ups to report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    pub exposures: Vec<Exposure>,
    /// Referenced by index from [`ControlEffect::control`].
    pub controls: Vec<ControlSpec>,
    /// The roll-ups to report (organisation, business risk, system, team, component, one exposure...).
    pub groups: Vec<Group>,
}

/// One source of loss events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exposure {
    /// Stable, unique id (for example a threat id `S003@web@payments-db`); it seeds the
    /// exposure's random stream, so renaming it changes its draws and nothing else does.
    pub key: String,
    /// Events per year. A non-constant distribution is drawn once per simulated year.
    pub frequency: Dist,
    /// One event draws one loss from each term (each business risk it reaches).
    pub losses: Vec<LossTerm>,
    pub controls: Vec<ControlEffect>,
}

/// The loss per event to one business risk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossTerm {
    /// An opaque business-risk number, matched by [`Member::business_risk`].
    pub business_risk: usize,
    pub loss: Dist,
    /// The chance that an event causes this loss at all (FAIR's secondary loss event
    /// frequency, for losses such as fines that follow only some events). 1 by default.
    #[serde(default = "one")]
    pub probability: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduces {
    Frequency,
    Loss,
}

/// A control acting on one exposure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlEffect {
    /// Index into [`Portfolio::controls`].
    pub control: usize,
    pub reduces: Reduces,
    pub effectiveness: Effectiveness,
}

/// Risk is reported in three stages: no controls (well, only those that are part of the
/// design), the controls in place, and those plus the planned ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Inherent,
    Current,
    Projected,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Inherent, Stage::Current, Stage::Projected];
}

/// A control as the plan sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlSpec {
    /// Stable, unique id; it seeds the streams of the control's effectiveness draws.
    pub key: String,
    /// The first stage in which the control counts: `Current` counts in current and
    /// projected, `Projected` only in projected, `Inherent` in all three. `None`: it counts
    /// in no stage (rejected or not verified), though [`crate::plan`] may still choose it.
    pub stage: Option<Stage>,
    pub cost_once: f64,
    pub cost_yearly: f64,
}

impl ControlSpec {
    /// Whether the control counts in `stage`.
    pub fn counts_in(&self, stage: Stage) -> bool {
        self.stage.is_some_and(|s| s <= stage)
    }
}

/// A roll-up to report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub key: String,
    pub members: Vec<Member>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Index into [`Portfolio::exposures`].
    pub exposure: usize,
    /// `None`: every loss term of the exposure; `Some(b)`: only the terms of business risk `b`.
    pub business_risk: Option<usize>,
}

/// How to simulate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// Simulated years.
    pub trials: u64,
    pub seed: u64,
    /// Points on each loss exceedance curve (0 for none).
    pub lec_points: usize,
    /// Bytes of exact samples: 8 bytes per year with a loss, per group and distinct stage.
    /// Groups take it in their order (put the ones whose percentiles matter most first),
    /// each reserving its expected years with a loss plus six standard deviations; a group
    /// that does not fit, or that meets more years than it reserved, is summarised by a
    /// [`crate::Sketch`] (percentiles within [`crate::SKETCH_ERROR`]). So memory is bounded
    /// whatever the event rate: this budget, a sketch per other group (about 3 KB a decade
    /// of losses per stage), and one chunk's buffers per thread.
    pub memory_budget: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            trials: 100_000,
            seed: 0,
            lec_points: 20,
            memory_budget: 256 << 20,
        }
    }
}

/// A value for each stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByStage<T> {
    pub inherent: T,
    pub current: T,
    pub projected: T,
}

impl<T> ByStage<T> {
    pub fn get(&self, stage: Stage) -> &T {
        match stage {
            Stage::Inherent => &self.inherent,
            Stage::Current => &self.current,
            Stage::Projected => &self.projected,
        }
    }

    fn from_fn(mut f: impl FnMut(Stage) -> T) -> Self {
        ByStage {
            inherent: f(Stage::Inherent),
            current: f(Stage::Current),
            projected: f(Stage::Projected),
        }
    }
}

/// The simulated (and exact expected) annual loss of every group, in input order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimResult {
    pub trials: u64,
    pub seed: u64,
    pub groups: Vec<GroupResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    pub key: String,
    /// The exact expected annual loss (see [`analytic_mean`]).
    pub analytic_mean: ByStage<f64>,
    pub stats: ByStage<LossStats>,
}

/// A progress callback: `(trials done, total)`, counted over all batches. It is called from
/// worker threads, so consecutive calls may arrive a chunk out of order.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

impl Portfolio {
    /// Every problem with the portfolio (bad numbers, dangling or duplicate references), not
    /// only the first. The engine runs only on a portfolio that passes.
    pub fn validate(&self) -> Result<(), RiskError> {
        let mut problems = Vec::new();
        let mut push = |at: String, message: String| problems.push(Problem { at, message });
        let mut keys = HashSet::new();
        for (i, e) in self.exposures.iter().enumerate() {
            let at = format!("exposure {i} `{}`", e.key);
            if e.key.is_empty() {
                push(at.clone(), "key is empty".into());
            } else if !keys.insert(e.key.as_str()) {
                push(at.clone(), "key is used by another exposure".into());
            }
            if let Some(m) = e.frequency.problem(MAX_RATE) {
                push(format!("{at} frequency"), m);
            }
            for (j, t) in e.losses.iter().enumerate() {
                if let Some(m) = t.loss.problem(MAX_AMOUNT) {
                    push(format!("{at} loss {j}"), m);
                }
                if !(0.0..=1.0).contains(&t.probability) {
                    push(
                        format!("{at} loss {j}"),
                        format!("probability {} must be between 0 and 1", t.probability),
                    );
                }
            }
            let mut seen = HashSet::new();
            for (j, c) in e.controls.iter().enumerate() {
                let at = format!("{at} control {j}");
                if c.control >= self.controls.len() {
                    push(at.clone(), format!("control {} does not exist", c.control));
                } else if !seen.insert((c.control, c.reduces)) {
                    push(
                        at.clone(),
                        "the same control reduces the same thing twice".into(),
                    );
                }
                if let Some(m) = c.effectiveness.problem() {
                    push(at, m);
                }
            }
        }
        let mut keys = HashSet::new();
        for (i, c) in self.controls.iter().enumerate() {
            let at = format!("control {i} `{}`", c.key);
            if c.key.is_empty() {
                push(at.clone(), "key is empty".into());
            } else if !keys.insert(c.key.as_str()) {
                push(at.clone(), "key is used by another control".into());
            }
            for (what, v) in [
                ("one-off cost", c.cost_once),
                ("yearly cost", c.cost_yearly),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    push(
                        at.clone(),
                        format!("{what} {v} must be finite and non-negative"),
                    );
                }
            }
        }
        let mut keys = HashSet::new();
        for (i, g) in self.groups.iter().enumerate() {
            let at = format!("group {i} `{}`", g.key);
            if !keys.insert(g.key.as_str()) {
                push(at.clone(), "key is used by another group".into());
            }
            // Per exposure: the business risks selected so far (None = all).
            let mut sel: HashMap<usize, Vec<Option<usize>>> = HashMap::new();
            for (j, m) in g.members.iter().enumerate() {
                let at = format!("{at} member {j}");
                let Some(e) = self.exposures.get(m.exposure) else {
                    push(at, format!("exposure {} does not exist", m.exposure));
                    continue;
                };
                if let Some(b) = m.business_risk {
                    if !e.losses.iter().any(|t| t.business_risk == b) {
                        push(
                            at.clone(),
                            format!("exposure `{}` has no loss to business risk {b}", e.key),
                        );
                    }
                }
                let prev = sel.entry(m.exposure).or_default();
                let overlaps = prev
                    .iter()
                    .any(|p| p.is_none() || m.business_risk.is_none() || *p == m.business_risk);
                if overlaps {
                    push(
                        at,
                        format!("exposure `{}` is counted twice in this group", e.key),
                    );
                }
                prev.push(m.business_risk);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(RiskError::Invalid(problems))
        }
    }
}

impl SimConfig {
    pub(crate) fn validate(&self) -> Result<(), RiskError> {
        if self.trials == 0 {
            return Err(RiskError::Config("trials must be at least 1".into()));
        }
        // A per-trial array must be addressable; 2^40 years is far beyond any real use.
        if self.trials > 1 << 40 {
            return Err(RiskError::Config(format!(
                "{} trials is more than this engine supports",
                self.trials
            )));
        }
        Ok(())
    }
}

/// The exact expected annual loss of one exposure in one stage:
/// `E[λ]·Π(1 − E[e_f])·Σ E[L]·Π(1 − E[e_l])`. Exact because λ, the losses and the
/// effectiveness draws are independent. `None` if `exposure` is out of range.
pub fn analytic_mean(p: &Portfolio, exposure: usize, stage: Stage) -> Option<f64> {
    let e = p.exposures.get(exposure)?;
    Some(exposure_eal(e, None, &|c| {
        p.controls.get(c).is_some_and(|s| s.counts_in(stage))
    }))
}

/// The exact probability of at least one event in a year, when the frequency is a fixed
/// rate (`None` otherwise, or if `exposure` is out of range): `1 − exp(−λ·Π(1 − E[e_f]))`,
/// since thinning a Poisson process by independent per-event draws leaves a Poisson process.
pub fn analytic_p_any(p: &Portfolio, exposure: usize, stage: Stage) -> Option<f64> {
    let e = p.exposures.get(exposure)?;
    let Dist::Fixed(lambda) = e.frequency else {
        return None;
    };
    let f: f64 = e
        .controls
        .iter()
        .filter(|c| c.reduces == Reduces::Frequency)
        .filter(|c| {
            p.controls
                .get(c.control)
                .is_some_and(|s| s.counts_in(stage))
        })
        .map(|c| 1.0 - c.effectiveness.mean())
        .product();
    Some(poisson_p_positive(lambda * f))
}

/// The exact expected annual loss of an exposure with the controls `active` says count,
/// over its loss terms of `business_risk` (or all of them).
pub(crate) fn exposure_eal(
    e: &Exposure,
    business_risk: Option<usize>,
    active: &dyn Fn(usize) -> bool,
) -> f64 {
    let (mut ff, mut fl) = (1.0, 1.0);
    for c in e.controls.iter().filter(|c| active(c.control)) {
        let keep = 1.0 - c.effectiveness.mean();
        match c.reduces {
            Reduces::Frequency => ff *= keep,
            Reduces::Loss => fl *= keep,
        }
    }
    let loss: f64 = e
        .losses
        .iter()
        .filter(|t| business_risk.is_none_or(|b| t.business_risk == b))
        .map(|t| t.loss.mean() * t.probability)
        .sum();
    e.frequency.mean() * ff * loss * fl
}

// ---------------------------------------------------------------------------------------
// The engine.

/// An exposure ready to draw from.
pub(crate) struct Prepared {
    key_hash: u64,
    freq: Sampler,
    terms: Vec<Sampler>,
    /// The probability of each term; a draw decides only when it is below 1, so terms
    /// that always apply consume no random numbers for it.
    term_p: Vec<f64>,
    effects: Vec<PreparedEffect>,
    has_freq_effects: bool,
    /// For a lognormal rate whose years are mostly quiet: P(at least one event in a year),
    /// which lets the engine visit only the years with events (see [`for_each_event`]).
    sparse: Option<f64>,
}

/// The sparse path is used when at most this share of years have events...
const SPARSE_MAX_P: f64 = 0.3;
/// ...and when at least this share of size-biased rate draws are accepted, so the
/// rejection loop stays short whatever the spread of the rate.
const SPARSE_MIN_ACCEPT: f64 = 0.5;

/// P(N ≥ 1) for N ~ Poisson(λ), λ ~ LogNormal(mu, sigma): E[1 − e^(−λ)], by the
/// trapezoidal rule over the standard normal (exponentially accurate for this smooth,
/// Gaussian-weighted integrand; the step and range are fixed, so it is deterministic).
fn p_event_lognormal(mu: f64, sigma: f64) -> f64 {
    let h = 0.01;
    let mut sum = 0.0;
    for i in -1200..=1200 {
        let z = f64::from(i) * h;
        let weight = (-0.5 * z * z).exp();
        let lambda = (mu + sigma * z).exp();
        sum += weight * -(-lambda).exp_m1();
    }
    (sum * h / (2.0 * std::f64::consts::PI).sqrt()).clamp(0.0, 1.0)
}

fn sparse_p(freq: &Sampler) -> Option<f64> {
    let Sampler::LogNormal { mu, sigma } = *freq else {
        return None;
    };
    let mean = (mu + 0.5 * sigma * sigma).exp();
    let q = p_event_lognormal(mu, sigma);
    (q > 0.0 && q <= SPARSE_MAX_P && mean.is_finite() && q / mean >= SPARSE_MIN_ACCEPT).then_some(q)
}

struct PreparedEffect {
    control: usize,
    reduces: Reduces,
    effectiveness: Effectiveness,
    /// Names the effect's stream: FNV-1a of the control key, and what it reduces.
    stream: [u64; 2],
}

pub(crate) fn prepare(p: &Portfolio) -> Vec<Prepared> {
    p.exposures
        .iter()
        .map(|e| Prepared {
            key_hash: fnv1a64(e.key.as_bytes()),
            freq: e.frequency.sampler(),
            terms: e.losses.iter().map(|t| t.loss.sampler()).collect(),
            term_p: e.losses.iter().map(|t| t.probability).collect(),
            effects: e
                .controls
                .iter()
                .map(|c| PreparedEffect {
                    control: c.control,
                    reduces: c.reduces,
                    effectiveness: c.effectiveness,
                    stream: [
                        fnv1a64(p.controls[c.control].key.as_bytes()),
                        c.reduces as u64,
                    ],
                })
                .collect(),
            has_freq_effects: e.controls.iter().any(|c| c.reduces == Reduces::Frequency),
            sparse: sparse_p(&e.frequency.sampler()),
        })
        .collect()
}

/// Exposure indices in key order: the fixed order of every per-trial sum.
pub(crate) fn key_order(p: &Portfolio) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.exposures.len()).collect();
    order.sort_by(|&a, &b| p.exposures[a].key.cmp(&p.exposures[b].key));
    order
}

/// One event's draws.
pub(crate) struct Event<'a> {
    /// The year within the chunk.
    pub trial: usize,
    /// The shared thinning uniform (0 when the exposure has no frequency control).
    pub u: f64,
    /// One raw loss per loss term.
    pub losses: &'a [f64],
    /// One effectiveness per control effect.
    pub eff: &'a [f64],
}

/// Reusable buffers for [`for_each_event`].
#[derive(Default)]
pub(crate) struct EventScratch {
    losses: Vec<f64>,
    eff: Vec<f64>,
    eff_rngs: Vec<Option<Rng>>,
}

/// Calls `f` for every inherent event of exposure `x` in chunk `chunk` of `n` years.
///
/// A fixed rate uses Poissonization: the chunk's event count is Poisson(n·λ) and each
/// event falls in a uniformly chosen year, which gives exactly independent Poisson(λ)
/// counts per year at O(events) cost instead of O(years). A random rate is drawn per year.
pub(crate) fn for_each_event(
    x: &Prepared,
    seed: u64,
    chunk: u64,
    n: usize,
    s: &mut EventScratch,
    mut f: impl FnMut(&Event<'_>),
) {
    let mut main = Rng::stream(seed, &[x.key_hash, 0, chunk]);
    let mut thin = x
        .has_freq_effects
        .then(|| Rng::stream(seed, &[x.key_hash, 1, chunk]));
    s.losses.clear();
    s.losses.resize(x.terms.len(), 0.0);
    s.eff.clear();
    s.eff_rngs.clear();
    for e in &x.effects {
        match e.effectiveness.constant() {
            Some(v) => {
                s.eff.push(v);
                s.eff_rngs.push(None);
            }
            None => {
                s.eff.push(0.0);
                s.eff_rngs.push(Some(Rng::stream(
                    seed,
                    &[x.key_hash, 2, e.stream[0], e.stream[1], chunk],
                )));
            }
        }
    }
    let mut emit = |trial: usize, main: &mut Rng, s: &mut EventScratch| {
        for ((l, t), p) in s.losses.iter_mut().zip(&x.terms).zip(&x.term_p) {
            *l = t.sample(main);
            if *p < 1.0 && main.uniform() >= *p {
                *l = 0.0;
            }
        }
        let u = thin.as_mut().map_or(0.0, Rng::uniform);
        for ((v, r), e) in s.eff.iter_mut().zip(&mut s.eff_rngs).zip(&x.effects) {
            if let Some(r) = r {
                *v = e.effectiveness.quantile(r.uniform());
            }
        }
        f(&Event {
            trial,
            u,
            losses: &s.losses,
            eff: &s.eff,
        });
    };
    match x.freq {
        Sampler::Constant(lambda) => {
            let count = main.poisson(lambda * n as f64);
            for _ in 0..count {
                let trial = main.below(n as u64) as usize;
                emit(trial, &mut main, s);
            }
        }
        Sampler::LogNormal { mu, sigma } if x.sparse.is_some() => {
            // Visit only the years with at least one event: the gaps between them are
            // geometric with P(event year) = q; in such a year the rate has the density
            // f(λ)(1 − e^(−λ))/q, drawn by proposing from the size-biased lognormal
            // f(λ)λ/E[λ] (a lognormal with mean log mu + sigma²) and accepting with
            // probability (1 − e^(−λ))/λ; then the count is Poisson(λ) given at least
            // one. The years come out exactly as from per-year draws, at a cost that
            // grows with the events instead of the years.
            let q = x.sparse.unwrap_or(1.0);
            let ln_quiet = (-q).ln_1p();
            let mut trial = geometric_skip(&mut main, ln_quiet);
            while trial < n {
                let lambda = loop {
                    let l = (mu + sigma * sigma + sigma * main.normal()).exp();
                    if main.uniform() * l < -(-l).exp_m1() {
                        break l;
                    }
                };
                for _ in 0..poisson_at_least_one(&mut main, lambda) {
                    emit(trial, &mut main, s);
                }
                trial = trial
                    .saturating_add(1)
                    .saturating_add(geometric_skip(&mut main, ln_quiet));
            }
        }
        freq => {
            for trial in 0..n {
                let lambda = freq.sample(&mut main);
                for _ in 0..main.poisson(lambda) {
                    emit(trial, &mut main, s);
                }
            }
        }
    }
}

/// The number of quiet years before the next year with an event, when a year has an
/// event with probability q (`ln_quiet` = ln(1 − q)).
fn geometric_skip(rng: &mut Rng, ln_quiet: f64) -> usize {
    let u = 1.0 - rng.uniform(); // in (0, 1]
    let gap = (u.ln() / ln_quiet).floor();
    if gap.is_finite() && gap < usize::MAX as f64 / 2.0 {
        gap as usize
    } else {
        usize::MAX / 2
    }
}

/// N ~ Poisson(λ) given N ≥ 1, by inversion from 1 (the rate here is almost always small).
fn poisson_at_least_one(rng: &mut Rng, lambda: f64) -> u64 {
    if lambda > 30.0 {
        // P(N = 0) < 1e-13: plain draws, retried in the vanishing case of zero.
        loop {
            let k = rng.poisson(lambda);
            if k > 0 {
                return k;
            }
        }
    }
    let u = rng.uniform();
    let mut k = 1u64;
    let mut p = lambda * (-lambda).exp() / -(-lambda).exp_m1();
    let mut cdf = p;
    while u > cdf && k < 1_000 {
        k += 1;
        p *= lambda / k as f64;
        cdf += p;
    }
    k
}

/// For each effect of an exposure and each scenario (a set of active controls): whether
/// the effect counts. Scenario-major: `active[s * effects + k]`.
fn effect_masks(x: &Prepared, scenarios: &[Vec<bool>]) -> Vec<bool> {
    scenarios
        .iter()
        .flat_map(|sc| x.effects.iter().map(move |e| sc[e.control]))
        .collect()
}

/// The kept fraction of frequency and of loss in each scenario, for one event.
#[inline]
fn keep_factors(x: &Prepared, ev: &Event<'_>, mask: &[bool], scenario: usize) -> (f64, f64) {
    let k = x.effects.len();
    let (mut ff, mut fl) = (1.0, 1.0);
    for (j, e) in x.effects.iter().enumerate() {
        if mask[scenario * k + j] {
            match e.reduces {
                Reduces::Frequency => ff *= 1.0 - ev.eff[j],
                Reduces::Loss => fl *= 1.0 - ev.eff[j],
            }
        }
    }
    (ff, fl)
}

/// Which loss terms of an exposure a member adds up.
enum Terms {
    All,
    Only(Vec<usize>),
}

impl Terms {
    #[inline]
    fn sum(&self, losses: &[f64]) -> f64 {
        match self {
            Terms::All => losses.iter().sum(),
            Terms::Only(ix) => ix.iter().map(|&i| losses[i]).sum(),
        }
    }
}

/// For each scenario, the first scenario in which every one of `exposures` (with its
/// effect mask) has the same controls acting: those give the same years, so one summary
/// serves them.
fn equivalent_scenarios(exposures: &[(&Prepared, &[bool])], s_count: usize) -> Vec<usize> {
    (0..s_count)
        .map(|s| {
            (0..s)
                .find(|&r| {
                    exposures.iter().all(|(x, mask)| {
                        let k = x.effects.len();
                        mask[r * k..(r + 1) * k] == mask[s * k..(s + 1) * k]
                    })
                })
                .unwrap_or(s)
        })
        .collect()
}

/// What each exposure feeds: `(group, the loss terms it adds up)`, every group a member of.
fn feeds(p: &Portfolio) -> Vec<Vec<(usize, Terms)>> {
    let mut feeds: Vec<Vec<(usize, Terms)>> = (0..p.exposures.len()).map(|_| Vec::new()).collect();
    for (g, group) in p.groups.iter().enumerate() {
        // Members of one exposure in one group are disjoint (validated); merge them.
        let mut per_exp: HashMap<usize, Option<Vec<usize>>> = HashMap::new();
        for m in &group.members {
            let e = &p.exposures[m.exposure];
            let entry = per_exp
                .entry(m.exposure)
                .or_insert_with(|| Some(Vec::new()));
            match (m.business_risk, entry.as_mut()) {
                (None, _) => *entry = None,
                (Some(b), Some(v)) => {
                    v.extend(
                        e.losses
                            .iter()
                            .enumerate()
                            .filter(|(_, l)| l.business_risk == b)
                            .map(|(i, _)| i),
                    );
                }
                (Some(_), None) => {}
            }
        }
        for (e, sel) in per_exp {
            let terms = match sel {
                None => Terms::All,
                Some(mut v) => {
                    v.sort_unstable();
                    Terms::Only(v)
                }
            };
            feeds[e].push((g, terms));
        }
    }
    for f in &mut feeds {
        f.sort_by_key(|(g, _)| *g);
    }
    feeds
}

/// The order exposures are drawn in within a chunk: by their smallest group (fewest
/// members, then key), then by key. It depends on keys only, never on input positions, so
/// every per-year sum is made in the same order whatever the input order; and the members
/// of each smallest group (a component, a system) come one after another, so its years are
/// summed and handed on before the next group starts, and few are open at a time.
fn draw_order(p: &Portfolio, feeds: &[Vec<(usize, Terms)>]) -> Vec<usize> {
    let home = |e: usize| {
        feeds[e]
            .iter()
            .map(|(g, _)| (p.groups[*g].members.len(), p.groups[*g].key.as_str()))
            .min()
    };
    let mut order: Vec<(&str, &str, usize)> = (0..p.exposures.len())
        .filter_map(|e| Some((home(e)?.1, p.exposures[e].key.as_str(), e)))
        .collect();
    // Grouped by home group (keys are unique), exposures by key within it.
    order.sort_unstable();
    order.into_iter().map(|(_, _, e)| e).collect()
}

/// How a group is simulated: the distinct stages it needs, where its last member is drawn,
/// and how many positive years of each stage it may keep exactly (`None`: summarised by a
/// [`Sketch`] from the start).
struct GroupPlan {
    /// The distinct scenarios (sets of active controls) this group's years differ in.
    distinct: Vec<usize>,
    /// For each scenario, the index into `distinct` of the one it equals for this group.
    slot: Vec<usize>,
    /// How many positive years of each stage it keeps exactly; `None`: a [`Sketch`].
    exact_cap: Option<usize>,
}

/// An upper bound on P(at least one event in a year) of one exposure with no control.
fn p_event_bound(x: &Prepared, e: &Exposure) -> f64 {
    match x.freq {
        Sampler::Constant(lambda) => poisson_p_positive(lambda),
        _ => x.sparse.unwrap_or_else(|| e.frequency.mean().min(1.0)),
    }
}

fn plan_groups(
    p: &Portfolio,
    prepared: &[Prepared],
    masks: &[Vec<bool>],
    s_count: usize,
    cfg: &SimConfig,
) -> Vec<GroupPlan> {
    let trials = cfg.trials as f64;
    let mut budget = cfg.memory_budget as f64;
    p.groups
        .iter()
        .map(|g| {
            let mut members: Vec<usize> = g.members.iter().map(|m| m.exposure).collect();
            members.sort_unstable();
            members.dedup();
            let exposures: Vec<(&Prepared, &[bool])> = members
                .iter()
                .map(|&e| (&prepared[e], masks[e].as_slice()))
                .collect();
            let same = equivalent_scenarios(&exposures, s_count);
            let distinct: Vec<usize> = (0..s_count).filter(|&s| same[s] == s).collect();
            let slot = same
                .iter()
                .map(|r| distinct.iter().position(|d| d == r).unwrap_or(0))
                .collect();
            // The positive years to expect, with room for chance: exact while it fits.
            let quiet: f64 = members
                .iter()
                .map(|&e| 1.0 - p_event_bound(&prepared[e], &p.exposures[e]))
                .product();
            let expected = (trials * (1.0 - quiet)).min(trials);
            let cap = (expected + 6.0 * expected.sqrt() + 64.0).min(trials);
            let bytes = cap * distinct.len() as f64 * std::mem::size_of::<f64>() as f64;
            let exact_cap = (bytes <= budget).then(|| {
                budget -= bytes;
                cap as usize
            });
            GroupPlan {
                distinct,
                slot,
                exact_cap,
            }
        })
        .collect()
}

/// One stage of one group, over all chunks: the exact positive years while they fit, else
/// a sketch; the sums of each chunk, added in chunk order at the end, so no sum depends on
/// which thread finished first.
struct StageCollector {
    /// Per chunk: its positive years in year order (exact only).
    exact: Option<Vec<Vec<f64>>>,
    kept: usize,
    cap: usize,
    sketch: Sketch,
    /// Per chunk: (sum, sum of squares) of its positive years.
    sums: Vec<(f64, f64)>,
}

impl StageCollector {
    fn new(chunks: usize, cap: Option<usize>) -> Self {
        StageCollector {
            exact: cap.map(|_| vec![Vec::new(); chunks]),
            kept: 0,
            cap: cap.unwrap_or(0),
            sketch: Sketch::default(),
            sums: vec![(0.0, 0.0); chunks],
        }
    }

    fn add(&mut self, chunk: usize, years: Vec<f64>, sum: f64, squares: f64) {
        self.sums[chunk] = (sum, squares);
        if let Some(exact) = &mut self.exact {
            if self.kept + years.len() <= self.cap {
                self.kept += years.len();
                exact[chunk] = years;
                return;
            }
            // More years with a loss than room was made for: summarise from here on.
            for x in exact.iter().flatten() {
                self.sketch.insert(*x);
            }
            self.exact = None;
        }
        for x in years {
            self.sketch.insert(x);
        }
    }

    fn stats(self, trials: usize, lec_points: usize) -> LossStats {
        match self.exact {
            Some(chunks) => {
                let mut positives: Vec<f64> = chunks.into_iter().flatten().collect();
                LossStats::from_positives(&mut positives, trials, lec_points)
            }
            None => {
                let (sum, squares) = self
                    .sums
                    .iter()
                    .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
                LossStats::from_sketch(&self.sketch, sum, squares, trials, lec_points)
            }
        }
    }
}

/// The years of one group within one chunk while its members are drawn: a cell per year
/// and distinct stage (year-major, so one event touches one cache line), and the years
/// touched.
struct Open {
    cells: Vec<f64>,
    touched: Vec<u16>,
    seen: Vec<bool>,
}

impl Open {
    fn new(stages: usize) -> Self {
        Open {
            cells: vec![0.0; stages * CHUNK],
            touched: Vec::new(),
            seen: vec![false; CHUNK],
        }
    }
}

/// Per worker: the groups open in the current chunk, and a pool of their buffers.
#[derive(Default)]
struct Worker {
    scratch: EventScratch,
    /// Per group: its index in `pool` while open.
    open: Vec<Option<usize>>,
    pool: Vec<Open>,
    free: Vec<usize>,
    /// The (buffer, group) of each group the exposure being drawn feeds.
    targets: Vec<(usize, usize)>,
}

impl Worker {
    fn slot(&mut self, g: usize, stages: usize) -> usize {
        if let Some(i) = self.open[g] {
            return i;
        }
        let i = match self.free.pop() {
            Some(i) if self.pool[i].cells.len() >= stages * CHUNK => i,
            Some(i) => {
                self.pool[i] = Open::new(stages.max(3));
                i
            }
            None => {
                self.pool.push(Open::new(stages.max(3)));
                self.pool.len() - 1
            }
        };
        self.open[g] = Some(i);
        i
    }

    /// Hands the group's years of `chunk` to its collectors and frees its buffer.
    fn close(
        &mut self,
        g: usize,
        chunk: usize,
        plan: &GroupPlan,
        collectors: &[std::sync::Mutex<Vec<StageCollector>>],
    ) {
        let Some(i) = self.open[g].take() else {
            return;
        };
        let open = &mut self.pool[i];
        open.touched.sort_unstable();
        let mut parts = Vec::with_capacity(plan.distinct.len());
        let d = plan.distinct.len();
        for j in 0..d {
            let mut years = Vec::with_capacity(open.touched.len());
            let (mut sum, mut squares) = (0.0, 0.0);
            for &t in &open.touched {
                let cell = std::mem::take(&mut open.cells[t as usize * d + j]);
                if cell > 0.0 {
                    years.push(cell);
                    sum += cell;
                    squares += cell * cell;
                }
            }
            parts.push((years, sum, squares));
        }
        for &t in &open.touched {
            open.seen[t as usize] = false;
        }
        open.touched.clear();
        self.free.push(i);
        if let Ok(mut stages) = collectors[g].lock() {
            for (stage, (years, sum, squares)) in stages.iter_mut().zip(parts) {
                stage.add(chunk, years, sum, squares);
            }
        }
    }
}

/// Simulates every group for every stage.
///
/// Validates the portfolio and the configuration first; a problem is an error, never a
/// panic. `progress`, if given, is told how many trials are done.
pub fn simulate(p: &Portfolio, cfg: &SimConfig) -> Result<SimResult, RiskError> {
    simulate_with_progress(p, cfg, None)
}

/// [`simulate`] with a progress callback.
pub fn simulate_with_progress(
    p: &Portfolio,
    cfg: &SimConfig,
    progress: Option<Progress<'_>>,
) -> Result<SimResult, RiskError> {
    simulate_with(
        p,
        cfg,
        &Hooks {
            progress,
            cancel: None,
        },
    )
}

/// What a caller can do while a simulation runs: be told of progress, and stop it.
#[derive(Clone, Copy, Default)]
pub struct Hooks<'a> {
    pub progress: Option<Progress<'a>>,
    /// Once set, the simulation stops at the next chunk of trials and returns
    /// [`RiskError::Cancelled`] (a server's deadline, a closed connection).
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
}

impl Hooks<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// [`simulate`] with progress and cancellation.
pub fn simulate_with(
    p: &Portfolio,
    cfg: &SimConfig,
    hooks: &Hooks<'_>,
) -> Result<SimResult, RiskError> {
    let progress = hooks.progress;
    p.validate()?;
    cfg.validate()?;
    let prepared = prepare(p);

    // The distinct sets of active controls among the three stages.
    let stage_sets: Vec<Vec<bool>> = Stage::ALL
        .iter()
        .map(|&s| p.controls.iter().map(|c| c.counts_in(s)).collect())
        .collect();
    let mut scenarios: Vec<Vec<bool>> = Vec::new();
    let mut stage_scenario = [0usize; 3];
    for (i, set) in stage_sets.into_iter().enumerate() {
        stage_scenario[i] = match scenarios.iter().position(|s| *s == set) {
            Some(j) => j,
            None => {
                scenarios.push(set);
                scenarios.len() - 1
            }
        };
    }
    let masks: Vec<Vec<bool>> = prepared
        .iter()
        .map(|x| effect_masks(x, &scenarios))
        .collect();

    let trials = cfg.trials as usize;
    let chunks = trials.div_ceil(CHUNK);
    let s_count = scenarios.len();
    let feeds = feeds(p);
    let order = draw_order(p, &feeds);
    let plans = plan_groups(p, &prepared, &masks, s_count, cfg);
    // Per position in the draw order: the groups whose last member is drawn there.
    let mut ends: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    {
        let mut last = vec![None; p.groups.len()];
        for (pos, &e) in order.iter().enumerate() {
            for (g, _) in &feeds[e] {
                last[*g] = Some(pos);
            }
        }
        for (g, pos) in last.into_iter().enumerate() {
            if let Some(pos) = pos {
                ends[pos].push(g);
            }
        }
    }
    let collectors: Vec<std::sync::Mutex<Vec<StageCollector>>> = plans
        .iter()
        .map(|plan| {
            std::sync::Mutex::new(
                plan.distinct
                    .iter()
                    .map(|_| StageCollector::new(chunks, plan.exact_cap))
                    .collect(),
            )
        })
        .collect();
    let total = cfg.trials;
    let done = AtomicU64::new(0);
    // Each event is drawn once and added to every group its exposure belongs to.
    (0..chunks).into_par_iter().for_each_init(
        || Worker {
            open: vec![None; p.groups.len()],
            ..Worker::default()
        },
        |w, c| {
            if hooks.cancelled() {
                return;
            }
            let n = CHUNK.min(trials - c * CHUNK);
            for (pos, &e) in order.iter().enumerate() {
                let x = &prepared[e];
                let mask = &masks[e];
                let plain = x.effects.is_empty();
                let mut scratch = std::mem::take(&mut w.scratch);
                // The buffers of the groups this exposure feeds, opened once per exposure.
                let mut targets = std::mem::take(&mut w.targets);
                targets.clear();
                for (g, _) in &feeds[e] {
                    targets.push((w.slot(*g, plans[*g].distinct.len()), *g));
                }
                let pool = &mut w.pool;
                for_each_event(x, cfg.seed, c as u64, n, &mut scratch, |ev| {
                    // What each scenario keeps of this event: (let through, loss factor).
                    let mut keep = [(true, 1.0f64); 8];
                    let mut keep_vec = Vec::new();
                    let keep: &mut [(bool, f64)] = if s_count <= keep.len() {
                        &mut keep[..s_count]
                    } else {
                        keep_vec.resize(s_count, (true, 1.0));
                        &mut keep_vec
                    };
                    if !plain {
                        for (s, k) in keep.iter_mut().enumerate() {
                            let (ff, fl) = keep_factors(x, ev, mask, s);
                            *k = (ev.u < ff, fl);
                        }
                    }
                    for (&(i, g), (_, terms)) in targets.iter().zip(&feeds[e]) {
                        let plan = &plans[g];
                        let open = &mut pool[i];
                        let raw = terms.sum(ev.losses);
                        if !open.seen[ev.trial] {
                            open.seen[ev.trial] = true;
                            open.touched.push(ev.trial as u16);
                        }
                        let d = plan.distinct.len();
                        let cells = &mut open.cells[ev.trial * d..(ev.trial + 1) * d];
                        for (cell, &s) in cells.iter_mut().zip(&plan.distinct) {
                            if plain {
                                *cell += raw;
                            } else if keep[s].0 {
                                *cell += raw * keep[s].1;
                            }
                        }
                    }
                });
                w.scratch = scratch;
                w.targets = targets;
                for &g in &ends[pos] {
                    w.close(g, c, &plans[g], &collectors);
                }
            }
            let d = done.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
            if let Some(cb) = progress {
                cb(d, total);
            }
        },
    );
    if hooks.cancelled() {
        return Err(RiskError::Cancelled);
    }
    let computed: Vec<Vec<LossStats>> = collectors
        .into_par_iter()
        .map(|c| {
            c.into_inner()
                .unwrap_or_default()
                .into_iter()
                .map(|stage| stage.stats(trials, cfg.lec_points))
                .collect()
        })
        .collect();
    let stats: Vec<Option<Vec<LossStats>>> = computed
        .into_iter()
        .zip(&plans)
        .map(|(distinct, plan)| {
            Some(
                stage_scenario
                    .iter()
                    .map(|&s| {
                        distinct
                            .get(plan.slot[s])
                            .cloned()
                            .unwrap_or_else(|| LossStats::from_sample(&mut [], 0))
                    })
                    .collect(),
            )
        })
        .collect();

    let groups = p
        .groups
        .iter()
        .zip(stats)
        .map(|(g, st)| {
            let analytic_mean = ByStage::from_fn(|stage| {
                g.members
                    .iter()
                    .map(|m| {
                        let e = &p.exposures[m.exposure];
                        exposure_eal(e, m.business_risk, &|c| p.controls[c].counts_in(stage))
                    })
                    .sum()
            });
            let mut it = st.unwrap_or_default().into_iter();
            let mut next = || {
                it.next()
                    .unwrap_or_else(|| LossStats::from_sample(&mut [], 0))
            };
            let stats = ByStage {
                inherent: next(),
                current: next(),
                projected: next(),
            };
            GroupResult {
                key: g.key.clone(),
                analytic_mean,
                stats,
            }
        })
        .collect();
    Ok(SimResult {
        trials: cfg.trials,
        seed: cfg.seed,
        groups,
    })
}
