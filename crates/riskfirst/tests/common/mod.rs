//! What the binary's integration tests share: the binary with a fixed environment, and its outcome.

#![allow(dead_code)] // each test file uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// The crate's directory: every command runs from here so paths in the output are stable.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with a fixed environment: no colour, a fixed day, no standard input.
pub fn riskfirst() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_riskfirst"));
    c.current_dir(manifest_dir())
        .env("NO_COLOR", "1")
        .env("RISKFIRST_TODAY", "2026-12-01")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::null());
    c
}

/// What one run of the binary said.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                &self.stdout[..self.stdout.len().min(2000)],
                self.stderr
            )
        })
    }
}

/// Runs a prepared command to the end.
pub fn run_cmd(mut cmd: Command) -> Run {
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out
            .status
            .code()
            .expect("the binary exits, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "riskfirst-cli-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("temp dir can be created");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn str(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The SARIF schema in the shared corpora; `None` (and a plain message) when absent.
pub fn sarif_schema() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/sarif/sarif-schema-2.1.0.json"
    ));
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref() == Ok("1") {
        panic!(
            "RISKFIRST_REQUIRE_CORPORA=1 but {} is absent",
            path.display()
        );
    }
    eprintln!(
        "skipped: the SARIF schema is absent ({}): SARIF not validated against it",
        path.display()
    );
    None
}
