//! The estate format, version 1: the shapes of `riskfirst.yaml` and of a system file.
//!
//! These types are the contract: they parse the files, they serialise them
//! back, and the published JSON Schema is derived from them (so the doc
//! comments below are what an editor shows on completion). Cross-references
//! are plain ids here; [`crate::validate`] resolves them into an
//! [`crate::Estate`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::span::Spanned;

pub type Id = Spanned<String>;

fn is_false(b: &bool) -> bool {
    !*b
}

/// The estate root, `riskfirst.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootFile {
    /// Format version. Always `1`.
    pub riskfirst: Spanned<u32>,
    pub organisation: Organisation,
    /// System files to load, relative to this file. When absent, every
    /// `.yaml`, `.yml` and `.json` file under `systems/` is loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub systems: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_risks: Vec<BusinessRisk>,
    /// What the organisation is willing to live with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appetite: Vec<Appetite>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scales: Option<Scales>,
    /// Trust zones shared by every system (a system may add its own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<Zone>,
    /// Controls that apply across systems (a library), in addition to each system's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
    /// The organisation's own threat rules, evaluated with the built-in ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<CustomRule>,
    /// Settings and overrides of the risk engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskSettings>,
    /// Defaults of `riskfirst check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: Spanned<String>,
    /// ISO 4217 code of the currency every amount is in, such as `EUR` or `USD`.
    pub currency: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Unique id, lowercase with dashes.
    pub id: Id,
    pub name: String,
    /// Where to reach the team (email, chat channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The person accountable for the team's risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
}

/// An outcome the business fears.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessRisk {
    pub id: Id,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The person accountable for this risk (a role or a name).
    pub owner: Spanned<String>,
    /// Loss from one event, as a 90% confidence range in the organisation's currency.
    pub loss_per_event: Spanned<Range>,
    /// Chance, 0 to 1, that an event reaching this risk causes its loss at all. Default 1.
    /// Use it for secondary losses that follow only some events, such as a regulator's
    /// fine after a breach (FAIR's secondary loss event frequency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Spanned<f64>>,
}

/// A 90% confidence range: the true value lies between `low` and `high` nine times in ten.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub low: f64,
    pub high: f64,
}

/// A number, or a 90% range of it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Estimate {
    Point(f64),
    Range(Range),
}

impl Default for Estimate {
    fn default() -> Self {
        Estimate::Point(0.0)
    }
}

impl Estimate {
    pub fn low(&self) -> f64 {
        match self {
            Estimate::Point(v) => *v,
            Estimate::Range(r) => r.low,
        }
    }
    pub fn high(&self) -> f64 {
        match self {
            Estimate::Point(v) => *v,
            Estimate::Range(r) => r.high,
        }
    }
}

impl<'de> Deserialize<'de> for Estimate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Estimate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a range `{ low, high }`")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Estimate, E> {
                Ok(Estimate::Point(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Estimate, E> {
                Ok(Estimate::Point(v as f64))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Estimate, E> {
                Ok(Estimate::Point(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Estimate, A::Error> {
                Range::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Estimate::Range)
            }
        }
        d.deserialize_any(V)
    }
}

/// A statement of what the organisation accepts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appetite {
    /// Optional id, to refer to the statement in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// Limit the annual loss of this business risk; without it, of the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_risk: Option<Id>,
    /// Largest acceptable annual loss, by statistic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_annual_loss: Option<LossLimit>,
    /// No open threat may be above this level of the risk scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_open_level: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One or more limits on annual loss; every limit given must hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LossLimit {
    /// Expected annual loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50: Option<Spanned<f64>>,
    /// The loss of a bad year: exceeded one year in ten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99: Option<Spanned<f64>>,
}

/// The qualitative scales: how money and frequency map to words everyone reads the same way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scales {
    /// Impact levels by expected loss per event, lowest first; the last has no `below`.
    pub impact: Vec<ScaleLevel>,
    /// Likelihood levels by events per year, lowest first; the last has no `below`.
    pub likelihood: Vec<ScaleLevel>,
    /// Risk levels, lowest first. Default: low, medium, high, critical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Vec<Spanned<String>>>,
    /// Risk level for each likelihood (rows, lowest first) and impact (columns, lowest first).
    /// Default: the levels spread evenly over likelihood index + impact index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Spanned<Vec<Vec<Spanned<String>>>>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub level: Id,
    /// Upper bound (exclusive) of this level; absent on the highest level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Spanned<f64>>,
}

/// A trust zone (trust boundary). Flows from lower to higher trust are where many threats live.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 0 (the internet, anyone) to 100 (the most trusted).
    pub trust: Spanned<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Settings of the risk engine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskSettings {
    /// Simulated years. Default 100,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<Spanned<u64>>,
    /// Seed of the simulation. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// How much of its effectiveness an implemented but unverified control keeps, 0 to 1. Default 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified_weight: Option<Spanned<f64>>,
    /// Multipliers of the frequency adjustments (see docs/risk-model.md), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentOverride>,
    /// Frequency overrides by rule or by threat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<FrequencyOverride>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentOverride {
    /// Name of the adjustment, such as `internet-facing`.
    pub name: Id,
    pub factor: Spanned<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrequencyOverride {
    /// A rule code such as `S003`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Id>,
    /// A threat id or pattern such as `S003@web@*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<Id>,
    /// Events per year, 90% range; replaces the computed frequency.
    pub frequency: Spanned<Range>,
}

/// Defaults of `riskfirst check`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Open threats at or above this risk level need a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Spanned<String>>,
    /// Warn when an acceptance expires within this many days. Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_days: Option<u32>,
}

/// A threat rule written by the organisation, evaluated by the same engine as the built-in rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    /// Stable code, such as `X001`; must not collide with a built-in code.
    pub code: Id,
    /// Kebab-case name of the weakness, such as `unapproved-message-broker`.
    pub name: Spanned<String>,
    pub stride: Stride,
    /// What the rule applies to.
    pub applies_to: RuleTarget,
    /// The condition, in the rule expression language (docs/rules.md).
    pub when: Spanned<String>,
    /// One-line summary shown with every threat it raises.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capec: Vec<u32>,
    /// Base events per year for a typical organisation, 90% range.
    pub frequency: Spanned<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<String>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RuleTarget {
    #[default]
    Component,
    Flow,
    Data,
}

/// STRIDE category.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stride {
    #[default]
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    pub const ALL: [Stride; 6] = [
        Stride::Spoofing,
        Stride::Tampering,
        Stride::Repudiation,
        Stride::InformationDisclosure,
        Stride::DenialOfService,
        Stride::ElevationOfPrivilege,
    ];

    /// The letter of the category, which starts every rule code.
    pub fn letter(self) -> char {
        match self {
            Stride::Spoofing => 'S',
            Stride::Tampering => 'T',
            Stride::Repudiation => 'R',
            Stride::InformationDisclosure => 'I',
            Stride::DenialOfService => 'D',
            Stride::ElevationOfPrivilege => 'E',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information-disclosure",
            Stride::DenialOfService => "denial-of-service",
            Stride::ElevationOfPrivilege => "elevation-of-privilege",
        }
    }
}

// ---------------------------------------------------------------------------
// System files
// ---------------------------------------------------------------------------

/// One system: one threat model, in `systems/<id>.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemFile {
    /// Format version. Always `1`.
    pub riskfirst: Spanned<u32>,
    pub system: SystemHeader,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataAsset>,
    /// Zones of this system, in addition to the estate's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<Zone>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Components of other systems this one uses, as `system/component`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
    /// Decisions on generated threats (by id or pattern), and threats written by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<ThreatEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemHeader {
    pub id: Id,
    pub name: String,
    /// The team that owns the system.
    pub owner: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Business risks that follow from the system being unavailable or misbehaving.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_risks: Vec<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Classification {
    Public,
    #[default]
    Internal,
    Confidential,
    Restricted,
}

/// Information the system handles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataAsset {
    pub id: Id,
    pub name: String,
    pub classification: Classification,
    /// How many records (people, cards, documents) it holds; scales loss and attractiveness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<Spanned<u64>>,
    /// It identifies people (personal data, subject to privacy law).
    #[serde(default, skip_serializing_if = "is_false")]
    pub personal: bool,
    /// Business risks its disclosure or tampering causes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_risks: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// A person or system outside your control (a browser, a partner).
    ExternalEntity,
    /// Code that runs: a service, a function, a job.
    #[default]
    Process,
    /// Where data rests: a database, a bucket, a queue, a file share.
    Datastore,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Machine {
    Physical,
    Virtual,
    Container,
    Serverless,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DataFormat {
    Json,
    Xml,
    Yaml,
    Csv,
    /// Serialised objects (Java serialisation, pickle, .NET BinaryFormatter, PHP serialize).
    Serialization,
    /// Uploaded files.
    File,
    Form,
    Graphql,
    Protobuf,
}

/// Where the component's secrets (keys, passwords, tokens) live.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SecretStore {
    /// A secrets manager or vault.
    Vault,
    /// Platform-managed identity, no static secret.
    Managed,
    /// Environment variables.
    Environment,
    /// Configuration files.
    Config,
    /// In the source code.
    Code,
    /// The component holds no secrets.
    None,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Permissions {
    /// Only the actions and resources it needs.
    LeastPrivilege,
    /// Broad grants such as `*` actions or resources, or an admin role.
    Wildcard,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Usage {
    #[default]
    Business,
    /// Build, deploy and operate: pipelines, repositories, admin tooling.
    Devops,
}

/// An external entity, a process or a datastore.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: ComponentKind,
    /// What it is built on, such as `web-application`, `postgresql`, `s3`, `identity-provider`
    /// (`riskfirst technologies` lists the known ones).
    pub technology: Spanned<String>,
    /// The trust zone it runs in.
    pub zone: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The team that owns it; default: the system's owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Id>,
    /// Reachable from the internet.
    #[serde(default, skip_serializing_if = "is_false")]
    pub internet_facing: bool,
    /// Data it processes (reads or changes in memory).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Id>,
    /// Data it stores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<Id>,
    /// Business risks that follow from it being down or misbehaving.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_risks: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<Machine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// It runs code written by the organisation (as opposed to a product used as is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_code: Option<bool>,
    /// Run or hosted by a third party (SaaS, vendor, open-source dependency).
    #[serde(default, skip_serializing_if = "is_false")]
    pub third_party: bool,
    /// Data formats its interfaces accept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepts: Vec<DataFormat>,
    /// Used directly by people (a browser, an admin console).
    #[serde(default, skip_serializing_if = "is_false")]
    pub human_use: bool,
    /// Offers an administration interface.
    #[serde(default, skip_serializing_if = "is_false")]
    pub admin_interface: bool,
    /// Sign-in requires a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<bool>,
    /// Data at rest is encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_at_rest: Option<bool>,
    /// Security-relevant actions are written to a tamper-evident audit log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_log: Option<bool>,
    /// Backups or snapshots exist; `encrypted` says whether they are encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backups: Option<Backups>,
    /// Readable by anyone (a public bucket, an open index).
    #[serde(default, skip_serializing_if = "is_false")]
    pub public_access: bool,
    /// Protected by a web application firewall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waf: Option<bool>,
    /// Requests are rate limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limited: Option<bool>,
    /// Runs on more than one instance, so losing one does not stop it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redundant: Option<bool>,
    /// Serves several customers (tenants) from one instance.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multi_tenant: bool,
    /// Where its secrets live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<SecretStore>,
    /// What its identity (IAM role, service account) may do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
    /// People share one account to operate it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared_accounts: bool,
    /// Hardened to a baseline (CIS benchmark, distroless image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardened: Option<bool>,
    /// Deployments are pushed from a pipeline with credentials to it (rather than pulled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    /// Outside the scope of this model (shown, but raises no threats). Needs a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backups {
    pub encrypted: bool,
}

/// How code reaches the component.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Deployment {
    /// A pipeline holds credentials to the target and pushes to it.
    Push,
    /// The target pulls signed artefacts (GitOps).
    Pull,
    /// People deploy by hand.
    Manual,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    None,
    Password,
    ApiKey,
    Session,
    Token,
    Oauth2,
    Oidc,
    Saml,
    Mtls,
    Certificate,
    Kerberos,
    /// Cloud IAM request signing (AWS SigV4 and the like).
    Iam,
}

impl Authentication {
    /// A shared secret that can be phished, guessed or leaked and replayed.
    pub fn is_weak(self) -> bool {
        matches!(self, Authentication::Password | Authentication::ApiKey)
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Authorization {
    /// No access decision: anyone authenticated (or anyone) may do anything.
    None,
    /// The caller acts as one technical user; the end user's identity is not passed on.
    TechnicalUser,
    /// The end user's identity travels with the request and decides what is allowed.
    EndUser,
}

/// Data moving between two components.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub id: Id,
    /// The component that starts the exchange (a local id, or `system/component`).
    pub from: Id,
    pub to: Id,
    /// Such as `https`, `grpc`, `postgres`, `amqp`, `ssh` (`riskfirst technologies` lists them).
    pub protocol: Spanned<String>,
    /// Encrypted in transit. Default: what the protocol implies (`https` yes, `http` no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
    /// How the receiver knows who is calling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// How the receiver decides what the caller may do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<Authorization>,
    /// Data carried, in either direction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The sender only reads.
    #[serde(default, skip_serializing_if = "is_false")]
    pub readonly: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Carried inside a VPN or private link.
    #[serde(default, skip_serializing_if = "is_false")]
    pub vpn: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Something taken as true in this model; decisions rest on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assumption {
    pub id: Id,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Id>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ThreatStatus {
    #[default]
    Open,
    Mitigated,
    Accepted,
    Transferred,
    NotApplicable,
}

impl ThreatStatus {
    /// In words, for people: `open`, `mitigated`, `accepted`, `transferred`, `not applicable`.
    pub fn label(self) -> &'static str {
        match self {
            ThreatStatus::Open => "open",
            ThreatStatus::Mitigated => "mitigated",
            ThreatStatus::Accepted => "accepted",
            ThreatStatus::Transferred => "transferred",
            ThreatStatus::NotApplicable => "not applicable",
        }
    }
}

/// A decision on generated threats (when `id` is a threat id or pattern like `T010@*`),
/// or a threat written by hand (when it has a `title`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatEntry {
    /// A threat id (`S003@web@payments-db`), a pattern with `*`, or the id of a hand-written threat.
    pub id: Id,
    #[serde(default)]
    pub status: Spanned<ThreatStatus>,
    /// Why: required for accepted, transferred and not-applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Who accepted the risk (a person or role); required for accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// When an acceptance ends, `YYYY-MM-DD`; required for accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Spanned<String>>,
    /// The team responsible; default: the owner of the element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Id>,
    /// Hand-written threats: a title, a STRIDE category and the elements concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stride: Option<Stride>,
    /// Components or flows the hand-written threat concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Id>,
    /// Business risks this threat reaches: for a decision, in addition to those found through
    /// its elements; for a hand-written threat, exactly these (when given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_risks: Vec<Id>,
    /// Events per year, 90% range; replaces the computed frequency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Spanned<Range>>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    #[default]
    Planned,
    InProgress,
    Implemented,
    Verified,
}

impl ControlStatus {
    /// As the format spells it: `planned`, `in-progress`, `implemented`, `verified`.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Planned => "planned",
            ControlStatus::InProgress => "in-progress",
            ControlStatus::Implemented => "implemented",
            ControlStatus::Verified => "verified",
        }
    }

    /// In words, for people: `planned`, `in progress`, `implemented`, `verified`.
    pub fn label(self) -> &'static str {
        match self {
            ControlStatus::InProgress => "in progress",
            other => other.as_str(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// One-off cost to put it in place.
    #[serde(default)]
    pub once: f64,
    /// Cost per year to run it.
    #[serde(default)]
    pub yearly: f64,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Reduces {
    /// How often the threat happens.
    #[default]
    Frequency,
    /// How much one event costs.
    Loss,
}

/// A mitigation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: Id,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The team that owns it.
    pub owner: Id,
    #[serde(default)]
    pub status: Spanned<ControlStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Spanned<Cost>>,
    /// When a planned control should be in place, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Spanned<String>>,
    pub mitigates: Vec<Mitigation>,
    /// Checks that verify it, such as `aws:s3-bucket-public-access-blocked`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// What a control mitigates and by how much. Every selector given must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    /// Threat ids or patterns (`*` matches any run of characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<Id>,
    /// Rule codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Id>,
    /// STRIDE categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stride: Vec<Stride>,
    /// Components or flows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Id>,
    #[serde(default)]
    pub reduces: Reduces,
    /// Fraction removed, 0 to 1, or a 90% range of it.
    pub effectiveness: Spanned<Estimate>,
}
