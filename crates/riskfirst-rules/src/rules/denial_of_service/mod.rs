//! Built-in rules of the denial_of_service category, one per file.

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[];
