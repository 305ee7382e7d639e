//! Shared helpers of the integration tests: the corpora beside the repository.

use std::path::PathBuf;

/// `../shared/corpora/NAME` relative to the repository root, or `None` (with a
/// message) when it is absent; with `RISKFIRST_REQUIRE_CORPORA=1` absence fails.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref() != Ok("1"),
        "RISKFIRST_REQUIRE_CORPORA=1 but {} is absent",
        dir.display()
    );
    eprintln!(
        "skipped: the reference corpora are absent ({}); set RISKFIRST_REQUIRE_CORPORA=1 to make this a failure",
        dir.display()
    );
    None
}

// Not every test binary reads whole directories.
#[allow(dead_code)]
/// Every file of a directory (not recursive), sorted by name, as (name, bytes).
pub fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}
