//! The format's numeric limits: what the engine can simulate, checked when
//! the estate is validated so that every value out of range is reported with
//! its file, line and column (`E030`) rather than refused later.
//!
//! They equal the engine's own limits (`riskfirst_risk`'s `MAX_AMOUNT`,
//! `MAX_RATE`, `MAX_SPREAD` and memory budget); a test of the CLI crate, which
//! sees both, asserts it.

/// The largest amount of money: sums of many years can never overflow.
pub const MAX_AMOUNT: f64 = 1e15;
/// The largest frequency, in events a year.
pub const MAX_RATE: f64 = 1e4;
/// The widest 90% range, as high / low.
pub const MAX_SPREAD: f64 = 1e12;
/// The most simulated years (`risk.trials`): three stages (inherent, current,
/// projected) of this many years of 8-byte losses fit the engine's memory budget.
pub const MAX_TRIALS: u64 = 2_500_000;
