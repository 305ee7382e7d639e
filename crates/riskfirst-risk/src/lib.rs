//! riskfirst-risk: the deterministic, sans-IO Monte Carlo core (frequency, loss, controls, ROSI, budget plans).
//!
//! Values in, values out: nothing here reads files or the clock. The same portfolio and
//! seed give byte-identical results whatever the thread count and the order of exposures.
//!
//! - [`dist`]: 90% ranges, lognormal and PERT distributions, control effectiveness.
//! - [`sim`]: the portfolio model, its validation, the engine and analytic means.
//! - [`stats`]: percentiles and loss exceedance curves of a sample.
//! - [`portfolio`]: the plain-scenario JSON format and its fast path.
//! - [`plan`]: return on security investment and budget plans.

pub mod dist;
mod error;
pub mod plan;
pub mod portfolio;
mod rng;
pub mod sim;
pub mod stats;

pub use dist::{lognormal_params, Dist, Effectiveness, Range90};
pub use error::{Problem, RiskError};
pub use rng::fnv1a64;
pub use sim::{
    analytic_mean, analytic_p_any, simulate, simulate_with, simulate_with_progress, ByStage,
    ControlEffect, ControlSpec, Exposure, Group, GroupResult, Hooks, LossTerm, Member, Portfolio,
    Reduces, SimConfig, SimResult, Stage,
};
pub use stats::{LecPoint, LossStats, Sketch, SKETCH_ERROR};
