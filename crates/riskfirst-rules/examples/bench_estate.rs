//! Times generate, load + validation and the rules on a synthetic estate, phase by phase.
//!
//! ```text
//! bench_estate [--components N] [--flows M] [--seed S] [--runs R]
//!              [--out DIR] [--from DIR] [--json] [--profile]
//! ```
//!
//! Without `--from` it generates the estate in memory (and writes it to
//! `--out` when given); with `--from DIR` it reads an estate from disk, as
//! `riskfirst analyze DIR` would. Each phase is run `--runs` times and the
//! fastest run is reported (the others measure the machine's noise). Peak
//! memory is best taken around one run: `/usr/bin/time -v bench_estate ...`.
//! `--profile` adds where the time goes: parsing versus validation, each rule
//! on its own, and the engine around the rules.

// The binary's allocator, so the phases are timed as `riskfirst` runs them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use riskfirst_model::generate::{generate, GenerateConfig};
use riskfirst_model::{load, Options, Sources};
use riskfirst_rules::{analyze, compile_rules};

struct Args {
    cfg: GenerateConfig,
    runs: usize,
    out: Option<PathBuf>,
    from: Option<PathBuf>,
    json: bool,
    profile: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        cfg: GenerateConfig {
            components: 10_000,
            flows: 20_000,
            seed: 1,
            systems: None,
            teams: None,
        },
        runs: 1,
        out: None,
        from: None,
        json: false,
        profile: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--json" {
            args.json = true;
            continue;
        }
        if flag == "--profile" {
            args.profile = true;
            continue;
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--components" => args.cfg.components = number()?,
            "--flows" => args.cfg.flows = number()?,
            "--seed" => args.cfg.seed = number()? as u64,
            "--runs" => args.runs = number()?.max(1),
            "--out" => args.out = Some(PathBuf::from(&value)),
            "--from" => args.from = Some(PathBuf::from(&value)),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(args)
}

fn sources_of(files: &[(String, String)]) -> Sources {
    let mut it = files.iter();
    let root = it
        .next()
        .map(|(p, t)| (PathBuf::from(p), t.clone()))
        .unwrap_or_default();
    Sources {
        root,
        systems: it.map(|(p, t)| (PathBuf::from(p), t.clone())).collect(),
    }
}

fn write_estate(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench_estate: {e}");
            return ExitCode::from(2);
        }
    };

    let mut generate_ms = None;
    let mut read_ms = None;
    let sources = match &args.from {
        Some(dir) => {
            let t = Instant::now();
            match riskfirst_model::fs::read_estate(dir, &Default::default()) {
                Ok(s) => {
                    read_ms = Some(ms(t.elapsed()));
                    s
                }
                Err(e) => {
                    eprintln!("bench_estate: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        None => {
            if let Err(e) = args.cfg.check() {
                eprintln!("bench_estate: {e}");
                return ExitCode::from(2);
            }
            let t = Instant::now();
            let files = generate(&args.cfg);
            generate_ms = Some(ms(t.elapsed()));
            if let Some(dir) = &args.out {
                if let Err(e) = write_estate(dir, &files) {
                    eprintln!("bench_estate: {}: {e}", dir.display());
                    return ExitCode::from(2);
                }
            }
            sources_of(&files)
        }
    };
    let bytes: usize =
        sources.root.1.len() + sources.systems.iter().map(|s| s.1.len()).sum::<usize>();

    let mut best_load = Duration::MAX;
    let mut best_rules = Duration::MAX;
    let mut best_total = Duration::MAX;
    let mut summary = None;
    for _ in 0..args.runs {
        // The sources are cloned outside the timed region: `load` takes them by value.
        let input = sources.clone();
        let t0 = Instant::now();
        let loaded = load(input, &Options::default());
        let t1 = Instant::now();
        let Some(estate) = &loaded.estate else {
            eprintln!("bench_estate: the estate has {} errors", loaded.errors());
            return ExitCode::from(1);
        };
        let custom = compile_rules(estate, &loaded.sources);
        let analysis = analyze(estate, &custom.rules);
        let t2 = Instant::now();
        best_load = best_load.min(t1 - t0);
        best_rules = best_rules.min(t2 - t1);
        best_total = best_total.min(t2 - t0);
        let warnings: Vec<&str> = loaded
            .diagnostics
            .iter()
            .chain(&analysis.diagnostics)
            .map(|d| d.code)
            .collect();
        summary = Some((
            estate.systems.len(),
            estate.components.len(),
            estate.flows.len(),
            analysis.threats.len(),
            warnings,
        ));
        // Dropping the estate is part of a real run but not of what is measured.
        drop(analysis);
    }
    let Some((systems, components, flows, threats, warnings)) = summary else {
        return ExitCode::from(2);
    };
    let mut codes = std::collections::BTreeMap::new();
    for w in &warnings {
        *codes.entry(*w).or_insert(0usize) += 1;
    }

    if args.json {
        let diag: Vec<String> = codes.iter().map(|(c, n)| format!("\"{c}\":{n}")).collect();
        println!(
            "{{\"systems\":{systems},\"components\":{components},\"flows\":{flows},\"threats\":{threats},\
             \"bytes\":{bytes},\"generate_ms\":{},\"read_ms\":{},\"load_ms\":{:.3},\"rules_ms\":{:.3},\
             \"total_ms\":{:.3},\"runs\":{},\"diagnostics\":{{{}}}}}",
            generate_ms.map_or("null".into(), |v| format!("{v:.3}")),
            read_ms.map_or("null".into(), |v| format!("{v:.3}")),
            ms(best_load),
            ms(best_rules),
            ms(best_total),
            args.runs,
            diag.join(",")
        );
    } else {
        println!(
            "estate: {systems} systems, {components} components, {flows} flows, {} MB of text",
            bytes / 1_000_000
        );
        if let Some(g) = generate_ms {
            println!("generate:          {g:9.1} ms");
        }
        if let Some(r) = read_ms {
            println!("read files:        {r:9.1} ms");
        }
        println!("load + validation: {:9.1} ms", ms(best_load));
        println!("rules ({threats} threats): {:9.1} ms", ms(best_rules));
        println!(
            "total:             {:9.1} ms (best of {})",
            ms(best_total),
            args.runs
        );
        println!("diagnostics: {codes:?}");
    }
    if args.profile {
        profile(&sources);
    }
    ExitCode::SUCCESS
}

/// Times the parts of a run separately, slowest first.
fn profile(sources: &Sources) {
    let limits = riskfirst_model::node::Limits::default();
    let t = Instant::now();
    let texts = std::iter::once(&sources.root).chain(&sources.systems);
    for (i, (_, text)) in texts.enumerate() {
        let _ = riskfirst_model::node::parse(text, riskfirst_model::FileId(i as u32), &limits);
    }
    let parse = t.elapsed();
    let t = Instant::now();
    let loaded = load(sources.clone(), &Options::default());
    let load_all = t.elapsed();
    println!(
        "profile: parse to trees {:.1} ms, deserialise + validate {:.1} ms",
        ms(parse),
        ms(load_all.saturating_sub(parse))
    );
    let Some(estate) = &loaded.estate else {
        return;
    };
    let mut per_rule: Vec<(Duration, &str, usize)> = Vec::new();
    let mut rules_sum = Duration::ZERO;
    for rule in riskfirst_rules::rules::builtin() {
        let mut out = Vec::new();
        let t = Instant::now();
        rule.check(estate, &mut out);
        let d = t.elapsed();
        rules_sum += d;
        per_rule.push((d, rule.meta().code, out.len()));
    }
    per_rule.sort_by_key(|r| std::cmp::Reverse(r.0));
    let t = Instant::now();
    let analysis = analyze(estate, &[]);
    let engine = t.elapsed();
    println!(
        "profile: {} rules one after the other {:.1} ms; analyze (rules in parallel + ids, decisions, sorting) {:.1} ms, {} threats",
        per_rule.len(),
        ms(rules_sum),
        ms(engine),
        analysis.threats.len()
    );
    for (d, code, n) in per_rule.iter().take(8) {
        println!("profile:   {code} {:.2} ms, {n} findings", ms(*d));
    }
}
