//! The simulated annual loss of the demo estate agrees with its exact expected value.

mod common;

use common::{analyze, config};
use riskfirst_assess::{build, sim_config};
use riskfirst_model::node::Limits;
use riskfirst_model::Options;

#[test]
fn the_demo_estates_simulated_mean_is_within_four_standard_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let sources =
        riskfirst_model::fs::read_estate(&dir, &Limits::default()).expect("the demo estate reads");
    let estate = riskfirst_model::load(sources, &Options::default())
        .estate
        .expect("the demo estate is valid");
    let analysis = analyze(&estate);
    let built = build(&estate, &analysis);
    let trials = 20_000;
    let sim = sim_config(&estate, &config(trials, 11));
    assert_eq!(sim.trials, trials);
    let result = riskfirst_risk::simulate(&built.portfolio, &sim).expect("simulates");
    let mut checked = 0;
    for (i, g) in result.groups.iter().enumerate() {
        // The organisation, the business risks, systems and teams.
        let rollup = i == built.group_index.organisation
            || built.group_index.business_risks.contains(&i)
            || built.group_index.systems.contains(&i)
            || built.group_index.teams.contains(&i);
        if !rollup {
            continue;
        }
        for stage in riskfirst_risk::Stage::ALL {
            let exact = *g.analytic_mean.get(stage);
            let s = g.stats.get(stage);
            let se = s.std_dev / (trials as f64).sqrt();
            assert!(
                (s.mean - exact).abs() <= 4.0 * se,
                "{} {stage:?}: simulated {} vs exact {exact} (standard error {se})",
                g.key,
                s.mean
            );
            checked += 1;
        }
    }
    assert!(checked >= 3 * (1 + 5 + 5), "{checked} roll-ups checked");
}
