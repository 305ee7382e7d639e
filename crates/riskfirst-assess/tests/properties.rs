//! Properties of the assessment on generated estates: signs, order of percentiles and stages,
//! roll-ups that add up, thread-independent bytes, and controls that never add risk.

mod common;

use common::{analyze, close, config, load_generated};
use proptest::prelude::*;
use riskfirst_assess::{Assessment, LossBlock, Losses};
use riskfirst_model::format::{
    Control, ControlStatus, Estimate, Mitigation, Range, Reduces, Stride,
};
use riskfirst_model::generate::{generate, GenerateConfig};
use riskfirst_model::{ControlNode, Estate, Spanned};

const TRIALS: u64 = 2_000;

fn estate(components: usize, flows: usize, seed: u64) -> Estate {
    load_generated(&generate(&GenerateConfig {
        components,
        flows,
        seed,
        ..GenerateConfig::default()
    }))
}

fn assess_in_pool(estate: &Estate, threads: usize, seed: u64) -> Assessment {
    let analysis = analyze(estate);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| riskfirst_assess::assess(estate, &analysis, &config(TRIALS, seed), None))
        .expect("generated estates assess")
}

/// Every loss block of the assessment, named for messages.
fn rollups(a: &Assessment) -> Vec<(String, &Losses)> {
    let mut out = vec![("organisation".to_string(), &a.organisation.annual_loss)];
    out.extend(
        a.business_risks
            .iter()
            .map(|r| (format!("risk {}", r.id), &r.annual_loss)),
    );
    out.extend(
        a.systems
            .iter()
            .map(|r| (format!("system {}", r.id), &r.annual_loss)),
    );
    out.extend(
        a.teams
            .iter()
            .map(|r| (format!("team {}", r.id), &r.annual_loss)),
    );
    out.extend(
        a.components
            .iter()
            .map(|r| (format!("component {}", r.id), &r.annual_loss)),
    );
    out
}

fn stages(l: &Losses) -> [(&'static str, &LossBlock); 3] {
    [
        ("inherent", &l.inherent),
        ("current", &l.current),
        ("projected", &l.projected),
    ]
}

/// The statistics that must not rise from one stage to the next, or when a control improves.
fn figures(b: &LossBlock) -> [(&'static str, f64); 6] {
    [
        ("mean", b.mean),
        ("mean_simulated", b.mean_simulated),
        ("p50", b.p50),
        ("p90", b.p90),
        ("p95", b.p95),
        ("p99", b.p99),
    ]
}

fn check_signs_and_order(a: &Assessment) -> Result<(), TestCaseError> {
    for (name, l) in rollups(a) {
        for (stage, b) in stages(l) {
            for (what, v) in figures(b) {
                prop_assert!(v >= 0.0 && v.is_finite(), "{name} {stage} {what} = {v}");
            }
            prop_assert!((0.0..=1.0).contains(&b.p_any_loss));
            prop_assert!(
                b.p50 <= b.p90 && b.p90 <= b.p95 && b.p95 <= b.p99,
                "{name} {stage}: {} {} {} {}",
                b.p50,
                b.p90,
                b.p95,
                b.p99
            );
            for w in b.lec.windows(2) {
                prop_assert!(w[0].loss <= w[1].loss && w[0].probability >= w[1].probability);
            }
            for p in &b.lec {
                prop_assert!(p.loss >= 0.0 && (0.0..=b.p_any_loss).contains(&p.probability));
            }
        }
        // Common random numbers make every stage's year at most the stage before's.
        for (what, inherent) in figures(&l.inherent) {
            let current = figures(&l.current)
                .iter()
                .find(|f| f.0 == what)
                .map(|f| f.1);
            let projected = figures(&l.projected)
                .iter()
                .find(|f| f.0 == what)
                .map(|f| f.1);
            let (Some(current), Some(projected)) = (current, projected) else {
                unreachable!("the same figures in every stage")
            };
            prop_assert!(
                inherent >= current && current >= projected,
                "{name} {what}: {inherent} → {current} → {projected}"
            );
        }
        prop_assert!(l.inherent.p_any_loss >= l.current.p_any_loss);
        prop_assert!(l.current.p_any_loss >= l.projected.p_any_loss);
    }
    Ok(())
}

fn check_sums(a: &Assessment) -> Result<(), TestCaseError> {
    for stage in ["inherent", "current", "projected"] {
        let pick = |l: &Losses| match stage {
            "inherent" => l.inherent.mean,
            "current" => l.current.mean,
            _ => l.projected.mean,
        };
        let org = pick(&a.organisation.annual_loss);
        // Each threat belongs to one system and to one owning team.
        let systems: f64 = a.systems.iter().map(|s| pick(&s.annual_loss)).sum();
        let teams: f64 = a.teams.iter().map(|s| pick(&s.annual_loss)).sum();
        // Each scenario is one incident, counted once in the organisation.
        let k = match stage {
            "inherent" => 0,
            "current" => 1,
            _ => 2,
        };
        let scenarios: f64 = a.scenarios.iter().map(|s| s.annual_loss[k]).sum();
        for (what, sum) in [
            ("systems", systems),
            ("teams", teams),
            ("scenarios", scenarios),
        ] {
            prop_assert!(
                close(org, sum, 1e-9),
                "{stage}: organisation {org}, {what} {sum}"
            );
        }
    }
    check_inherited(a)
}

/// Shared components: the organisation's total is the sum over teams of what each lives
/// with (own plus inherited) minus what was counted twice (the inherited), for the exact
/// mean and for the simulated one (the same simulated years sum alike). And each
/// inherited figure is the sum of the threats it names.
fn check_inherited(a: &Assessment) -> Result<(), TestCaseError> {
    // Inherited means someone else's: never a team's own threat, never a system's own.
    let owner: std::collections::HashMap<String, (&str, &str)> = a
        .threats
        .iter()
        .map(|t| {
            (
                format!("{}:{}", t.system, t.id),
                (t.owner.as_str(), t.system.as_str()),
            )
        })
        .collect();
    for (r, is_team) in a
        .teams
        .iter()
        .map(|t| (t, true))
        .chain(a.systems.iter().map(|s| (s, false)))
    {
        for k in r.inherited.iter().flat_map(|i| &i.threats) {
            let (team, system) = owner[&k.to_string()];
            let own = if is_team { team } else { system };
            prop_assert!(own != r.id, "{} inherits its own threat {k}", r.id);
        }
    }
    for stage in ["inherent", "current", "projected"] {
        let block = |l: &Losses| match stage {
            "inherent" => l.inherent.clone(),
            "current" => l.current.clone(),
            _ => l.projected.clone(),
        };
        for exact in [true, false] {
            let pick = |l: &Losses| {
                let b = block(l);
                if exact {
                    b.mean
                } else {
                    b.mean_simulated
                }
            };
            let org = pick(&a.organisation.annual_loss);
            let (mut lived, mut twice) = (0.0, 0.0);
            for t in &a.teams {
                match &t.inherited {
                    Some(i) => {
                        lived += pick(&i.with_inherited);
                        twice += pick(&i.annual_loss);
                        prop_assert!(
                            close(
                                pick(&i.with_inherited),
                                pick(&t.annual_loss) + pick(&i.annual_loss),
                                1e-9
                            ),
                            "{stage}: team {} own + inherited != with_inherited",
                            t.id
                        );
                    }
                    None => lived += pick(&t.annual_loss),
                }
            }
            prop_assert!(
                close(org, lived - twice, 1e-9),
                "{stage} (exact {exact}): organisation {org}, teams {lived} − inherited {twice}"
            );
        }
        for r in a.systems.iter().chain(&a.teams) {
            let Some(i) = &r.inherited else { continue };
            prop_assert!(!i.threats.is_empty() && !i.from.is_empty());
        }
    }
    Ok(())
}

/// Every figure of every roll-up and stage: expected loss, simulated mean and percentiles.
fn all_figures(a: &Assessment) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for (name, l) in rollups(a) {
        for (stage, b) in stages(l) {
            for (what, v) in figures(b) {
                out.push((format!("{name} {stage} {what}"), v));
            }
        }
    }
    out
}

/// Every figure of `after` is at most the same of `before`. The simulated figures obey it
/// too: the years are drawn from the same random numbers, and a better control keeps each
/// year's loss where it was or lowers it.
fn never_higher(before: &Assessment, after: &Assessment, what: &str) -> Result<(), TestCaseError> {
    let b = all_figures(before);
    let a = all_figures(after);
    prop_assert_eq!(b.len(), a.len());
    for ((name, x), (name2, y)) in b.iter().zip(&a) {
        prop_assert_eq!(name, name2);
        prop_assert!(y <= x, "{}: {} {} → {}", what, name, x, y);
    }
    Ok(())
}

fn raise(e: &mut Estimate, by: f64) {
    *e = match *e {
        Estimate::Point(v) => Estimate::Point((v + by).min(1.0)),
        Estimate::Range(r) => Estimate::Range(Range {
            low: (r.low + by).min(1.0),
            high: (r.high + by).min(1.0),
        }),
    };
}

fn extra_control(
    estate: &Estate,
    status: ControlStatus,
    reduces: Reduces,
    stride: Stride,
) -> ControlNode {
    let owner = estate.controls.first().map(|c| c.owner).unwrap_or_default();
    ControlNode {
        system: None,
        owner,
        raw: Control {
            id: Spanned::new("property-extra-control".to_string()),
            title: "A control added by the property test".into(),
            owner: Spanned::new(estate.teams[owner.index()].id.value.clone()),
            status: Spanned::new(status),
            mitigates: vec![Mitigation {
                stride: vec![stride],
                reduces,
                effectiveness: Spanned::new(Estimate::Range(Range {
                    low: 0.2,
                    high: 0.6,
                })),
                ..Mitigation::default()
            }],
            ..Control::default()
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn generated_estates_obey_the_invariants(
        components in 30usize..80,
        flow_factor in 1usize..3,
        seed in any::<u64>(),
        sim_seed in 0u64..1_000,
    ) {
        let e = estate(components, components * flow_factor, seed);
        let one = assess_in_pool(&e, 1, sim_seed);
        let two = assess_in_pool(&e, 2, sim_seed);
        let (one_json, two_json) = (
            serde_json::to_string(&one).expect("serialisable"),
            serde_json::to_string(&two).expect("serialisable"),
        );
        prop_assert!(one_json == two_json, "1 and 2 threads differ");
        prop_assert!(one.organisation.annual_loss.inherent.mean > 0.0, "the estate has some risk");
        check_signs_and_order(&one)?;
        check_sums(&one)?;
    }

    #[test]
    fn better_or_more_controls_never_raise_an_expected_loss(
        components in 30usize..80,
        seed in any::<u64>(),
        by in 0.05f64..0.5,
        stride in prop::sample::select(vec![
            Stride::Spoofing, Stride::Tampering, Stride::InformationDisclosure,
            Stride::DenialOfService, Stride::ElevationOfPrivilege,
        ]),
        status in prop::sample::select(vec![
            ControlStatus::Planned, ControlStatus::Implemented, ControlStatus::Verified,
        ]),
        loss in any::<bool>(),
    ) {
        let e = estate(components, components * 2, seed);
        let before = assess_in_pool(&e, 2, 5);

        let mut raised = e.clone();
        for c in &mut raised.controls {
            for m in &mut c.raw.mitigates {
                raise(&mut m.effectiveness.value, by);
            }
        }
        let after = assess_in_pool(&raised, 2, 5);
        never_higher(&before, &after, "raised effectiveness")?;

        let mut added = e.clone();
        let reduces = if loss { Reduces::Loss } else { Reduces::Frequency };
        added.controls.push(extra_control(&e, status, reduces, stride));
        let after = assess_in_pool(&added, 2, 5);
        never_higher(&before, &after, "added control")?;
        // The added control acts on something whenever the estate has a threat of its category.
        let acts = after.threats.iter().any(|t| t.controls.iter().any(|c| c == "property-extra-control"));
        let has_category = before.threats.iter().any(|t| t.stride == stride);
        prop_assert_eq!(acts, has_category);
    }
}

/// The inherited sums above are not vacuous: generated estates share components across
/// teams, and the shares land in the roll-ups.
#[test]
fn generated_estates_inherit_threats_from_shared_components() {
    for seed in [1, 2, 3] {
        let e = estate(40, 80, seed);
        let a = assess_in_pool(&e, 2, 1);
        assert!(
            a.systems.iter().any(|s| s.inherited.is_some()),
            "seed {seed}: no system inherits"
        );
        assert!(
            a.teams.iter().any(|t| t.inherited.is_some()),
            "seed {seed}: no team inherits"
        );
        assert!(
            a.components.iter().any(|c| !c.used_by.is_empty()),
            "seed {seed}: no shared component carries threats"
        );
        check_inherited(&a).expect("inherited figures add up");
    }
}
