//! Files `riskfirst init` writes: a small valid estate whose comments teach the format.
