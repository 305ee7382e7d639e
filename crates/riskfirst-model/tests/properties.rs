//! Property tests of the format: valid models round-trip through YAML and
//! JSON unchanged, and no input, however broken, panics or hangs the loader.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use riskfirst_model::catalog::{PROTOCOLS, TECHNOLOGIES};
use riskfirst_model::diag::{render, Styles};
use riskfirst_model::emit::to_yaml;
use riskfirst_model::format::*;
use riskfirst_model::limits;
use riskfirst_model::node::{parse, Limits, Value as N};
use riskfirst_model::{load, Estate, FileId, Loaded, Options, Sources, Spanned};

// ---------------------------------------------------------------------------
// Building random valid estates
// ---------------------------------------------------------------------------

/// Structural choices come from a small generator seeded by proptest; text
/// comes from a pool proptest fills, so the emitter meets every awkward
/// string (YAML keywords, numbers, indicators, quotes, line breaks, Unicode).
struct Rng {
    state: u64,
    pool: Vec<String>,
}

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
    fn text(&mut self) -> String {
        let i = self.below(self.pool.len());
        self.pool[i].clone()
    }
    /// Non-empty after trimming, for fields that must say something.
    fn words(&mut self) -> String {
        let t = self.text();
        if t.trim().is_empty() {
            format!("x{t}x")
        } else {
            t
        }
    }
    fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.chance() {
            Some(f(self))
        } else {
            None
        }
    }
    fn some_of<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        items.iter().filter(|_| self.chance()).cloned().collect()
    }
    fn texts(&mut self) -> Vec<String> {
        let n = self.below(3);
        (0..n).map(|_| self.text()).collect()
    }
    /// A positive amount: integral or not, tiny or huge.
    fn amount(&mut self) -> f64 {
        let mantissa = (self.next() % 1_000_000) as f64 + 1.0;
        match self.below(4) {
            0 => mantissa,
            1 => mantissa / 1_000.0,
            // Up to 1e14: within the format's largest amount (limits::MAX_AMOUNT).
            2 => mantissa * 1e8,
            _ => f64::from_bits(self.next() >> 12 | 0x3ff0_0000_0000_0000),
        }
    }
    /// A 90% range within the format's limits: at most `max`, no wider than `MAX_SPREAD`.
    fn range_upto(&mut self, max: f64) -> Range {
        let low = self.amount().min(max);
        let high = if self.chance() {
            low
        } else {
            (low * (1.0 + self.amount()))
                .min(max)
                .min(low * (limits::MAX_SPREAD / 2.0))
        };
        Range { low, high }
    }
    /// A range of money.
    fn range(&mut self) -> Range {
        self.range_upto(limits::MAX_AMOUNT)
    }
    /// A range of events a year.
    fn rate(&mut self) -> Range {
        self.range_upto(limits::MAX_RATE)
    }
    fn fraction(&mut self) -> f64 {
        match self.below(3) {
            0 => 0.0,
            1 => 1.0,
            _ => (self.next() % 1_000_001) as f64 / 1_000_000.0,
        }
    }
    fn date(&mut self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            2000 + self.below(80),
            1 + self.below(12),
            1 + self.below(28)
        )
    }
}

const STRIDE: [Stride; 6] = Stride::ALL;

fn sid(text: String) -> Spanned<String> {
    Spanned::new(text)
}

fn build(seed: u64, pool: Vec<String>) -> (RootFile, Vec<SystemFile>) {
    let mut r = Rng {
        state: seed | 1,
        pool,
    };
    let teams: Vec<String> = (0..1 + r.below(3)).map(|i| format!("team-{i}")).collect();
    let risks: Vec<String> = (0..1 + r.below(3)).map(|i| format!("risk-{i}")).collect();
    let zones: Vec<String> = (0..1 + r.below(3)).map(|i| format!("zone-{i}")).collect();

    let mut root = RootFile {
        riskfirst: Spanned::new(1),
        organisation: Organisation {
            name: Spanned::new(r.text()),
            currency: Spanned::new(r.pick(&["EUR", "USD", "GBP"]).to_string()),
            description: r.maybe(Rng::text),
        },
        ..RootFile::default()
    };
    root.teams = teams
        .iter()
        .map(|id| Team {
            id: sid(id.clone()),
            name: r.text(),
            contact: r.maybe(Rng::text),
            lead: r.maybe(Rng::text),
        })
        .collect();
    root.business_risks = risks
        .iter()
        .map(|id| BusinessRisk {
            id: sid(id.clone()),
            title: r.text(),
            description: r.maybe(Rng::text),
            owner: Spanned::new(r.text()),
            loss_per_event: Spanned::new(r.range()),
            probability: r.maybe(|r| Spanned::new(r.fraction())),
        })
        .collect();
    // Scales: custom or default risk levels, used by appetite and policy.
    let mut levels: Vec<String> = ["low", "medium", "high", "critical"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if r.chance() {
        let scale = |r: &mut Rng, prefix: &str| -> Vec<ScaleLevel> {
            let n = 2 + r.below(3);
            let mut bound = 0.0;
            (0..n)
                .map(|i| {
                    bound = bound * 2.0 + r.amount();
                    ScaleLevel {
                        level: Spanned::new(format!("{prefix}{i}")),
                        below: (i + 1 < n).then(|| Spanned::new(bound)),
                    }
                })
                .collect()
        };
        let impact = scale(&mut r, "i");
        let likelihood = scale(&mut r, "l");
        let risk = r.maybe(|r| {
            (0..2 + r.below(3))
                .map(|i| format!("level-{i}"))
                .collect::<Vec<_>>()
        });
        if let Some(risk) = &risk {
            levels = risk.clone();
        }
        let matrix = r.maybe(|r| {
            (0..likelihood.len())
                .map(|_| {
                    (0..impact.len())
                        .map(|_| Spanned::new(r.pick(&levels)))
                        .collect()
                })
                .collect::<Vec<Vec<Spanned<String>>>>()
        });
        root.scales = Some(Scales {
            impact,
            likelihood,
            risk: risk.map(|l| l.into_iter().map(Spanned::new).collect()),
            matrix: matrix.map(Spanned::new),
        });
    }
    root.appetite = (0..r.below(3))
        .map(|i| {
            let limit = |r: &mut Rng| r.maybe(|r| Spanned::new(r.amount()));
            let mut max_annual_loss = r.maybe(|r| LossLimit {
                mean: limit(r),
                p50: limit(r),
                p90: limit(r),
                p95: limit(r),
                p99: limit(r),
            });
            if let Some(l) = &mut max_annual_loss {
                l.p90.get_or_insert(Spanned::new(1e6));
            }
            let max_open_level = if max_annual_loss.is_none() || r.chance() {
                Some(Spanned::new(r.pick(&levels)))
            } else {
                None
            };
            Appetite {
                id: r.maybe(|_| sid(format!("appetite-{i}"))),
                business_risk: r.maybe(|r| sid(r.pick(&risks))),
                max_annual_loss,
                max_open_level,
                description: r.maybe(Rng::text),
            }
        })
        .collect();
    root.zones = zones
        .iter()
        .map(|id| Zone {
            id: sid(id.clone()),
            name: r.maybe(Rng::text),
            trust: Spanned::new(r.below(101) as i64),
            description: r.maybe(Rng::text),
        })
        .collect();
    root.rules = (0..r.below(3))
        .map(|i| CustomRule {
            code: sid(format!("X00{i}")),
            name: Spanned::new(format!("custom-weakness-{i}")),
            stride: r.pick(&STRIDE),
            applies_to: r.pick(&[RuleTarget::Component, RuleTarget::Flow, RuleTarget::Data]),
            when: Spanned::new(r.words()),
            summary: r.text(),
            description: r.maybe(Rng::text),
            cwe: (0..r.below(3)).map(|_| r.below(1000) as u32).collect(),
            capec: (0..r.below(3)).map(|_| r.below(1000) as u32).collect(),
            frequency: Spanned::new(r.rate()),
            mitigations: r.texts(),
        })
        .collect();
    root.risk = r.maybe(|r| RiskSettings {
        trials: r.maybe(|r| Spanned::new(1 + r.below(1_000_000) as u64)),
        seed: r.maybe(|r| r.next() >> 1),
        unverified_weight: r.maybe(|r| Spanned::new(r.fraction())),
        adjustments: (0..r.below(3))
            .map(|i| AdjustmentOverride {
                name: sid(format!("adjustment-{i}")),
                factor: Spanned::new(r.amount()),
            })
            .collect(),
        overrides: (0..r.below(3))
            .map(|i| FrequencyOverride {
                rule: Some(sid(format!("S00{i}"))),
                threat: r.maybe(|_| Spanned::new(format!("S00{i}@*"))),
                frequency: Spanned::new(r.rate()),
            })
            .collect(),
    });
    root.policy = r.maybe(|r| Policy {
        fail_on: r.maybe(|r| Spanned::new(r.pick(&levels))),
        warn_days: r.maybe(|r| r.below(400) as u32),
    });
    root.controls = (0..r.below(2))
        .map(|i| {
            let c = control(&mut r, format!("library-{i}"), &teams, &[]);
            c
        })
        .collect();

    // Systems: every id is unique across the estate, so any reference resolves.
    let count = 1 + r.below(3);
    let components: Vec<Vec<String>> = (0..count)
        .map(|s| (0..1 + r.below(4)).map(|j| format!("c{s}-{j}")).collect())
        .collect();
    let mut systems = Vec::new();
    for s in 0..count {
        let data: Vec<String> = (0..r.below(3)).map(|j| format!("d{s}-{j}")).collect();
        let own_zones: Vec<String> = (0..r.below(2)).map(|j| format!("sz{s}-{j}")).collect();
        let all_zones: Vec<String> = zones.iter().chain(&own_zones).cloned().collect();
        let mut file = SystemFile {
            riskfirst: Spanned::new(1),
            system: SystemHeader {
                id: sid(format!("sys-{s}")),
                name: r.text(),
                owner: sid(r.pick(&teams)),
                description: r.maybe(Rng::text),
                business_risks: r.some_of(&risks).into_iter().map(Spanned::new).collect(),
                tags: r.texts(),
            },
            ..SystemFile::default()
        };
        file.data = data
            .iter()
            .map(|id| DataAsset {
                id: sid(id.clone()),
                name: r.text(),
                classification: r.pick(&[
                    Classification::Public,
                    Classification::Internal,
                    Classification::Confidential,
                    Classification::Restricted,
                ]),
                records: r.maybe(|r| Spanned::new(r.next() >> (1 + r.below(60)))),
                personal: r.chance(),
                business_risks: r.some_of(&risks).into_iter().map(Spanned::new).collect(),
                description: r.maybe(Rng::text),
            })
            .collect();
        file.zones = own_zones
            .iter()
            .map(|id| Zone {
                id: sid(id.clone()),
                name: r.maybe(Rng::text),
                trust: Spanned::new(r.below(101) as i64),
                description: r.maybe(Rng::text),
            })
            .collect();
        file.components = components[s]
            .iter()
            .map(|id| component(&mut r, id, &all_zones, &teams, &risks, &data))
            .collect();
        // Components of other systems, each used at most once.
        let others: Vec<String> = (0..count)
            .filter(|o| *o != s)
            .flat_map(|o| components[o].iter().map(move |c| format!("sys-{o}/{c}")))
            .collect();
        let uses = r.some_of(&others);
        file.uses = uses.iter().cloned().map(Spanned::new).collect();
        let ends: Vec<String> = components[s].iter().chain(&uses).cloned().collect();
        let mut flows = Vec::new();
        if ends.len() >= 2 {
            for j in 0..r.below(4) {
                let from = r.below(ends.len());
                let to = (from + 1 + r.below(ends.len() - 1)) % ends.len();
                flows.push(Flow {
                    id: sid(format!("f{s}-{j}")),
                    from: Spanned::new(ends[from].clone()),
                    to: Spanned::new(ends[to].clone()),
                    protocol: Spanned::new(r.pick(PROTOCOLS).0.to_string()),
                    tls: r.maybe(Rng::chance),
                    authentication: r.maybe(|r| {
                        r.pick(&[
                            Authentication::None,
                            Authentication::Password,
                            Authentication::ApiKey,
                            Authentication::Session,
                            Authentication::Token,
                            Authentication::Oauth2,
                            Authentication::Oidc,
                            Authentication::Saml,
                            Authentication::Mtls,
                            Authentication::Certificate,
                            Authentication::Kerberos,
                            Authentication::Iam,
                        ])
                    }),
                    authorization: r.maybe(|r| {
                        r.pick(&[
                            Authorization::None,
                            Authorization::TechnicalUser,
                            Authorization::EndUser,
                        ])
                    }),
                    data: r.some_of(&data).into_iter().map(Spanned::new).collect(),
                    description: r.maybe(Rng::text),
                    readonly: r.chance(),
                    usage: r.maybe(|r| r.pick(&[Usage::Business, Usage::Devops])),
                    vpn: r.chance(),
                    tags: r.texts(),
                });
            }
        }
        let elements: Vec<String> = components[s]
            .iter()
            .chain(flows.iter().map(|f| &f.id.value))
            .cloned()
            .collect();
        file.flows = flows;
        file.assumptions = (0..r.below(3))
            .map(|j| Assumption {
                id: sid(format!("a{s}-{j}")),
                text: r.text(),
                owner: r.maybe(|r| sid(r.pick(&teams))),
            })
            .collect();
        file.threats = (0..r.below(4))
            .map(|j| threat(&mut r, s, j, &elements, &teams, &risks))
            .collect();
        file.controls = (0..r.below(3))
            .map(|j| control(&mut r, format!("ctl{s}-{j}"), &teams, &elements))
            .collect();
        systems.push(file);
    }
    (root, systems)
}

fn component(
    r: &mut Rng,
    id: &str,
    zones: &[String],
    teams: &[String],
    risks: &[String],
    data: &[String],
) -> Component {
    let opt_bool = |r: &mut Rng| r.maybe(Rng::chance);
    Component {
        id: sid(id.to_string()),
        name: r.maybe(Rng::text),
        kind: r.pick(&[
            ComponentKind::ExternalEntity,
            ComponentKind::Process,
            ComponentKind::Datastore,
        ]),
        technology: Spanned::new(r.pick(TECHNOLOGIES).0.to_string()),
        zone: sid(r.pick(zones)),
        description: r.maybe(Rng::text),
        owner: r.maybe(|r| sid(r.pick(teams))),
        internet_facing: r.chance(),
        processes: r.some_of(data).into_iter().map(Spanned::new).collect(),
        stores: r.some_of(data).into_iter().map(Spanned::new).collect(),
        business_risks: r.some_of(risks).into_iter().map(Spanned::new).collect(),
        machine: r.maybe(|r| {
            r.pick(&[
                Machine::Physical,
                Machine::Virtual,
                Machine::Container,
                Machine::Serverless,
            ])
        }),
        usage: r.maybe(|r| r.pick(&[Usage::Business, Usage::Devops])),
        custom_code: opt_bool(r),
        third_party: r.chance(),
        accepts: r.some_of(&[
            DataFormat::Json,
            DataFormat::Xml,
            DataFormat::Yaml,
            DataFormat::Csv,
            DataFormat::Serialization,
            DataFormat::File,
            DataFormat::Form,
            DataFormat::Graphql,
            DataFormat::Protobuf,
        ]),
        human_use: r.chance(),
        admin_interface: r.chance(),
        mfa: opt_bool(r),
        encrypted_at_rest: opt_bool(r),
        audit_log: opt_bool(r),
        backups: r.maybe(|r| Backups {
            encrypted: r.chance(),
        }),
        public_access: r.chance(),
        waf: opt_bool(r),
        rate_limited: opt_bool(r),
        redundant: opt_bool(r),
        multi_tenant: r.chance(),
        secrets: r.maybe(|r| {
            r.pick(&[
                SecretStore::Vault,
                SecretStore::Managed,
                SecretStore::Environment,
                SecretStore::Config,
                SecretStore::Code,
                SecretStore::None,
            ])
        }),
        permissions: r.maybe(|r| r.pick(&[Permissions::LeastPrivilege, Permissions::Wildcard])),
        shared_accounts: r.chance(),
        hardened: opt_bool(r),
        deployment: r.maybe(|r| r.pick(&[Deployment::Push, Deployment::Pull, Deployment::Manual])),
        out_of_scope: r.maybe(Rng::words),
        tags: r.texts(),
    }
}

fn threat(
    r: &mut Rng,
    s: usize,
    j: usize,
    elements: &[String],
    teams: &[String],
    risks: &[String],
) -> ThreatEntry {
    let status = r.pick(&[
        ThreatStatus::Open,
        ThreatStatus::Mitigated,
        ThreatStatus::Accepted,
        ThreatStatus::Transferred,
        ThreatStatus::NotApplicable,
    ]);
    let decided = !matches!(status, ThreatStatus::Open | ThreatStatus::Mitigated);
    let accepted = status == ThreatStatus::Accepted;
    let written = r.chance();
    let stride = r.pick(&STRIDE);
    ThreatEntry {
        id: sid(if written {
            format!("t{s}-{j}")
        } else {
            format!("{}00{j}@{}", stride.letter(), r.pick(elements))
        }),
        status: Spanned::new(status),
        justification: if decided {
            Some(r.words())
        } else {
            r.maybe(Rng::text)
        },
        approved_by: if accepted {
            Some(r.words())
        } else {
            r.maybe(Rng::text)
        },
        expires: if accepted || r.chance() {
            Some(Spanned::new(r.date()))
        } else {
            None
        },
        owner: r.maybe(|r| sid(r.pick(teams))),
        title: written.then(|| r.text()),
        description: r.maybe(Rng::text),
        stride: written.then_some(stride),
        elements: if written {
            let mut e: Vec<Spanned<String>> =
                r.some_of(elements).into_iter().map(Spanned::new).collect();
            if e.is_empty() {
                e.push(Spanned::new(elements[0].clone()));
            }
            e
        } else {
            Vec::new()
        },
        business_risks: r.some_of(risks).into_iter().map(Spanned::new).collect(),
        frequency: r.maybe(|r| Spanned::new(r.rate())),
    }
}

fn control(r: &mut Rng, id: String, teams: &[String], elements: &[String]) -> Control {
    Control {
        id: sid(id),
        title: r.text(),
        description: r.maybe(Rng::text),
        owner: sid(r.pick(teams)),
        status: Spanned::new(r.pick(&[
            ControlStatus::Planned,
            ControlStatus::InProgress,
            ControlStatus::Implemented,
            ControlStatus::Verified,
        ])),
        cost: r.maybe(|r| {
            Spanned::new(Cost {
                once: r.amount(),
                yearly: if r.chance() { 0.0 } else { r.amount() },
            })
        }),
        due: r.maybe(|r| Spanned::new(r.date())),
        mitigates: (0..1 + r.below(2))
            .map(|i| {
                let mut m = Mitigation {
                    threats: r
                        .maybe(|_| vec![Spanned::new(format!("S00{i}@*"))])
                        .unwrap_or_default(),
                    rules: r
                        .maybe(|_| vec![Spanned::new(format!("T00{i}"))])
                        .unwrap_or_default(),
                    stride: r.some_of(&STRIDE),
                    elements: r.some_of(elements).into_iter().map(Spanned::new).collect(),
                    reduces: r.pick(&[Reduces::Frequency, Reduces::Loss]),
                    effectiveness: Spanned::new(if r.chance() {
                        Estimate::Point(r.fraction())
                    } else {
                        let (a, b) = (r.fraction(), r.fraction());
                        Estimate::Range(Range {
                            low: a.min(b),
                            high: a.max(b),
                        })
                    }),
                };
                if m.threats.is_empty()
                    && m.rules.is_empty()
                    && m.stride.is_empty()
                    && m.elements.is_empty()
                {
                    m.stride.push(Stride::Tampering);
                }
                m
            })
            .collect(),
        evidence: r.texts(),
    }
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

/// Text that stresses the emitter's quoting: YAML keywords, numbers,
/// indicators, quotes, line breaks, and any printable Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z][a-zA-Z0-9 .,'()-]{0,20}",
        2 => "\\PC{0,16}",
        1 => "[ -~\\t\\n]{0,12}",
        2 => prop::sample::select(vec![
            "", " ", "true", "False", "null", "~", "NULL", "12", "-3", "0.5", "1e5", "1_000",
            ".inf", "-.nan", "0x1F", "2027-06-30", "- item", "a: b", "a:b", "x #y", "#x",
            "*alias", "&anchor", "!tag", "!!str", "%x", "@x", "`x", "{a}", "[a]", "'q'",
            "\"q\"", "line\nbreak", "trail ", " lead", "tab\tin", "---", "...", "? k", "| x",
            "> x", "é", "日本", "\u{85}", "\u{2028}", "\u{feff}x", "\\", "a\\nb",
        ])
        .prop_map(str::to_string),
    ]
}

/// The system files of a loaded estate, rebuilt from what it kept of each file.
fn system_files(estate: &Estate) -> Vec<SystemFile> {
    estate.system_files()
}

#[derive(Clone, Copy)]
enum Syntax {
    Yaml,
    Json,
}

fn write(root: &RootFile, systems: &[SystemFile], syntax: Syntax) -> Sources {
    let (ext, emit): (&str, fn(&dyn erased::Emit) -> String) = match syntax {
        Syntax::Yaml => ("yaml", |v| v.yaml()),
        Syntax::Json => ("json", |v| v.json()),
    };
    Sources {
        root: (PathBuf::from(format!("riskfirst.{ext}")), emit(root)),
        systems: systems
            .iter()
            .map(|s| {
                (
                    PathBuf::from(format!("systems/{}.{ext}", s.system.id.value)),
                    emit(s),
                )
            })
            .collect(),
    }
}

/// Lets `write` pick the emitter once for both kinds of file.
mod erased {
    pub trait Emit {
        fn yaml(&self) -> String;
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Emit for T {
        fn yaml(&self) -> String {
            riskfirst_model::emit::to_yaml(self)
        }
        fn json(&self) -> String {
            riskfirst_model::emit::to_json(self)
        }
    }
}

fn errors(loaded: &Loaded, sources: &Sources) -> String {
    let mut out = String::new();
    for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
        out.push_str(&render(d, &loaded.sources, &Styles::default()));
    }
    out.push_str("\n--- root:\n");
    out.push_str(&sources.root.1);
    for (path, text) in &sources.systems {
        out.push_str(&format!("\n--- {}:\n{text}", path.display()));
    }
    out
}

fn load_back(
    root: &RootFile,
    systems: &[SystemFile],
    syntax: Syntax,
) -> Result<(RootFile, Vec<SystemFile>), TestCaseError> {
    let sources = write(root, systems, syntax);
    let loaded = load(sources.clone(), &Options::default());
    let Some(estate) = &loaded.estate else {
        return Err(TestCaseError::fail(errors(&loaded, &sources)));
    };
    prop_assert_eq!(loaded.errors(), 0);
    Ok((estate.root.clone(), system_files(estate)))
}

fn round_trip(seed: u64, pool: Vec<String>, syntax: Syntax) -> Result<(), TestCaseError> {
    let (root, systems) = build(seed, pool);
    let (root1, systems1) = load_back(&root, &systems, syntax)?;
    prop_assert_eq!(&root1, &root);
    prop_assert_eq!(&systems1, &systems);
    let (root2, systems2) = load_back(&root1, &systems1, syntax)?;
    prop_assert_eq!(root2, root1);
    prop_assert_eq!(systems2, systems1);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn valid_models_round_trip_through_yaml(seed in any::<u64>(), pool in vec(text(), 1..48)) {
        round_trip(seed, pool, Syntax::Yaml)?;
    }

    #[test]
    fn valid_models_round_trip_through_json(seed in any::<u64>(), pool in vec(text(), 1..48)) {
        round_trip(seed, pool, Syntax::Json)?;
    }

    #[test]
    fn any_string_reads_back_as_itself(s in text()) {
        let yaml = to_yaml(&serde_json::json!({ "k": s, "list": [s], "flow": { "k": s } }));
        let tree = parse(&yaml, FileId(0), &Limits::default())
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n{yaml}")))?;
        let read = |n: Option<&riskfirst_model::node::Node>| n.map(|n| n.value.clone());
        prop_assert_eq!(read(tree.get("k")), Some(N::Str(s.clone())), "{}", yaml);
        prop_assert_eq!(read(tree.get("flow").and_then(|f| f.get("k"))), Some(N::Str(s.clone())), "{}", yaml);
        let Some(N::Seq(items)) = read(tree.get("list")) else {
            return Err(TestCaseError::fail(yaml));
        };
        prop_assert_eq!(&items[0].value, &N::Str(s), "{}", yaml);
    }

    #[test]
    fn any_float_reads_back_as_the_same_f64(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let yaml = to_yaml(&serde_json::json!({ "k": f }));
        let tree = parse(&yaml, FileId(0), &Limits::default()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let value = tree.get("k").map(|n| n.value.clone());
        prop_assert!(matches!(value, Some(N::Float(g)) if g == f), "{} read as {:?}", yaml, value);
    }
}

// ---------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------

const SYSTEM_HEAD: &str = "riskfirst: 1\nsystem: { id: s, name: S, owner: t }\n";
const ROOT_HEAD: &str =
    "riskfirst: 1\norganisation: { name: O, currency: EUR }\nteams: [{ id: t, name: T }]\n";

/// Loads `text` as the root file and as a system file; a panic fails the test.
fn load_anything(text: &str) -> Duration {
    let started = Instant::now();
    let as_root = load(
        Sources {
            root: ("riskfirst.yaml".into(), text.to_string()),
            systems: Vec::new(),
        },
        &Options::default(),
    );
    let as_system = load(
        Sources {
            root: ("riskfirst.yaml".into(), ROOT_HEAD.to_string()),
            systems: vec![("systems/s.yaml".into(), text.to_string())],
        },
        &Options::default(),
    );
    // Rendering must not panic either (positions past the end of a line, tabs, wide characters).
    for loaded in [&as_root, &as_system] {
        for d in &loaded.diagnostics {
            let _ = render(d, &loaded.sources, &Styles::default());
        }
    }
    started.elapsed()
}

/// Pieces of YAML and of the format, to build text that gets past the parser more often than bytes do.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ": ",
        ",",
        "- ",
        "-",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "!!str ",
        "!!map ",
        "!x ",
        "'",
        "\"",
        "\\",
        "\n",
        "\n  ",
        "\n    ",
        "\n- ",
        "\t",
        " ",
        "#",
        "? ",
        "|",
        ">",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "riskfirst",
        "1",
        "2",
        "system",
        "id",
        "name",
        "owner",
        "components",
        "flows",
        "from",
        "to",
        "zone",
        "kind",
        "datastore",
        "technology",
        "data",
        "threats",
        "status",
        "accepted",
        "controls",
        "mitigates",
        "effectiveness",
        "low",
        "high",
        "1e400",
        "-0",
        ".inf",
        "~",
        "null",
        "true",
        "99999999999999999999",
        "s",
        "t",
        "é",
        "\u{feff}",
        "\r\n",
    ]);
    vec(token, 0..200).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        load_anything(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn yaml_like_text_never_panics_or_hangs(body in yamlish(), head in any::<bool>()) {
        let text = if head { format!("{SYSTEM_HEAD}{body}") } else { body };
        let took = load_anything(&text);
        prop_assert!(took < Duration::from_secs(2), "took {:?} on {:?}", took, text);
    }
}

#[test]
fn emitted_yaml_has_the_expected_shape() {
    let v = serde_json::json!({
        "teams": [{ "id": "a", "tags": ["x", "y"], "deep": { "m": [1, { "n": 2 }] } }],
        "empty": [],
        "money": 100000.0,
        "id": "S003@web@*",
        "text": "a: b",
    });
    assert_eq!(
        to_yaml(&v),
        "teams:\n  - id: a\n    tags: [x, y]\n    deep:\n      m:\n        - 1\n        - { n: 2 }\nempty: []\nmoney: 100000.0\nid: S003@web@*\ntext: \"a: b\"\n"
    );
}
