//! The risk register: one row per threat, as CSV or XLSX.
