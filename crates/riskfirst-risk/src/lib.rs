//! riskfirst-risk
