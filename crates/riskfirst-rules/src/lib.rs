//! riskfirst-rules
