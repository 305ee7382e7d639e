//! riskfirst-model
