//! riskfirst-report
