//! SARIF 2.1.0 output of `riskfirst check`, so code-scanning interfaces show threats on the model files.
