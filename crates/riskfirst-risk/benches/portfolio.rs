//! Benchmarks the plain-scenario fast path on the peers' 100-scenario portfolio at 1,000,000 trials.

use criterion::{criterion_group, criterion_main, Criterion};

use riskfirst_risk::portfolio::simulate_scenarios;
use riskfirst_risk::SimConfig;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpora/quant/portfolio-100.json"
);

fn portfolio_100(c: &mut Criterion) {
    let Ok(json) = std::fs::read_to_string(CORPUS) else {
        eprintln!("corpus {CORPUS} absent, skipping");
        return;
    };
    let cfg = SimConfig {
        trials: 1_000_000,
        seed: 1,
        ..SimConfig::default()
    };
    let mut group = c.benchmark_group("portfolio");
    // Each run takes a few hundred milliseconds: ten samples give a stable median.
    group.sample_size(10);
    group.bench_function("100 scenarios x 1e6 trials", |b| {
        b.iter(|| {
            simulate_scenarios(&json, &cfg)
                .map(|s| s.mean)
                .unwrap_or(f64::NAN)
        })
    });
    group.finish();
}

criterion_group!(benches, portfolio_100);
criterion_main!(benches);
