//! The fast reader and the full YAML parser give the same tree: whenever the
//! fast reader accepts a file, the full parser must accept it too, with the
//! same values and the same positions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskfirst_model::node::{self, Limits};
use riskfirst_model::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default();
    let Some(fast) = node::parse_fast(text, FileId(0), &limits) else {
        return;
    };
    let full = node::parse_full(text, FileId(0), &limits);
    // Compared as Debug text, so a NaN equals itself.
    match full {
        Ok(full) => assert_eq!(
            format!("{fast:?}"),
            format!("{full:?}"),
            "the readers disagree on {text:?}"
        ),
        Err(e) => panic!(
            "the fast reader accepted {text:?}, the full parser refused it: {}",
            e.message
        ),
    }
});
