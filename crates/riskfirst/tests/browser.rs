//! The HTML report in a real browser (headless Chromium): it loads nothing from the
//! network, raises no error, and shows its charts, heat map and every system's diagram.
//! A full-page screenshot is kept as an artifact for people to look at.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{riskfirst, run_cmd};

/// How long Chromium may take before it is killed, so a hung browser cannot hang CI.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Chromium: `RISKFIRST_CHROMIUM`, else the usual names on the path.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RISKFIRST_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.push(PathBuf::from("/usr/bin"));
    for name in ["chromium", "chromium-browser"] {
        for d in &dirs {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The script that judges the page from inside it; the report itself has no script.
/// It is put first in `<head>` so it sees every error the page raises.
const CHECKER: &str = r#"<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push('error: ' + e.message); });
  var original = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
  function visible(el) {
    if (!el) return false;
    var r = el.getBoundingClientRect();
    var s = window.getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden';
  }
  function check() {
    var v = {
      errors: errors,
      resources: performance.getEntriesByType('resource').map(function (r) { return r.name; }),
      lec: visible(document.getElementById('lec')),
      curves: document.querySelectorAll('#lec .curve').length,
      heatmap: visible(document.getElementById('heatmap')),
      cells: document.querySelectorAll('#heatmap .hm-cell').length,
      rows: document.querySelectorAll('#heatmap th.row').length,
      columns: document.querySelectorAll('#heatmap thead th').length - 1,
      systems: [],
      height: Math.ceil(document.documentElement.scrollHeight)
    };
    document.querySelectorAll('article.system').forEach(function (s) {
      v.systems.push({ id: s.getAttribute('data-system'), diagram: visible(s.querySelector('figure.dfd svg')) });
    });
    var pre = document.createElement('pre');
    pre.id = 'verdict';
    pre.textContent = JSON.stringify(v);
    document.body.appendChild(pre);
  }
  window.addEventListener('load', check);
})();
</script>
"#;

/// Runs Chromium on `page` with `extra` arguments, stdout to `stdout`; kills it after [`TIMEOUT`].
fn run_chromium(browser: &Path, profile: &Path, extra: &[String], page: &Path, stdout: &Path) {
    let _ = std::fs::remove_dir_all(profile);
    std::fs::create_dir_all(profile).expect("a profile directory");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(stdout).expect("a file for stdout"))
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    loop {
        match child.try_wait().expect("chromium can be waited on") {
            Some(status) => {
                assert!(status.success(), "chromium failed: {status}");
                return;
            }
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within {TIMEOUT:?}");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn the_report_renders_in_a_browser_without_errors_or_network() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("RISKFIRST_REQUIRE_CHROMIUM").is_none(),
            "Chromium is required (RISKFIRST_REQUIRE_CHROMIUM is set) but was not found; set RISKFIRST_CHROMIUM or install chromium"
        );
        println!("skipped: Chromium is absent (install chromium or set RISKFIRST_CHROMIUM to run this test)");
        return;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let report = dir.join("report.html");

    let mut c = riskfirst();
    c.args(["report", "--demo", "--trials", "2000", "-o"])
        .arg(&report);
    let out = run_cmd(c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(&report).expect("the report");
    assert!(
        !html.contains("<script"),
        "the report has no script of its own"
    );

    // A copy with the checking script.
    let checked = dir.join("checked.html");
    let with_checker = html.replacen("<head>\n", &format!("<head>\n{CHECKER}"), 1);
    assert_ne!(with_checker, html, "the checker went in");
    std::fs::write(&checked, with_checker).expect("the checked copy");
    let dom = dir.join("dom.html");
    run_chromium(
        &browser,
        &dir.join("profile-dom"),
        &["--dump-dom".into()],
        &checked,
        &dom,
    );
    let dom = std::fs::read_to_string(&dom).expect("the DOM");
    let start = dom.find("<pre id=\"verdict\">").unwrap_or_else(|| {
        panic!(
            "the checker wrote no verdict; the DOM ends with: {}",
            &dom[dom.len().saturating_sub(500)..]
        )
    });
    let rest = &dom[start + "<pre id=\"verdict\">".len()..];
    let json = unescape(&rest[..rest.find("</pre>").expect("the verdict ends")]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("the verdict is JSON");
    println!("verdict: {v}");

    assert_eq!(v["errors"], serde_json::json!([]), "no error in the page");
    assert_eq!(
        v["resources"],
        serde_json::json!([]),
        "nothing loaded from anywhere"
    );
    assert_eq!(v["lec"], true, "the loss exceedance chart is visible");
    assert_eq!(v["curves"], 3);
    assert_eq!(v["heatmap"], true, "the heat map is visible");
    let (rows, columns) = (
        v["rows"].as_u64().unwrap_or(0),
        v["columns"].as_u64().unwrap_or(0),
    );
    assert!(
        rows >= 3 && columns >= 3,
        "the demo's scales: {rows} × {columns}"
    );
    assert_eq!(
        v["cells"],
        rows * columns,
        "one cell per likelihood and impact"
    );
    let systems = v["systems"].as_array().expect("systems");
    assert_eq!(systems.len(), 6, "the demo's six systems");
    for s in systems {
        assert_eq!(s["diagram"], true, "the diagram of {} is visible", s["id"]);
    }

    // A full-page screenshot of the report as it is, for people to look at.
    let height = v["height"].as_u64().unwrap_or(8_000).clamp(1_000, 16_000);
    let artifacts = std::env::var_os("RISKFIRST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .expect("the target directory")
                .join("riskfirst-artifacts")
        });
    std::fs::create_dir_all(&artifacts).expect("the artifacts directory");
    let png = artifacts.join("report.png");
    let _ = std::fs::remove_file(&png);
    run_chromium(
        &browser,
        &dir.join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size=1280,{height}"),
        ],
        &report,
        &dir.join("shot.log"),
    );
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 20_000,
        "the screenshot {} has {size} bytes",
        png.display()
    );
    println!("screenshot: {}", png.display());
}
