//! The HTML report: one self-contained file (inline CSS and SVG, no script) that shows a
//! board member the business risk in money and an engineer the detail behind it.
//!
//! Every string from the model goes through [`escape::Esc`]; anchors are built from indices,
//! never from model text, and the report holds no link to anything outside itself.

pub mod charts;
pub mod escape;

use std::fmt::Write;

use riskfirst_assess::{
    money, Action, AppetiteOut, Assessment, Figure, Losses, Measure, ThreatOut,
};
use riskfirst_model::format::{ControlStatus, ThreatStatus};
use riskfirst_model::text::plural;
use riskfirst_model::{Date, SystemIdx};

use crate::ReportInput;
use charts::{Curve, Limit};
use escape::Esc;

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{ let _ = write!($dst, $($arg)*); }};
}

const STYLE: &str = include_str!("style.css");

/// Renders the whole report.
pub fn render(input: &ReportInput<'_>) -> String {
    let r = Report::new(input);
    let mut out = String::with_capacity(256 * 1024);
    let a = r.a;
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{}\">\n<title>{} · Security risk report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        Esc(&a.generator),
        Esc(&a.organisation.name)
    );
    r.cover(&mut out);
    r.contents(&mut out);
    r.summary(&mut out);
    r.loss_exceedance(&mut out);
    r.heat_map(&mut out);
    r.teams(&mut out);
    r.plan(&mut out);
    r.systems(&mut out);
    r.appendix(&mut out);
    r.footer(&mut out);
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

struct Report<'a> {
    input: &'a ReportInput<'a>,
    marks: crate::diagram::Marks,
    a: &'a Assessment,
    cur: &'a str,
    levels: &'a [String],
}

/// The colour of level `index` of `count` levels (the diagrams' palette, so a level reads
/// the same everywhere), and the ink that reads on it.
fn level_colours(index: usize, count: usize) -> (&'static str, &'static str) {
    let colour = crate::diagram::level_colour(index, count);
    let c = |i: usize| {
        f64::from(u8::from_str_radix(colour.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128))
    };
    // Relative luminance, roughly: light colours (yellow) take dark ink.
    let light = 0.299 * c(1) + 0.587 * c(3) + 0.114 * c(5) > 150.0;
    (colour, if light { "#1b2330" } else { "#ffffff" })
}

/// `colour` mixed with white: `keep` of the colour.
fn tint(colour: &str, keep: f64) -> String {
    let c = |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    let mix = |v: u8| (f64::from(v) * keep + 255.0 * (1.0 - keep)).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(c(1)), mix(c(3)), mix(c(5)))
}

/// A rate of events per year with about two significant figures.
fn rate(x: f64) -> String {
    if x <= 0.0 {
        "0".into()
    } else if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        let digits = (-x.log10()).ceil() as usize + 1;
        format!("{x:.digits$}")
    }
}

/// A rule's summary as a title: first letter capitalised.
fn title(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A sentence from the assessment without its code quotes.
fn prose(s: &str) -> String {
    s.replace('`', "")
}

fn pct(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "0%".into()
    } else {
        format!("{:.0}%", 100.0 * part / whole)
    }
}

/// A percentile's name for a reader who is not a statistician.
fn measure_name(m: &str) -> &'static str {
    match m {
        "mean" => "expected loss",
        "p50" => "a typical year (p50)",
        "p90" => "a bad year (p90)",
        "p95" => "a 1-in-20 year (p95)",
        "p99" => "a 1-in-100 year (p99)",
        _ => "open threats",
    }
}

/// A limit's name on a chart, where space is short.
fn limit_name(m: &str) -> &'static str {
    match m {
        "mean" => "expected-loss",
        "p50" => "typical-year",
        "p90" => "bad-year",
        "p95" => "1-in-20-year",
        _ => "1-in-100-year",
    }
}

fn measure_probability(m: &str) -> Option<f64> {
    match m {
        "p50" => Some(0.5),
        "p90" => Some(0.1),
        "p95" => Some(0.05),
        "p99" => Some(0.01),
        _ => None,
    }
}

impl<'a> Report<'a> {
    fn new(input: &'a ReportInput<'a>) -> Self {
        let a = input.assessment;
        Report {
            input,
            marks: crate::diagram::Marks::new(input.estate, input.analysis, a),
            a,
            cur: &a.settings.currency,
            levels: &a.settings.levels,
        }
    }

    fn m(&self, amount: f64) -> String {
        money(amount, self.cur)
    }

    fn pill(&self, level: &str) -> String {
        let i = self.levels.iter().position(|l| l == level).unwrap_or(0);
        let (bg, ink) = level_colours(i, self.levels.len());
        format!(
            r#"<span class="pill" style="background:{bg};color:{ink}">{}</span>"#,
            Esc(level)
        )
    }

    fn stages(&self, l: &Losses) -> String {
        format!(
            r#"{}<span class="arrow">→</span>{}<span class="arrow">→</span>{}"#,
            self.m(l.inherent.mean),
            self.m(l.current.mean),
            self.m(l.projected.mean)
        )
    }

    fn team_name<'b>(&'b self, id: &'b str) -> &'b str {
        self.input
            .estate
            .teams
            .iter()
            .find(|t| t.id.value == id)
            .map_or(id, |t| t.name.as_str())
    }

    fn risk_title(&self, id: &str) -> &'a str {
        self.a
            .business_risks
            .iter()
            .find(|r| r.id == id)
            .map_or("", |r| r.title.as_str())
    }

    /// The anchor of threat `i` in the appendix.
    fn threat_anchor(i: usize) -> String {
        format!("t-{i}")
    }

    fn threat_mean(t: &ThreatOut) -> f64 {
        t.current_value()
    }

    fn cover(&self, out: &mut String) {
        let a = self.a;
        w!(
            out,
            "<header class=\"cover\">\n<div class=\"eyebrow\">Security risk report</div>\n<h1>{}</h1>\n",
            Esc(&a.organisation.name)
        );
        if let Some(d) = &self.input.estate.organisation.description {
            w!(out, "<p class=\"lead\">{}</p>\n", Esc(d));
        }
        w!(
            out,
            "<div class=\"meta\"><span>As of <b>{}</b></span><span><b>{}</b> systems · <b>{}</b> components · <b>{}</b> data flows</span><span><b>{}</b> threats assessed</span><span>Amounts in <b>{}</b> per year</span></div>\n</header>\n",
            self.input.today,
            a.summary.systems,
            a.summary.components,
            a.summary.flows,
            a.summary.threats,
            Esc(self.cur)
        );
    }

    fn contents(&self, out: &mut String) {
        out.push_str("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
        for (id, title) in [
            ("summary", "Executive summary"),
            ("loss-exceedance", "How bad a year can get"),
            ("heat-map", "Likelihood and impact"),
            ("teams", "Risk by team"),
            ("plan", "Remediation plan"),
        ] {
            w!(out, "<li><a href=\"#{id}\">{title}</a></li>\n");
        }
        out.push_str("<li><a href=\"#systems\">Systems</a>\n<ol>\n");
        for (i, s) in self.input.estate.systems.iter().enumerate() {
            w!(
                out,
                "<li><a href=\"#system-{i}\">{}</a></li>\n",
                Esc(&s.header.name)
            );
        }
        out.push_str("</ol></li>\n<li><a href=\"#appendix\">Appendix: every threat explained</a></li>\n<li><a href=\"#method\">How the numbers are made</a></li>\n</ol>\n</nav>\n");
    }

    fn planned_controls(&self) -> impl Iterator<Item = &'a riskfirst_assess::ControlOut> {
        self.a
            .controls
            .iter()
            .filter(|c| matches!(c.status, ControlStatus::Planned | ControlStatus::InProgress))
    }

    fn summary(&self, out: &mut String) {
        let a = self.a;
        let org = &a.organisation.annual_loss;
        let planned: Vec<_> = self.planned_controls().collect();
        let planned_cost: f64 = planned.iter().map(|c| c.annual_cost).sum();
        let removed_by_plan = (org.current.mean - org.projected.mean).max(0.0);
        let removed_now = (org.inherent.mean - org.current.mean).max(0.0);
        let risks_with_loss = a
            .business_risks
            .iter()
            .filter(|r| r.annual_loss.current.mean > 0.0)
            .count();

        out.push_str("<section id=\"summary\" class=\"major\">\n<h2>Executive summary</h2>\n");
        w!(
            out,
            "<p class=\"lead\">{} can expect to lose about <b>{} a year</b> to the {} business risks assessed here, and <b>{}</b> in a bad year (one year in ten). The security controls already in place remove {} of the loss the organisation would face without them ({} a year).",
            Esc(&a.organisation.name),
            self.m(org.current.mean),
            risks_with_loss,
            self.m(org.current.p90),
            pct(removed_now, org.inherent.mean),
            self.m(org.inherent.mean)
        );
        if planned.is_empty() {
            out.push_str(" No further controls are planned.");
        } else {
            w!(
                out,
                " The {} planned controls cost {} a year and would bring the expected loss down to <b>{}</b>, a further {} less.",
                planned.len(),
                self.m(planned_cost),
                self.m(org.projected.mean),
                pct(removed_by_plan, org.current.mean)
            );
        }
        out.push_str("</p>\n");

        // Key figures.
        w!(
            out,
            "<div class=\"kpis\">\n<div class=\"kpi accent\"><div class=\"label\">Expected loss a year</div><div class=\"value\">{}</div><div class=\"note\">with the controls in place today</div></div>\n<div class=\"kpi\"><div class=\"label\">A bad year</div><div class=\"value\">{}</div><div class=\"note\">one year in ten is worse (p90)</div></div>\n<div class=\"kpi\"><div class=\"label\">After planned controls</div><div class=\"value\">{}</div><div class=\"note\">expected a year, {} less</div></div>\n<div class=\"kpi\"><div class=\"label\">Planned controls cost</div><div class=\"value\">{}</div><div class=\"note\">a year; they remove {} a year</div></div>\n</div>\n",
            self.m(org.current.mean),
            self.m(org.current.p90),
            self.m(org.projected.mean),
            pct(removed_by_plan, org.current.mean),
            self.m(planned_cost),
            self.m(removed_by_plan)
        );
        if let Some(note) = crate::p90_below_mean_note(org.current.mean, org.current.p90) {
            w!(out, "<p class=\"muted\">{note}</p>\n");
        }

        // Inherent, current, projected as bars.
        let top = org
            .inherent
            .mean
            .max(org.current.mean)
            .max(org.projected.mean)
            .max(f64::MIN_POSITIVE);
        out.push_str("<div class=\"stages\" aria-label=\"Expected annual loss by stage\">\n");
        for (name, note, value, colour) in [
            (
                "Without controls",
                "inherent",
                org.inherent.mean,
                charts::INHERENT,
            ),
            (
                "Today",
                "controls in place",
                org.current.mean,
                charts::CURRENT,
            ),
            (
                "After the plan",
                "planned controls done",
                org.projected.mean,
                charts::PROJECTED,
            ),
        ] {
            w!(
                out,
                "<div class=\"stage\"><div class=\"name\">{name}<small>{note}</small></div><div class=\"track\"><span class=\"fill\" style=\"width:{:.1}%;background:{colour}\"></span></div><div class=\"amount\">{}</div></div>\n",
                100.0 * value / top,
                self.m(value)
            );
        }
        out.push_str("</div>\n");

        self.business_risks(out);
        self.appetite(out);
        self.accepted(out);
        out.push_str("</section>\n");
    }

    fn business_risks(&self, out: &mut String) {
        let risks = self.a.business_risks_by_loss();
        out.push_str("<h3 id=\"business-risks\">The business risks, largest first</h3>\n<p class=\"muted\">What each outcome the business fears is expected to cost a year, and in a bad year. The stages show the loss without any controls, today, and once the planned controls are in place.</p>\n<div class=\"table-wrap\"><table class=\"risks\">\n<thead><tr><th>Business risk</th><th class=\"num\">Expected a year</th><th class=\"num\">Bad year (p90)</th><th class=\"num\">Without controls → today → planned</th><th>Level</th><th class=\"num\">Threats</th></tr></thead>\n<tbody>\n");
        for r in risks {
            w!(
                out,
                "<tr><td class=\"strong\">{}<span class=\"sub\">Owner: {}</span></td><td class=\"num strong\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
                Esc(&r.title),
                Esc(&r.owner),
                self.m(r.annual_loss.current.mean),
                self.m(r.annual_loss.current.p90),
                self.stages(&r.annual_loss),
                self.pill(&r.level.level),
                r.threats
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn appetite_limit(&self, x: &AppetiteOut) -> (String, String, String) {
        if x.measure == Measure::MaxOpenLevel {
            let n = |v: &Figure| match v {
                Figure::Count(n) => *n,
                _ => 0,
            };
            return (
                format!(
                    "no open threat above <b>{}</b>",
                    Esc(x.limit.as_str().unwrap_or(""))
                ),
                format!("{} above", n(&x.current)),
                format!("{} above", n(&x.projected)),
            );
        }
        let v = |v: &Figure| self.m(v.as_f64().unwrap_or(0.0));
        (
            format!(
                "{} at most <b>{}</b>",
                measure_name(x.measure.as_str()),
                v(&x.limit)
            ),
            v(&x.current),
            v(&x.projected),
        )
    }

    fn appetite(&self, out: &mut String) {
        let a = self.a;
        out.push_str("<h3 id=\"appetite\">Risk appetite</h3>\n");
        if a.appetite.is_empty() {
            out.push_str("<p>The organisation states no risk appetite, so there is no line that says where to stop. Adding one lets riskfirst separate what is worth engineering time from what can be accepted.</p>\n");
            return;
        }
        let breached = a.appetite.iter().filter(|x| x.breached).count();
        let after = a.appetite.iter().filter(|x| x.breached_projected).count();
        w!(
            out,
            "<p>{} of {} limits the organisation has set on its risk {} breached today; once the planned controls are in place, {} would be.</p>\n",
            breached,
            a.appetite.len(),
            if breached == 1 { "is" } else { "are" },
            after
        );
        out.push_str("<div class=\"table-wrap\"><table class=\"appetite\">\n<thead><tr><th>Scope</th><th>Limit</th><th class=\"num\">Today</th><th>Status</th><th class=\"num\">After the plan</th><th>Status</th></tr></thead>\n<tbody>\n");
        for x in &a.appetite {
            let scope = match &x.business_risk {
                Some(id) => Esc(self.risk_title(id)).to_string(),
                None => "The whole organisation".to_string(),
            };
            let (limit, now, later) = self.appetite_limit(x);
            let tag = |b: bool| {
                if b {
                    r#"<span class="tag bad">Breached</span>"#
                } else {
                    r#"<span class="tag good">Within</span>"#
                }
            };
            let desc = if x.description.is_empty() {
                String::new()
            } else {
                format!("<span class=\"sub\">{}</span>", Esc(&x.description))
            };
            w!(
                out,
                "<tr><td class=\"strong\">{scope}{desc}</td><td>{limit}</td><td class=\"num\">{now}</td><td>{}</td><td class=\"num\">{later}</td><td>{}</td></tr>\n",
                tag(x.breached),
                tag(x.breached_projected)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn accepted(&self, out: &mut String) {
        let mut acc: Vec<(usize, &ThreatOut)> = self
            .a
            .threats
            .iter()
            .enumerate()
            .filter(|(_, t)| t.status == ThreatStatus::Accepted)
            .collect();
        acc.sort_by(|(_, x), (_, y)| {
            let expired = |t: &ThreatOut| t.decision.as_ref().is_some_and(|d| d.expired);
            expired(y)
                .cmp(&expired(x))
                .then(Self::threat_mean(y).total_cmp(&Self::threat_mean(x)))
                .then_with(|| x.id.cmp(&y.id))
        });
        out.push_str("<h3 id=\"accepted\">Accepted risks</h3>\n");
        if acc.is_empty() {
            out.push_str("<p>No risk is accepted.</p>\n");
            return;
        }
        let expired = acc
            .iter()
            .filter(|(_, t)| t.decision.as_ref().is_some_and(|d| d.expired))
            .count();
        // Those the CI gate warns about: in date, but ending within `policy.warn_days`.
        let warn_days = i64::from(
            self.input
                .estate
                .root
                .policy
                .as_ref()
                .and_then(|p| p.warn_days)
                .unwrap_or(30),
        );
        let today = self.input.today;
        let expiring = acc
            .iter()
            .filter_map(|(_, t)| t.decision.as_ref())
            .filter(|d| !d.expired)
            .filter_map(|d| d.expires.as_deref().and_then(Date::parse))
            .filter(|e| (e.days() - today.days()) <= warn_days)
            .count();
        let total: f64 = acc.iter().map(|(_, t)| Self::threat_mean(t)).sum();
        w!(
            out,
            "<p>{} accepted by a named person, together {} of expected loss a year. {}</p>\n",
            plural(acc.len(), "threat is", "threats are"),
            self.m(total),
            match (expired, expiring) {
                (0, 0) => format!("Every acceptance is in date for at least {warn_days} more days."),
                (0, 1) => format!(
                    "None has expired; <b>one expires</b> within {warn_days} days and needs a new decision soon."
                ),
                (0, n) => format!(
                    "None has expired; <b>{n} expire</b> within {warn_days} days and need a new decision soon."
                ),
                (1, _) => "<b>One acceptance has expired</b> and needs a new decision.".to_string(),
                (n, _) => format!("<b>{n} acceptances have expired</b> and need a new decision."),
            }
        );
        out.push_str("<div class=\"table-wrap\"><table class=\"accepted\">\n<thead><tr><th>Threat</th><th>System</th><th>Accepted by</th><th>Until</th><th class=\"num\">Expected a year</th><th>Why</th></tr></thead>\n<tbody>\n");
        for (i, t) in acc {
            let d = t.decision.as_ref();
            let until = d.and_then(|d| d.expires.as_deref()).unwrap_or("no date");
            let state = if d.is_some_and(|d| d.expired) {
                r#" <span class="tag bad">Expired</span>"#
            } else {
                ""
            };
            w!(
                out,
                "<tr><td><a href=\"#{}\">{}</a><span class=\"sub mono\">{}</span></td><td>{}</td><td>{}</td><td class=\"nowrap\">{}{state}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                Self::threat_anchor(i),
                Esc(&title(&t.title)),
                Esc(&t.id),
                Esc(&self.system_name(&t.system)),
                Esc(d.and_then(|d| d.approved_by.as_deref()).unwrap_or("nobody named")),
                Esc(until),
                self.m(Self::threat_mean(t)),
                Esc(d.and_then(|d| d.justification.as_deref()).unwrap_or(""))
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn system_name(&self, id: &str) -> String {
        self.input
            .estate
            .systems
            .iter()
            .find(|s| s.id() == id)
            .map_or_else(|| id.to_string(), |s| s.header.name.clone())
    }

    fn limits_for(&self, risk: Option<&str>) -> Vec<Limit> {
        self.a
            .appetite
            .iter()
            .filter(|x| x.business_risk.as_deref() == risk && x.measure != Measure::MaxOpenLevel)
            .map(|x| {
                let loss = x.limit.as_f64().unwrap_or(0.0);
                Limit {
                    label: format!("{} limit {}", limit_name(x.measure.as_str()), self.m(loss)),
                    loss,
                    probability: measure_probability(x.measure.as_str()),
                    breached: x.breached,
                }
            })
            .collect()
    }

    fn curves(l: &Losses) -> [Curve<'_>; 3] {
        [
            Curve {
                label: "Without controls",
                points: &l.inherent.lec,
                colour: charts::INHERENT,
                dash: "5 4",
            },
            Curve {
                label: "Today",
                points: &l.current.lec,
                colour: charts::CURRENT,
                dash: "",
            },
            Curve {
                label: "After the plan",
                points: &l.projected.lec,
                colour: charts::PROJECTED,
                dash: "1.5 3",
            },
        ]
    }

    fn loss_exceedance(&self, out: &mut String) {
        let org = &self.a.organisation.annual_loss;
        out.push_str(
            "<section id=\"loss-exceedance\" class=\"major\">\n<h2>How bad a year can get</h2>\n",
        );
        w!(
            out,
            "<p class=\"lead\">Each curve gives, for any amount, the chance that a year's losses exceed it. Today there is a {} chance of any loss in a year; one year in ten costs more than {}, one in a hundred more than {}.</p>\n",
            pct(org.current.p_any_loss, 1.0),
            self.m(org.current.p90),
            self.m(org.current.p99)
        );
        out.push_str("<figure class=\"lec-figure\">\n");
        out.push_str(&charts::lec(
            "lec",
            "Loss exceedance: the whole organisation",
            &Self::curves(org),
            &self.limits_for(None),
            self.cur,
            (1000.0, 420.0),
        ));
        out.push_str("\n<figcaption>The whole organisation. Dashed grey: without any control; solid: today; dotted green: once the planned controls are in place. Diamonds and vertical lines are the limits of the risk appetite, red when breached today. The further left and lower a curve, the less risk.</figcaption>\n</figure>\n");

        // One small chart per business risk that has a limit, so each limit is seen on its own curve.
        let with_limits: Vec<_> = self
            .a
            .business_risks
            .iter()
            .enumerate()
            .filter(|(_, r)| !self.limits_for(Some(&r.id)).is_empty())
            .collect();
        if !with_limits.is_empty() {
            out.push_str("<h3>Each business risk against its limit</h3>\n<div class=\"grid2\">\n");
            for (i, r) in with_limits {
                w!(
                    out,
                    "<figure class=\"small-multiple\"><h4>{}</h4>\n",
                    Esc(&r.title)
                );
                out.push_str(&charts::lec(
                    &format!("lec-risk-{i}"),
                    &format!("Loss exceedance: {}", r.title),
                    &Self::curves(&r.annual_loss),
                    &self.limits_for(Some(&r.id)),
                    self.cur,
                    (520.0, 300.0),
                ));
                out.push_str("</figure>\n");
            }
            out.push_str("</div>\n");
        }
        out.push_str("</section>\n");
    }

    fn heat_map(&self, out: &mut String) {
        let scales = &self.input.estate.scales;
        let mut counts = vec![vec![0usize; scales.impact.len()]; scales.likelihood.len()];
        let mut unquantified = 0;
        for t in &self.a.threats {
            if t.status == ThreatStatus::NotApplicable {
                continue;
            }
            if t.value.is_none() || t.business_risks.is_empty() {
                unquantified += 1;
                continue;
            }
            let l = scales
                .likelihood
                .iter()
                .position(|x| x.0 == t.level.likelihood);
            let i = scales.impact.iter().position(|x| x.0 == t.level.impact);
            if let (Some(l), Some(i)) = (l, i) {
                counts[l][i] += 1;
            }
        }
        out.push_str("<section id=\"heat-map\" class=\"major\">\n<h2>Likelihood and impact</h2>\n<p class=\"lead\">Every threat placed by how often it is expected to happen and how much one event costs, with the controls in place today. The colour is the organisation's own risk level for that combination.</p>\n<figure class=\"heatmap-figure\">\n<table class=\"heatmap\" id=\"heatmap\">\n<thead><tr><th></th>");
        let bound = |i: usize, list: &[(String, f64)], f: &dyn Fn(f64) -> String| {
            let upper = list[i].1;
            if upper.is_finite() {
                format!("below {}", f(upper))
            } else if i > 0 {
                format!("{} or more", f(list[i - 1].1))
            } else {
                "any".to_string()
            }
        };
        for i in 0..scales.impact.len() {
            w!(
                out,
                "<th>{}<small>{}</small></th>",
                Esc(&scales.impact[i].0),
                Esc(&bound(i, &scales.impact, &|v| self.m(v)))
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for l in (0..scales.likelihood.len()).rev() {
            w!(
                out,
                "<tr><th class=\"row\">{}<small>{}</small></th>",
                Esc(&scales.likelihood[l].0),
                Esc(&bound(l, &scales.likelihood, &|v| format!(
                    "{} a year",
                    rate(v)
                )))
            );
            for (i, n) in counts[l].iter().enumerate() {
                let r = scales.risk_index(l, i);
                let name = scales.risk.get(r).map_or("", String::as_str);
                let (colour, _) = level_colours(r, scales.risk.len());
                let bg = tint(colour, if *n > 0 { 0.32 } else { 0.12 });
                let count = if *n > 0 {
                    n.to_string()
                } else {
                    "·".to_string()
                };
                w!(
                    out,
                    "<td class=\"hm-cell\" style=\"background:{bg};color:{}\" title=\"{}\"><span class=\"count{}\">{count}</span><span class=\"lvl\">{}</span></td>",
                    tint(colour, 1.0),
                    Esc(&format!("{} × {}: {n} threats, level {name}", scales.likelihood[l].0, scales.impact[i].0)),                    if *n == 0 { " empty" } else { "" },

                    Esc(name)
                );
            }
            out.push_str("</tr>\n");
        }
        w!(
            out,
            "<tr><td></td><td class=\"axis\" colspan=\"{}\">Impact: loss from one event →</td></tr>\n</tbody></table>\n<figcaption>Rows: likelihood, events a year; columns: impact, loss per event. Threats that are not applicable are left out",
            scales.impact.len()
        );
        // The summary counts as "not quantified" only findings with a frequency of their
        // own; the others with no business risk are checks of the model (a flow with no
        // data), so the caption names both and its first number is the summary's.
        if unquantified > 0 {
            let not_quantified = self.a.summary.unquantified.min(unquantified);
            let checks = unquantified - not_quantified;
            w!(
                out,
                ", and so are the {unquantified} with no money on them: {not_quantified} not quantified (reaching no business risk)"
            );
            if checks > 0 {
                w!(
                    out,
                    " and {} of the model itself",
                    plural(checks, "check", "checks")
                );
            }
        }
        out.push_str(".</figcaption>\n</figure>\n</section>\n");
    }

    fn teams(&self, out: &mut String) {
        let mut teams: Vec<_> = self.a.teams.iter().collect();
        teams.sort_by(|x, y| {
            y.annual_loss
                .current
                .mean
                .total_cmp(&x.annual_loss.current.mean)
                .then_with(|| x.id.cmp(&y.id))
        });
        out.push_str("<section id=\"teams\" class=\"major\">\n<h2>Risk by team</h2>\n<p class=\"lead\">Each threat has an owning team. This is the risk each team carries, largest first, so effort and attention go where the money is.</p>\n");
        let inherits = teams.iter().any(|t| t.inherited.is_some());
        if inherits {
            out.push_str("<p class=\"muted\">A team that uses another team's shared component (an identity provider, a platform service) also lives with that component's threats. They are counted once, under the owning team; the last column shows what each team inherits on top.</p>\n");
        }
        out.push_str("<div class=\"table-wrap\"><table class=\"teams\">\n<thead><tr><th>Team</th><th class=\"num\">Threats</th><th class=\"num\">Open</th><th class=\"num\">Expected a year</th><th class=\"num\">Bad year (p90)</th><th class=\"num\">Without controls → today → planned</th><th>Level</th>");
        if inherits {
            out.push_str("<th class=\"num\">Inherited a year</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for t in teams {
            let lead = self
                .input
                .estate
                .teams
                .iter()
                .find(|x| x.id.value == t.id)
                .and_then(|x| x.lead.as_deref())
                .map(|l| format!("<span class=\"sub\">Lead: {}</span>", Esc(l)))
                .unwrap_or_default();
            w!(
                out,
                "<tr><td class=\"strong\">{}{lead}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num strong\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>",
                Esc(&t.name),
                t.threats,
                t.open,
                self.m(t.annual_loss.current.mean),
                self.m(t.annual_loss.current.p90),
                self.stages(&t.annual_loss),
                self.pill(&t.level.level)
            );
            if inherits {
                match &t.inherited {
                    Some(i) => w!(
                        out,
                        "<td class=\"num\">{}<span class=\"sub\">{} threats</span></td>",
                        self.m(i.annual_loss.current.mean),
                        i.threats.len()
                    ),
                    None => out.push_str("<td class=\"num\">–</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n</section>\n");
    }

    fn plan(&self, out: &mut String) {
        out.push_str("<section id=\"plan\" class=\"major\">\n<h2>Remediation plan</h2>\n");
        let Some(plan) = self.input.plan else {
            out.push_str("<p class=\"lead\">No remediation plan was computed for this report.</p>\n</section>\n");
            return;
        };
        if plan.chosen.is_empty() {
            out.push_str("<p class=\"lead\">Every control is already in place: there is nothing left to plan. New controls go in the system files with status <code>planned</code>.</p>\n</section>\n");
            return;
        }
        let years = plan.years;
        w!(
            out,
            "<p class=\"lead\">{} of the {} controls not yet in place are worth funding, here in the order that removes the most expected loss for the money, each counted on top of those before it. Together they cost {} over {} years and bring the expected annual loss from {} to <b>{}</b>.</p>\n",
            plan.chosen.len(),
            plan.chosen.len()
                + plan
                    .not_worth_funding
                    .iter()
                    .filter(|n| !plan.chosen.iter().any(|c| c.control == n.control))
                    .count(),
            self.m(plan.total_cost),
            years,
            self.m(plan.current_eal),
            self.m(plan.remaining_eal)
        );
        out.push_str("<div class=\"table-wrap\"><table class=\"plan\">\n<thead><tr><th class=\"num\">#</th><th>Control</th><th>Owner</th><th>Due</th><th>Status</th>");
        w!(
            out,
            "<th class=\"num\">Cost over {years} years</th><th class=\"num\">Removes a year</th><th class=\"num\">Expected loss left</th></tr></thead>\n<tbody>\n"
        );
        let mut left = plan.current_eal;
        for (n, step) in plan.chosen.iter().enumerate() {
            let removed = step.loss_removed / years;
            left -= removed;
            let c = self.a.controls.get(step.control);
            let (title, id, owner, due, status) = match c {
                Some(c) => (
                    c.title.as_str(),
                    c.id.as_str(),
                    self.team_name(&c.owner),
                    c.due.as_deref().unwrap_or("not set"),
                    ControlStatus::label(c.status),
                ),
                None => (step.key.as_str(), "", "", "", ""),
            };
            w!(
                out,
                "<tr><td class=\"num\">{}</td><td class=\"strong\">{}<span class=\"sub mono\">{}</span></td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num strong\">{}</td><td class=\"num\">{}</td></tr>\n",
                n + 1,
                Esc(title),
                Esc(id),
                Esc(owner),
                Esc(due),
                status,
                self.m(step.cost),
                self.m(removed),
                self.m(left.max(0.0))
            );
        }
        w!(
            out,
            "</tbody>\n<tfoot><tr><td></td><td colspan=\"4\">The whole plan</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></tfoot>\n</table></div>\n",
            self.m(plan.total_cost),
            self.m(plan.current_eal - plan.remaining_eal),
            self.m(plan.remaining_eal)
        );

        let mut points: Vec<(f64, f64)> = plan
            .frontier
            .iter()
            .map(|p| (p.budget, p.remaining_eal))
            .collect();
        if points.first().is_none_or(|p| p.0 > 0.0) {
            points.insert(0, (0.0, plan.current_eal));
        }
        out.push_str("<h3>What more money buys</h3>\n<div class=\"grid2\">\n<figure>\n");
        let removed: Vec<(f64, f64)> = points
            .iter()
            .map(|(b, r)| (*b, (plan.current_eal - r).max(0.0)))
            .collect();
        out.push_str(&charts::frontier(
            "frontier",
            &removed,
            Some((plan.total_cost, plan.current_eal - plan.remaining_eal)),
            self.cur,
            (520.0, 280.0),
        ));
        w!(
            out,
            "<figcaption>The efficient frontier: for each budget over {years} years, the most expected annual loss it can remove. The ring is the plan above; where the line flattens, more money buys little.</figcaption>\n</figure>\n<div class=\"table-wrap\"><table class=\"frontier-table\">\n<thead><tr><th class=\"num\">Budget over {years} years</th><th class=\"num\">Expected loss left a year</th></tr></thead>\n<tbody>\n"
        );
        for (b, r) in &points {
            w!(
                out,
                "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                self.m(*b),
                self.m(*r)
            );
        }
        out.push_str("</tbody></table></div>\n</div>\n");
        if !plan.not_worth_funding.is_empty() {
            out.push_str("<h3>Controls that cost more than they save</h3>\n<p class=\"muted\">On their own, these remove less expected loss over the plan's years than they cost. Keep them only for reasons the numbers do not capture, such as a legal obligation.</p>\n<ul>\n");
            for s in &plan.not_worth_funding {
                let title = self
                    .a
                    .controls
                    .get(s.control)
                    .map_or(s.key.as_str(), |c| c.title.as_str());
                w!(
                    out,
                    "<li>{}: costs {}, removes {} over {years} years</li>\n",
                    Esc(title),
                    self.m(s.cost),
                    self.m(s.loss_removed)
                );
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</section>\n");
    }

    /// The data-flow diagram of one system; `None` when no diagram can be drawn.
    fn diagram(&self, system: SystemIdx) -> Option<String> {
        Some(crate::diagram::svg(self.input.estate, system, &self.marks))
    }

    fn systems(&self, out: &mut String) {
        let estate = self.input.estate;
        out.push_str("<section id=\"systems\" class=\"major\">\n<h2>Systems</h2>\n<p class=\"lead\">Each system's data-flow diagram, its threats with what they cost and what to do about them, its controls and the decisions its team has recorded.</p>\n");
        for (si, s) in estate.system_indices().enumerate() {
            let node = &estate[s];
            let roll = self.a.systems.get(si);
            w!(
                out,
                "<article class=\"system\" id=\"system-{si}\" data-system=\"{}\">\n<div class=\"system-head\"><h3>{}</h3>{}</div>\n",
                Esc(node.id()),
                Esc(&node.header.name),
                roll.map(|r| self.pill(&r.level.level)).unwrap_or_default()
            );
            if let Some(d) = &node.header.description {
                w!(out, "<p>{}</p>\n", Esc(d));
            }
            if let Some(r) = roll {
                w!(
                    out,
                    "<div class=\"facts\"><span>Owner <b>{}</b></span><span>Expected <b>{}</b> a year</span><span>Bad year <b>{}</b></span><span><b>{}</b> threats, <b>{}</b> open</span><span><b>{}</b> components, <b>{}</b> flows</span>{}</div>\n",
                    Esc(&estate[node.owner].name),
                    self.m(r.annual_loss.current.mean),
                    self.m(r.annual_loss.current.p90),
                    r.threats,
                    r.open,
                    node.components.len(),
                    node.flows.len(),
                    r.inherited
                        .as_ref()
                        .map(|i| format!(
                            "<span>Inherits <b>{}</b> a year from {} shared components</span>",
                            self.m(i.annual_loss.current.mean),
                            i.from.len()
                        ))
                        .unwrap_or_default()
                );
            }
            match self.diagram(s) {
                Some(svg) => w!(
                    out,
                    "<figure class=\"dfd\" id=\"dfd-{si}\">\n<div class=\"dfd-scroll\"><div class=\"dfd-canvas\" style=\"min-width:{}px\">{svg}</div></div>\n<figcaption>Data flows of {}: components in their trust zones, threats marked by level.</figcaption>\n</figure>\n",
                    readable_width(&svg),
                    Esc(&node.header.name)
                ),
                None => w!(
                    out,
                    "<figure class=\"dfd missing\" id=\"dfd-{si}\"><figcaption>No diagram is available for this system.</figcaption></figure>\n"
                ),
            }
            self.system_threats(out, node.id());
            self.system_controls(out, node.id());
            self.system_decisions(out, s);
            out.push_str("</article>\n");
        }
        out.push_str("</section>\n");
    }

    fn system_threats(&self, out: &mut String, system: &str) {
        let mut ts: Vec<(usize, &ThreatOut)> = self
            .a
            .threats
            .iter()
            .enumerate()
            .filter(|(_, t)| t.system == system)
            .collect();
        ts.sort_by(|(_, x), (_, y)| {
            Self::threat_mean(y)
                .total_cmp(&Self::threat_mean(x))
                .then_with(|| x.id.cmp(&y.id))
        });
        w!(out, "<h4>Threats ({})</h4>\n", ts.len());
        if ts.is_empty() {
            out.push_str("<p class=\"muted\">No threat was found.</p>\n");
            return;
        }
        out.push_str("<div class=\"table-wrap\"><table class=\"threats\">\n<thead><tr><th>Threat</th><th>Level</th><th>Status</th><th>Owner</th><th class=\"num\">Expected a year</th><th class=\"num\">If it happens</th><th>Recommendation</th></tr></thead>\n<tbody>\n");
        for (i, t) in ts {
            let (mean, per_event) = (Self::threat_mean(t), t.level.loss_per_event);
            let action = match t.recommendation.action {
                Action::Mitigate => r#"<span class="tag bad">Mitigate</span>"#,
                Action::Accept => r#"<span class="tag good">Accept</span>"#,
                Action::Review => r#"<span class="tag warn">Review</span>"#,
                Action::Keep => r#"<span class="tag">Decided</span>"#,
            };
            w!(
                out,
                "<tr data-threat=\"{}\"><td><a href=\"#{}\">{}</a><span class=\"sub mono\">{}</span></td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{action}<span class=\"sub\">{}</span></td></tr>\n",
                Esc(&t.id),
                Self::threat_anchor(i),
                Esc(&title(&t.title)),
                Esc(&t.id),
                self.pill(&t.level.level),
                ThreatStatus::label(t.status),
                Esc(self.team_name(&t.owner)),
                self.m(mean),
                self.m(per_event),
                Esc(&prose(&t.recommendation.reason))
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn system_controls(&self, out: &mut String, system: &str) {
        let cs: Vec<_> = self
            .a
            .controls
            .iter()
            .filter(|c| match &c.system {
                Some(s) => s == system,
                None => c.threats.iter().any(|t| t.system == system),
            })
            .collect();
        if cs.is_empty() {
            return;
        }
        w!(out, "<h4>Controls ({})</h4>\n", cs.len());
        out.push_str("<div class=\"table-wrap\"><table class=\"controls\">\n<thead><tr><th>Control</th><th>Owner</th><th>Status</th><th>Due</th><th class=\"num\">Cost a year</th><th class=\"num\">Removes a year</th><th>Evidence</th></tr></thead>\n<tbody>\n");
        for c in cs {
            let status = match c.status {
                ControlStatus::Verified => r#"<span class="tag good">verified</span>"#,
                ControlStatus::Implemented => r#"<span class="tag">implemented</span>"#,
                ControlStatus::InProgress => r#"<span class="tag warn">in progress</span>"#,
                ControlStatus::Planned => r#"<span class="tag warn">planned</span>"#,
            };
            let evidence: Vec<String> = c.evidence.iter().map(|e| Esc(e).to_string()).collect();
            let library = if c.system.is_none() {
                " · estate library"
            } else {
                ""
            };
            w!(
                out,
                "<tr><td class=\"strong\">{}<span class=\"sub mono\">{}{library}</span></td><td>{}</td><td>{status}</td><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"mono small\">{}</td></tr>\n",
                Esc(&c.title),
                Esc(&c.id),
                Esc(self.team_name(&c.owner)),
                Esc(c.due.as_deref().unwrap_or("")),
                self.m(c.annual_cost),
                self.m(c.loss_removed),
                evidence.join("<br>")
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn system_decisions(&self, out: &mut String, s: SystemIdx) {
        let node = &self.input.estate[s];
        let decisions: Vec<_> = node
            .threats
            .iter()
            .filter(|e| e.title.is_none() || *e.status != ThreatStatus::Open)
            .collect();
        if !decisions.is_empty() {
            w!(out, "<h4>Decisions ({})</h4>\n", decisions.len());
            out.push_str("<div class=\"table-wrap\"><table class=\"decisions\">\n<thead><tr><th>Applies to</th><th>Decision</th><th>Why</th><th>Approved by</th><th>Until</th></tr></thead>\n<tbody>\n");
            for e in decisions {
                w!(
                    out,
                    "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td></tr>\n",
                    Esc(&e.id),
                    ThreatStatus::label(*e.status),
                    Esc(e.justification.as_deref().unwrap_or("")),
                    Esc(e.approved_by.as_deref().unwrap_or("")),
                    Esc(e.expires.as_ref().map_or("", |x| x.value.as_str()))
                );
            }
            out.push_str("</tbody></table></div>\n");
        }
        if !node.assumptions.is_empty() {
            out.push_str("<h4>Assumptions</h4>\n<ul class=\"assumptions\">\n");
            for x in &node.assumptions {
                w!(out, "<li>{}</li>\n", Esc(&x.text));
            }
            out.push_str("</ul>\n");
        }
    }

    fn appendix(&self, out: &mut String) {
        w!(
            out,
            "<section id=\"appendix\" class=\"major\">\n<div class=\"kicker\">Appendix</div>\n<h2>Every threat explained</h2>\n<p class=\"lead\">All {} threats, by system: the rule that raised each one and the facts of the model it relied on, how often it is expected, what it costs, and what has been decided.</p>\n",
            self.a.threats.len()
        );
        for (i, t) in self.a.threats.iter().enumerate() {
            w!(
                out,
                "<article class=\"threat\" id=\"{}\">\n<div class=\"threat-head\"><h3>{}</h3><span class=\"id\">{}</span>{}<span class=\"tag\">{}</span></div>\n<dl class=\"kv\">\n",
                Self::threat_anchor(i),
                Esc(&title(&t.title)),
                Esc(&format!("{}:{}", t.system, t.id)),
                self.pill(&t.level.level),
                ThreatStatus::label(t.status)
            );
            w!(
                out,
                "<dt>System</dt><dd>{} · owned by {}</dd>\n<dt>Rule</dt><dd><code>{}</code> {} ({})</dd>\n",
                Esc(&self.system_name(&t.system)),
                Esc(self.team_name(&t.owner)),
                Esc(&t.rule),
                Esc(&t.name),
                Esc(t.stride.name())
            );
            if !t.elements.is_empty() {
                let els: Vec<String> = t.elements.iter().map(|e| Esc(e).to_string()).collect();
                w!(out, "<dt>Elements</dt><dd>{}</dd>\n", els.join(", "));
            }
            if !t.facts.is_empty() {
                out.push_str("<dt>Why it was raised</dt><dd><ul>");
                for f in &t.facts {
                    w!(out, "<li>{}</li>", Esc(f));
                }
                out.push_str("</ul></dd>\n");
            }
            let fq = &t.frequency;
            w!(
                out,
                "<dt>How often</dt><dd>{}–{} times a year (90% range), {} on average; base {}–{}",
                rate(fq.low),
                rate(fq.high),
                rate(fq.mean),
                rate(fq.base.0),
                rate(fq.base.1)
            );
            if !fq.adjustments.is_empty() {
                out.push_str("<ul>");
                for adj in &fq.adjustments {
                    w!(
                        out,
                        "<li>×{} {}: {}</li>",
                        rate(adj.factor),
                        Esc(&adj.name),
                        Esc(&adj.reason)
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</dd>\n");
            if t.business_risks.is_empty() {
                out.push_str(
                    "<dt>Business risks</dt><dd>none reached: no money can be put on it</dd>\n",
                );
            } else {
                let rs: Vec<String> = t
                    .business_risks
                    .iter()
                    .map(|r| Esc(self.risk_title(r)).to_string())
                    .collect();
                w!(out, "<dt>Business risks</dt><dd>{}</dd>\n", rs.join("; "));
            }
            if let Some(v) = &t.value {
                w!(
                    out,
                    "<dt>Closing it removes</dt><dd>{} a year without controls → {} today → {} planned; closing it alone {}</dd>\n<dt>Level</dt><dd>{} likelihood × {} impact: about {} events a year at {} each</dd>\n",
                    self.m(v.inherent),
                    self.m(v.current),
                    self.m(v.projected),
                    self.m(v.alone),
                    Esc(&t.level.likelihood),
                    Esc(&t.level.impact),
                    rate(t.level.events_per_year),
                    self.m(t.level.loss_per_event)
                );
            }
            if !t.controls.is_empty() {
                let cs: Vec<String> = t.controls.iter().map(|c| Esc(c).to_string()).collect();
                w!(
                    out,
                    "<dt>Controls</dt><dd class=\"mono\">{}</dd>\n",
                    cs.join(", ")
                );
            }
            if let Some(d) = &t.decision {
                w!(
                    out,
                    "<dt>Decision</dt><dd>{} by entry <code>{}</code>",
                    ThreatStatus::label(t.status),
                    Esc(&d.entry)
                );
                if let Some(by) = &d.approved_by {
                    w!(out, "; approved by {}", Esc(by));
                }
                if let Some(x) = &d.expires {
                    w!(
                        out,
                        "; {} {}",
                        if d.expired { "expired on" } else { "until" },
                        Esc(x)
                    );
                }
                if let Some(j) = &d.justification {
                    w!(out, "<br>{}", Esc(j));
                }
                out.push_str("</dd>\n");
            }
            w!(
                out,
                "<dt>Recommendation</dt><dd>{}</dd>\n</dl>\n</article>\n",
                Esc(&prose(&t.recommendation.reason))
            );
        }
        out.push_str("</section>\n");
    }

    fn footer(&self, out: &mut String) {
        let s = &self.a.settings;
        w!(
            out,
            "<footer id=\"method\">\n<h4>How the numbers are made</h4>\n<p>Each threat's frequency comes from its rule's base rate, adjusted by the facts of the model (internet exposure, crossing into a more trusted zone, missing authentication, sensitive data). Its loss per event comes from the business risks it reaches, each a 90% range set by the organisation. {} years were simulated (seed {}): the expected loss is the average year, a bad year is the 90th percentile. Implemented controls that are not verified by evidence count at {} of their effect. One-off costs are spread over {} years. The same model and seed give the same report.</p>\n<p>{} · {}</p>\n</footer>\n",
            s.trials,
            s.seed,
            pct(s.unverified_weight, 1.0),
            s.years,
            Esc(&self.a.generator),
            self.input.today
        );
    }
}

/// The width at which a diagram's text stays readable on screen: most of its natural
/// width (its `viewBox`), never wider than a wide screen. Narrower pages scroll the
/// diagram sideways instead of shrinking its text; print shrinks it to the page.
fn readable_width(svg: &str) -> u32 {
    let natural = svg
        .split_once("viewBox=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .and_then(|v| v.split_whitespace().nth(2))
        .and_then(|w| w.parse::<f64>().ok())
        .unwrap_or(0.0);
    (natural * 0.7).clamp(0.0, 1800.0) as u32
}
