//! Who sees which threat: each system's and team's own threats, and the threats they
//! inherit from the shared components of other systems that they use.
//!
//! A threat belongs to exactly one system (whose model holds its elements) and one team
//! (its owner), so own threats partition the estate and the organisation counts each
//! once. A component owned by one system and listed in another's `uses` carries the
//! threats about it (those whose first target is that component) into the using system
//! as inherited, and into the team that owns the using system, unless that team owns
//! the threat already. Hence, exactly, for any statistic that adds up:
//! organisation = Σ over teams of (own + inherited) − Σ over teams of inherited.

use riskfirst_model::{ComponentIdx, Estate};
use riskfirst_rules::engine::Analysis;

use crate::frequency::target_components;

/// Threat indices (into `Analysis::threats`), sorted, for every system and team.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rollups {
    /// Per system (in `estate.systems` order): the threats its model holds.
    pub system_own: Vec<Vec<usize>>,
    /// Per system: threats about components of other systems that it uses.
    pub system_inherited: Vec<Vec<usize>>,
    /// Per system: the used components that carry at least one inherited threat.
    pub system_inherited_from: Vec<Vec<ComponentIdx>>,
    /// Per team (in `estate.teams` order): the threats it owns.
    pub team_own: Vec<Vec<usize>>,
    /// Per team: threats its systems inherit that another team owns.
    pub team_inherited: Vec<Vec<usize>>,
}

/// The component a threat is first about, whose owner carries it into the systems that use it.
pub fn primary_component(
    estate: &Estate,
    analysis: &Analysis,
    threat: usize,
) -> Option<ComponentIdx> {
    target_components(estate, &analysis.threats[threat])
        .first()
        .copied()
}

/// Computes the roll-up membership of every threat.
pub fn rollups(estate: &Estate, analysis: &Analysis) -> Rollups {
    let systems = estate.systems.len();
    let teams = estate.teams.len();
    let mut r = Rollups {
        system_own: vec![Vec::new(); systems],
        system_inherited: vec![Vec::new(); systems],
        system_inherited_from: vec![Vec::new(); systems],
        team_own: vec![Vec::new(); teams],
        team_inherited: vec![Vec::new(); teams],
    };
    for (i, t) in analysis.threats.iter().enumerate() {
        r.system_own[t.system.index()].push(i);
        r.team_own[t.owner.index()].push(i);
        let Some(c) = primary_component(estate, analysis, i) else {
            continue;
        };
        // Only the threats the component's own system holds travel: a using system's
        // flows into the shared component are that system's own business.
        if estate[c].system != t.system {
            continue;
        }
        for user in &estate[c].used_by {
            if *user == t.system {
                continue;
            }
            let s = user.index();
            r.system_inherited[s].push(i);
            if !r.system_inherited_from[s].contains(&c) {
                r.system_inherited_from[s].push(c);
            }
            let team = estate[*user].owner;
            if team != t.owner {
                r.team_inherited[team.index()].push(i);
            }
        }
    }
    // A team with several systems using the same component inherits its threats once.
    for list in r
        .system_inherited
        .iter_mut()
        .chain(r.team_inherited.iter_mut())
    {
        list.sort_unstable();
        list.dedup();
    }
    for list in &mut r.system_inherited_from {
        list.sort_unstable();
    }
    r
}
