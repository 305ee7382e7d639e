//! What changed between two assessments of an estate: threats, money, per business risk.
//!
//! Compare two assessments made with the same seed and the same number of trials:
//! the engine seeds each threat's random streams from its id, so a threat whose
//! inputs did not change gets identical numbers on both sides, and any difference
//! reported is a change of the model, not simulation noise. With different seeds or
//! trials the percentiles differ by sampling error alone; `EstateDiff::comparable`
//! says whether the two sides agree.

use std::collections::BTreeMap;

use riskfirst_model::format::ThreatStatus;
use serde::Serialize;

use crate::{Assessment, Losses, ThreatOut};

/// Changes of money smaller than this share of the larger side are not changes:
/// the exact means are sums of floating-point terms and may differ in the last bits.
pub const RELATIVE_EPSILON: f64 = 1e-6;

/// Everything that changed from `old` to `new`, in a deterministic order.
#[derive(Clone, Debug, Serialize)]
pub struct EstateDiff {
    pub currency: String,
    pub trials: u64,
    pub seed: u64,
    /// Whether both sides used the same seed and trials (so unchanged threats have identical numbers).
    pub comparable: bool,
    pub organisation: MoneyChange,
    /// Every business risk of either side, by id.
    pub business_risks: Vec<RiskChange>,
    /// Threats only in `new`, by system then id.
    pub added: Vec<ThreatState>,
    /// Threats only in `old`, by system then id.
    pub removed: Vec<ThreatState>,
    /// Threats in both whose status, level, owner or money changed, by system then id.
    pub changed: Vec<ThreatChange>,
}

impl EstateDiff {
    /// Whether nothing changed: no threat added, removed or changed, and no money moved.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && !self.organisation.changed()
            && self.business_risks.iter().all(|r| !r.money.changed())
    }
}

/// Current expected annual loss and bad year (p90) of one roll-up, before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MoneyChange {
    pub old_mean: f64,
    pub new_mean: f64,
    pub mean_change: f64,
    /// `mean_change / old_mean`; absent when the old mean is zero.
    pub mean_change_ratio: Option<f64>,
    pub old_p90: f64,
    pub new_p90: f64,
    pub p90_change: f64,
}

impl MoneyChange {
    fn new(old_mean: f64, new_mean: f64, old_p90: f64, new_p90: f64) -> Self {
        let mean_change = settle(old_mean, new_mean);
        MoneyChange {
            old_mean,
            new_mean,
            mean_change,
            mean_change_ratio: (old_mean > 0.0).then(|| mean_change / old_mean),
            old_p90,
            new_p90,
            p90_change: settle(old_p90, new_p90),
        }
    }

    fn of(old: Option<&Losses>, new: Option<&Losses>) -> Self {
        let mean = |l: Option<&Losses>| l.map_or(0.0, |l| l.current.mean);
        let p90 = |l: Option<&Losses>| l.map_or(0.0, |l| l.current.p90);
        MoneyChange::new(mean(old), mean(new), p90(old), p90(new))
    }

    /// Whether the mean or the p90 moved beyond the epsilon.
    pub fn changed(&self) -> bool {
        self.mean_change != 0.0 || self.p90_change != 0.0
    }
}

/// `new - old`, or exactly 0 when the two are equal within the relative epsilon.
fn settle(old: f64, new: f64) -> f64 {
    let scale = old.abs().max(new.abs());
    if (new - old).abs() <= scale * RELATIVE_EPSILON {
        0.0
    } else {
        new - old
    }
}

/// Which sides a business risk is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    Both,
    Added,
    Removed,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskChange {
    pub id: String,
    pub title: String,
    pub presence: Presence,
    #[serde(flatten)]
    pub money: MoneyChange,
}

/// A threat as one side sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreatState {
    pub id: String,
    pub system: String,
    pub title: String,
    pub status: ThreatStatus,
    pub level: String,
    pub owner: String,
    /// Current expected annual loss removed by closing it (0 for threats that carry no money).
    pub mean: f64,
}

impl ThreatState {
    fn of(t: &ThreatOut) -> Self {
        ThreatState {
            id: t.id.clone(),
            system: t.system.clone(),
            title: t.title.clone(),
            status: t.status,
            level: t.level.level.clone(),
            owner: t.owner.clone(),
            mean: t.current_value() + 0.0,
        }
    }
}

/// What about a threat changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    Status,
    Level,
    Owner,
    /// Current expected annual loss or its p90.
    Loss,
}

#[derive(Clone, Debug, Serialize)]
pub struct ThreatChange {
    pub id: String,
    pub system: String,
    pub title: String,
    pub fields: Vec<Field>,
    pub old: ThreatState,
    pub new: ThreatState,
    pub money: MoneyChange,
}

/// Compares two assessments. Pure and deterministic: threats are keyed by system and
/// id, lists are ordered by system then id (business risks by id).
///
/// Both assessments must come from the same seed and trials for unchanged threats to
/// have identical numbers (see the module documentation); `comparable` records it.
pub fn diff(old: &Assessment, new: &Assessment) -> EstateDiff {
    let key = |t: &ThreatOut| (t.system.clone(), t.id.clone());
    let olds: BTreeMap<_, _> = old.threats.iter().map(|t| (key(t), t)).collect();
    let news: BTreeMap<_, _> = new.threats.iter().map(|t| (key(t), t)).collect();

    let added = news
        .iter()
        .filter(|(k, _)| !olds.contains_key(*k))
        .map(|(_, t)| ThreatState::of(t))
        .collect();
    let removed = olds
        .iter()
        .filter(|(k, _)| !news.contains_key(*k))
        .map(|(_, t)| ThreatState::of(t))
        .collect();
    let mut changed = Vec::new();
    for (k, o) in &olds {
        let Some(n) = news.get(k) else { continue };
        let (o, n) = (ThreatState::of(o), ThreatState::of(n));
        let money = MoneyChange::new(o.mean, n.mean, 0.0, 0.0);
        let mut fields = Vec::new();
        if o.status != n.status {
            fields.push(Field::Status);
        }
        if o.level != n.level {
            fields.push(Field::Level);
        }
        if o.owner != n.owner {
            fields.push(Field::Owner);
        }
        if money.changed() {
            fields.push(Field::Loss);
        }
        if !fields.is_empty() {
            changed.push(ThreatChange {
                id: n.id.clone(),
                system: n.system.clone(),
                title: n.title.clone(),
                fields,
                old: o,
                new: n,
                money,
            });
        }
    }

    let old_risks: BTreeMap<_, _> = old.business_risks.iter().map(|r| (&r.id, r)).collect();
    let new_risks: BTreeMap<_, _> = new.business_risks.iter().map(|r| (&r.id, r)).collect();
    let mut ids: Vec<&String> = old_risks.keys().chain(new_risks.keys()).copied().collect();
    ids.sort();
    ids.dedup();
    let business_risks = ids
        .into_iter()
        .map(|id| {
            let (o, n) = (old_risks.get(id), new_risks.get(id));
            let presence = match (o, n) {
                (Some(_), None) => Presence::Removed,
                (None, Some(_)) => Presence::Added,
                _ => Presence::Both,
            };
            RiskChange {
                id: id.clone(),
                title: n.or(o).map(|r| r.title.clone()).unwrap_or_default(),
                presence,
                money: MoneyChange::of(o.map(|r| &r.annual_loss), n.map(|r| &r.annual_loss)),
            }
        })
        .collect();

    EstateDiff {
        currency: new.settings.currency.clone(),
        trials: new.settings.trials,
        seed: new.settings.seed,
        comparable: old.settings.seed == new.settings.seed
            && old.settings.trials == new.settings.trials,
        organisation: MoneyChange::of(
            Some(&old.organisation.annual_loss),
            Some(&new.organisation.annual_loss),
        ),
        business_risks,
        added,
        removed,
        changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{assess, AssessConfig};
    use riskfirst_rules::testing::estate_from_snippet;

    const BASE: &str = "
data:
  - { id: customers, name: Customers, classification: confidential, records: 10_000, personal: true, business_risks: [breach] }
components:
  - { id: web, kind: process, technology: web-application, zone: dmz, processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers] }
flows:
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
";

    fn assessment(snippet: &str) -> Assessment {
        let estate = estate_from_snippet(snippet).unwrap_or_else(|e| panic!("{e}"));
        let analysis = riskfirst_rules::analyze(&estate, &[]);
        let cfg = AssessConfig {
            trials: Some(2_000),
            seed: Some(7),
            ..AssessConfig::default()
        };
        assess(&estate, &analysis, &cfg, None).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn identical_assessments_have_no_changes() {
        let a = assessment(BASE);
        let d = diff(&a, &a.clone());
        assert!(d.is_empty(), "{d:#?}");
        assert!(d.comparable);
        assert_eq!(d.organisation.mean_change, 0.0);
        assert!(!d.business_risks.is_empty());
    }

    #[test]
    fn an_unencrypted_flow_adds_i001_and_raises_the_loss() {
        let old = assessment(BASE);
        let new = assessment(&BASE.replace("tls: true", "tls: false"));
        let d = diff(&old, &new);
        let added: Vec<_> = d.added.iter().map(|t| t.id.as_str()).collect();
        assert!(added.contains(&"I001@web@db"), "{added:?}");
        assert!(d.organisation.mean_change > 0.0, "{:?}", d.organisation);
        let breach = d.business_risks.iter().find(|r| r.id == "breach");
        assert!(breach.is_some_and(|r| r.money.mean_change > 0.0));
        // Reversed, the same threat is removed and the money falls by as much.
        let back = diff(&new, &old);
        let removed: Vec<_> = back.removed.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(removed, added);
        assert_eq!(back.organisation.mean_change, -d.organisation.mean_change);
    }

    #[test]
    fn an_owner_change_is_reported_without_money() {
        let old = assessment(BASE);
        let new = assessment(&BASE.replace(
            "zone: private, stores",
            "zone: private, owner: platform, stores",
        ));
        let d = diff(&old, &new);
        assert!(d.added.is_empty() && d.removed.is_empty(), "{d:#?}");
        assert!(!d.changed.is_empty());
        for c in &d.changed {
            assert_eq!(c.fields, vec![Field::Owner], "{c:#?}");
            assert_eq!(c.new.owner, "platform");
        }
        assert_eq!(d.organisation.mean_change, 0.0);
    }
}
