//! `riskfirst diff`: what changed between two versions of an estate, from two paths or a git revision.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use riskfirst_assess::diff::{diff, EstateDiff, Field, MoneyChange, Presence, ThreatState};
use riskfirst_assess::{money, AssessConfig, Assessment};
use riskfirst_model::fs::ROOT_NAMES;
use riskfirst_model::node::{self, Limits};
use riskfirst_model::{Diagnostic, FileId, Options, Sources};
use riskfirst_rules::{analyze, compile_rules};

use super::{today, CliError, CmdResult};
use crate::cli::Command;
use crate::output;

/// How much the organisation's expected annual loss may rise before `diff` exits 1.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Threshold {
    Amount(f64),
    /// A share of the old expected annual loss (0.1 for `10%`).
    Share(f64),
}

fn parse_threshold(text: &str) -> Result<Threshold, CliError> {
    let bad = || {
        CliError::Usage {
        message: format!("--fail-above `{text}` is not an amount or a percentage"),
        hint: Some("write an amount in the estate's currency, such as `50000`, or a percentage such as `10%`".into()),
    }
    };
    let t = text.trim().replace('_', "");
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t.as_str(), false),
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad());
    }
    Ok(if percent {
        Threshold::Share(value / 100.0)
    } else {
        Threshold::Amount(value)
    })
}

/// Whether the organisation's change exceeds the threshold.
fn exceeds(change: &MoneyChange, threshold: Threshold) -> bool {
    match threshold {
        Threshold::Amount(a) => change.mean_change > a,
        Threshold::Share(s) => change.mean_change > s * change.old_mean,
    }
}

pub fn run(command: Command) -> CmdResult {
    let Command::Diff {
        old,
        new,
        git,
        format,
        trials,
        seed,
        fail_above,
    } = command
    else {
        return Err(CliError::Usage {
            message: "internal: `diff` called for another command".into(),
            hint: None,
        });
    };
    let threshold = fail_above.as_deref().map(parse_threshold).transpose()?;
    let limits = Options::default().limits;
    let (old_sources, new_sources) = match (&git, old, new) {
        (Some(rev), path, _) => {
            let path = path.unwrap_or_else(|| PathBuf::from("."));
            let new_sources = riskfirst_model::fs::read_estate(&path, &limits)?;
            (git_sources(rev, &path, &limits)?, new_sources)
        }
        (None, Some(old), Some(new)) => (
            riskfirst_model::fs::read_estate(&old, &limits)?,
            riskfirst_model::fs::read_estate(&new, &limits)?,
        ),
        (None, _, _) => {
            return Err(CliError::Usage {
                message: "diff needs two estates, or --git REV".into(),
                hint: Some(
                    "`riskfirst diff OLD NEW`, or `riskfirst diff --git main .` to compare with a revision"
                        .into(),
                ),
            })
        }
    };
    let old_side = checked(old_sources, "old")?;
    let new_side = checked(new_sources, "new")?;
    // One seed and one number of trials for both sides, so unchanged threats get identical numbers.
    let seed = seed
        .or_else(|| new_side.0.root.risk.as_ref().and_then(|r| r.seed))
        .unwrap_or(1);
    let cfg = super::assess_config(Some(trials), Some(seed));
    let old_a = assess(&old_side, &cfg)?;
    let new_a = assess(&new_side, &cfg)?;
    let d = diff(&old_a, &new_a);

    let mut out = output::stdout();
    match format.as_str() {
        "json" => {
            let text = serde_json::to_string_pretty(&d).map_err(|e| CliError::Usage {
                message: format!("cannot write JSON: {e}"),
                hint: None,
            })?;
            writeln!(out, "{text}")?;
        }
        "markdown" => markdown(&d, &new_a, &mut out)?,
        _ => text(&d, &mut out)?,
    }
    if let Some(t) = threshold {
        if exceeds(&d.organisation, t) {
            writeln!(
                output::stderr(),
                "{} the expected annual loss rose by {}, more than --fail-above {}",
                output::styles().error.paint("risk rose:"),
                money(d.organisation.mean_change, &d.currency),
                fail_above.as_deref().unwrap_or_default()
            )?;
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

type Side = (riskfirst_model::Estate, riskfirst_rules::Analysis);

/// Loads, validates and analyses one side; an invalid side is an error (exit 2) after its diagnostics.
fn checked(sources: Sources, side: &str) -> Result<Side, CliError> {
    let options = Options {
        today: Some(today()),
        ..Options::default()
    };
    let loaded = riskfirst_model::load(sources, &options);
    let mut diagnostics = loaded.diagnostics;
    let result = loaded.estate.map(|estate| {
        let custom = compile_rules(&estate, &loaded.sources);
        diagnostics.extend(custom.diagnostics.iter().cloned());
        let analysis = analyze(&estate, &custom.rules);
        diagnostics.extend(analysis.diagnostics.iter().cloned());
        (estate, analysis)
    });
    riskfirst_model::load::sort_diagnostics(&mut diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    // Warnings are the business of `validate`; a diff shows only what stops it.
    let shown: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    output::print_diagnostics(&shown, &loaded.sources)?;
    match result {
        Some(side) if errors == 0 => Ok(side),
        _ => Err(CliError::Usage {
            message: format!(
                "the {side} estate is invalid ({errors} error{})",
                if errors == 1 { "" } else { "s" }
            ),
            hint: Some("fix it (see `riskfirst validate`) and run the diff again".into()),
        }),
    }
}

fn assess(side: &Side, cfg: &AssessConfig) -> Result<Assessment, CliError> {
    super::assess_estate(&side.0, &side.1, cfg)
}

/// Runs git in `dir`; its standard output, or a usage error with what git said.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, CliError> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| CliError::Usage {
            message: format!("cannot run git: {e}"),
            hint: Some("--git needs git on the PATH".into()),
        })?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(CliError::Usage {
            message: format!("git {} failed: {said}", args.join(" ")),
            hint: None,
        });
    }
    Ok(out.stdout)
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, CliError> {
    String::from_utf8(git(dir, args)?).map_err(|_| CliError::Usage {
        message: format!("git {} printed text that is not UTF-8", args.join(" ")),
        hint: None,
    })
}

/// The estate at `path` as it was at revision `rev` of the repository holding `path`.
fn git_sources(rev: &str, path: &Path, limits: &Limits) -> Result<Sources, CliError> {
    let bad_rev = |e: CliError| CliError::Usage {
        message: format!("`{rev}` is not a revision of this repository: {e}"),
        hint: Some("name a commit, branch or tag, such as `HEAD~1` or `main`".into()),
    };
    // The estate directory: `path` itself, or the directory of the file it names.
    let dir = if path.is_file() {
        path.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        path.to_path_buf()
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let dir = std::fs::canonicalize(&dir).map_err(|source| {
        CliError::Read(riskfirst_model::fs::ReadError::Io {
            path: dir.clone(),
            source,
        })
    })?;
    let top = git_text(&dir, &["rev-parse", "--show-toplevel"])?;
    let top = std::fs::canonicalize(top.trim()).unwrap_or_else(|_| PathBuf::from(top.trim()));
    git(
        &dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| CliError::Usage {
        message: format!("`{rev}` is not a revision of this repository"),
        hint: Some("name a commit, branch or tag, such as `HEAD~1` or `main`".into()),
    })?;
    let rel = dir
        .strip_prefix(&top)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    // Git names paths with `/` whatever the platform.
    let rel_text = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let prefix = if rel_text.is_empty() {
        String::new()
    } else {
        format!("{rel_text}/")
    };
    let listing = git_text(
        &top,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            rev,
            "--",
            if rel_text.is_empty() { "." } else { &rel_text },
        ],
    )
    .map_err(bad_rev)?;
    let files: Vec<&str> = listing.lines().collect();
    let show = |file: &str| -> Result<(PathBuf, String), CliError> {
        let bytes = git(&top, &["show", &format!("{rev}:{file}")])?;
        if bytes.len() > limits.max_file_bytes {
            return Err(CliError::Usage {
                message: format!(
                    "{rev}:{file} is larger than the limit of {} bytes",
                    limits.max_file_bytes
                ),
                hint: None,
            });
        }
        let text = String::from_utf8(bytes).map_err(|_| CliError::Usage {
            message: format!("{rev}:{file} is not UTF-8 text"),
            hint: None,
        })?;
        Ok((PathBuf::from(format!("{rev}:{file}")), text))
    };
    let root = ROOT_NAMES
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .find(|n| files.contains(&n.as_str()))
        .ok_or_else(|| CliError::Usage {
            message: format!(
                "there is no estate at {rev}:{}: no riskfirst.yaml there",
                if rel_text.is_empty() { "." } else { &rel_text }
            ),
            hint: Some(
                "pass the directory that holds riskfirst.yaml, as it was at that revision".into(),
            ),
        })?;
    let root = show(&root)?;
    // The same rule as reading from disk: the root's `systems:` list, else every file under `systems/`.
    let system_files: Vec<String> = match listed_systems(&root.1, limits) {
        Some(list) => list
            .into_iter()
            .map(|p| normalise(&format!("{prefix}{p}")))
            .collect(),
        None => {
            let systems = format!("{prefix}systems/");
            let mut v: Vec<String> = files
                .iter()
                .filter(|f| f.starts_with(&systems))
                .filter(|f| {
                    Path::new(f)
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
                })
                .map(|f| f.to_string())
                .collect();
            v.sort();
            v
        }
    };
    let mut systems = Vec::with_capacity(system_files.len());
    for f in &system_files {
        systems.push(show(f)?);
    }
    Ok(Sources { root, systems })
}

/// `a/./b/../c` as `a/c`, so listed system paths can be shown by git.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn listed_systems(root: &str, limits: &Limits) -> Option<Vec<String>> {
    let tree = node::parse(root, FileId(0), limits).ok()?;
    match &tree.get("systems")?.value {
        node::Value::Seq(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

fn signed(amount: f64, currency: &str) -> String {
    if amount > 0.0 {
        format!("+{}", money(amount, currency))
    } else {
        money(amount, currency)
    }
}

fn percent(change: &MoneyChange) -> String {
    match change.mean_change_ratio {
        Some(r) => format!(" ({}{:.0}%)", if r > 0.0 { "+" } else { "" }, r * 100.0),
        None => String::new(),
    }
}

/// "Expected annual loss rises by €120k (+3%) to €7.8M".
fn headline(d: &EstateDiff) -> String {
    let o = &d.organisation;
    let c = &d.currency;
    if o.mean_change > 0.0 {
        format!(
            "Expected annual loss rises by {}{} to {}",
            money(o.mean_change, c),
            percent(o),
            money(o.new_mean, c)
        )
    } else if o.mean_change < 0.0 {
        format!(
            "Expected annual loss falls by {}{} to {}",
            money(-o.mean_change, c),
            percent(o),
            money(o.new_mean, c)
        )
    } else {
        format!(
            "Expected annual loss is unchanged at {}",
            money(o.new_mean, c)
        )
    }
}

fn counts(d: &EstateDiff) -> String {
    format!(
        "{} new, {} removed, {} changed threat{}",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        if d.changed.len() == 1 { "" } else { "s" }
    )
}

fn status(t: &ThreatState) -> String {
    serde_json::to_value(t.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn change_detail(old: &ThreatState, new: &ThreatState, fs: &[Field], c: &str) -> String {
    let mut parts = Vec::new();
    for f in fs {
        parts.push(match f {
            Field::Status => format!("status {} → {}", status(old), status(new)),
            Field::Level => format!("level {} → {}", old.level, new.level),
            Field::Owner => format!("owner {} → {}", old.owner, new.owner),
            Field::Loss => format!(
                "{} → {} a year ({})",
                money(old.mean, c),
                money(new.mean, c),
                signed(new.mean - old.mean, c)
            ),
        });
    }
    parts.join("; ")
}

fn text(d: &EstateDiff, out: &mut impl Write) -> std::io::Result<()> {
    let s = output::styles();
    let c = &d.currency;
    let o = &d.organisation;
    writeln!(out, "{}", s.emphasis.paint(&headline(d)))?;
    writeln!(
        out,
        "bad year (1 in 10) {} → {} ({}); {}; {} simulated years, seed {}",
        money(o.old_p90, c),
        money(o.new_p90, c),
        signed(o.p90_change, c),
        counts(d),
        d.trials,
        d.seed
    )?;
    if d.is_empty() {
        writeln!(out, "no changes")?;
        return Ok(());
    }
    writeln!(out, "\n{}", s.emphasis.paint("BUSINESS RISKS"))?;
    for r in &d.business_risks {
        let note = match r.presence {
            Presence::Both => "",
            Presence::Added => " (new)",
            Presence::Removed => " (removed)",
        };
        writeln!(
            out,
            "  {:<28} {:>9} → {:<9} {:>10}   bad year {} → {}{note}",
            r.id,
            money(r.money.old_mean, c),
            money(r.money.new_mean, c),
            signed(r.money.mean_change, c),
            money(r.money.old_p90, c),
            money(r.money.new_p90, c),
        )?;
    }
    for (title, list) in [("NEW THREATS", &d.added), ("REMOVED THREATS", &d.removed)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{}", s.emphasis.paint(title))?;
        for t in list {
            writeln!(
                out,
                "  {:<9} {}:{}  {} a year  {}",
                t.level,
                t.system,
                t.id,
                money(t.mean, c),
                t.title
            )?;
        }
    }
    if !d.changed.is_empty() {
        writeln!(out, "\n{}", s.emphasis.paint("CHANGED THREATS"))?;
        for t in &d.changed {
            writeln!(
                out,
                "  {}:{}  {}",
                t.system,
                t.id,
                change_detail(&t.old, &t.new, &t.fields, c)
            )?;
        }
    }
    Ok(())
}

/// Markdown table cells must not break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(d: &EstateDiff, new: &Assessment, out: &mut impl Write) -> std::io::Result<()> {
    let c = &d.currency;
    let o = &d.organisation;
    writeln!(out, "### {}\n", headline(d))?;
    writeln!(
        out,
        "A bad year (1 in 10) goes from {} to {} ({}). {}. {} simulated years, seed {}, for {}.\n",
        money(o.old_p90, c),
        money(o.new_p90, c),
        signed(o.p90_change, c),
        counts(d),
        d.trials,
        d.seed,
        cell(&new.organisation.name)
    )?;
    writeln!(
        out,
        "| business risk | expected a year | change | bad year (p90) | change |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    for r in &d.business_risks {
        let note = match r.presence {
            Presence::Both => "",
            Presence::Added => " (new)",
            Presence::Removed => " (removed)",
        };
        writeln!(
            out,
            "| {}{note} | {} → {} | {} | {} → {} | {} |",
            cell(&r.title),
            money(r.money.old_mean, c),
            money(r.money.new_mean, c),
            signed(r.money.mean_change, c),
            money(r.money.old_p90, c),
            money(r.money.new_p90, c),
            signed(r.money.p90_change, c),
        )?;
    }
    for (title, list) in [("New threats", &d.added), ("Removed threats", &d.removed)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n**{title}**\n")?;
        writeln!(out, "| threat | system | level | expected a year | owner |")?;
        writeln!(out, "|---|---|---|---:|---|")?;
        for t in list {
            writeln!(
                out,
                "| `{}` {} | {} | {} | {} | {} |",
                cell(&t.id),
                cell(&t.title),
                cell(&t.system),
                cell(&t.level),
                money(t.mean, c),
                cell(&t.owner)
            )?;
        }
    }
    if !d.changed.is_empty() {
        writeln!(out, "\n**Changed threats**\n")?;
        writeln!(out, "| threat | system | what changed |")?;
        writeln!(out, "|---|---|---|")?;
        for t in &d.changed {
            writeln!(
                out,
                "| `{}` | {} | {} |",
                cell(&t.id),
                cell(&t.system),
                cell(&change_detail(&t.old, &t.new, &t.fields, c))
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_amounts_and_percentages() {
        assert_eq!(
            parse_threshold("50000").ok(),
            Some(Threshold::Amount(50_000.0))
        );
        assert_eq!(
            parse_threshold("50_000").ok(),
            Some(Threshold::Amount(50_000.0))
        );
        assert_eq!(parse_threshold("10%").ok(), Some(Threshold::Share(0.1)));
        assert!(parse_threshold("ten").is_err());
        assert!(parse_threshold("-5").is_err());
    }

    #[test]
    fn listed_paths_are_normalised() {
        assert_eq!(
            normalise("est/./systems/../systems/a.yaml"),
            "est/systems/a.yaml"
        );
    }
}
