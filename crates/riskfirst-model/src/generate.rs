//! Synthetic estates of any size, for benchmarks and load tests (`riskfirst generate`).
