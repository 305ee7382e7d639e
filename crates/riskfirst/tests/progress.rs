//! The progress bar: drawn on a terminal while simulating, never when standard error is piped.

mod common;

use common::{riskfirst, run_cmd};

#[test]
fn piped_output_has_no_progress_bar() {
    let mut cmd = riskfirst();
    cmd.args(["analyze", "--demo", "--trials", "20000"])
        .env("RISKFIRST_PROGRESS_DELAY_MS", "0");
    let r = run_cmd(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("simulating"), "{}", r.stderr);
    assert!(!r.stderr.contains('\r'), "{}", r.stderr);
}

/// Under a pseudo-terminal (util-linux `script`), the bar is drawn and then cleared.
#[test]
fn a_terminal_shows_the_bar() {
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipped: /usr/bin/script (util-linux) is absent, so no pseudo-terminal");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_riskfirst");
    let mut cmd = {
        let mut c = std::process::Command::new(script);
        c.current_dir(common::manifest_dir())
            .env("NO_COLOR", "1")
            .env("RISKFIRST_PROGRESS_DELAY_MS", "0")
            .env_remove("RISKFIRST_NO_PROGRESS")
            .args([
                "-qec",
                &format!("{bin} analyze --demo --trials 20000 > /dev/null"),
                "/dev/null",
            ])
            .stdin(std::process::Stdio::null());
        c
    };
    let out = cmd.output().expect("script runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("simulating 20,000 years ["), "{text:?}");
    assert!(text.contains("] 100%"), "{text:?}");
    // Cleared at the end: the last thing written is the erase-line sequence.
    assert!(text.trim_end().ends_with("\r\u{1b}[K"), "{text:?}");
}
