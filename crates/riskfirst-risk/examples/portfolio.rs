//! Times the plain-scenario fast path: `cargo run --release --example portfolio -- FILE [TRIALS] [SEED]`.

use std::time::Instant;

use riskfirst_risk::portfolio::simulate_scenarios;
use riskfirst_risk::SimConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: portfolio FILE [TRIALS] [SEED]")?;
    let trials = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let seed = args.next().map(|s| s.parse()).transpose()?.unwrap_or(0);
    let json = std::fs::read_to_string(&path)?;
    let start = Instant::now();
    let cfg = SimConfig {
        trials,
        seed,
        ..SimConfig::default()
    };
    let stats = simulate_scenarios(&json, &cfg)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"seconds\": {secs:.4}, \"trials\": {trials}, \"mean\": {}, \"p50\": {}, \"p95\": {}, \"p99\": {}, \"p_any_loss\": {}}}",
        stats.mean, stats.p50, stats.p95, stats.p99, stats.p_any_loss
    );
    Ok(())
}
