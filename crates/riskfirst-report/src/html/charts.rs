//! The report's charts as inline SVG: loss exceedance curves, the efficient frontier, and
//! the bars of inherent, current and projected loss. Only numbers and escaped labels go in.

use std::fmt::Write;

use riskfirst_assess::money;
use riskfirst_risk::LecPoint;

use super::escape::Esc;

/// Ink of the three stages; they differ by dash too, so the chart reads in black and white.
pub const INHERENT: &str = "#9aa5b4";
pub const CURRENT: &str = "#1f3a5f";
pub const PROJECTED: &str = "#2a8c82";
const GRID: &str = "#e6eaf0";
const AXIS: &str = "#8792a2";
const TEXT: &str = "#4a5565";
const BREACHED: &str = "#b3261e";
const MET: &str = "#1b2330";

/// One curve of a loss exceedance chart.
pub struct Curve<'a> {
    pub label: &'a str,
    pub points: &'a [LecPoint],
    pub colour: &'a str,
    /// SVG `stroke-dasharray`, empty for a solid line.
    pub dash: &'a str,
}

/// An appetite limit drawn on a loss exceedance chart.
pub struct Limit {
    pub label: String,
    pub loss: f64,
    /// The exceedance probability the limit allows (`0.1` for a p90 limit); `None` for a
    /// limit on the expected loss, which is drawn as a vertical line.
    pub probability: Option<f64>,
    pub breached: bool,
}

/// Plot area of a chart inside its view box.
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

/// Money on an axis: `€10M` rather than `€10.0M`.
fn tick_money(v: f64, currency: &str) -> String {
    money(v, currency)
        .replace(".0bn", "bn")
        .replace(".0M", "M")
        .replace(".0k", "k")
}

/// Round an SVG coordinate so output is short and stable.
fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Decades from `lo` to `hi` with 2× and 5× steps when the range is short.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let steps: &[f64] = if b - a <= 3 { &[1.0, 2.0, 5.0] } else { &[1.0] };
    let mut out = Vec::new();
    for d in a..=b {
        for s in steps {
            let v = s * 10f64.powi(d);
            if v >= lo * 0.999 && v <= hi * 1.001 {
                out.push(v);
            }
        }
    }
    out
}

/// A loss exceedance chart: log x axis of annual loss, y the chance a year's loss is higher.
/// `id` is put on the `<svg>` so tests and readers find it.
pub fn lec(
    id: &str,
    title: &str,
    curves: &[Curve<'_>],
    limits: &[Limit],
    currency: &str,
    (w, h): (f64, f64),
) -> String {
    // The legend sits in a row above the plot, clear of curves and limits.
    let f = Frame {
        left: 64.0,
        top: 34.0,
        width: w - 64.0 - 34.0,
        height: h - 34.0 - 52.0,
    };
    let losses = curves
        .iter()
        .flat_map(|c| c.points.iter())
        .filter(|p| p.probability > 0.0 && p.loss > 0.0)
        .map(|p| p.loss)
        .chain(limits.iter().map(|l| l.loss).filter(|l| *l > 0.0));
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for l in losses {
        lo = lo.min(l);
        hi = hi.max(l);
    }
    if !lo.is_finite() || hi <= 0.0 {
        (lo, hi) = (1_000.0, 1_000_000.0);
    }
    let (lo, hi) = (
        10f64.powf(lo.log10().floor()),
        10f64.powf(hi.log10().ceil().max(lo.log10().floor() + 1.0)),
    );
    let x = |loss: f64| {
        let t = (loss.max(lo).log10() - lo.log10()) / (hi.log10() - lo.log10());
        r(f.left + t.clamp(0.0, 1.0) * f.width)
    };
    let ymax = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.probability))
        .chain(limits.iter().filter_map(|l| l.probability))
        .fold(0.0f64, f64::max);
    // A round top and at most six round steps: 100% in steps of 20%, 60% in 10%…
    let step = [0.01, 0.02, 0.05, 0.1, 0.2]
        .into_iter()
        .find(|st| (ymax / st).ceil() <= 6.0)
        .unwrap_or(0.2);
    let ytop = ((ymax / step).ceil().max(1.0) * step).min(1.0);
    let y = |p: f64| r(f.top + f.height * (1.0 - (p / ytop).clamp(0.0, 1.0)));

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="{id}" class="chart lec" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Loss exceedance chart" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="11"><title>{t}</title>"#,
        t = Esc(title),
    );
    // Grid and ticks.
    let steps = (ytop / step).round() as i32;
    for i in 0..=steps {
        let p = (f64::from(i) * step).min(ytop);
        let yy = y(p);
        let _ = write!(
            s,
            r#"<line x1="{}" x2="{}" y1="{yy}" y2="{yy}" stroke="{GRID}"/><text x="{}" y="{}" text-anchor="end" fill="{TEXT}">{:.0}%</text>"#,
            f.left,
            r(f.left + f.width),
            f.left - 8.0,
            r(yy + 4.0),
            p * 100.0
        );
    }
    for t in log_ticks(lo, hi) {
        let xx = x(t);
        let _ = write!(
            s,
            r#"<line x1="{xx}" x2="{xx}" y1="{}" y2="{}" stroke="{GRID}"/><text x="{xx}" y="{}" text-anchor="middle" fill="{TEXT}">{}</text>"#,
            f.top,
            r(f.top + f.height),
            r(f.top + f.height + 16.0),
            Esc(&tick_money(t, currency))
        );
    }
    let _ = write!(
        s,
        r#"<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{AXIS}"/><line x1="{l}" x2="{rr}" y1="{b}" y2="{b}" stroke="{AXIS}"/>"#,
        l = f.left,
        t = f.top,
        b = r(f.top + f.height),
        rr = r(f.left + f.width)
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle" fill="{TEXT}" font-size="12">Loss in one year (log scale)</text><text transform="translate(14 {}) rotate(-90)" text-anchor="middle" fill="{TEXT}" font-size="12">Chance of a worse year</text>"#,
        r(f.left + f.width / 2.0),
        r(h - 8.0),
        r(f.top + f.height / 2.0)
    );
    // Curves: a step down from P(any loss) at the left edge to the last point.
    for c in curves {
        let mut d = String::new();
        let pts: Vec<&LecPoint> = c.points.iter().filter(|p| p.loss > 0.0).collect();
        if let Some(first) = pts.first() {
            let _ = write!(d, "M{} {}", f.left, y(first.probability));
        }
        for p in &pts {
            let _ = write!(d, " L{} {}", x(p.loss), y(p.probability));
        }
        if let Some(last) = pts.last() {
            let _ = write!(d, " L{} {}", x(last.loss), y(0.0));
        }
        let dash = if c.dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{}""#, c.dash)
        };
        let _ = write!(
            s,
            r#"<path class="curve" data-stage="{}" d="{d}" fill="none" stroke="{}" stroke-width="2.2" stroke-linejoin="round"{dash}/>"#,
            Esc(c.label),
            c.colour
        );
    }
    // Appetite limits.
    for (i, l) in limits.iter().enumerate() {
        let ink = if l.breached { BREACHED } else { MET };
        let xx = x(l.loss);
        match l.probability {
            Some(p) => {
                let yy = y(p);
                let _ = write!(
                    s,
                    r#"<g class="limit"><line x1="{}" x2="{xx}" y1="{yy}" y2="{yy}" stroke="{ink}" stroke-dasharray="2 3"/><line x1="{xx}" x2="{xx}" y1="{yy}" y2="{}" stroke="{ink}" stroke-dasharray="2 3"/><path d="M{xx} {} l5 5 l-5 5 l-5 -5 z" fill="{ink}"/>"#,
                    f.left,
                    r(f.top + f.height),
                    r(yy - 5.0)
                );
            }
            None => {
                let _ = write!(
                    s,
                    r#"<g class="limit"><line x1="{xx}" x2="{xx}" y1="{}" y2="{}" stroke="{ink}" stroke-width="1.4" stroke-dasharray="6 3"/>"#,
                    f.top,
                    r(f.top + f.height)
                );
            }
        }
        let ly = match l.probability {
            Some(p) => y(p) - 9.0,
            None => f.top + 12.0 + 14.0 * i as f64,
        };
        // Labels sit left of the mark near the right edge so they stay inside the frame.
        let (anchor, lx) = if xx > f.left + f.width * 0.45 {
            ("end", xx - 8.0)
        } else {
            ("start", xx + 8.0)
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" fill="{ink}" font-weight="600">{}</text></g>"#,
            r(lx),
            r(ly.max(f.top + 10.0)),
            Esc(&l.label)
        );
    }
    let mut lx = f.left;
    for c in curves {
        let ly = 12.0;
        let dash = if c.dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{}""#, c.dash)
        };
        let _ = write!(
            s,
            r#"<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.2"{dash}/><text x="{}" y="{}" fill="{TEXT}">{}</text>"#,
            r(lx),
            r(lx + 26.0),
            r(ly),
            r(ly),
            c.colour,
            r(lx + 34.0),
            r(ly + 4.0),
            Esc(c.label)
        );
        // About 6.5 units a character at this size, then a gap.
        lx += 34.0 + 6.5 * c.label.chars().count() as f64 + 22.0;
    }
    s.push_str("</svg>");
    s
}

/// The efficient frontier: the expected annual loss each budget (over the plan's years)
/// removes, with the chosen plan marked.
pub fn frontier(
    id: &str,
    points: &[(f64, f64)],
    chosen: Option<(f64, f64)>,
    currency: &str,
    (w, h): (f64, f64),
) -> String {
    let f = Frame {
        left: 72.0,
        top: 14.0,
        width: w - 72.0 - 24.0,
        height: h - 14.0 - 48.0,
    };
    let xmax = points.iter().map(|p| p.0).fold(0.0f64, f64::max).max(1.0) * 1.05;
    let ymax = points.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1.0) * 1.05;
    let x = |v: f64| r(f.left + f.width * (v / xmax).clamp(0.0, 1.0));
    let y = |v: f64| r(f.top + f.height * (1.0 - (v / ymax).clamp(0.0, 1.0)));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="{id}" class="chart frontier" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Efficient frontier" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="11"><title>Efficient frontier: budget against expected annual loss removed</title>"#
    );
    for i in 0..=4 {
        let (bx, by) = (xmax * f64::from(i) / 4.0, ymax * f64::from(i) / 4.0);
        let _ = write!(
            s,
            r#"<line x1="{l}" x2="{rr}" y1="{yy}" y2="{yy}" stroke="{GRID}"/><text x="{tx}" y="{ty}" text-anchor="end" fill="{TEXT}">{ym}</text><text x="{xx}" y="{bb}" text-anchor="middle" fill="{TEXT}">{xm}</text>"#,
            l = f.left,
            rr = r(f.left + f.width),
            yy = y(by),
            tx = f.left - 8.0,
            ty = r(y(by) + 4.0),
            ym = Esc(&tick_money(by, currency)),
            xx = x(bx),
            bb = r(f.top + f.height + 16.0),
            xm = Esc(&tick_money(bx, currency)),
        );
    }
    let _ = write!(
        s,
        r#"<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{AXIS}"/><line x1="{l}" x2="{rr}" y1="{b}" y2="{b}" stroke="{AXIS}"/><text x="{cx}" y="{hy}" text-anchor="middle" fill="{TEXT}" font-size="12">Budget over the plan</text><text transform="translate(12 {my}) rotate(-90)" text-anchor="middle" fill="{TEXT}" font-size="12">Loss removed a year</text>"#,
        my = r(f.top + f.height / 2.0),
        l = f.left,
        t = f.top,
        b = r(f.top + f.height),
        rr = r(f.left + f.width),
        cx = r(f.left + f.width / 2.0),
        hy = r(h - 6.0)
    );
    let mut d = String::new();
    for (i, (bx, by)) in points.iter().enumerate() {
        if i == 0 {
            let _ = write!(d, "M{} {}", x(*bx), y(*by));
        } else {
            // A budget between two points buys only what the lower one buys: a step.
            let _ = write!(d, " H{} V{}", x(*bx), y(*by));
        }
    }
    let _ = write!(
        s,
        r#"<path d="{d}" fill="none" stroke="{CURRENT}" stroke-width="2"/>"#
    );
    for (bx, by) in points {
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{}" r="3" fill="{CURRENT}"/>"#,
            x(*bx),
            y(*by)
        );
    }
    if let Some((bx, by)) = chosen {
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{}" r="6" fill="none" stroke="{PROJECTED}" stroke-width="2"/>"#,
            x(bx),
            y(by)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_cover_the_range_in_decades() {
        assert_eq!(
            log_ticks(1_000.0, 1_000_000_000.0),
            vec![1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]
        );
        assert_eq!(
            log_ticks(1_000.0, 100_000.0),
            vec![1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5]
        );
    }

    #[test]
    fn an_empty_chart_still_draws_its_axes() {
        let svg = lec("x", "t", &[], &[], "EUR", (400.0, 200.0));
        assert!(svg.starts_with("<svg id=\"x\""));
        assert!(svg.contains("€1k"), "{svg}");
        assert!(svg.ends_with("</svg>"));
    }
}
