//! Writes format values back as YAML (round trips, `init`, `generate`, imports).
