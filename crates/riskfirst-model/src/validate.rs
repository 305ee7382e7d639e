//! Semantic checks and reference resolution: raw files in, an [`Estate`] out.
//!
//! Every check records a diagnostic and carries on, so one run reports every
//! problem. Elements whose references do not resolve are still added (pointing
//! at a placeholder) so that later checks run; the estate is only handed out
//! when there were no errors.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;

use crate::catalog::{
    protocol_encrypted, technology_category, TechCategory, PROTOCOLS, TECHNOLOGIES,
};
use crate::diag::{closest, Diagnostic};
use crate::estate::Scales;
use crate::estate::*;
use crate::format::*;
use crate::limits;
use crate::span::{Span, Spanned};
use crate::Date;

pub(crate) struct Validator<'d> {
    root: RootFile,
    files: Vec<(PathBuf, SystemFile)>,
    broken: HashSet<String>,
    /// Paths of the source files by [`crate::FileId`], to name the file of a first definition.
    paths: Vec<PathBuf>,
    today: Option<Date>,
    diags: &'d mut Vec<Diagnostic>,
    estate: Estate,
    /// How many more unknown references get a "did you mean": each search
    /// compares with every candidate, so thousands of dangling references
    /// would cost their product.
    suggestions_left: usize,
}

/// The most unknown references of one estate that get a "did you mean".
pub const MAX_SUGGESTIONS: usize = 200;

/// Why `id` is outside the safe alphabet of ids, `[a-z0-9][a-z0-9._-]*`, or `None`.
///
/// ASCII only, so an id cannot hide a line break, a bidi override or a
/// look-alike letter (Cyrillic `е` in `wеb`); `/`, `@` and `*` are kept for
/// qualified references, threat ids and patterns.
pub fn id_problem(id: &str) -> Option<String> {
    alphabet_problem(id, |c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// Why `code` is not a rule code, `[A-Z0-9][A-Z0-9._-]*`, or `None`.
pub fn rule_code_problem(code: &str) -> Option<String> {
    alphabet_problem(code, |c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn alphabet_problem(id: &str, alnum: fn(char) -> bool) -> Option<String> {
    let Some(first) = id.chars().next() else {
        return Some("is empty".into());
    };
    if let Some(c) = id
        .chars()
        .find(|&c| !(alnum(c) || matches!(c, '.' | '_' | '-')))
    {
        return Some(format!("contains {}", describe_char(c)));
    }
    if !alnum(first) {
        return Some(format!("starts with `{first}`"));
    }
    None
}

/// A character as a message can show it: printable ASCII in backticks, anything else by its code point.
fn describe_char(c: char) -> String {
    match c {
        ' ' | '\t' => "white space".into(),
        c if c.is_ascii_graphic() => format!("`{c}`"),
        c => format!("U+{:04X}", u32::from(c)),
    }
}

/// An id as a message may show it: characters outside printable ASCII as `\u{…}`.
pub fn shown_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    out
}

impl<'d> Validator<'d> {
    pub fn new(
        root: RootFile,
        files: Vec<(PathBuf, SystemFile)>,
        broken: Vec<String>,
        paths: Vec<PathBuf>,
        today: Option<Date>,
        diags: &'d mut Vec<Diagnostic>,
    ) -> Self {
        Validator {
            root,
            files,
            broken: broken.into_iter().collect(),
            paths,
            today,
            diags,
            estate: Estate::default(),
            suggestions_left: MAX_SUGGESTIONS,
        }
    }

    pub fn finish(self) -> Estate {
        let mut estate = self.estate;
        estate.root = self.root;
        estate
    }

    fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, message, span));
        self.diags.last_mut().expect("just pushed")
    }

    fn warning(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::warning(code, message, span));
        self.diags.last_mut().expect("just pushed")
    }

    /// Reports a reference that does not resolve, unless it names an element that failed to read.
    fn unknown(&mut self, what: &str, id: &Spanned<String>, candidates: Vec<String>) {
        if self.broken.contains(id.value.as_str()) {
            return;
        }
        if self.suggestions_left == 0 {
            self.error("E021", format!("unknown {what} `{}`", id.value), id.span);
            return;
        }
        self.suggestions_left -= 1;
        let hint = match closest(id, candidates.iter().map(String::as_str)) {
            Some(best) => Some(format!("did you mean `{best}`?")),
            None if candidates.is_empty() => Some(format!("no {what} is defined")),
            None if candidates.len() <= 12 => Some(format!("known: {}", candidates.join(", "))),
            None => None,
        };
        let d = self.error("E021", format!("unknown {what} `{}`", id.value), id.span);
        d.hint = hint;
    }

    fn check_id(&mut self, what: &str, id: &Id, seen: &mut HashMap<String, Span>) -> bool {
        let problem = if what == "rule" {
            rule_code_problem(id)
        } else {
            id_problem(id)
        };
        if let Some(problem) = problem {
            // The element is left out; references to it are not errors of their own.
            self.broken.insert(id.value.clone());
            self.error(
                "E022",
                format!("{what} id `{}` {problem}", shown_id(id)),
                id.span,
            )
            .hint = Some(if what == "rule" {
                "rule codes use capital letters, digits, `.`, `_` and `-`, starting with a letter or digit: `ORG-001`".into()
            } else {
                "ids use lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit: `payments-db`".into()
            });
            return false;
        }
        if let Some(first) = seen.get(id.as_str()) {
            let hint = self.first_definition(*first, id.span);
            self.error(
                "E020",
                format!("duplicate {what} id `{}`", id.value),
                id.span,
            )
            .hint = Some(hint);
            return false;
        }
        seen.insert(id.value.clone(), id.span);
        true
    }

    /// Where an earlier definition is, naming its file when it is not the file of `here`.
    fn first_definition(&self, first: Span, here: Span) -> String {
        if first.file == here.file || !first.is_known() {
            return format!("the first definition is on line {}", first.line);
        }
        match self.paths.get(first.file.0 as usize) {
            Some(path) => format!(
                "the first definition is in {}, line {}",
                path.display(),
                first.line
            ),
            None => format!("the first definition is on line {}", first.line),
        }
    }

    /// A 90% range: finite, not negative, low ≤ high, at most `max` (a
    /// [`limits`] maximum) and no wider than [`limits::MAX_SPREAD`].
    fn check_range(&mut self, what: &str, r: &Spanned<Range>, positive: bool, max: f64) {
        if !r.low.is_finite() || !r.high.is_finite() {
            self.error("E030", format!("{what} must be finite numbers"), r.span);
            return;
        }
        if r.high > max {
            self.error(
                "E030",
                format!(
                    "{what}: {} is above the largest supported value, {max:e}",
                    r.high
                ),
                r.span,
            );
        }
        if positive && r.low > 0.0 && r.high / r.low > limits::MAX_SPREAD {
            self.error(
                "E030",
                format!(
                    "{what}: the range {}..{} spans more than {:e} times, wider than the simulation supports",
                    r.low,
                    r.high,
                    limits::MAX_SPREAD
                ),
                r.span,
            )
            .hint = Some("narrow the range: a 90% range is where the value falls nine times in ten".into());
        }
        if r.low < 0.0 || r.high < 0.0 {
            self.error(
                "E030",
                format!(
                    "{what} may not be negative (low {}, high {})",
                    r.low, r.high
                ),
                r.span,
            );
        } else if positive && r.low == 0.0 {
            self.error(
                "E030",
                format!("{what} must start above 0 (a 90% range is lognormal)"),
                r.span,
            )
            .hint = Some("use a small positive number for an unlikely low end".into());
        }
        if r.low > r.high {
            self.error(
                "E031",
                format!("{what}: low ({}) is greater than high ({})", r.low, r.high),
                r.span,
            )
            .hint = Some("swap the two numbers".into());
        }
    }

    fn check_date(&mut self, what: &str, date: &Spanned<String>) -> Option<Date> {
        let parsed = Date::parse(date);
        if parsed.is_none() {
            self.error(
                "E032",
                format!("{what} `{}` is not a date", date.value),
                date.span,
            )
            .hint = Some("write dates as YYYY-MM-DD, such as 2027-06-30".into());
        }
        parsed
    }

    fn team_ref(&mut self, id: &Id) -> TeamIdx {
        match self.estate.team(id) {
            Some(t) => t,
            None => {
                let candidates: Vec<String> = if self.suggestions_left == 0 {
                    Vec::new()
                } else {
                    self.estate
                        .teams
                        .iter()
                        .map(|t| t.id.value.clone())
                        .collect()
                };
                self.unknown("team", id, candidates);
                TeamIdx(0)
            }
        }
    }

    fn risk_refs(&mut self, ids: &[Id]) -> Vec<RiskIdx> {
        let mut out = Vec::new();
        for id in ids {
            match self.estate.business_risk(id) {
                Some(r) => {
                    if !out.contains(&r) {
                        out.push(r)
                    }
                }
                None => {
                    let candidates: Vec<String> = if self.suggestions_left == 0 {
                        Vec::new()
                    } else {
                        self.estate
                            .business_risks
                            .iter()
                            .map(|r| r.id.value.clone())
                            .collect()
                    };
                    self.unknown("business risk", id, candidates);
                }
            }
        }
        out
    }

    pub fn run(&mut self) {
        self.organisation();
        self.teams();
        self.business_risks();
        self.scales();
        self.appetite();
        self.estate_zones();
        self.custom_rules();
        self.settings();
        self.systems();
        self.controls();
        self.unused();
    }

    fn organisation(&mut self) {
        let org = self.root.organisation.clone();
        let currency = &org.currency;
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            self.error(
                "E030",
                format!("currency `{}` is not an ISO 4217 code", currency.value),
                currency.span,
            )
            .hint = Some("three capital letters, such as EUR, USD or GBP".into());
        }
        self.estate.organisation = org;
    }

    fn teams(&mut self) {
        let mut seen = HashMap::default();
        for team in self.root.teams.clone() {
            if self.check_id("team", &team.id, &mut seen) {
                self.estate.team_ids.insert(
                    team.id.value.clone(),
                    TeamIdx(self.estate.teams.len() as u32),
                );
                self.estate.teams.push(team);
            }
        }
    }

    fn business_risks(&mut self) {
        let mut seen = HashMap::default();
        for risk in self.root.business_risks.clone() {
            self.check_range(
                "loss_per_event",
                &risk.loss_per_event,
                true,
                limits::MAX_AMOUNT,
            );
            if let Some(p) = &risk.probability {
                if !(0.0..=1.0).contains(&**p) {
                    self.error("E030", format!("probability must be between 0 and 1, not {}", p.value), p.span).hint =
                        Some("the chance that an event reaching this risk causes its loss: 0.2 for one event in five".into());
                }
            }
            if self.check_id("business risk", &risk.id, &mut seen) {
                self.estate.risk_ids.insert(
                    risk.id.value.clone(),
                    RiskIdx(self.estate.business_risks.len() as u32),
                );
                self.estate.business_risks.push(risk);
            }
        }
    }

    fn scales(&mut self) {
        let Some(raw) = self.root.scales.clone() else {
            self.estate.scales = Scales::default();
            return;
        };
        let mut scales = Scales::default();
        for (name, levels, out) in [
            ("impact", &raw.impact, &mut scales.impact),
            ("likelihood", &raw.likelihood, &mut scales.likelihood),
        ] {
            let mut parsed = Vec::new();
            let mut previous = f64::NEG_INFINITY;
            for (i, level) in levels.iter().enumerate() {
                let last = i + 1 == levels.len();
                let bound = match (&level.below, last) {
                    (Some(b), false) => {
                        if **b <= previous || **b < 0.0 {
                            self.diags.push(
                                Diagnostic::error("E033", format!("{name} level `{}` must have a `below` greater than the level before it", level.level.value), b.span)
                                    .with_hint("list levels from lowest to highest"),
                            );
                        }
                        previous = **b;
                        **b
                    }
                    (None, false) => {
                        self.diags.push(Diagnostic::error(
                            "E033",
                            format!(
                                "{name} level `{}` needs `below` (only the highest level has none)",
                                level.level.value
                            ),
                            level.level.span,
                        ));
                        f64::INFINITY
                    }
                    (Some(b), true) => {
                        self.diags.push(Diagnostic::warning("W030", format!("the highest {name} level `{}` has a `below`; values above it count as `{}`", level.level.value, level.level.value), b.span));
                        f64::INFINITY
                    }
                    (None, true) => f64::INFINITY,
                };
                parsed.push((level.level.value.clone(), bound));
            }
            if parsed.len() < 2 {
                let span = levels.first().map(|l| l.level.span).unwrap_or(Span::NONE);
                self.diags.push(Diagnostic::error(
                    "E033",
                    format!("the {name} scale needs at least two levels"),
                    span,
                ));
            } else {
                *out = parsed;
            }
        }
        if let Some(risk) = &raw.risk {
            if risk.len() < 2 {
                let span = risk.first().map(|l| l.span).unwrap_or(Span::NONE);
                self.error("E033", "the risk scale needs at least two levels", span);
            } else {
                scales.risk = risk.iter().map(|r| r.value.clone()).collect();
            }
        }
        scales.matrix = Scales::default_matrix(
            scales.likelihood.len(),
            scales.impact.len(),
            scales.risk.len(),
        );
        if let Some(matrix) = &raw.matrix {
            let (rows, cols) = (scales.likelihood.len(), scales.impact.len());
            let bad_row = matrix.iter().enumerate().find(|(_, r)| r.len() != cols);
            if let (Some((i, row)), true) = (bad_row, matrix.len() == rows) {
                let span = row.first().map_or(matrix.span, |cell| cell.span);
                self.error(
                    "E033",
                    format!(
                        "row {} of the risk matrix has {} entries, not {cols} (one per impact level)",
                        i + 1,
                        row.len()
                    ),
                    span,
                );
            } else if matrix.len() != rows || bad_row.is_some() {
                self.error("E033", format!("the risk matrix must have {rows} rows (likelihood levels) of {cols} entries (impact levels)"), matrix.span);
            } else {
                let mut resolved = Vec::new();
                for row in matrix.iter() {
                    let mut out = Vec::new();
                    for cell in row {
                        match scales.risk_level_index(cell) {
                            Some(i) => out.push(i),
                            None => {
                                let candidates = scales.risk.clone();
                                self.unknown("risk level", cell, candidates);
                                out.push(0);
                            }
                        }
                    }
                    resolved.push(out);
                }
                scales.matrix = resolved;
            }
        }
        self.estate.scales = scales;
    }

    fn risk_level(&mut self, level: &Spanned<String>) {
        if self.estate.scales.risk_level_index(level).is_none() {
            let candidates = self.estate.scales.risk.clone();
            self.unknown("risk level", level, candidates);
        }
    }

    fn appetite(&mut self) {
        for statement in self.root.appetite.clone() {
            if let Some(risk) = &statement.business_risk {
                self.risk_refs(std::slice::from_ref(risk));
            }
            if let Some(level) = &statement.max_open_level {
                self.risk_level(level);
            }
            if let Some(limit) = &statement.max_annual_loss {
                let all = [&limit.mean, &limit.p50, &limit.p90, &limit.p95, &limit.p99];
                if all.iter().all(|l| l.is_none()) {
                    let span = statement.id.as_ref().map(|i| i.span).unwrap_or(Span::NONE);
                    self.error("E034", "max_annual_loss gives no limit", span)
                        .hint = Some("give one of mean, p50, p90, p95, p99".into());
                }
                for l in all.into_iter().flatten() {
                    if **l < 0.0 {
                        self.error(
                            "E030",
                            format!("an annual loss limit may not be negative ({})", l.value),
                            l.span,
                        );
                    }
                }
            }
            if statement.max_annual_loss.is_none() && statement.max_open_level.is_none() {
                let span = statement
                    .id
                    .as_ref()
                    .or(statement.business_risk.as_ref())
                    .map(|i| i.span)
                    .unwrap_or(Span::NONE);
                self.error(
                    "E034",
                    "an appetite statement needs `max_annual_loss` or `max_open_level`",
                    span,
                );
            }
        }
        self.estate.appetite = self.root.appetite.clone();
    }

    fn zone(
        &mut self,
        zone: Zone,
        system: Option<SystemIdx>,
        seen: &mut HashMap<String, Span>,
    ) -> Option<ZoneIdx> {
        if !(0..=100).contains(&*zone.trust) {
            self.error(
                "E030",
                format!(
                    "trust {} of zone `{}` is outside 0 to 100",
                    zone.trust.value, zone.id.value
                ),
                zone.trust.span,
            );
        }
        if !self.check_id("zone", &zone.id, seen) {
            return None;
        }
        self.estate.zones.push(ZoneNode { system, raw: zone });
        Some(ZoneIdx(self.estate.zones.len() as u32 - 1))
    }

    fn estate_zones(&mut self) {
        let mut seen = HashMap::default();
        for zone in self.root.zones.clone() {
            self.zone(zone, None, &mut seen);
        }
    }

    fn custom_rules(&mut self) {
        let mut seen = HashMap::default();
        for rule in self.root.rules.clone() {
            self.check_id("rule", &rule.code, &mut seen);
            self.check_range("rule frequency", &rule.frequency, true, limits::MAX_RATE);
            let name = &rule.name;
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                self.error("E023", format!("rule name `{}` is not kebab-case", name.value), name.span).hint =
                    Some("lowercase words joined by dashes, naming the weakness: `unapproved-message-broker`".into());
            }
        }
    }

    fn settings(&mut self) {
        if let Some(risk) = self.root.risk.clone() {
            if let Some(trials) = &risk.trials {
                if **trials == 0 || **trials > limits::MAX_TRIALS {
                    self.error(
                        "E030",
                        format!(
                            "trials must be between 1 and {}, not {}",
                            limits::MAX_TRIALS,
                            trials.value
                        ),
                        trials.span,
                    )
                    .hint = Some("the simulation keeps every year of three stages in memory; 100,000 years is plenty for most estates".into());
                }
            }
            if let Some(w) = &risk.unverified_weight {
                if !(0.0..=1.0).contains(&**w) {
                    self.error(
                        "E030",
                        format!("unverified_weight must be between 0 and 1, not {}", w.value),
                        w.span,
                    );
                }
            }
            for a in &risk.adjustments {
                if *a.factor < 0.0 {
                    self.error(
                        "E030",
                        format!("adjustment factor may not be negative ({})", a.factor.value),
                        a.factor.span,
                    );
                }
            }
            for o in &risk.overrides {
                self.check_range("override frequency", &o.frequency, true, limits::MAX_RATE);
                if o.rule.is_none() && o.threat.is_none() {
                    self.error(
                        "E034",
                        "a frequency override needs `rule` or `threat`",
                        o.frequency.span,
                    );
                }
            }
        }
        if let Some(policy) = self.root.policy.clone() {
            if let Some(level) = &policy.fail_on {
                self.risk_level(level);
            }
        }
    }

    fn systems(&mut self) {
        let files = std::mem::take(&mut self.files);
        let mut seen = HashMap::default();
        // First pass: ids, zones, data and components of every system, so that
        // references across systems resolve whatever the file order.
        let mut kept = Vec::new();
        for (path, mut file) in files {
            if !self.check_id("system", &file.system.id, &mut seen) {
                continue;
            }
            let sys = SystemIdx(self.estate.systems.len() as u32);
            self.estate
                .system_ids
                .insert(file.system.id.value.clone(), sys);
            let owner = self.team_ref(&file.system.owner);
            let business_risks = self.risk_refs(&file.system.business_risks);
            self.estate.systems.push(SystemNode {
                header: file.system.clone(),
                owner,
                business_risks,
                path: path.clone(),
                span: file.system.id.span,
                assumptions: file.assumptions.clone(),
                threats: file.threats.clone(),
                ..SystemNode::default()
            });
            // The estate keeps zones, data and components; the file no longer needs them.
            self.system_zones(sys, std::mem::take(&mut file.zones));
            self.system_data(sys, std::mem::take(&mut file.data));
            self.system_components(sys, std::mem::take(&mut file.components));
            kept.push((sys, file));
        }
        // Second pass: what refers to other elements.
        for (sys, file) in &kept {
            self.uses(*sys, file);
            self.component_data(*sys, file);
        }
        for (sys, file) in &mut kept {
            let flows = std::mem::take(&mut file.flows);
            self.flows(*sys, flows);
            self.threat_entries(*sys, file);
        }
        self.files = kept
            .into_iter()
            .map(|(s, f)| (self.estate[s].path.clone(), f))
            .collect();
    }

    fn system_zones(&mut self, sys: SystemIdx, zones: Vec<Zone>) {
        let mut seen: HashMap<String, Span> = self
            .estate
            .zones
            .iter()
            .filter(|z| z.system.is_none())
            .map(|z| (z.raw.id.value.clone(), z.raw.id.span))
            .collect();
        for zone in zones {
            if let Some(z) = self.zone(zone, Some(sys), &mut seen) {
                self.estate.systems[sys.index()].zones.push(z);
            }
        }
    }

    fn system_data(&mut self, sys: SystemIdx, data: Vec<DataAsset>) {
        let mut seen = HashMap::default();
        for data in data {
            if !self.check_id("data asset", &data.id, &mut seen) {
                continue;
            }
            let business_risks = self.risk_refs(&data.business_risks);
            self.estate.data.push(DataNode {
                system: sys,
                raw: data,
                business_risks,
            });
            let idx = DataIdx(self.estate.data.len() as u32 - 1);
            self.estate.systems[sys.index()].data.push(idx);
        }
    }

    fn system_components(&mut self, sys: SystemIdx, components: Vec<Component>) {
        let mut seen = HashMap::default();
        for c in components {
            if !self.check_id("component", &c.id, &mut seen) {
                continue;
            }
            let zone = self.zone_ref(sys, &c.zone);
            let owner = match &c.owner {
                Some(o) => self.team_ref(o),
                None => self.estate.systems[sys.index()].owner,
            };
            let business_risks = self.risk_refs(&c.business_risks);
            let category = technology_category(&c.technology).unwrap_or(TechCategory::Unknown);
            if technology_category(&c.technology).is_none() {
                let d = self.warning(
                    "W010",
                    format!("unknown technology `{}`", c.technology.value),
                    c.technology.span,
                );
                d.hint = Some(match closest(&c.technology, TECHNOLOGIES.iter().map(|t| t.0)) {
                    Some(best) => format!("did you mean `{best}`? `riskfirst technologies` lists the known ones"),
                    None => "rules that depend on the technology will not see it; `riskfirst technologies` lists the known ones".into(),
                });
            }
            if let Some(reason) = &c.out_of_scope {
                if reason.trim().is_empty() {
                    self.error(
                        "E050",
                        format!(
                            "component `{}` is out of scope without a reason",
                            c.id.value
                        ),
                        c.id.span,
                    );
                }
            }
            self.estate.components.push(ComponentNode {
                system: sys,
                raw: c,
                category,
                zone,
                owner,
                processes: Vec::new(),
                stores: Vec::new(),
                business_risks,
                incoming: Vec::new(),
                outgoing: Vec::new(),
                used_by: Vec::new(),
            });
            let idx = ComponentIdx(self.estate.components.len() as u32 - 1);
            self.estate.systems[sys.index()].components.push(idx);
        }
    }

    fn zone_ref(&mut self, sys: SystemIdx, id: &Id) -> ZoneIdx {
        let found = self.estate.zones.iter().position(|z| {
            z.raw.id.value == id.value && (z.system.is_none() || z.system == Some(sys))
        });
        match found {
            Some(z) => ZoneIdx(z as u32),
            None => {
                let candidates: Vec<String> = if self.suggestions_left == 0 {
                    Vec::new()
                } else {
                    self.estate
                        .zones
                        .iter()
                        .filter(|z| z.system.is_none() || z.system == Some(sys))
                        .map(|z| z.raw.id.value.clone())
                        .collect()
                };
                self.unknown("zone", id, candidates);
                ZoneIdx(0)
            }
        }
    }

    /// The system a reference points into: `sys` for a local id, the named one
    /// for `system/id`; an unknown system is reported and gives `None`.
    fn owner_of(&mut self, sys: SystemIdx, id: &Id) -> Option<SystemIdx> {
        let Some((s, _)) = id.split_once('/') else {
            return Some(sys);
        };
        if let Some(owner) = self.estate.system(s) {
            return Some(owner);
        }
        let candidates: Vec<String> = if self.suggestions_left == 0 {
            Vec::new()
        } else {
            self.estate
                .systems
                .iter()
                .map(|s| s.id().to_string())
                .collect()
        };
        self.unknown(
            "system",
            &Spanned::with_span(s.to_string(), id.span),
            candidates,
        );
        None
    }

    fn data_ref(&mut self, sys: SystemIdx, id: &Id) -> Option<DataIdx> {
        let owner = self.owner_of(sys, id)?;
        let local = id.split_once('/').map_or(id.as_str(), |(_, d)| d);
        let found = self.estate[owner]
            .data
            .iter()
            .copied()
            .find(|d| self.estate[*d].id() == local);
        if found.is_none() {
            let candidates: Vec<String> = if self.suggestions_left == 0 {
                Vec::new()
            } else {
                self.estate[owner]
                    .data
                    .iter()
                    .map(|d| self.estate[*d].id().to_string())
                    .collect()
            };
            self.unknown("data asset", id, candidates);
        }
        found
    }

    fn component_ref(&mut self, sys: SystemIdx, id: &Id) -> Option<ComponentIdx> {
        if let Some(c) = self.estate.component_in(sys, id) {
            return Some(c);
        }
        let owner = self.owner_of(sys, id)?;
        let mut candidates: Vec<String> = if self.suggestions_left == 0 {
            Vec::new()
        } else {
            self.estate[owner]
                .components
                .iter()
                .map(|c| self.estate[*c].id().to_string())
                .collect()
        };
        if owner == sys {
            candidates.extend(
                self.estate[sys]
                    .uses
                    .iter()
                    .map(|c| self.estate.qualified(*c)),
            );
        }
        self.unknown("component", id, candidates);
        None
    }

    fn uses(&mut self, sys: SystemIdx, file: &SystemFile) {
        for used in &file.uses {
            if !used.contains('/') {
                self.error(
                    "E024",
                    format!(
                        "`uses` entry `{}` must name a component of another system",
                        used.value
                    ),
                    used.span,
                )
                .hint = Some(
                    "write it as `system/component`, such as `platform/identity-provider`".into(),
                );
                continue;
            }
            if let Some(c) = self.component_ref(sys, used) {
                if self.estate[c].system == sys {
                    self.warning(
                        "W011",
                        format!(
                            "`{}` is a component of this system; `uses` is for other systems'",
                            used.value
                        ),
                        used.span,
                    );
                    continue;
                }
                if !self.estate.systems[sys.index()].uses.contains(&c) {
                    self.estate.systems[sys.index()].uses.push(c);
                    self.estate.components[c.index()].used_by.push(sys);
                }
            }
        }
    }

    fn component_data(&mut self, sys: SystemIdx, _file: &SystemFile) {
        let components = self.estate[sys].components.clone();
        for c in components {
            let raw = &self.estate[c].raw;
            let (processes_ids, stores_ids) = (raw.processes.clone(), raw.stores.clone());
            let external = raw.kind == ComponentKind::ExternalEntity;
            let id = raw.id.value.clone();
            let processes = processes_ids
                .iter()
                .filter_map(|d| self.data_ref(sys, d))
                .collect();
            let stores = stores_ids
                .iter()
                .filter_map(|d| self.data_ref(sys, d))
                .collect();
            if external && !stores_ids.is_empty() {
                self.warning(
                    "W012",
                    format!(
                        "external entity `{id}` stores data; what it stores is out of your control"
                    ),
                    stores_ids[0].span,
                )
                .hint = Some("model the store as a datastore if you run it".into());
            }
            let node = &mut self.estate.components[c.index()];
            node.processes = processes;
            node.stores = stores;
        }
    }

    fn flows(&mut self, sys: SystemIdx, flows: Vec<Flow>) {
        let mut seen = HashMap::default();
        for flow in flows {
            if !self.check_id("flow", &flow.id, &mut seen) {
                continue;
            }
            let from = self.component_ref(sys, &flow.from);
            let to = self.component_ref(sys, &flow.to);
            if flow.from.value == flow.to.value {
                self.error("E040", format!("flow `{}` goes from `{}` to itself", flow.id.value, flow.from.value), flow.to.span).hint =
                    Some("a flow connects two different components; model work inside one component as `processes`".into());
            }
            let data = flow
                .data
                .iter()
                .filter_map(|d| self.data_ref(sys, d))
                .collect();
            let implied = protocol_encrypted(&flow.protocol);
            if implied.is_none() {
                let d = self.warning(
                    "W013",
                    format!("unknown protocol `{}`", flow.protocol.value),
                    flow.protocol.span,
                );
                d.hint = Some(match closest(&flow.protocol, PROTOCOLS.iter().map(|p| p.0)) {
                    Some(best) => format!("did you mean `{best}`? `riskfirst technologies` lists the known protocols"),
                    None => "`riskfirst technologies` lists the known protocols".into(),
                });
            }
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            let encrypted = flow.tls.or(implied).unwrap_or(false);
            let idx = FlowIdx(self.estate.flows.len() as u32);
            self.estate.flows.push(FlowNode {
                system: sys,
                raw: flow,
                from,
                to,
                data,
                encrypted,
            });
            self.estate.systems[sys.index()].flows.push(idx);
            self.estate.components[from.index()].outgoing.push(idx);
            self.estate.components[to.index()].incoming.push(idx);
        }
    }

    fn threat_entries(&mut self, sys: SystemIdx, file: &SystemFile) {
        let mut seen = HashMap::default();
        for entry in &file.threats {
            if let Some(c) = entry.id.chars().find(|&c| {
                !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '/' | '*'))
            }) {
                self.error(
                    "E022",
                    format!(
                        "threat id `{}` contains {}",
                        shown_id(&entry.id),
                        describe_char(c)
                    ),
                    entry.id.span,
                )
                .hint = Some("a threat id is a rule code and element ids joined by `@`, such as `S003@web@payments-db`, or a hand-written id such as `insider-fraud`".into());
                continue;
            }
            if let Some(first) = seen.insert(entry.id.value.clone(), entry.id.span) {
                self.error(
                    "E020",
                    format!("duplicate threat entry `{}`", entry.id.value),
                    entry.id.span,
                )
                .hint = Some(format!("the first entry is on line {}", first.line));
            }
            let status = *entry.status;
            let needs_reason = matches!(
                status,
                ThreatStatus::Accepted | ThreatStatus::Transferred | ThreatStatus::NotApplicable
            );
            let status_name = match status {
                ThreatStatus::Accepted => "accepted",
                ThreatStatus::Transferred => "transferred",
                ThreatStatus::NotApplicable => "not-applicable",
                ThreatStatus::Open => "open",
                ThreatStatus::Mitigated => "mitigated",
            };
            if needs_reason
                && entry
                    .justification
                    .as_deref()
                    .is_none_or(|j| j.trim().is_empty())
            {
                self.error(
                    "E050",
                    format!(
                        "threat `{}` is {status_name} without a justification",
                        entry.id.value
                    ),
                    entry.status.span,
                )
                .hint = Some("add `justification:` saying why the risk is acceptable".into());
            }
            if status == ThreatStatus::Accepted {
                if entry
                    .approved_by
                    .as_deref()
                    .is_none_or(|a| a.trim().is_empty())
                {
                    self.error("E051", format!("threat `{}` is accepted without `approved_by`", entry.id.value), entry.status.span).hint =
                        Some("name the person or role who accepted the risk, such as the business risk's owner".into());
                }
                match &entry.expires {
                    None => {
                        self.error(
                            "E052",
                            format!("threat `{}` is accepted without an expiry", entry.id.value),
                            entry.status.span,
                        )
                        .hint = Some(
                            "add `expires: YYYY-MM-DD`; acceptances are reviewed when they expire"
                                .into(),
                        );
                    }
                    Some(expires) => {
                        if let (Some(date), Some(today)) =
                            (self.check_date("expiry", expires), self.today)
                        {
                            if date < today {
                                self.warning("W020", format!("the acceptance of `{}` expired on {date}", entry.id.value), expires.span).hint =
                                    Some("review the risk: renew the acceptance with a new date, or mitigate".into());
                            }
                        }
                    }
                }
            } else if let Some(expires) = &entry.expires {
                self.check_date("expiry", expires);
            }
            if let Some(owner) = &entry.owner {
                self.team_ref(owner);
            }
            self.risk_refs(&entry.business_risks);
            if let Some(f) = &entry.frequency {
                self.check_range("threat frequency", f, true, limits::MAX_RATE);
            }
            let generated = entry.id.contains('@') || entry.id.contains('*');
            if generated {
                if entry.title.is_some() || entry.stride.is_some() || !entry.elements.is_empty() {
                    self.warning("W021", format!("`{}` is a generated threat id; `title`, `stride` and `elements` apply to hand-written threats only", entry.id.value), entry.id.span);
                }
                continue;
            }
            // A hand-written threat: one error listing every key it lacks.
            let mut missing = Vec::new();
            if entry.title.is_none() {
                missing.push("`title`");
            }
            if entry.stride.is_none() {
                missing.push("`stride`");
            }
            if entry.elements.is_empty() {
                missing.push("`elements`");
            }
            if let Some((last, rest)) = missing.split_last() {
                let keys = if rest.is_empty() {
                    last.to_string()
                } else {
                    format!("{} and {last}", rest.join(", "))
                };
                self.error(
                    "E012",
                    format!("hand-written threat `{}` needs {keys}", entry.id.value),
                    entry.id.span,
                )
                .hint = Some("a threat written by hand has a `title`, a `stride` category and the `elements` (components or flows) it concerns; to decide on a generated threat, use its id, such as `S003@web@payments-db`".into());
            }
            for element in &entry.elements {
                self.element_ref(sys, element);
            }
        }
    }

    /// A component or a flow of `sys` (or a qualified component).
    fn element_ref(&mut self, sys: SystemIdx, id: &Id) {
        if self.estate.component_in(sys, id).is_some() {
            return;
        }
        if self.estate[sys]
            .flows
            .iter()
            .any(|f| self.estate[*f].id() == id.as_str())
        {
            return;
        }
        let mut candidates: Vec<String> = if self.suggestions_left == 0 {
            Vec::new()
        } else {
            self.estate[sys]
                .components
                .iter()
                .map(|c| self.estate[*c].id().to_string())
                .collect()
        };
        candidates.extend(
            self.estate[sys]
                .flows
                .iter()
                .map(|f| self.estate[*f].id().to_string()),
        );
        self.unknown("component or flow", id, candidates);
    }

    fn controls(&mut self) {
        let mut library_seen = HashMap::default();
        let library = self.root.controls.clone();
        for control in library {
            if self.check_id("control", &control.id, &mut library_seen) {
                self.control(None, control);
            }
        }
        let systems: Vec<(SystemIdx, Vec<Control>)> = self
            .files
            .iter()
            .filter_map(|(_, f)| {
                self.estate
                    .system(&f.system.id)
                    .map(|s| (s, f.controls.clone()))
            })
            .collect();
        for (sys, controls) in systems {
            let mut seen = library_seen.clone();
            for control in controls {
                if self.check_id("control", &control.id, &mut seen) {
                    self.control(Some(sys), control);
                }
            }
        }
    }

    fn control(&mut self, sys: Option<SystemIdx>, control: Control) {
        let owner = self.team_ref(&control.owner);
        if let Some(cost) = &control.cost {
            if cost.once < 0.0
                || cost.yearly < 0.0
                || !cost.once.is_finite()
                || !cost.yearly.is_finite()
            {
                self.error(
                    "E030",
                    format!("cost of control `{}` may not be negative", control.id.value),
                    cost.span,
                );
            } else if cost.once > limits::MAX_AMOUNT || cost.yearly > limits::MAX_AMOUNT {
                self.error(
                    "E030",
                    format!(
                        "cost of control `{}` is above the largest supported amount, {:e}",
                        control.id.value,
                        limits::MAX_AMOUNT
                    ),
                    cost.span,
                );
            }
        }
        if let Some(due) = &control.due {
            self.check_date("due date", due);
        }
        if control.mitigates.is_empty() {
            self.error("E034", format!("control `{}` mitigates nothing", control.id.value), control.id.span).hint =
                Some("add `mitigates: [ { threats: [\"S003@*\"], reduces: frequency, effectiveness: 0.6 } ]`".into());
        }
        for m in &control.mitigates {
            let e = &m.effectiveness;
            let (low, high) = (e.low(), e.high());
            if !(0.0..=1.0).contains(&low) || !(0.0..=1.0).contains(&high) {
                let shown = if high > 1.0 && high <= 100.0 {
                    " (write 60% as 0.6)"
                } else {
                    ""
                };
                self.error(
                    "E030",
                    format!("effectiveness must be between 0 and 1{shown}"),
                    e.span,
                )
                .hint = Some(
                    "effectiveness is the fraction of frequency or loss removed: 0.6 removes 60%"
                        .into(),
                );
            } else if low > high {
                self.error(
                    "E031",
                    format!("effectiveness: low ({low}) is greater than high ({high})"),
                    e.span,
                );
            }
            if m.threats.is_empty()
                && m.rules.is_empty()
                && m.stride.is_empty()
                && m.elements.is_empty()
            {
                self.error(
                    "E034",
                    format!(
                        "a mitigation of control `{}` selects no threats",
                        control.id.value
                    ),
                    e.span,
                )
                .hint = Some("give `threats`, `rules`, `stride` or `elements`".into());
            }
            for element in &m.elements {
                match sys {
                    Some(s) => self.element_ref(s, element),
                    None => {
                        if !element.contains('/') {
                            self.error("E024", format!("library control element `{}` must be qualified as `system/component`", element.value), element.span);
                        } else {
                            let any = self.estate.system_indices().next();
                            if let Some(any) = any {
                                self.component_ref(any, element);
                            }
                        }
                    }
                }
            }
        }
        self.estate.controls.push(ControlNode {
            system: sys,
            raw: control,
            owner,
        });
    }

    /// Warnings for what is defined and never used.
    fn unused(&mut self) {
        // Elements left out because of an error leave others looking unused;
        // these warnings wait until the errors are fixed.
        if self.diags.iter().any(Diagnostic::is_error) {
            return;
        }
        let mut used = vec![false; self.estate.data.len()];
        for c in &self.estate.components {
            for d in c.processes.iter().chain(&c.stores) {
                used[d.index()] = true;
            }
        }
        for f in &self.estate.flows {
            for d in &f.data {
                used[d.index()] = true;
            }
        }
        let unused: Vec<(String, Span)> = self
            .estate
            .data
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(d, _)| (d.raw.id.value.clone(), d.raw.id.span))
            .collect();
        for (id, span) in unused {
            self.warning("W014", format!("data asset `{id}` is not processed, stored or carried by anything"), span).hint =
                Some("add it to a component's `processes` or `stores`, or to a flow's `data`, or remove it".into());
        }
        let lonely: Vec<(String, Span)> = self
            .estate
            .components
            .iter()
            .filter(|c| c.incoming.is_empty() && c.outgoing.is_empty() && c.used_by.is_empty())
            .map(|c| (c.raw.id.value.clone(), c.raw.id.span))
            .collect();
        for (id, span) in lonely {
            self.warning("W015", format!("component `{id}` has no flows"), span)
                .hint = Some(
                "threats between components are found on flows; add the flows that reach it".into(),
            );
        }
    }
}
