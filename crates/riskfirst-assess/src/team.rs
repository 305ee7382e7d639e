//! One team's view of the estate as a value: its own risk and what it inherits, its
//! systems, the threats it owns (largest first), the open threats it inherits from shared
//! components of other teams, its controls and its acceptances with their days left.
//! `riskfirst analyze --team` and a server's team page render the same [`TeamView`].

use std::collections::HashSet;

use riskfirst_model::format::ThreatStatus;
use riskfirst_model::{Date, Estate};
use serde::{Deserialize, Serialize};

use crate::{Assessment, ControlOut, RollupOut, ThreatOut};

/// Acceptances expiring within this many days are called out, unless the estate's
/// `policy.warn_days` says otherwise.
pub const DEFAULT_WARN_DAYS: u32 = 30;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub team: RollupOut,
    pub lead: Option<String>,
    pub contact: Option<String>,
    /// The window within which an acceptance counts as expiring.
    pub warn_days: u32,
    pub systems: Vec<RollupOut>,
    /// Threats it owns, largest current value first.
    pub threats: Vec<ThreatOut>,
    /// Open threats with money on them of shared components its systems use, owned by
    /// other teams.
    pub inherited_threats: Vec<ThreatOut>,
    pub controls: Vec<ControlOut>,
    pub acceptances: Vec<Acceptance>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Acceptance {
    /// `system:threat`.
    pub threat: String,
    pub approved_by: Option<String>,
    pub expires: Option<String>,
    /// Negative once expired.
    pub days_left: Option<i64>,
    pub expired: bool,
    /// Expires within the warning window.
    pub expiring: bool,
}

/// No team has this id (the user's mistake); `known` lists the ids there are.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("no team has the id `{id}`")]
pub struct UnknownTeam {
    pub id: String,
    pub known: Vec<String>,
}

fn by_value(mut v: Vec<&ThreatOut>) -> Vec<ThreatOut> {
    v.sort_by(|x, y| {
        y.current_value()
            .total_cmp(&x.current_value())
            .then_with(|| (&x.system, &x.id).cmp(&(&y.system, &y.id)))
    });
    v.into_iter().cloned().collect()
}

/// The view of team `id` on `today`.
pub fn team_view(
    estate: &Estate,
    a: &Assessment,
    id: &str,
    today: Date,
) -> Result<TeamView, UnknownTeam> {
    let unknown = || UnknownTeam {
        id: id.to_string(),
        known: estate.teams.iter().map(|t| t.id.value.clone()).collect(),
    };
    let ti = estate.team(id).ok_or_else(unknown)?;
    let raw = &estate[ti];
    let team = a.teams.iter().find(|t| t.id == id).ok_or_else(unknown)?;
    let warn_days = estate
        .root
        .policy
        .as_ref()
        .and_then(|p| p.warn_days)
        .unwrap_or(DEFAULT_WARN_DAYS);
    let key = |t: &ThreatOut| format!("{}:{}", t.system, t.id);
    let inherited: HashSet<(&str, &str)> = team
        .inherited
        .iter()
        .flat_map(|i| i.threats.iter().map(|r| (r.system.as_str(), r.id.as_str())))
        .collect();
    Ok(TeamView {
        team: team.clone(),
        lead: raw.lead.clone(),
        contact: raw.contact.clone(),
        warn_days,
        systems: a
            .systems
            .iter()
            .filter(|s| s.owner.as_deref() == Some(id))
            .cloned()
            .collect(),
        threats: by_value(a.threats.iter().filter(|t| t.owner == id).collect()),
        inherited_threats: by_value(
            a.threats
                .iter()
                .filter(|t| {
                    t.status == ThreatStatus::Open
                        && t.current_value() > 0.0
                        && inherited.contains(&(t.system.as_str(), t.id.as_str()))
                })
                .collect(),
        ),
        controls: a
            .controls
            .iter()
            .filter(|c| c.owner == id)
            .cloned()
            .collect(),
        acceptances: a
            .threats
            .iter()
            .filter(|t| t.owner == id && t.status == ThreatStatus::Accepted)
            .filter_map(|t| {
                let d = t.decision.as_ref()?;
                let days_left = d
                    .expires
                    .as_deref()
                    .and_then(Date::parse)
                    .map(|e| e.days() - today.days());
                Some(Acceptance {
                    threat: key(t),
                    approved_by: d.approved_by.clone(),
                    expires: d.expires.clone(),
                    days_left,
                    expired: d.expired || days_left.is_some_and(|l| l < 0),
                    expiring: days_left.is_some_and(|l| (0..=i64::from(warn_days)).contains(&l)),
                })
            })
            .collect(),
    })
}
