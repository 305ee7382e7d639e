//! Helpers shared by the integration tests: reading the shared reference corpora.

#![allow(dead_code)]

/// The text of `shared/corpora/<rel>`, or `None` (after saying so) when the corpus is absent.
/// With `RISKFIRST_REQUIRE_CORPORA=1` an absent corpus fails the test instead.
pub fn corpus(rel: &str) -> Option<String> {
    let path = format!(
        "{}/../../../shared/corpora/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => {
            assert!(
                std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref() != Ok("1"),
                "corpus {path} absent ({e}) and RISKFIRST_REQUIRE_CORPORA=1"
            );
            println!("corpus {path} absent, skipping");
            None
        }
    }
}
