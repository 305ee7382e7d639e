//! Built-in rules of the information-disclosure category, one per file.

mod i001_unencrypted_communication;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[&i001_unencrypted_communication::UnencryptedCommunication];
