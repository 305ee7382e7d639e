//! The engine: runs every built-in and custom rule over an estate, names the
//! threats with stable ids, attaches the decisions written in the system
//! files, and explains any threat.
//!
//! The output is a pure function of the estate: threats are sorted by system
//! id then threat id, and ids are made of rule codes and element ids, never of
//! positions in the files, so reordering a file changes nothing.

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use riskfirst_model::diag::closest;
use riskfirst_model::format::{RuleTarget, Stride, ThreatEntry, ThreatStatus};
use riskfirst_model::{
    ComponentIdx, Date, Diagnostic, Estate, FlowIdx, RiskIdx, Span, SystemIdx, TeamIdx,
};
use serde::Serialize;

use crate::custom::{check_rule_code, CompiledRule};
use crate::rule::{Element, Finding, RuleMeta};
use crate::rules::builtin;

/// The code of threats written by hand in a system's `threats:`.
pub const MANUAL_CODE: &str = "MANUAL";

/// A 90% range of events per year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Frequency {
    pub low: f64,
    pub high: f64,
}

impl From<(f64, f64)> for Frequency {
    fn from((low, high): (f64, f64)) -> Self {
        Frequency { low, high }
    }
}

/// What a user reads about a rule, built-in or custom; the `riskfirst rules --format json` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub stride: Stride,
    pub summary: String,
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    /// Base events per year for a typical organisation.
    pub frequency: Frequency,
    /// Written by the organisation in the estate root (or by hand, for `MANUAL`).
    pub custom: bool,
}

impl RuleInfo {
    pub fn from_meta(m: &RuleMeta) -> Self {
        RuleInfo {
            code: m.code.to_string(),
            name: m.name.to_string(),
            stride: m.stride,
            summary: m.summary.to_string(),
            cwe: m.cwe.to_vec(),
            capec: m.capec.to_vec(),
            frequency: m.frequency.into(),
            custom: false,
        }
    }

    pub fn from_custom(r: &CompiledRule) -> Self {
        let raw = &r.raw;
        RuleInfo {
            code: raw.code.value.clone(),
            name: raw.name.value.clone(),
            stride: raw.stride,
            summary: raw.summary.clone(),
            cwe: raw.cwe.clone(),
            capec: raw.capec.clone(),
            frequency: Frequency {
                low: raw.frequency.low,
                high: raw.frequency.high,
            },
            custom: true,
        }
    }
}

/// Every rule the engine runs: built-in rules by code, then custom rules in file order.
pub fn rule_catalog(custom: &[CompiledRule]) -> Vec<RuleInfo> {
    let mut all: Vec<RuleInfo> = builtin()
        .iter()
        .map(|r| RuleInfo::from_meta(r.meta()))
        .collect();
    all.extend(custom.iter().map(RuleInfo::from_custom));
    all
}

/// The documentation of one rule in Markdown, for `riskfirst rules explain CODE`:
/// a header line, a line of metadata, then the rule's own documentation
/// (built-in) or one generated from its metadata (custom).
pub fn rule_doc(code: &str, custom: &[CompiledRule]) -> Option<String> {
    if let Some(rule) = builtin().into_iter().find(|r| r.meta().code == code) {
        let m = rule.meta();
        return Some(format!(
            "{}\n{}",
            rule_header(&RuleInfo::from_meta(m)),
            m.doc()
        ));
    }
    let rule = custom.iter().find(|r| r.code() == code)?;
    let raw = &rule.raw;
    let mut out = rule_header(&RuleInfo::from_custom(rule));
    out.push_str("\nA custom rule of this organisation, defined in the estate root (`rules:`).\n\n## What it does\n");
    let target = match raw.applies_to {
        RuleTarget::Component => "component",
        RuleTarget::Flow => "flow",
        RuleTarget::Data => "data asset",
    };
    let _ = writeln!(
        out,
        "Raises a threat on every {target} where this holds:\n\n```text\n{}\n```",
        raw.when.value.trim()
    );
    if let Some(d) = &raw.description {
        let _ = writeln!(out, "\n## Why is this bad?\n{}", d.trim());
    }
    if !raw.mitigations.is_empty() {
        out.push_str("\n## Mitigations\n");
        for m in &raw.mitigations {
            let _ = writeln!(out, "- {m}");
        }
    }
    out.push_str(&references(&raw.cwe, &raw.capec));
    Some(out)
}

fn rule_header(info: &RuleInfo) -> String {
    let mut refs: Vec<String> = info.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    refs.extend(info.capec.iter().map(|c| format!("CAPEC-{c}")));
    format!(
        "# {} {}\n\n*{}* · {} · {} to {} events per year{}\n",
        info.code,
        info.name,
        info.stride.name(),
        info.summary,
        number(info.frequency.low),
        number(info.frequency.high),
        if refs.is_empty() {
            String::new()
        } else {
            format!(" · {}", refs.join(", "))
        }
    )
}

fn references(cwe: &[u32], capec: &[u32]) -> String {
    if cwe.is_empty() && capec.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n## References\n");
    for c in cwe {
        let _ = writeln!(
            out,
            "- CWE-{c}: https://cwe.mitre.org/data/definitions/{c}.html"
        );
    }
    for c in capec {
        let _ = writeln!(
            out,
            "- CAPEC-{c}: https://capec.mitre.org/data/definitions/{c}.html"
        );
    }
    out
}

fn number(n: f64) -> String {
    let s = format!("{n}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// The `threats:` entry of a system file that decided a threat.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// Index of the entry in `estate[system].threats`.
    pub entry: usize,
    /// The entry's id: the threat id, or the pattern that matched it.
    pub pattern: String,
    pub status: ThreatStatus,
    pub justification: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<Date>,
    pub owner: Option<TeamIdx>,
    /// Business risks the entry adds to those found through the elements.
    pub business_risks: Vec<RiskIdx>,
    /// Frequency that replaces the computed one.
    pub frequency: Option<Frequency>,
    /// Where the entry's id is written.
    pub span: Span,
}

impl Decision {
    fn from_entry(estate: &Estate, index: usize, entry: &ThreatEntry) -> Self {
        Decision {
            entry: index,
            pattern: entry.id.value.clone(),
            status: *entry.status,
            justification: entry.justification.clone(),
            approved_by: entry.approved_by.clone(),
            expires: entry.expires.as_ref().and_then(|e| Date::parse(e)),
            owner: entry.owner.as_ref().and_then(|o| estate.team(o)),
            business_risks: entry
                .business_risks
                .iter()
                .filter_map(|r| estate.business_risk(r))
                .collect(),
            frequency: entry.frequency.as_ref().map(|f| Frequency {
                low: f.low,
                high: f.high,
            }),
            span: entry.id.span,
        }
    }
}

/// One threat: what a rule found (or a person wrote), with its decision.
#[derive(Clone, Debug)]
pub struct Threat {
    /// Stable id: the rule code and the element names, such as `S003@web@payments-db`.
    pub id: String,
    pub rule: Arc<RuleInfo>,
    pub system: SystemIdx,
    /// The elements concerned, most specific first.
    pub elements: Vec<Element>,
    /// Why the rule fired, in phrases a user checks against the model.
    pub facts: Vec<String>,
    pub status: ThreatStatus,
    pub decision: Option<Decision>,
    /// The decision's owner, else the owner of the first component concerned, else the system's.
    pub owner: TeamIdx,
    pub hand_written: bool,
    /// The rule's summary, or the title of a hand-written threat.
    pub title: String,
    /// Base events per year: the decision's override, else the rule's.
    pub frequency: Frequency,
}

/// What [`analyze`] produced.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Sorted by system id, then threat id.
    pub threats: Vec<Threat>,
    /// `E025` unknown rule codes, `W040` decisions that match nothing, `W041` control patterns that match nothing.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn threat<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Threat> + 'a {
        self.threats.iter().filter(move |t| t.id == id)
    }
}

/// Does `id` match `pattern`, where `*` stands for any run of characters?
pub fn pattern_matches(pattern: &str, id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == id;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if id.len() < first.len() + last.len() || !id.starts_with(first) || !id.ends_with(last) {
        return false;
    }
    let mut rest = &id[first.len()..id.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Default frequency of hand-written threats without one, per STRIDE category
/// (events per year, 90% range): typical of the built-in rules of that category.
pub fn manual_frequency(stride: Stride) -> Frequency {
    let (low, high) = match stride {
        Stride::Spoofing => (0.02, 0.5),
        Stride::Tampering => (0.01, 0.3),
        Stride::Repudiation => (0.01, 0.2),
        Stride::InformationDisclosure => (0.02, 0.5),
        Stride::DenialOfService => (0.05, 1.0),
        Stride::ElevationOfPrivilege => (0.01, 0.3),
    };
    Frequency { low, high }
}

/// How an element is named in a threat id, seen from `system`.
pub fn element_name(estate: &Estate, element: Element, system: SystemIdx) -> String {
    let mut out = String::new();
    push_element_name(&mut out, estate, element, system);
    out
}

fn push_component_ref(out: &mut String, estate: &Estate, c: ComponentIdx, system: SystemIdx) {
    let node = &estate[c];
    if node.system != system {
        out.push_str(estate[node.system].id());
        out.push('/');
    }
    out.push_str(node.id());
}

fn push_element_name(out: &mut String, estate: &Estate, element: Element, system: SystemIdx) {
    match element {
        Element::Component(c) => push_component_ref(out, estate, c, system),
        Element::Flow(f) => {
            push_component_ref(out, estate, estate[f].from, system);
            out.push('@');
            push_component_ref(out, estate, estate[f].to, system);
        }
        Element::Data(d) => out.push_str(estate[d].id()),
    }
}

fn out_of_scope(estate: &Estate, c: ComponentIdx) -> bool {
    estate[c].raw.out_of_scope.is_some()
}

/// Runs every built-in rule and every custom rule over `estate`.
///
/// Rules run in parallel, one task per rule; the findings are put back in
/// rule order before ids are assigned, so the result does not depend on
/// scheduling.
pub fn analyze(estate: &Estate, custom: &[CompiledRule]) -> Analysis {
    let builtins = builtin();
    let mut infos: Vec<Arc<RuleInfo>> = builtins
        .iter()
        .map(|r| Arc::new(RuleInfo::from_meta(r.meta())))
        .collect();
    infos.extend(custom.iter().map(|r| Arc::new(RuleInfo::from_custom(r))));

    // Each rule runs and names its findings on its own; the results are put back in
    // rule order, so the outcome does not depend on the threads.
    let per_rule: Vec<Vec<Threat>> = {
        use rayon::prelude::*;
        (0..infos.len())
            .into_par_iter()
            .map(|i| {
                let mut found = Vec::new();
                match builtins.get(i) {
                    Some(rule) => rule.check(estate, &mut found),
                    None => custom[i - builtins.len()].check(estate, &mut found),
                }
                let mut named = Vec::with_capacity(found.len());
                name_findings(estate, &infos[i], found, &mut named);
                named
            })
            .collect()
    };

    let mut threats = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
    for named in per_rule {
        threats.extend(named);
    }
    hand_written(estate, &mut threats);
    // Stable: should two rules share a code (possible only when custom rules
    // skip `compile_rules`), rule order still decides.
    let mut rank: Vec<u32> = vec![0; estate.systems.len()];
    let mut by_id: Vec<SystemIdx> = estate.system_indices().collect();
    by_id.sort_by(|a, b| estate[*a].id().cmp(estate[*b].id()));
    for (r, sys) in by_id.into_iter().enumerate() {
        rank[sys.index()] = r as u32;
    }
    // Sort keys, then move each threat once: threats are large to shuffle around.
    let mut order: Vec<usize> = (0..threats.len()).collect();
    order.sort_by(|a, b| {
        let (a, b) = (&threats[*a], &threats[*b]);
        (rank[a.system.index()], &a.id).cmp(&(rank[b.system.index()], &b.id))
    });
    let mut slots: Vec<Option<Threat>> = threats.into_iter().map(Some).collect();
    let mut threats: Vec<Threat> = order.into_iter().filter_map(|i| slots[i].take()).collect();

    let mut diagnostics = Vec::new();
    decide(estate, &mut threats, &mut diagnostics);
    check_references(estate, &threats, &mut diagnostics);
    riskfirst_model::load::sort_diagnostics(&mut diagnostics);
    Analysis {
        threats,
        diagnostics,
    }
}

/// Compiles the estate's custom rules and runs every rule: what `riskfirst analyze` needs.
///
/// The diagnostics of the custom rules (E026 to E029) come first in the
/// analysis' diagnostics; the compiled rules are returned for listing and
/// documenting them.
pub fn analyze_estate(
    estate: &Estate,
    sources: &riskfirst_model::SourceMap,
) -> (Analysis, Vec<CompiledRule>) {
    let custom = crate::custom::compile_rules(estate, sources);
    let mut analysis = analyze(estate, &custom.rules);
    let mut diagnostics = custom.diagnostics;
    diagnostics.append(&mut analysis.diagnostics);
    analysis.diagnostics = diagnostics;
    (analysis, custom.rules)
}

/// Gives one rule's findings their ids and turns them into open threats.
fn name_findings(
    estate: &Estate,
    info: &Arc<RuleInfo>,
    findings: Vec<Finding>,
    out: &mut Vec<Threat>,
) {
    let mut named: Vec<(String, Finding)> = Vec::with_capacity(findings.len());
    for finding in findings {
        let dropped = finding.elements.iter().any(|e| match *e {
            Element::Component(c) => out_of_scope(estate, c),
            Element::Flow(f) => {
                out_of_scope(estate, estate[f].from) && out_of_scope(estate, estate[f].to)
            }
            Element::Data(_) => false,
        });
        if dropped || finding.elements.is_empty() {
            continue;
        }
        let mut id = String::with_capacity(info.code.len() + 32);
        id.push_str(&info.code);
        for e in &finding.elements {
            id.push('@');
            push_element_name(&mut id, estate, *e, finding.system);
        }
        named.push((id, finding));
    }
    // Two findings with the same id in one system (two flows between the same
    // components): both get the id of their first flow appended.
    let mut count: HashMap<(SystemIdx, &str), usize> = HashMap::default();
    for (id, f) in &named {
        *count.entry((f.system, id.as_str())).or_default() += 1;
    }
    let clashing: Vec<bool> = named
        .iter()
        .map(|(id, f)| count[&(f.system, id.as_str())] > 1)
        .collect();
    let any_clash = clashing.iter().any(|c| *c);
    for ((id, f), clash) in named.iter_mut().zip(clashing) {
        if !clash {
            continue;
        }
        if let Some(flow) = f.elements.iter().find_map(|e| match e {
            Element::Flow(fl) => Some(*fl),
            _ => None,
        }) {
            id.push('@');
            id.push_str(estate[flow].id());
        }
    }
    // Findings that still share an id are one threat: merge their facts, in a
    // fixed order. Rare, so the sort is only paid when two ids clashed.
    if any_clash {
        named.sort_by(|a, b| (a.1.system, &a.0, &a.1.facts).cmp(&(b.1.system, &b.0, &b.1.facts)));
    }
    let mut merged: Vec<(String, Finding)> = Vec::with_capacity(named.len());
    for (id, f) in named {
        if let Some((last_id, last)) = merged.last_mut().filter(|_| any_clash) {
            if *last_id == id && last.system == f.system {
                for fact in f.facts {
                    if !last.facts.contains(&fact) {
                        last.facts.push(fact);
                    }
                }
                continue;
            }
        }
        merged.push((id, f));
    }
    for (id, f) in merged {
        out.push(Threat {
            id,
            rule: Arc::clone(info),
            system: f.system,
            elements: f.elements,
            facts: f.facts,
            status: ThreatStatus::Open,
            decision: None,
            owner: TeamIdx::default(),
            hand_written: false,
            title: info.summary.clone(),
            frequency: info.frequency,
        });
    }
}

fn is_decision(entry: &ThreatEntry) -> bool {
    entry.id.contains('@') || entry.id.contains('*')
}

/// Threats written by hand in the systems' `threats:`.
fn hand_written(estate: &Estate, out: &mut Vec<Threat>) {
    for sys in estate.system_indices() {
        for (i, entry) in estate[sys].threats.iter().enumerate() {
            if is_decision(entry) {
                continue;
            }
            let stride = entry.stride.unwrap_or_default();
            let elements: Vec<Element> = entry
                .elements
                .iter()
                .filter_map(|e| {
                    estate
                        .component_in(sys, e)
                        .map(Element::Component)
                        .or_else(|| {
                            estate[sys]
                                .flows
                                .iter()
                                .copied()
                                .find(|f| estate[*f].id() == e.as_str())
                                .map(Element::Flow)
                        })
                })
                .collect();
            let title = entry
                .title
                .clone()
                .unwrap_or_else(|| entry.id.value.clone());
            let decision = Decision::from_entry(estate, i, entry);
            let frequency = decision
                .frequency
                .unwrap_or_else(|| manual_frequency(stride));
            let rule = Arc::new(RuleInfo {
                code: MANUAL_CODE.to_string(),
                name: "hand-written".to_string(),
                stride,
                summary: title.clone(),
                cwe: Vec::new(),
                capec: Vec::new(),
                frequency,
                custom: true,
            });
            let mut facts = vec![format!(
                "written by hand in `{}`",
                estate[sys].path.display()
            )];
            if let Some(d) = &entry.description {
                facts.push(d.trim().to_string());
            }
            out.push(Threat {
                id: entry.id.value.clone(),
                rule,
                system: sys,
                elements,
                facts,
                status: decision.status,
                decision: Some(decision),
                owner: TeamIdx::default(),
                hand_written: true,
                title,
                frequency,
            });
        }
    }
}

/// Which entry decides a threat: an exact id beats a pattern; among patterns
/// the one with the most literal characters wins; ties go to the earlier entry.
fn best_entry(
    patterns: &[(usize, &str, usize)],
    exact: &HashMap<&str, usize>,
    id: &str,
) -> Option<usize> {
    if let Some(i) = exact.get(id) {
        return Some(*i);
    }
    let mut best: Option<(usize, usize)> = None;
    for &(i, pattern, literal) in patterns {
        if best.is_none_or(|(_, l)| literal > l) && pattern_matches(pattern, id) {
            best = Some((i, literal));
        }
    }
    best.map(|(i, _)| i)
}

/// Attaches decisions, sets status, owner and frequency; warns about decisions that match nothing.
fn decide(estate: &Estate, threats: &mut [Threat], diagnostics: &mut Vec<Diagnostic>) {
    let mut by_system: HashMap<SystemIdx, Vec<usize>> = HashMap::default();
    for (i, t) in threats.iter().enumerate() {
        by_system.entry(t.system).or_default().push(i);
    }
    for sys in estate.system_indices() {
        let node = &estate[sys];
        let entries: Vec<(usize, &ThreatEntry)> = node
            .threats
            .iter()
            .enumerate()
            .filter(|(_, e)| is_decision(e))
            .collect();
        let exact: HashMap<&str, usize> = entries
            .iter()
            .rev()
            .filter(|(_, e)| !e.id.contains('*'))
            .map(|(i, e)| (e.id.as_str(), *i))
            .collect();
        // `(entry, pattern, literal characters)` of the entries with a `*`.
        let patterns: Vec<(usize, &str, usize)> = entries
            .iter()
            .filter(|(_, e)| e.id.contains('*'))
            .map(|(i, e)| {
                (
                    *i,
                    e.id.as_str(),
                    e.id.chars().filter(|c| *c != '*').count(),
                )
            })
            .collect();
        let mut used = vec![false; node.threats.len()];
        let members = by_system.remove(&sys).unwrap_or_default();
        for &ti in &members {
            let t = &mut threats[ti];
            if !t.hand_written {
                if let Some(ei) = best_entry(&patterns, &exact, &t.id) {
                    used[ei] = true;
                    let d = Decision::from_entry(estate, ei, &node.threats[ei]);
                    t.status = d.status;
                    if let Some(f) = d.frequency {
                        t.frequency = f;
                    }
                    t.decision = Some(d);
                }
            }
            t.owner = owner_of(estate, t);
        }
        for (ei, entry) in &entries {
            // A pattern shadowed everywhere by a better entry still matches: no warning.
            if used[*ei]
                || members
                    .iter()
                    .any(|i| pattern_matches(&entry.id, &threats[*i].id))
            {
                continue;
            }
            let ids = likely_ids(&entry.id, members.iter().map(|i| threats[*i].id.as_str()));
            let mut d = Diagnostic::warning(
                "W040",
                format!(
                    "decision `{}` matches no threat of system `{}`",
                    entry.id.value,
                    node.id()
                ),
                entry.id.span,
            );
            d.hint = Some(match closest(&entry.id, ids.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "`riskfirst analyze` lists the threat ids; the rule may no longer fire, so the entry can go".into(),
            });
            diagnostics.push(d);
        }
    }
}

/// The ids worth comparing with a pattern that matched nothing, for its "did you mean":
/// those of the same rule (the code before `@`) when there are any, else all. A typo is
/// far likelier in the element names than in the code, and comparing with every threat
/// of a large system costs more than the rest of the analysis.
fn likely_ids<'a>(pattern: &str, ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let all: Vec<&str> = ids.collect();
    let code = pattern.split('@').next().unwrap_or_default();
    if code.is_empty() || code.contains('*') {
        return all;
    }
    let same: Vec<&str> = all
        .iter()
        .copied()
        .filter(|id| id.split('@').next() == Some(code))
        .collect();
    if same.is_empty() {
        all
    } else {
        same
    }
}

fn owner_of(estate: &Estate, t: &Threat) -> TeamIdx {
    if let Some(owner) = t.decision.as_ref().and_then(|d| d.owner) {
        return owner;
    }
    let first_component = t.elements.iter().find_map(|e| match *e {
        Element::Component(c) => Some(c),
        // The receiving end of a flow decides whom it trusts, so it owns the flow's threats.
        Element::Flow(f) => Some(receiver(estate, f, t.system)),
        Element::Data(_) => None,
    });
    match first_component {
        Some(c) => estate[c].owner,
        None => estate[t.system].owner,
    }
}

/// A flow's receiving component when it belongs to `system`, else its sender.
fn receiver(estate: &Estate, f: FlowIdx, system: SystemIdx) -> ComponentIdx {
    let flow = &estate[f];
    if estate[flow.to].system == system || estate[flow.from].system != system {
        flow.to
    } else {
        flow.from
    }
}

/// Rule codes and threat patterns written in controls and risk overrides.
fn check_references(estate: &Estate, threats: &[Threat], diagnostics: &mut Vec<Diagnostic>) {
    // Threats are sorted by system, so each system's threats are one run of the slice.
    let mut runs: HashMap<SystemIdx, std::ops::Range<usize>> = HashMap::default();
    for (i, t) in threats.iter().enumerate() {
        runs.entry(t.system).or_insert(i..i).end = i + 1;
    }
    let scope = |system: Option<SystemIdx>| -> &[Threat] {
        match system {
            None => threats,
            Some(s) => runs.get(&s).map_or(&[][..], |r| &threats[r.clone()]),
        }
    };
    let mut known: Vec<String> = builtin()
        .iter()
        .map(|r| r.meta().code.to_string())
        .collect();
    known.extend(estate.root.rules.iter().map(|r| r.code.value.clone()));
    known.push(MANUAL_CODE.to_string());
    for control in &estate.controls {
        for m in &control.raw.mitigates {
            for code in &m.rules {
                check_rule_code(code, &known, diagnostics);
            }
            for pattern in &m.threats {
                let candidates = scope(control.system);
                let matched = candidates.iter().any(|t| pattern_matches(pattern, &t.id));
                if !matched {
                    let mut d = Diagnostic::warning(
                        "W041",
                        format!(
                            "control `{}` mitigates `{}`, which matches no threat",
                            control.raw.id.value, pattern.value
                        ),
                        pattern.span,
                    );
                    let ids = likely_ids(pattern, candidates.iter().map(|t| t.id.as_str()));
                    d.hint = closest(pattern, ids.iter().copied())
                        .map(|best| format!("did you mean `{best}`?"));
                    diagnostics.push(d);
                }
            }
        }
    }
    if let Some(risk) = &estate.root.risk {
        for o in &risk.overrides {
            if let Some(code) = &o.rule {
                check_rule_code(code, &known, diagnostics);
            }
            if let Some(pattern) = &o.threat {
                if !threats.iter().any(|t| pattern_matches(pattern, &t.id)) {
                    let mut d = Diagnostic::warning(
                        "W041",
                        format!("frequency override `{}` matches no threat", pattern.value),
                        pattern.span,
                    );
                    let ids = likely_ids(pattern, threats.iter().map(|t| t.id.as_str()));
                    d.hint = closest(pattern, ids.iter().copied())
                        .map(|best| format!("did you mean `{best}`?"));
                    diagnostics.push(d);
                }
            }
        }
    }
}

fn status_name(s: ThreatStatus) -> &'static str {
    match s {
        ThreatStatus::Open => "open",
        ThreatStatus::Mitigated => "mitigated",
        ThreatStatus::Accepted => "accepted",
        ThreatStatus::Transferred => "transferred",
        ThreatStatus::NotApplicable => "not-applicable",
    }
}

fn element_line(estate: &Estate, e: Element, system: SystemIdx) -> String {
    let (what, name, sys, line) = match e {
        Element::Component(c) => (
            "component",
            format!("`{}`", estate.component_ref(c, system)),
            estate[c].system,
            estate[c].raw.id.span.line,
        ),
        Element::Flow(f) => (
            "flow",
            format!(
                "`{}` ({})",
                estate[f].id(),
                crate::facts::flow_label(estate, f)
            ),
            estate[f].system,
            estate[f].raw.id.span.line,
        ),
        Element::Data(d) => (
            "data",
            format!("`{}`", estate[d].id()),
            estate[d].system,
            estate[d].raw.id.span.line,
        ),
    };
    let path = estate[sys].path.display();
    if line > 0 {
        format!("{what} {name} at {path}:{line}")
    } else {
        format!("{what} {name} in {path}")
    }
}

/// Why a threat was raised: the rule, the system, each element with where it
/// is written, every fact, the decision and the owner. `None` when no threat
/// has this id. An id found in several systems is explained for each.
pub fn explain(estate: &Estate, analysis: &Analysis, threat_id: &str) -> Option<String> {
    let mut out = String::new();
    for t in analysis.threat(threat_id) {
        if !out.is_empty() {
            out.push('\n');
        }
        let r = &t.rule;
        let _ = writeln!(out, "{}: {}", t.id, t.title);
        let _ = writeln!(out, "  status:   {}", status_name(t.status));
        let mut refs: Vec<String> = r.cwe.iter().map(|c| format!("CWE-{c}")).collect();
        refs.extend(r.capec.iter().map(|c| format!("CAPEC-{c}")));
        let refs = if refs.is_empty() {
            String::new()
        } else {
            format!(", {}", refs.join(", "))
        };
        if t.hand_written {
            let _ = writeln!(
                out,
                "  rule:     {} (written by hand; {}{refs})",
                r.code,
                r.stride.name()
            );
        } else {
            let kind = if r.custom { "custom rule" } else { "rule" };
            let _ = writeln!(
                out,
                "  rule:     {} {} ({kind}; {}{refs})",
                r.code,
                r.name,
                r.stride.name()
            );
            let _ = writeln!(out, "            {}", r.summary);
        }
        let sys = &estate[t.system];
        let _ = writeln!(out, "  system:   {} ({})", sys.id(), sys.path.display());
        out.push_str("  elements:\n");
        for e in &t.elements {
            let _ = writeln!(out, "    - {}", element_line(estate, *e, t.system));
        }
        out.push_str("  facts:\n");
        for f in &t.facts {
            let _ = writeln!(out, "    - {f}");
        }
        match &t.decision {
            Some(d) if !t.hand_written => {
                let how = if d.pattern == t.id {
                    "its id".to_string()
                } else {
                    format!("the pattern `{}`", d.pattern)
                };
                let _ = writeln!(
                    out,
                    "  decision: {} by {how} at {}:{}",
                    status_name(d.status),
                    sys.path.display(),
                    d.span.line
                );
                write_decision(&mut out, d);
            }
            Some(d) => write_decision(&mut out, d),
            None => out.push_str("  decision: none (open until the system file decides it)\n"),
        }
        let _ = writeln!(out, "  owner:    {}", estate[t.owner].id.value);
        let _ = writeln!(
            out,
            "  base rate: {} to {} events per year (before adjustments and controls)",
            number(t.frequency.low),
            number(t.frequency.high)
        );
    }
    (!out.is_empty()).then_some(out)
}

fn write_decision(out: &mut String, d: &Decision) {
    if let Some(j) = &d.justification {
        let _ = writeln!(out, "    reason:      {}", j.trim());
    }
    if let Some(a) = &d.approved_by {
        let _ = writeln!(out, "    approved by: {a}");
    }
    if let Some(e) = &d.expires {
        let _ = writeln!(out, "    expires:     {e}");
    }
}
