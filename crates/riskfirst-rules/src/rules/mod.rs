//! The registry of built-in rules: one explicit table per STRIDE category.
//!
//! Codes are stable and never reused; a removed rule leaves a gap.

pub mod denial_of_service;
pub mod elevation_of_privilege;
pub mod information_disclosure;
pub mod repudiation;
pub mod spoofing;
pub mod tampering;

use crate::rule::Rule;

/// Every built-in rule, sorted by code.
pub fn builtin() -> Vec<&'static dyn Rule> {
    let mut all: Vec<&'static dyn Rule> = [
        spoofing::RULES,
        tampering::RULES,
        repudiation::RULES,
        information_disclosure::RULES,
        denial_of_service::RULES,
        elevation_of_privilege::RULES,
    ]
    .concat();
    all.sort_by_key(|r| r.meta().code);
    all
}
