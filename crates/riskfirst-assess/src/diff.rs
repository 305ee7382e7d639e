//! What changed between two assessments of an estate: threats, money, per business risk.
