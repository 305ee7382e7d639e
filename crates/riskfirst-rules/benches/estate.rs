//! Benchmarks parsing, load + validation and the rule engine on a generated estate of 10,000 components and 20,000 flows.
//!
//! The target (docs/benchmarks.md): load, validation and all rules together
//! in under half a second on a 2-core machine. The estate is generated once,
//! outside the measurements; `load` takes its sources by value, so each
//! iteration clones the texts in a setup step that is not timed.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use riskfirst_model::generate::{generate, GenerateConfig};
use riskfirst_model::node::{self, Limits};
use riskfirst_model::{load, Estate, FileId, Options, Sources};
use riskfirst_rules::{analyze, compile_rules};

fn sources() -> Sources {
    let cfg = GenerateConfig {
        components: 10_000,
        flows: 20_000,
        seed: 1,
        systems: None,
        teams: None,
    };
    let mut files = generate(&cfg)
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), t));
    let root = files.next().unwrap_or_default();
    Sources {
        root,
        systems: files.collect(),
    }
}

fn load_estate(sources: Sources) -> Option<(Estate, riskfirst_model::SourceMap)> {
    let loaded = load(sources, &Options::default());
    loaded.estate.map(|e| (e, loaded.sources))
}

fn rules(estate: &Estate, map: &riskfirst_model::SourceMap) -> usize {
    let custom = compile_rules(estate, map);
    analyze(estate, &custom.rules).threats.len()
}

fn estate_10k(c: &mut Criterion) {
    let sources = sources();
    let Some((estate, map)) = load_estate(sources.clone()) else {
        eprintln!("the generated estate does not load; nothing to measure");
        return;
    };
    let mut group = c.benchmark_group("estate 10k components 20k flows");
    // One iteration takes a few hundred milliseconds: ten samples give a stable median.
    group.sample_size(10);
    // Parsing alone, one file after the other: the part of loading that
    // `riskfirst_model::node` owns (trees with positions, within limits).
    group.bench_function("parse to trees (sequential)", |b| {
        let limits = Limits::default();
        b.iter(|| {
            std::iter::once(&sources.root)
                .chain(&sources.systems)
                .enumerate()
                .filter(|(i, (_, text))| node::parse(text, FileId(*i as u32), &limits).is_ok())
                .count()
        })
    });
    group.bench_function("load + validation", |b| {
        b.iter_batched(
            || sources.clone(),
            |s| load_estate(s).map(|(e, _)| e.components.len()),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("all rules (analyze)", |b| b.iter(|| rules(&estate, &map)));
    group.bench_function("load + validation + all rules", |b| {
        b.iter_batched(
            || sources.clone(),
            |s| load_estate(s).map(|(e, m)| rules(&e, &m)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, estate_10k);
criterion_main!(benches);
