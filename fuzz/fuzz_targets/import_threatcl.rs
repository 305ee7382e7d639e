//! The threatcl importer: any bytes end in an estate that loads, or in an error.
#![no_main]

mod interop;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| interop::check("threatcl", data));
