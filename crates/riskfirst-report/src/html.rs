//! The HTML report: one self-contained file (inline CSS and SVG, no script).
