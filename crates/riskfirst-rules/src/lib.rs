//! The riskfirst rules: a registry of STRIDE rules and the engine that runs them.
//!
//! Pure functions of a validated [`riskfirst_model::Estate`]: no IO, and the
//! same estate gives the same threats in the same order.

pub mod custom;
pub mod docs;
pub mod engine;
pub mod expr;
pub mod facts;
pub mod rule;
pub mod rules;
pub mod testing;

pub use custom::{compile_rules, CompiledRule, CustomRules};
pub use engine::{
    analyze, analyze_estate, explain, rule_catalog, rule_doc, Analysis, Decision, RuleInfo, Threat,
};
pub use rule::{Element, Finding, Rule, RuleMeta};
