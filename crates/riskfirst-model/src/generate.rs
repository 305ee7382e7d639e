//! Synthetic estates of any size, for benchmarks and load tests (`riskfirst generate`).
//!
//! The estate is built as format values ([`RootFile`], [`SystemFile`]) and
//! serialised, so it follows the format by construction and loads without
//! errors. Everything comes from one seeded SplitMix64 stream: the same
//! [`GenerateConfig`] gives the same files, byte for byte.
//!
//! The mix aims at what a real estate looks like, so that rules see the
//! situations they exist for: many APIs and databases and few vaults, most
//! flows inside a system and about one in twenty to another system's
//! component, mostly sound security attributes with a realistic minority of
//! gaps (internet-facing applications without a WAF, plaintext database
//! connections, admin consoles without MFA, wildcard permissions, secrets in
//! environment variables, public buckets), and a few percent of threat
//! decisions and controls.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::catalog::{TechCategory, TECHNOLOGIES};
use crate::format::*;
use crate::span::Spanned;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateConfig {
    /// Components in total, across all systems.
    pub components: usize,
    /// Flows in total, across all systems.
    pub flows: usize,
    pub seed: u64,
    /// Number of systems; default one per 50 components, at least 2.
    pub systems: Option<usize>,
    /// Number of teams; default one per 400 components, at least 3.
    pub teams: Option<usize>,
}

impl Default for GenerateConfig {
    fn default() -> Self {
        GenerateConfig {
            components: 1_000,
            flows: 2_000,
            seed: 1,
            systems: None,
            teams: None,
        }
    }
}

/// The most components one system file may hold: beyond this a file nears
/// the loader's size limit (16 MB), so larger estates need more systems.
pub const MAX_COMPONENTS_PER_SYSTEM: usize = 10_000;

/// Why a configuration cannot give the estate asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("{flows} flows need at least two components, not {components}")]
    TooFewComponents { components: usize, flows: usize },
    #[error("{systems} systems for {components} components puts more than {max} components in one system file", max = MAX_COMPONENTS_PER_SYSTEM)]
    SystemsTooLarge { components: usize, systems: usize },
    #[error("{n} {what} is more than the maximum of {max}")]
    TooLarge {
        what: &'static str,
        n: usize,
        max: usize,
    },
}

/// The most components [`generate`] writes: ten times the benchmark estate.
pub const MAX_COMPONENTS: usize = 100_000;
/// The most flows [`generate`] writes (ten per component of the largest estate).
pub const MAX_FLOWS: usize = 1_000_000;

impl GenerateConfig {
    /// Checks that [`generate`] can write exactly this estate. Call it first:
    /// `generate` does not fail, it writes what it can (no flows when there
    /// are fewer than two components).
    pub fn check(&self) -> Result<(), GenerateError> {
        let max = MAX_COMPONENTS;
        for (what, n, max) in [
            ("components", self.components, max),
            ("flows", self.flows, MAX_FLOWS),
            ("systems", self.systems.unwrap_or(0), max),
            ("teams", self.teams.unwrap_or(0), max),
        ] {
            if n > max {
                return Err(GenerateError::TooLarge { what, n, max });
            }
        }
        if self.flows > 0 && self.components < 2 {
            return Err(GenerateError::TooFewComponents {
                components: self.components,
                flows: self.flows,
            });
        }
        let systems = self.system_count();
        // Systems are sized between half and one and a half times the mean.
        if self.components.div_ceil(systems.max(1)) * 3 / 2 > MAX_COMPONENTS_PER_SYSTEM {
            return Err(GenerateError::SystemsTooLarge {
                components: self.components,
                systems,
            });
        }
        Ok(())
    }

    fn system_count(&self) -> usize {
        let wanted = self.systems.unwrap_or((self.components / 50).max(2)).max(1);
        // A system without components would hold nothing but its header.
        wanted.min(self.components.max(1))
    }

    fn team_count(&self) -> usize {
        self.teams.unwrap_or((self.components / 400).max(3)).max(1)
    }
}

/// The syntax of the files written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Syntax {
    /// `riskfirst.yaml` and `systems/<id>.yaml`, as people write them.
    #[default]
    Yaml,
    /// `riskfirst.json` and `systems/<id>.json`, as tools write them.
    Json,
}

impl Syntax {
    fn extension(self) -> &'static str {
        match self {
            Syntax::Yaml => "yaml",
            Syntax::Json => "json",
        }
    }

    fn render<T: Serialize>(self, value: &T) -> String {
        match self {
            Syntax::Yaml => crate::emit::to_yaml(value),
            Syntax::Json => crate::emit::to_json(value),
        }
    }
}

/// Writes a synthetic estate: `(path relative to the estate directory, content)`,
/// the root file first, then one file per system in order.
pub fn generate(cfg: &GenerateConfig) -> Vec<(String, String)> {
    generate_with(cfg, Syntax::default())
}

/// [`generate`] in the syntax given.
pub fn generate_with(cfg: &GenerateConfig, syntax: Syntax) -> Vec<(String, String)> {
    let (root, systems) = build(cfg);
    render_files(&root, &systems, syntax)
}

/// The files of an estate built by [`build`] (perhaps edited since): the root file, then
/// one file per system, as (path relative to the estate directory, text).
pub fn render_files(
    root: &RootFile,
    systems: &[SystemFile],
    syntax: Syntax,
) -> Vec<(String, String)> {
    let ext = syntax.extension();
    let mut files = Vec::with_capacity(systems.len() + 1);
    files.push((format!("riskfirst.{ext}"), syntax.render(root)));
    for system in systems {
        files.push((
            format!("systems/{}.{ext}", system.system.id.value),
            syntax.render(system),
        ));
    }
    files
}

/// Builds the estate as format values.
pub fn build(cfg: &GenerateConfig) -> (RootFile, Vec<SystemFile>) {
    let mut g = Generator::new(cfg);
    let root = g.root();
    let systems = g.systems();
    (root, systems)
}

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and good enough to pick architectures; the same
/// seed gives the same stream on every platform.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n`; `n` must be positive.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total as usize) as u32;
        for (item, w) in items {
            if r < *w {
                return *item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    /// Log-uniform between `low` and `high`, rounded to two significant digits.
    fn magnitude(&mut self, low: f64, high: f64) -> f64 {
        round2(low * (high / low).powf(self.unit()))
    }
}

fn round2(v: f64) -> f64 {
    if v <= 0.0 {
        return v;
    }
    let scale = 10f64.powi(v.log10().floor() as i32 - 1);
    (v / scale).round() * scale
}

/// Splits `total` in proportion to `weights` (largest remainder, ties to the first).
fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut left = total - out.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| {
        let ra = exact[*a] - exact[*a].floor();
        let rb = exact[*b] - exact[*b].floor();
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    // Only positive weights take a share of the remainder, so a weight of zero gets nothing.
    order.retain(|i| weights[*i] > 0.0);
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// How often each kind of technology appears, per thousand components.
const PROFILE: &[(TechCategory, u32)] = {
    use TechCategory::*;
    &[
        (Api, 230),
        (WebApplication, 55),
        (WebServer, 15),
        (Function, 55),
        (BatchJob, 35),
        (SqlDatabase, 120),
        (NoSqlDatabase, 40),
        (Cache, 40),
        (ObjectStorage, 40),
        (FileStorage, 12),
        (SearchEngine, 15),
        (MessageQueue, 50),
        (IdentityProvider, 8),
        (Ldap, 4),
        (Vault, 5),
        (BuildPipeline, 10),
        (SourceRepository, 6),
        (ArtifactRegistry, 5),
        (ContainerPlatform, 10),
        (LoadBalancer, 20),
        (ReverseProxy, 18),
        (Waf, 6),
        (Cdn, 6),
        (Gateway, 20),
        (Monitoring, 10),
        (Logging, 10),
        (Mail, 6),
        (Erp, 3),
        (Saas, 15),
        (PaymentProvider, 4),
        (Hsm, 2),
        (Mainframe, 2),
        (Iot, 5),
        (Scheduler, 10),
        (Backup, 6),
        (AdminTool, 7),
        (Browser, 25),
        (MobileApp, 12),
        (DesktopApp, 4),
        (Unknown, 1),
    ]
};

/// What a system's callers usually are.
const ENTRY_POINTS: &[(TechCategory, u32)] = &[
    (TechCategory::Browser, 50),
    (TechCategory::MobileApp, 20),
    (TechCategory::Saas, 10),
    (TechCategory::DesktopApp, 6),
    (TechCategory::PaymentProvider, 7),
    (TechCategory::Iot, 7),
];

fn kind_of(category: TechCategory) -> ComponentKind {
    use TechCategory::*;
    match category {
        Browser | MobileApp | DesktopApp | Saas | PaymentProvider | Iot => {
            ComponentKind::ExternalEntity
        }
        SqlDatabase | NoSqlDatabase | Cache | ObjectStorage | FileStorage | SearchEngine
        | MessageQueue | Vault | SourceRepository | ArtifactRegistry | Backup | Logging => {
            ComponentKind::Datastore
        }
        _ => ComponentKind::Process,
    }
}

fn is_client(category: TechCategory) -> bool {
    matches!(
        category,
        TechCategory::Browser | TechCategory::MobileApp | TechCategory::DesktopApp
    )
}

fn is_devops(category: TechCategory) -> bool {
    use TechCategory::*;
    matches!(
        category,
        BuildPipeline | SourceRepository | ArtifactRegistry | ContainerPlatform | AdminTool
    )
}

const ZONES: &[(&str, &str, i64, &str)] = &[
    ("internet", "Internet", 0, "anyone, anywhere"),
    (
        "dmz",
        "DMZ",
        25,
        "reachable from the internet through the edge",
    ),
    ("private", "Private network", 50, "internal services"),
    (
        "restricted",
        "Restricted",
        75,
        "regulated data and key material",
    ),
    (
        "admin",
        "Administration",
        90,
        "build, deploy and operate the estate",
    ),
];

/// Business risks an organisation fears: `(id, title, owner, loss low, loss high)`.
const BUSINESS_RISKS: &[(&str, &str, &str, f64, f64)] = &[
    (
        "customer-data-breach",
        "Breach of customer data",
        "Chief Information Security Officer",
        250_000.0,
        15_000_000.0,
    ),
    (
        "payment-fraud",
        "Fraudulent payments",
        "Chief Financial Officer",
        50_000.0,
        3_000_000.0,
    ),
    (
        "service-outage",
        "Customer-facing services down",
        "Chief Operating Officer",
        20_000.0,
        2_000_000.0,
    ),
    (
        "regulatory-fine",
        "Fine from a regulator",
        "General Counsel",
        100_000.0,
        20_000_000.0,
    ),
    (
        "ransomware",
        "Ransomware encrypts production",
        "Chief Information Officer",
        500_000.0,
        25_000_000.0,
    ),
    (
        "intellectual-property-theft",
        "Theft of intellectual property",
        "Chief Technology Officer",
        200_000.0,
        10_000_000.0,
    ),
    (
        "reputation-damage",
        "Loss of customer trust",
        "Chief Marketing Officer",
        100_000.0,
        8_000_000.0,
    ),
    (
        "supply-chain-compromise",
        "Compromise through a supplier",
        "Chief Information Security Officer",
        300_000.0,
        12_000_000.0,
    ),
    (
        "insider-fraud",
        "Fraud by an insider",
        "Chief Financial Officer",
        50_000.0,
        2_000_000.0,
    ),
    (
        "data-loss",
        "Permanent loss of business data",
        "Chief Data Officer",
        30_000.0,
        5_000_000.0,
    ),
];

const TEAM_NAMES: &[&str] = &[
    "Payments",
    "Identity",
    "Platform",
    "Checkout",
    "Data",
    "Mobile",
    "Web",
    "Integrations",
    "Fulfilment",
    "Finance Systems",
    "Customer Care",
    "Search",
    "Growth",
    "Security Engineering",
    "Infrastructure",
    "Analytics",
];

const SYSTEM_NAMES: &[&str] = &[
    "payments",
    "checkout",
    "identity",
    "catalog",
    "orders",
    "billing",
    "shipping",
    "crm",
    "analytics",
    "search",
    "notifications",
    "reporting",
    "inventory",
    "pricing",
    "loyalty",
    "support",
    "hr",
    "ledger",
    "logistics",
    "marketing",
    "platform",
    "data-lake",
    "mobile-backend",
    "partner-api",
    "fraud",
    "compliance",
    "documents",
    "booking",
    "claims",
    "accounts",
];

/// Data a system handles: `(id, name, classification, personal)`.
const DATA: &[(&str, &str, Classification, bool)] = {
    use Classification::*;
    &[
        ("product-catalogue", "Product catalogue", Public, false),
        ("price-list", "Published prices", Public, false),
        ("public-content", "Public web content", Public, false),
        ("documentation", "Product documentation", Public, false),
        ("order-history", "Order history", Internal, false),
        ("inventory-levels", "Inventory levels", Internal, false),
        ("application-logs", "Application logs", Internal, false),
        ("metrics", "Operational metrics", Internal, false),
        ("internal-reports", "Internal reports", Internal, false),
        ("supplier-contracts", "Supplier contracts", Internal, false),
        ("customer-profiles", "Customer profiles", Confidential, true),
        ("employee-records", "Employee records", Confidential, true),
        ("contact-details", "Contact details", Confidential, true),
        ("sales-forecasts", "Sales forecasts", Confidential, false),
        ("source-code", "Source code", Confidential, false),
        ("card-data", "Payment card data", Restricted, true),
        ("credentials", "User credentials", Restricted, false),
        ("health-records", "Health records", Restricted, true),
        ("bank-accounts", "Bank account details", Restricted, true),
        ("signing-keys", "Signing keys", Restricted, false),
    ]
};

const CLASSIFICATIONS: [Classification; 4] = [
    Classification::Public,
    Classification::Internal,
    Classification::Confidential,
    Classification::Restricted,
];

const CONTROL_TITLES: &[(&str, Stride)] = &[
    (
        "Enforce TLS on internal traffic",
        Stride::InformationDisclosure,
    ),
    (
        "Web application firewall in front of the service",
        Stride::Tampering,
    ),
    ("MFA for administrators", Stride::Spoofing),
    ("Encrypt database backups", Stride::InformationDisclosure),
    ("Rate limit sign-in", Stride::DenialOfService),
    ("Move secrets to the vault", Stride::InformationDisclosure),
    ("Least-privilege IAM review", Stride::ElevationOfPrivilege),
    ("Audit logging to the SIEM", Stride::Repudiation),
];

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// Every system's components, for flows that cross systems.
#[derive(Clone, Copy)]
struct Remote<'a> {
    ids: &'a [String],
    infos: &'a [Vec<Info>],
    /// Per system, the components other systems may call.
    targets: &'a [Vec<usize>],
    /// Systems with at least one component.
    populated: &'a [usize],
}

/// What flows need to know about a component, including other systems'.
#[derive(Clone)]
struct Info {
    id: String,
    category: TechCategory,
    technology: &'static str,
    kind: ComponentKind,
    zone: &'static str,
}

struct Generator<'c> {
    cfg: &'c GenerateConfig,
    rng: Rng,
    by_category: HashMap<TechCategory, Vec<&'static str>>,
    teams: Vec<String>,
    /// Chosen business risks, as indices into [`BUSINESS_RISKS`].
    risks: Vec<usize>,
}

impl<'c> Generator<'c> {
    fn new(cfg: &'c GenerateConfig) -> Self {
        let mut by_category: HashMap<TechCategory, Vec<&'static str>> = HashMap::new();
        for (name, category) in TECHNOLOGIES {
            by_category.entry(*category).or_default().push(name);
        }
        Generator {
            cfg,
            // Mixing the seed once keeps seeds 0, 1, 2 from starting on related streams.
            rng: Rng(cfg.seed ^ 0x5EED_0FE5_7A7E),
            by_category,
            teams: Vec::new(),
            risks: Vec::new(),
        }
    }

    fn risk_id(&self, theme: &str) -> Option<Id> {
        self.risks
            .iter()
            .map(|i| BUSINESS_RISKS[*i].0)
            .find(|id| *id == theme)
            .map(|id| Spanned::new(id.to_string()))
    }

    fn any_risk(&mut self) -> Id {
        let i = *self.rng.pick(&self.risks);
        Spanned::new(BUSINESS_RISKS[i].0.to_string())
    }

    fn team(&mut self) -> Id {
        Spanned::new(self.rng.pick(&self.teams).clone())
    }

    fn root(&mut self) -> RootFile {
        let n_teams = self.cfg.team_count();
        let mut teams = Vec::with_capacity(n_teams);
        for i in 0..n_teams {
            let base = TEAM_NAMES[i % TEAM_NAMES.len()];
            let round = i / TEAM_NAMES.len();
            let name = if round == 0 {
                base.to_string()
            } else {
                format!("{base} {}", round + 1)
            };
            let id = name.to_ascii_lowercase().replace(' ', "-");
            teams.push(Team {
                id: Spanned::new(id.clone()),
                name,
                contact: Some(format!("{id}@example.com")),
                lead: None,
            });
        }
        self.teams = teams.iter().map(|t| t.id.value.clone()).collect();

        let n_risks = 6 + self.rng.below(5);
        let mut order: Vec<usize> = (0..BUSINESS_RISKS.len()).collect();
        for i in (1..order.len()).rev() {
            let j = self.rng.below(i + 1);
            order.swap(i, j);
        }
        // A breach of customer data is what every organisation fears; keep it.
        let mut chosen: Vec<usize> = order
            .into_iter()
            .filter(|i| *i != 0)
            .take(n_risks - 1)
            .collect();
        chosen.push(0);
        chosen.sort_unstable();
        self.risks = chosen;
        let business_risks = self
            .risks
            .clone()
            .into_iter()
            .map(|i| {
                let (id, title, owner, low, high) = BUSINESS_RISKS[i];
                let factor = 0.6 + self.rng.unit() * 0.9;
                BusinessRisk {
                    id: Spanned::new(id.into()),
                    title: title.into(),
                    description: None,
                    owner: Spanned::new(owner.into()),
                    loss_per_event: Spanned::new(Range {
                        low: round2(low * factor),
                        high: round2(high * factor),
                    }),
                    probability: None,
                }
            })
            .collect();

        let scale = |levels: &[(&str, Option<f64>)]| -> Vec<ScaleLevel> {
            levels
                .iter()
                .map(|(level, below)| ScaleLevel {
                    level: Spanned::new(level.to_string()),
                    below: below.map(Spanned::new),
                })
                .collect()
        };
        let scales = Scales {
            impact: scale(&[
                ("negligible", Some(10_000.0)),
                ("minor", Some(100_000.0)),
                ("moderate", Some(1_000_000.0)),
                ("major", Some(10_000_000.0)),
                ("severe", None),
            ]),
            likelihood: scale(&[
                ("rare", Some(0.05)),
                ("unlikely", Some(0.2)),
                ("possible", Some(1.0)),
                ("likely", Some(4.0)),
                ("almost-certain", None),
            ]),
            risk: None,
            matrix: None,
        };

        let appetite = vec![
            Appetite {
                id: Some(Spanned::new("organisation-bad-year".into())),
                business_risk: None,
                max_annual_loss: Some(LossLimit {
                    p90: Some(Spanned::new(round2(
                        (self.cfg.components.max(100) as f64) * 20_000.0,
                    ))),
                    ..LossLimit::default()
                }),
                max_open_level: None,
                description: Some("a bad year (one in ten) costs less than this".into()),
            },
            Appetite {
                id: Some(Spanned::new("breach-expected".into())),
                business_risk: Some(Spanned::new(BUSINESS_RISKS[0].0.into())),
                max_annual_loss: Some(LossLimit {
                    mean: Some(Spanned::new(2_000_000.0)),
                    ..LossLimit::default()
                }),
                max_open_level: None,
                description: None,
            },
            Appetite {
                id: Some(Spanned::new("nothing-critical-open".into())),
                business_risk: None,
                max_annual_loss: None,
                max_open_level: Some(Spanned::new("high".into())),
                description: None,
            },
        ];

        let zones = ZONES
            .iter()
            .map(|(id, name, trust, description)| Zone {
                id: Spanned::new(id.to_string()),
                name: Some(name.to_string()),
                trust: Spanned::new(*trust),
                description: Some(description.to_string()),
            })
            .collect();

        let library =
            |id: &str, title: &str, owner: Id, stride: Stride, reduces, low, high| Control {
                id: Spanned::new(id.into()),
                title: title.into(),
                description: None,
                owner,
                status: Spanned::new(ControlStatus::Implemented),
                cost: Some(Spanned::new(Cost {
                    once: 20_000.0,
                    yearly: 40_000.0,
                })),
                due: None,
                mitigates: vec![Mitigation {
                    stride: vec![stride],
                    reduces,
                    effectiveness: Spanned::new(Estimate::Range(Range { low, high })),
                    ..Mitigation::default()
                }],
                evidence: Vec::new(),
            };
        let controls = vec![
            library(
                "security-awareness",
                "Security awareness training",
                self.team(),
                Stride::Spoofing,
                Reduces::Frequency,
                0.05,
                0.2,
            ),
            library(
                "central-audit-logging",
                "Central audit logging",
                self.team(),
                Stride::Repudiation,
                Reduces::Frequency,
                0.3,
                0.6,
            ),
            library(
                "incident-response-retainer",
                "Incident response retainer",
                self.team(),
                Stride::InformationDisclosure,
                Reduces::Loss,
                0.1,
                0.3,
            ),
        ];

        RootFile {
            riskfirst: Spanned::new(1),
            organisation: Organisation {
                name: Spanned::new(format!("Synthetic Estate {}", self.cfg.seed)),
                currency: Spanned::new("EUR".into()),
                description: Some(format!(
                    "Generated by `riskfirst generate --components {} --flows {} --seed {}`",
                    self.cfg.components, self.cfg.flows, self.cfg.seed
                )),
            },
            systems: None,
            teams,
            business_risks,
            appetite,
            scales: Some(scales),
            zones,
            controls,
            rules: Vec::new(),
            risk: None,
            policy: Some(Policy {
                fail_on: Some(Spanned::new("critical".into())),
                warn_days: Some(30),
            }),
        }
    }

    fn systems(&mut self) -> Vec<SystemFile> {
        let n_systems = self.cfg.system_count();
        let weights: Vec<f64> = (0..n_systems).map(|_| 0.5 + self.rng.unit()).collect();
        let sizes = apportion(self.cfg.components, &weights);
        let ids: Vec<String> = (0..n_systems)
            .map(|i| {
                let base = SYSTEM_NAMES[i % SYSTEM_NAMES.len()];
                if n_systems <= SYSTEM_NAMES.len() {
                    base.to_string()
                } else {
                    format!("{base}-{:03}", i + 1)
                }
            })
            .collect();

        // Components first, everywhere, so that flows can reach other systems'.
        let mut files = Vec::with_capacity(n_systems);
        let mut infos: Vec<Vec<Info>> = Vec::with_capacity(n_systems);
        for (i, id) in ids.iter().enumerate() {
            let (file, info) = self.system(i, id, sizes[i]);
            files.push(file);
            infos.push(info);
        }

        let flow_counts = if self.cfg.components < 2 {
            vec![0; n_systems]
        } else {
            let w: Vec<f64> = sizes.iter().map(|s| *s as f64).collect();
            apportion(self.cfg.flows, &w)
        };
        let populated: Vec<usize> = (0..n_systems).filter(|i| sizes[*i] > 0).collect();
        // What another system may call: anything but the clients (browsers, apps),
        // unless a system has nothing else.
        let targets: Vec<Vec<usize>> = infos
            .iter()
            .map(|info| {
                let callable: Vec<usize> = (0..info.len())
                    .filter(|c| !is_client(info[*c].category))
                    .collect();
                if callable.is_empty() {
                    (0..info.len()).collect()
                } else {
                    callable
                }
            })
            .collect();
        let remote = Remote {
            ids: &ids,
            infos: &infos,
            targets: &targets,
            populated: &populated,
        };
        for i in 0..n_systems {
            self.flows(i, &remote, flow_counts[i], &mut files[i]);
            self.use_all_data(&mut files[i]);
            self.decisions(&mut files[i]);
        }
        files
    }

    fn system(&mut self, index: usize, id: &str, size: usize) -> (SystemFile, Vec<Info>) {
        let owner = self.team();
        let mut header = SystemHeader {
            id: Spanned::new(id.into()),
            name: title_case(id),
            owner: owner.clone(),
            description: None,
            business_risks: Vec::new(),
            tags: Vec::new(),
        };
        if let Some(r) = self.risk_id("service-outage") {
            if self.rng.chance(0.5) {
                header.business_risks.push(r);
            }
        }

        // Data: the first system shows every classification.
        let data = if size == 0 {
            Vec::new()
        } else {
            let n = 3 + self.rng.below(6);
            let mut taken = HashSet::new();
            (0..n)
                .map(|k| {
                    let class = if index == 0 && k < CLASSIFICATIONS.len() {
                        CLASSIFICATIONS[k]
                    } else {
                        self.rng.weighted(&[
                            (Classification::Public, 15),
                            (Classification::Internal, 35),
                            (Classification::Confidential, 30),
                            (Classification::Restricted, 20),
                        ])
                    };
                    self.data_asset(class, &mut taken)
                })
                .collect()
        };
        let data_ids: Vec<(String, Classification)> = data
            .iter()
            .map(|d: &DataAsset| (d.id.value.clone(), d.classification))
            .collect();

        let mut components = Vec::with_capacity(size);
        let mut info = Vec::with_capacity(size);
        for k in 0..size {
            let category = if k == 0 && size >= 3 {
                self.rng.weighted(ENTRY_POINTS)
            } else {
                self.rng.weighted(PROFILE)
            };
            let c = self.component(k, category, &owner, &data_ids);
            info.push(Info {
                id: c.id.value.clone(),
                category,
                technology: self.technology_of(&c),
                kind: c.kind,
                zone: ZONES
                    .iter()
                    .map(|z| z.0)
                    .find(|z| *z == c.zone.value)
                    .unwrap_or("private"),
            });
            components.push(c);
        }

        let file = SystemFile {
            riskfirst: Spanned::new(1),
            system: header,
            data,
            zones: Vec::new(),
            components,
            uses: Vec::new(),
            flows: Vec::new(),
            assumptions: vec![Assumption {
                id: Spanned::new("provider-physical-security".into()),
                text: "the cloud provider's physical and host security is adequate".into(),
                owner: Some(owner),
            }],
            threats: Vec::new(),
            controls: Vec::new(),
        };
        (file, info)
    }

    /// The catalog's own `&'static str` for a component's technology.
    fn technology_of(&self, c: &Component) -> &'static str {
        TECHNOLOGIES
            .iter()
            .map(|t| t.0)
            .find(|t| *t == c.technology.value)
            .unwrap_or("unknown")
    }

    fn data_asset(&mut self, class: Classification, taken: &mut HashSet<String>) -> DataAsset {
        let choices: Vec<&(&str, &str, Classification, bool)> =
            DATA.iter().filter(|d| d.2 == class).collect();
        let (base, name, _, personal) = **self.rng.pick(&choices);
        let mut id = base.to_string();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let records = match class {
            Classification::Public => None,
            Classification::Internal => Some(self.rng.magnitude(1e3, 1e6)),
            Classification::Confidential => Some(self.rng.magnitude(1e4, 1e7)),
            Classification::Restricted => Some(self.rng.magnitude(1e3, 5e7)),
        };
        let mut business_risks = Vec::new();
        if matches!(
            class,
            Classification::Confidential | Classification::Restricted
        ) {
            let theme = match base {
                "card-data" | "bank-accounts" => "payment-fraud",
                "source-code" | "sales-forecasts" => "intellectual-property-theft",
                "credentials" | "signing-keys" => "supply-chain-compromise",
                _ => "customer-data-breach",
            };
            business_risks.extend(self.risk_id(theme));
            if personal {
                business_risks.extend(self.risk_id("regulatory-fine"));
            }
        }
        DataAsset {
            id: Spanned::new(id),
            name: name.into(),
            classification: class,
            records: records.map(|r| Spanned::new(r as u64)),
            personal,
            business_risks,
            description: None,
        }
    }

    fn component(
        &mut self,
        k: usize,
        category: TechCategory,
        system_owner: &Id,
        data: &[(String, Classification)],
    ) -> Component {
        use TechCategory::*;
        let rng = &mut self.rng;
        let technology = match self.by_category.get(&category) {
            Some(techs) => *rng.pick(techs),
            None => "unknown",
        };
        let kind = kind_of(category);
        let zone = match category {
            Browser | MobileApp | DesktopApp | Saas | PaymentProvider | Iot => "internet",
            Cdn | Waf | LoadBalancer | ReverseProxy | Mail => "dmz",
            Gateway | WebApplication | WebServer if rng.chance(0.7) => "dmz",
            Gateway | WebApplication | WebServer => "private",
            // A few databases end up in the DMZ, as they do in real estates.
            SqlDatabase | NoSqlDatabase | ObjectStorage | FileStorage => {
                rng.weighted(&[("private", 60), ("restricted", 37), ("dmz", 3)])
            }
            Vault | Hsm | IdentityProvider | Ldap | Mainframe | Erp => "restricted",
            BuildPipeline | SourceRepository | ArtifactRegistry | ContainerPlatform | AdminTool
            | Backup | Logging => "admin",
            _ => "private",
        };
        let mut c = Component {
            id: Spanned::new(format!("{technology}-{}", k + 1)),
            kind,
            technology: Spanned::new(technology.into()),
            zone: Spanned::new(zone.into()),
            ..Component::default()
        };
        if rng.chance(0.08) && self.teams.len() > 1 {
            let other = rng.pick(&self.teams);
            if other != &system_owner.value {
                c.owner = Some(Spanned::new(other.clone()));
            }
        }
        let pick_data = |rng: &mut Rng, n: usize, max: Option<Classification>| -> Vec<Id> {
            let pool: Vec<&String> = data
                .iter()
                .filter(|(_, c)| max.is_none_or(|m| *c <= m))
                .map(|(id, _)| id)
                .collect();
            let mut out: Vec<Id> = Vec::new();
            for _ in 0..n {
                if pool.is_empty() {
                    break;
                }
                let id = *rng.pick(&pool);
                if !out.iter().any(|o| &o.value == id) {
                    out.push(Spanned::new(id.clone()));
                }
            }
            out
        };

        if kind == ComponentKind::ExternalEntity {
            c.third_party = matches!(category, Saas | PaymentProvider);
            c.human_use = is_client(category);
            let n = rng.below(2);
            c.processes = pick_data(rng, n, Some(Classification::Internal));
            if category == Saas {
                c.multi_tenant = true;
            }
            return c;
        }

        let internet_facing = match zone {
            // A database in the DMZ is reachable from the internet one time in three.
            "dmz"
                if matches!(
                    category,
                    SqlDatabase | NoSqlDatabase | ObjectStorage | FileStorage
                ) =>
            {
                rng.chance(0.3)
            }
            "dmz" => category != Mail || rng.chance(0.5),
            // Admin consoles and pipelines sometimes face the internet.
            "admin" => rng.chance(0.04),
            "private" => matches!(category, Api | Function) && rng.chance(0.02),
            _ => false,
        };
        c.internet_facing = internet_facing;
        c.machine = Some(match category {
            Function => Machine::Serverless,
            Mainframe | Hsm => Machine::Physical,
            ContainerPlatform | SqlDatabase | NoSqlDatabase | Ldap => {
                rng.weighted(&[(Machine::Virtual, 85), (Machine::Physical, 15)])
            }
            _ => rng.weighted(&[
                (Machine::Container, 55),
                (Machine::Virtual, 35),
                (Machine::Physical, 10),
            ]),
        });
        if is_devops(category) {
            c.usage = Some(Usage::Devops);
        }
        let custom = matches!(category, Api | WebApplication | Function | BatchJob);
        c.custom_code = Some(custom);
        c.third_party = !custom && rng.chance(0.1);
        if matches!(
            category,
            Api | WebApplication | Gateway | WebServer | Function | BatchJob
        ) {
            let mut accepts = vec![DataFormat::Json];
            let extra: &[(DataFormat, f64)] = &[
                (DataFormat::Xml, 0.15),
                (
                    DataFormat::Form,
                    if category == WebApplication {
                        0.8
                    } else {
                        0.03
                    },
                ),
                (
                    DataFormat::Graphql,
                    if technology == "graphql-api" {
                        1.0
                    } else {
                        0.02
                    },
                ),
                (DataFormat::File, 0.1),
                (DataFormat::Serialization, 0.05),
                (DataFormat::Yaml, 0.03),
                (
                    DataFormat::Csv,
                    if category == BatchJob { 0.6 } else { 0.03 },
                ),
                (DataFormat::Protobuf, 0.12),
            ];
            for (format, p) in extra {
                if rng.chance(*p) {
                    accepts.push(*format);
                }
            }
            c.accepts = accepts;
        }
        c.human_use = category == AdminTool || (category == WebApplication && rng.chance(0.5));
        c.admin_interface = match category {
            AdminTool => true,
            IdentityProvider | ContainerPlatform | BuildPipeline | Vault => rng.chance(0.7),
            SqlDatabase | NoSqlDatabase | WebApplication | Erp => rng.chance(0.15),
            _ => false,
        };
        if c.human_use || c.admin_interface {
            c.mfa = Some(rng.chance(0.75));
        }
        if kind == ComponentKind::Datastore {
            c.encrypted_at_rest = rng.weighted(&[(Some(true), 80), (Some(false), 15), (None, 5)]);
            c.audit_log = rng.weighted(&[(Some(true), 55), (Some(false), 30), (None, 15)]);
            if matches!(
                category,
                SqlDatabase | NoSqlDatabase | ObjectStorage | FileStorage | SourceRepository
            ) && rng.chance(0.7)
            {
                c.backups = Some(Backups {
                    encrypted: rng.chance(0.85),
                });
            }
            c.public_access = match category {
                ObjectStorage => rng.chance(0.04),
                SearchEngine => rng.chance(0.02),
                _ => false,
            };
            c.shared_accounts = rng.chance(0.03);
            let n = 1 + rng.below(2);
            c.stores = pick_data(rng, n, None);
        } else {
            if category == IdentityProvider {
                c.audit_log = Some(rng.chance(0.8));
            }
            let n = rng.below(3);
            c.processes = pick_data(rng, n, None);
            c.secrets = Some(rng.weighted(&[
                (SecretStore::Vault, 45),
                (SecretStore::Managed, 25),
                (SecretStore::Environment, 18),
                (SecretStore::Config, 7),
                (SecretStore::Code, 2),
                (SecretStore::None, 3),
            ]));
            c.permissions = Some(if matches!(category, Function | BatchJob) {
                rng.weighted(&[
                    (Permissions::LeastPrivilege, 75),
                    (Permissions::Wildcard, 25),
                ])
            } else {
                rng.weighted(&[
                    (Permissions::LeastPrivilege, 90),
                    (Permissions::Wildcard, 10),
                ])
            });
            c.shared_accounts = category == AdminTool && rng.chance(0.1);
            if custom || is_devops(category) {
                c.deployment = Some(rng.weighted(&[
                    (Deployment::Push, 40),
                    (Deployment::Pull, 45),
                    (Deployment::Manual, 15),
                ]));
            }
        }
        if internet_facing {
            c.waf = rng.weighted(&[(Some(true), 60), (Some(false), 30), (None, 10)]);
            c.rate_limited = rng.weighted(&[(Some(true), 60), (Some(false), 30), (None, 10)]);
        }
        c.redundant = rng.weighted(&[(Some(true), 70), (Some(false), 20), (None, 10)]);
        c.multi_tenant = category == Api && rng.chance(0.1);
        c.hardened = rng.weighted(&[(Some(true), 60), (Some(false), 25), (None, 15)]);
        if rng.chance(0.005) {
            c.out_of_scope = Some("operated by the vendor under contract".into());
        }
        if rng.chance(0.05) {
            if let Some(r) = self.risk_id("service-outage") {
                c.business_risks.push(r);
            }
        }
        if self.rng.chance(0.1) {
            c.tags = vec![self
                .rng
                .pick(&["pci", "gdpr", "legacy", "tier-1", "beta"])
                .to_string()];
        }
        c
    }

    fn flows(&mut self, index: usize, remote: &Remote, count: usize, file: &mut SystemFile) {
        let Remote {
            ids,
            infos,
            targets,
            populated,
        } = *remote;
        let local = &infos[index];
        let n = local.len();
        if n == 0 || count == 0 {
            return;
        }
        let others: Vec<usize> = populated.iter().copied().filter(|s| *s != index).collect();
        if n == 1 && others.is_empty() {
            // Unreachable through `generate`: flows go only where there are two components.
            return;
        }
        let mut used_ids: HashMap<String, usize> = HashMap::new();
        let mut uses: Vec<String> = Vec::new();
        let mut flows = Vec::with_capacity(count);
        for k in 0..count {
            // The first flows touch each component once, so nothing is left unconnected.
            let anchor = if k < n { k } else { self.rng.below(n) };
            let cross = !others.is_empty() && (n == 1 || self.rng.chance(0.05));
            let (from, to, remote): (&Info, &Info, Option<usize>) = if cross {
                let s = *self.rng.pick(&others);
                let target = &infos[s][*self.rng.pick(&targets[s])];
                (&local[anchor], target, Some(s))
            } else {
                let mut other = self.rng.below(n - 1);
                if other >= anchor {
                    other += 1;
                }
                // Datastores mostly answer; they rarely start an exchange.
                let anchor_receives = local[anchor].kind == ComponentKind::Datastore
                    || (local[anchor].kind == ComponentKind::Process && self.rng.chance(0.5));
                let (mut f, mut t) = if anchor_receives {
                    (other, anchor)
                } else {
                    (anchor, other)
                };
                if local[f].kind == ComponentKind::Datastore
                    && local[t].kind != ComponentKind::Datastore
                    && self.rng.chance(0.8)
                {
                    std::mem::swap(&mut f, &mut t);
                }
                // Clients call; they are not called.
                if is_client(local[t].category) && !is_client(local[f].category) {
                    std::mem::swap(&mut f, &mut t);
                }
                (&local[f], &local[t], None)
            };
            let to_ref = match remote {
                Some(s) => {
                    let q = format!("{}/{}", ids[s], to.id);
                    if !uses.contains(&q) {
                        uses.push(q.clone());
                    }
                    q
                }
                None => to.id.clone(),
            };
            let base = match remote {
                Some(s) => format!("{}-to-{}-{}", from.id, ids[s], to.id),
                None => format!("{}-to-{}", from.id, to.id),
            };
            let seen = used_ids.entry(base.clone()).or_insert(0);
            *seen += 1;
            let id = if *seen == 1 {
                base
            } else {
                format!("{base}-{seen}")
            };
            let flow = self.flow(id, from, to, to_ref, remote.is_some(), file);
            flows.push(flow);
        }
        uses.sort();
        file.uses = uses.into_iter().map(Spanned::new).collect();
        file.flows = flows;
    }

    fn flow(
        &mut self,
        id: String,
        from: &Info,
        to: &Info,
        to_ref: String,
        cross: bool,
        file: &SystemFile,
    ) -> Flow {
        let rng = &mut self.rng;
        let protocol = protocol_for(rng, to);
        let encrypted_by_default = crate::catalog::protocol_encrypted(protocol).unwrap_or(false);
        // Explicit TLS on a third of plaintext protocols, and now and then
        // (redundantly) on an encrypted one, as people write it.
        let explicit = (!encrypted_by_default && protocol != "unknown" && rng.chance(0.35))
            || (encrypted_by_default && rng.chance(0.03));
        let tls = explicit.then_some(true);
        let authentication = if rng.chance(0.05) {
            None
        } else {
            Some(authentication_for(rng, from, to))
        };
        let authorization = rng.weighted(&[
            (Some(Authorization::EndUser), 35),
            (Some(Authorization::TechnicalUser), 45),
            (Some(Authorization::None), 12),
            (None, 8),
        ]);
        // Data: preferably what either end handles, else any of the system's.
        let mut data: Vec<Id> = Vec::new();
        if !file.data.is_empty() && !rng.chance(0.04) {
            let handled: Vec<&Id> = file
                .components
                .iter()
                .filter(|c| c.id.value == from.id || (!cross && c.id.value == to.id))
                .flat_map(|c| c.processes.iter().chain(&c.stores))
                .collect();
            let n = 1 + rng.below(2);
            for _ in 0..n {
                let id = if !handled.is_empty() && rng.chance(0.8) {
                    rng.pick(&handled).value.clone()
                } else {
                    rng.pick(&file.data).id.value.clone()
                };
                if !data.iter().any(|d| d.value == id) {
                    data.push(Spanned::new(id));
                }
            }
        }
        let devops = is_devops(from.category) || is_devops(to.category);
        Flow {
            id: Spanned::new(id),
            from: Spanned::new(from.id.clone()),
            to: Spanned::new(to_ref),
            protocol: Spanned::new(protocol.into()),
            tls,
            authentication,
            authorization,
            data,
            description: None,
            readonly: rng.chance(0.2),
            usage: devops.then_some(Usage::Devops),
            vpn: (cross || from.zone != to.zone) && rng.chance(0.05),
            tags: Vec::new(),
        }
    }

    /// Gives every data asset nobody handles to a process, so the estate has no unused data.
    fn use_all_data(&mut self, file: &mut SystemFile) {
        let mut used: HashSet<String> = HashSet::new();
        for c in &file.components {
            for d in c.processes.iter().chain(&c.stores) {
                used.insert(d.value.clone());
            }
        }
        for f in &file.flows {
            for d in &f.data {
                used.insert(d.value.clone());
            }
        }
        let handlers: Vec<usize> = file
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind != ComponentKind::ExternalEntity)
            .map(|(i, _)| i)
            .collect();
        let fallback: Vec<usize> = (0..file.components.len()).collect();
        let pool = if handlers.is_empty() {
            &fallback
        } else {
            &handlers
        };
        if pool.is_empty() {
            return;
        }
        for d in &file.data {
            if !used.contains(&d.id.value) {
                let c = *self.rng.pick(pool);
                file.components[c].processes.push(d.id.clone());
            }
        }
    }

    /// Threat decisions and controls on about two percent of the components.
    ///
    /// Decisions name the threats the built-in rules raise on the gaps this
    /// generator leaves (a plaintext flow, a flow without authentication or
    /// with a password, a sign-in without MFA), by their exact ids.
    fn decisions(&mut self, file: &mut SystemFile) {
        let n = file.components.len();
        if n == 0 {
            return;
        }
        let n_decisions = n / 50 + usize::from(self.rng.chance((n % 50) as f64 / 50.0));
        let mut threats: Vec<ThreatEntry> = Vec::new();
        let mut attempts = 0;
        while threats.len() < n_decisions && attempts < 20 * n_decisions {
            attempts += 1;
            let id = if file.flows.is_empty() || self.rng.chance(0.25) {
                let c = &file.components[self.rng.below(n)];
                match c.mfa {
                    Some(false) => format!("S003@{}", c.id.value),
                    _ => continue,
                }
            } else {
                let f = &file.flows[self.rng.below(file.flows.len())];
                let plaintext = f.tls != Some(true)
                    && crate::catalog::protocol_encrypted(&f.protocol) == Some(false);
                let code = match f.authentication {
                    _ if plaintext => "I001",
                    Some(Authentication::None) => "S001",
                    Some(a) if a.is_weak() => "S002",
                    _ => continue,
                };
                format!("{code}@{}@{}", f.from.value, f.to.value)
            };
            if threats.iter().any(|t| t.id.value == id) {
                continue;
            }
            let mut entry = ThreatEntry {
                id: Spanned::new(id),
                ..ThreatEntry::default()
            };
            let status = self.rng.weighted(&[
                (ThreatStatus::Accepted, 35),
                (ThreatStatus::Mitigated, 25),
                (ThreatStatus::NotApplicable, 15),
                (ThreatStatus::Transferred, 10),
                (ThreatStatus::Open, 15),
            ]);
            entry.status = Spanned::new(status);
            match status {
                ThreatStatus::Accepted => {
                    entry.justification = Some(
                        "compensating monitoring in place until the platform migration".into(),
                    );
                    let risk = self.risks[threats.len() % self.risks.len()];
                    entry.approved_by = Some(BUSINESS_RISKS[risk].2.into());
                    entry.expires = Some(Spanned::new(format!(
                        "{}-{:02}-28",
                        2027 + self.rng.below(2),
                        1 + self.rng.below(12)
                    )));
                }
                ThreatStatus::NotApplicable => {
                    entry.justification =
                        Some("the component is only reachable through the service mesh".into());
                }
                ThreatStatus::Transferred => {
                    entry.justification =
                        Some("covered by the vendor contract and cyber insurance".into());
                }
                ThreatStatus::Mitigated | ThreatStatus::Open => {
                    entry.owner = Some(self.team());
                }
            }
            threats.push(entry);
        }
        if self.rng.chance(0.2) {
            let c = file.components[self.rng.below(n)].id.clone();
            threats.push(ThreatEntry {
                id: Spanned::new("insider-misuse".into()),
                title: Some("An operator misuses production access".into()),
                stride: Some(Stride::ElevationOfPrivilege),
                elements: vec![c],
                business_risks: vec![self.any_risk()],
                frequency: Some(Spanned::new(Range {
                    low: 0.01,
                    high: 0.2,
                })),
                ..ThreatEntry::default()
            });
        }
        file.threats = threats;

        let n_controls = n * 3 / 200 + usize::from(self.rng.chance(0.5));
        let mut controls = Vec::with_capacity(n_controls);
        for k in 0..n_controls {
            let (title, stride) = *self.rng.pick(CONTROL_TITLES);
            let c = file.components[self.rng.below(n)].id.clone();
            let status = self.rng.weighted(&[
                (ControlStatus::Planned, 30),
                (ControlStatus::InProgress, 20),
                (ControlStatus::Implemented, 35),
                (ControlStatus::Verified, 15),
            ]);
            let low = 0.3 + self.rng.unit() * 0.3;
            controls.push(Control {
                id: Spanned::new(format!("control-{}", k + 1)),
                title: title.into(),
                description: None,
                owner: self.team(),
                status: Spanned::new(status),
                cost: Some(Spanned::new(Cost {
                    once: self.rng.magnitude(2_000.0, 200_000.0),
                    yearly: self.rng.magnitude(500.0, 50_000.0),
                })),
                due: matches!(status, ControlStatus::Planned | ControlStatus::InProgress)
                    .then(|| Spanned::new(format!("2027-{:02}-15", 1 + self.rng.below(12)))),
                mitigates: vec![Mitigation {
                    stride: vec![stride],
                    elements: vec![c],
                    reduces: Reduces::Frequency,
                    effectiveness: Spanned::new(Estimate::Range(Range {
                        low: round2(low),
                        high: round2(low + 0.3),
                    })),
                    ..Mitigation::default()
                }],
                evidence: if status == ControlStatus::Verified {
                    vec!["quarterly-review".into()]
                } else {
                    Vec::new()
                },
            });
        }
        file.controls = controls;
    }
}

fn title_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The protocol a caller uses to reach `to`, from what `to` is.
fn protocol_for(rng: &mut Rng, to: &Info) -> &'static str {
    use TechCategory::*;
    if rng.chance(0.003) {
        return "unknown";
    }
    match to.category {
        SqlDatabase => match to.technology {
            "postgresql" | "redshift" => {
                rng.weighted(&[("postgres", 85), ("jdbc", 10), ("odbc", 5)])
            }
            "mysql" | "mariadb" | "aurora" => rng.weighted(&[("mysql", 85), ("jdbc", 15)]),
            "sql-server" => rng.weighted(&[("sql-server", 80), ("odbc", 20)]),
            "oracle-db" => rng.weighted(&[("oracle", 80), ("jdbc", 20)]),
            "sqlite" => "local-file",
            "rds" => rng.weighted(&[("postgres", 50), ("mysql", 50)]),
            _ => rng.weighted(&[("jdbc", 50), ("odbc", 20), ("https", 30)]),
        },
        NoSqlDatabase => match to.technology {
            "mongodb" => "mongodb",
            "dynamodb" => "dynamodb",
            "cassandra" => "cassandra",
            _ => "https",
        },
        Cache => match to.technology {
            "memcached" => "memcached",
            _ => "redis",
        },
        ObjectStorage => rng.weighted(&[("s3", 70), ("https", 30)]),
        FileStorage => rng.weighted(&[
            ("nfs", 30),
            ("smb", 25),
            ("sftp", 25),
            ("ftp", 8),
            ("ftps", 12),
        ]),
        SearchEngine => rng.weighted(&[("elasticsearch", 80), ("https", 20)]),
        MessageQueue => match to.technology {
            "sqs" => "sqs",
            "sns" | "event-bus" => "aws-api",
            "kafka" => "kafka",
            "rabbitmq" => rng.weighted(&[("amqp", 55), ("amqps", 45)]),
            _ => rng.weighted(&[
                ("amqp", 25),
                ("amqps", 25),
                ("mqtt", 20),
                ("mqtts", 20),
                ("kafka", 10),
            ]),
        },
        Ldap => rng.weighted(&[("ldap", 45), ("ldaps", 55)]),
        Vault => rng.weighted(&[("https", 60), ("aws-api", 40)]),
        Hsm | Mainframe => rng.weighted(&[("tcp", 70), ("mqtt", 10), ("soap", 20)]),
        BuildPipeline | SourceRepository => {
            rng.weighted(&[("git-over-https", 45), ("git-over-ssh", 35), ("https", 20)])
        }
        Mail => rng.weighted(&[("smtp", 55), ("smtps", 45)]),
        Logging => rng.weighted(&[("syslog", 40), ("https", 40), ("udp", 10), ("tcp", 10)]),
        Monitoring => rng.weighted(&[("https", 70), ("udp", 20), ("http", 10)]),
        AdminTool => rng.weighted(&[("ssh", 60), ("rdp", 25), ("https", 15)]),
        Backup => rng.weighted(&[("sftp", 40), ("s3", 40), ("local-file", 20)]),
        Iot => rng.weighted(&[("mqtt", 50), ("mqtts", 50)]),
        Function => rng.weighted(&[("https", 60), ("aws-api", 25), ("in-process", 15)]),
        Erp => rng.weighted(&[("soap", 60), ("https", 40)]),
        Api => match to.technology {
            "graphql-api" => "graphql",
            "web-service-soap" => "soap",
            _ => rng.weighted(&[
                ("https", 62),
                ("http", 10),
                ("grpc", 16),
                ("grpc-plaintext", 4),
                ("wss", 3),
                ("ws", 2),
                ("tcp", 3),
            ]),
        },
        WebApplication | WebServer => {
            rng.weighted(&[("https", 84), ("http", 10), ("wss", 4), ("ws", 2)])
        }
        Unknown => "unknown",
        _ => rng.weighted(&[("https", 85), ("http", 10), ("grpc", 5)]),
    }
}

fn authentication_for(rng: &mut Rng, from: &Info, to: &Info) -> Authentication {
    use Authentication as A;
    use TechCategory::*;
    if is_client(from.category) {
        return rng.weighted(&[
            (A::Session, 40),
            (A::Oidc, 25),
            (A::Oauth2, 15),
            (A::Password, 10),
            (A::None, 10),
        ]);
    }
    match to.category {
        SqlDatabase => rng.weighted(&[
            (A::Password, 55),
            (A::Iam, 15),
            (A::Certificate, 10),
            (A::Kerberos, 5),
            (A::Mtls, 5),
            (A::None, 10),
        ]),
        NoSqlDatabase | Cache | SearchEngine => rng.weighted(&[
            (A::Password, 40),
            (A::None, 30),
            (A::Iam, 15),
            (A::Token, 15),
        ]),
        ObjectStorage => rng.weighted(&[(A::Iam, 80), (A::ApiKey, 10), (A::None, 10)]),
        MessageQueue => rng.weighted(&[
            (A::Password, 30),
            (A::Mtls, 20),
            (A::Iam, 20),
            (A::None, 20),
            (A::Token, 10),
        ]),
        Ldap => rng.weighted(&[(A::Password, 60), (A::Kerberos, 30), (A::Certificate, 10)]),
        IdentityProvider => rng.weighted(&[
            (A::Oidc, 40),
            (A::Saml, 30),
            (A::Oauth2, 20),
            (A::Password, 10),
        ]),
        Vault => rng.weighted(&[(A::Token, 40), (A::Iam, 40), (A::Mtls, 20)]),
        AdminTool => rng.weighted(&[(A::Certificate, 40), (A::Password, 40), (A::Kerberos, 20)]),
        _ => rng.weighted(&[
            (A::Token, 30),
            (A::Oauth2, 20),
            (A::Mtls, 20),
            (A::ApiKey, 15),
            (A::Iam, 5),
            (A::None, 10),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_keeps_the_total_and_the_proportions() {
        assert_eq!(apportion(10, &[1.0, 1.0, 2.0]), vec![3, 2, 5]);
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
        assert_eq!(apportion(7, &[0.0, 1.0]), vec![0, 7]);
        assert_eq!(apportion(5, &[]), Vec::<usize>::new());
    }

    #[test]
    fn rng_below_stays_in_range_and_weighted_follows_weights() {
        let mut rng = Rng(7);
        let mut hits = [0usize; 3];
        for _ in 0..30_000 {
            assert!(rng.below(5) < 5);
            hits[rng.weighted(&[(0usize, 1), (1, 2), (2, 7)])] += 1;
        }
        // 10% / 20% / 70%, with a tolerance of several standard deviations.
        assert!((2_400..3_600).contains(&hits[0]), "{hits:?}");
        assert!((5_300..6_700).contains(&hits[1]), "{hits:?}");
        assert!((20_300..21_700).contains(&hits[2]), "{hits:?}");
    }

    #[test]
    fn round2_keeps_two_significant_digits() {
        assert_eq!(round2(123_456.0), 120_000.0);
        assert_eq!(round2(0.456), 0.46);
        assert_eq!(round2(0.0), 0.0);
    }

    #[test]
    fn every_profile_category_has_technologies() {
        let cfg = GenerateConfig::default();
        let g = Generator::new(&cfg);
        for (category, _) in PROFILE.iter().chain(ENTRY_POINTS) {
            assert!(g.by_category.contains_key(category), "{category:?}");
        }
    }
}
