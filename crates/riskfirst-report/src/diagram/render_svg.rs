//! The SVG drawing of a [`View`]: a standalone `<svg>` with presentation attributes only,
//! so it embeds in an HTML page (several per page) and opens on its own.

use std::fmt::Write as _;

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::text::plural;

use super::escape::{fit, text_width, xml};
use super::layout::{place, EdgeRoute, Layout, Rect, LABEL_H, LABEL_SIZE, LOCK_W, MARGIN};
use super::{level_colour, level_text_colour, Marks, Shape, View};

const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const INK: &str = "#1f2328";
const MUTED: &str = "#59636e";
const EDGE: &str = "#7d8896";
/// Unencrypted flows across a trust boundary.
const EXPOSED: &str = "#b3261e";
const NAME_SIZE: f64 = 12.5;
const TECH_SIZE: f64 = 10.5;
const LEGEND_ROW: f64 = 30.0;

pub(crate) fn render(view: &View<'_>, marks: &Marks) -> String {
    let layout = place(view, marks);
    let width = layout.width.max(760.0).ceil();
    let legend_h = legend_height(view, width);
    let height = (layout.height + legend_h).ceil();
    let sys = &view.estate[view.system];
    let name = sys.header.name.as_str();
    let mut s = String::with_capacity(4096 + view.nodes.len() * 1200 + view.flows.len() * 700);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         preserveAspectRatio=\"xMinYMin meet\" role=\"img\" font-family=\"{FONT}\" \
         style=\"max-width:{width}px;height:auto\" aria-label=\"{}\">",
        xml(&format!("Data-flow diagram of {name}"))
    );
    let _ = writeln!(
        s,
        "<title>{}</title>",
        xml(&format!("Data flows of {name}"))
    );
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    title(&mut s, view, name, width);
    zones(&mut s, view, &layout);
    for e in &layout.edges {
        edge(&mut s, e);
    }
    for (v, b) in layout.nodes.iter().enumerate() {
        node(&mut s, view, marks, v, &b.rect);
    }
    for e in &layout.edges {
        label(&mut s, view, marks, e);
    }
    legend(&mut s, view, layout.height, width);
    s.push_str("</svg>\n");
    s
}

fn num(v: f64) -> String {
    // Integers print without a fraction; others with at most one decimal, so output is
    // short and the same on every platform.
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn title(s: &mut String, view: &View<'_>, name: &str, width: f64) {
    let (text, _) = fit(name, width - 2.0 * MARGIN - 260.0, 16.0);
    let _ = writeln!(
        s,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"600\" fill=\"{INK}\">{}</text>",
        MARGIN + 14.0,
        xml(&text)
    );
    let sys = &view.estate[view.system];
    let externals = (0..view.nodes.len())
        .filter(|v| view.is_external(*v))
        .count();
    let mut facts = format!(
        "{} · {}, {}, {}",
        sys.id(),
        plural(sys.components.len(), "component", "components"),
        plural(view.flows.len(), "flow", "flows"),
        plural(view.zones.len(), "zone", "zones"),
    );
    if externals > 0 {
        let _ = write!(facts, "; {externals} from other systems");
    }
    let (facts, _) = fit(&facts, width - 2.0 * MARGIN, 11.0);
    let _ = writeln!(
        s,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
        MARGIN + 32.0,
        xml(&facts)
    );
}

/// A tint from warm (trust 0) to cool (trust 100), so the eye reads trust across the page.
fn zone_fill(trust: i64) -> String {
    let t = trust.clamp(0, 100) as f64 / 100.0;
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(253.0, 240.0),
        mix(243.0, 245.0),
        mix(238.0, 252.0)
    )
}

fn zones(s: &mut String, view: &View<'_>, layout: &Layout) {
    s.push_str("<g>\n");
    for (z, zb) in layout.zones.iter().enumerate() {
        let r = &zb.rect;
        let zone = &view.estate[zb.zone];
        let trust = format!("trust {}", zone.trust());
        let trust_w = text_width(&trust, 10.0);
        let (name, _) = fit(view.zone_title(z), r.w - 28.0 - trust_w - 8.0, 12.0);
        let mut tip = format!(
            "{} ({}), trust {}",
            view.zone_title(z),
            zone.id(),
            zone.trust()
        );
        if let Some(d) = &zone.raw.description {
            tip.push('\n');
            tip.push_str(d);
        }
        let _ = writeln!(
            s,
            "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"12\" fill=\"{}\" stroke=\"#98a2ae\" stroke-width=\"1.2\" stroke-dasharray=\"7 4\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" fill=\"#3d4650\">{}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{MUTED}\" text-anchor=\"end\">{}</text></g>",
            xml(&tip),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            zone_fill(zone.trust()),
            num(r.x + 14.0),
            num(r.y + 22.0),
            xml(&name),
            num(r.right() - 14.0),
            num(r.y + 22.0),
            trust
        );
    }
    s.push_str("</g>\n");
}

fn edge(s: &mut String, e: &EdgeRoute) {
    let (colour, dash, width) = if e.exposed {
        (EXPOSED, " stroke-dasharray=\"6 4\"", "1.6")
    } else {
        (EDGE, "", "1.3")
    };
    let mut d = String::new();
    for (i, c) in e.path.iter().enumerate() {
        if i == 0 {
            let _ = write!(d, "M{} {}", num(c[0].0), num(c[0].1));
        }
        if c[0] == c[1] && c[2] == c[3] {
            let _ = write!(d, " L{} {}", num(c[3].0), num(c[3].1));
        } else {
            let _ = write!(
                d,
                " C{} {} {} {} {} {}",
                num(c[1].0),
                num(c[1].1),
                num(c[2].0),
                num(c[2].1),
                num(c[3].0),
                num(c[3].1)
            );
        }
    }
    let _ = writeln!(
        s,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"{dash}/>"
    );
    let (tx, ty) = e.tip;
    let back = tx - e.direction * 9.0;
    let _ = writeln!(
        s,
        "<path d=\"M{} {} L{} {} L{} {} Z\" fill=\"{colour}\"/>",
        num(tx),
        num(ty),
        num(back),
        num(ty - 4.5),
        num(back),
        num(ty + 4.5)
    );
}

/// The outline of a component's shape.
///
/// An external entity shows who it is: a person when people use it (a browser, an app),
/// else a system outside our control (a payment provider, a SaaS), drawn as a server.
fn shape_path(s: &mut String, shape: Shape, r: &Rect, external: bool, person: bool) {
    let (fill, stroke) = match (shape, external) {
        (_, true) => ("#f7f7f8", "#6e7781"),
        (Shape::Actor, _) => ("#f3f4f6", "#4b5563"),
        (Shape::Service, _) => ("#ffffff", "#2f5d8a"),
        (Shape::Gateway, _) => ("#f5f2fc", "#5b4a9e"),
        (Shape::Database, _) => ("#f1f8f2", "#2e6b3e"),
        (Shape::Queue, _) => ("#fff8ec", "#94651b"),
        (Shape::Storage, _) => ("#eef7f9", "#2b6f7e"),
    };
    let dash = if external {
        " stroke-dasharray=\"5 3\""
    } else {
        ""
    };
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.4\"{dash}");
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    match shape {
        Shape::Actor => {
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
            let (cx, cy) = (x + 16.0, y + h / 2.0);
            if !person {
                // A system: two stacked server units.
                for top in [cy - 8.0, cy + 1.0] {
                    let _ = write!(
                        s,
                        "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"7\" rx=\"1.5\" fill=\"{stroke}\"/>",
                        num(cx - 7.0),
                        num(top)
                    );
                }
                return;
            }
            // A person: head and shoulders.
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{stroke}\"/><path d=\"M{} {} a7 7 0 0 1 14 0 z\" fill=\"{stroke}\"/>",
                num(cx),
                num(cy - 5.0),
                num(cx - 7.0),
                num(cy + 9.0)
            );
        }
        Shape::Service => {
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"12\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
        }
        Shape::Gateway => {
            let i = 12.0;
            let _ = write!(
                s,
                "<path d=\"M{} {} H{} L{} {} L{} {} H{} L{} {} Z\" {paint}/>",
                num(x + i),
                num(y),
                num(x + w - i),
                num(x + w),
                num(y + h / 2.0),
                num(x + w - i),
                num(y + h),
                num(x + i),
                num(x),
                num(y + h / 2.0)
            );
        }
        Shape::Database => {
            let e = 6.0;
            let rx = w / 2.0;
            let _ = write!(
                s,
                "<path d=\"M{} {} A{} {e} 0 0 1 {} {} V{} A{} {e} 0 0 1 {} {} Z\" {paint}/>\
                 <path d=\"M{} {} A{} {e} 0 0 0 {} {}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1.2\"{dash}/>",
                num(x),
                num(y + e),
                num(rx),
                num(x + w),
                num(y + e),
                num(y + h - e),
                num(rx),
                num(x),
                num(y + h - e),
                num(x),
                num(y + e),
                num(rx),
                num(x + w),
                num(y + e)
            );
        }
        Shape::Queue => {
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
            // Messages waiting in line at the right end.
            for k in 0..3 {
                let lx = x + w - 9.0 - 5.0 * k as f64;
                let _ = write!(
                    s,
                    "<path d=\"M{} {} V{}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
                    num(lx),
                    num(y + 14.0),
                    num(y + h - 14.0)
                );
            }
        }
        Shape::Storage => {
            // A folder: a tab on the top left.
            let _ = write!(
                s,
                "<path d=\"M{} {} H{} L{} {} H{} V{} H{} Z\" {paint}/>",
                num(x),
                num(y),
                num(x + 52.0),
                num(x + 60.0),
                num(y + 7.0),
                num(x + w),
                num(y + h),
                num(x),
            );
        }
    }
}

fn node(s: &mut String, view: &View<'_>, marks: &Marks, v: usize, r: &Rect) {
    let estate = view.estate;
    let c = &estate[view.nodes[v]];
    let shape = view.shape(v);
    let external = view.is_external(v);
    let mut tip = format!(
        "{} ({})\n{} · {}",
        c.name(),
        estate.qualified(view.nodes[v]),
        shape.legend(),
        *c.raw.technology
    );
    let _ = write!(tip, "\nzone: {}", view.zone_title(view.node_zone[v]));
    if external {
        let sys = &estate[c.system];
        let _ = write!(tip, "\nowned by the system {}", sys.header.name.as_str());
    }
    if c.raw.internet_facing {
        tip.push_str("\ninternet facing");
    }
    let mark = marks.component(view.nodes[v]);
    if let Some(m) = mark {
        let _ = write!(tip, "\n{}", view.mark_text(m));
    }
    if let Some(d) = &c.raw.description {
        let _ = write!(tip, "\n{d}");
    }
    let _ = write!(s, "<g><title>{}</title>", xml(&tip));
    let person = c.raw.human_use
        || matches!(
            c.category,
            TechCategory::Browser | TechCategory::MobileApp | TechCategory::DesktopApp
        );
    shape_path(s, shape, r, external, person);

    let left = match shape {
        Shape::Actor => 30.0,
        Shape::Gateway => 18.0,
        _ => 12.0,
    };
    let right = match shape {
        Shape::Queue => 26.0,
        Shape::Gateway => 16.0,
        _ => 10.0,
    };
    let room = r.w - left - right;
    // The name is semi-bold: wider than the estimate for regular text.
    let (name, _) = fit(c.name(), room / 1.1, NAME_SIZE);
    let (sub, _) = fit(&view.subtitle(v), room, TECH_SIZE);
    let base = r.y + r.h / 2.0 + if shape == Shape::Database { 2.0 } else { 0.0 };
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"{NAME_SIZE}\" font-weight=\"600\" fill=\"{INK}\">{}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"{TECH_SIZE}\" fill=\"{MUTED}\"{}>{}</text>",
        num(r.x + left),
        num(base - 3.0),
        xml(&name),
        num(r.x + left),
        num(base + 12.0),
        if external { " font-style=\"italic\"" } else { "" },
        xml(&sub)
    );
    if let Some(m) = mark {
        badge(s, view, m.open, m.highest, r.right() - 4.0, r.y + 2.0, 10.0);
    }
    s.push_str("</g>\n");
}

/// A disc in the level's colour with the count of open threats.
fn badge(s: &mut String, view: &View<'_>, open: usize, level: usize, cx: f64, cy: f64, r: f64) {
    let count = if open > 99 {
        "99+".to_string()
    } else {
        open.to_string()
    };
    let size = if count.len() > 2 { r * 0.85 } else { r * 1.05 };
    let _ = write!(
        s,
        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"700\" fill=\"{}\" text-anchor=\"middle\">{count}</text>",
        num(cx),
        num(cy),
        num(r),
        level_colour(level, view.levels()),
        num(cx),
        num(cy + size * 0.36),
        num(size),
        level_text_colour(level, view.levels()),
    );
}

/// An open padlock, the mark of an unencrypted flow across a trust boundary.
fn padlock(s: &mut String, x: f64, y: f64) {
    let _ = write!(
        s,
        "<path d=\"M{} {} v-3 a3 3 0 0 1 6 0\" fill=\"none\" stroke=\"{EXPOSED}\" stroke-width=\"1.3\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"8\" height=\"6\" rx=\"1\" fill=\"{EXPOSED}\"/>",
        num(x + 4.5),
        num(y - 1.0),
        num(x),
        num(y - 1.0),
    );
}

fn label(s: &mut String, view: &View<'_>, marks: &Marks, e: &EdgeRoute) {
    let estate = view.estate;
    let f = &estate[e.flow];
    let r = &e.label;
    let mut tip = format!(
        "{}: {} → {}\n{}{}",
        f.id(),
        estate[view.nodes[e.from]].name(),
        estate[view.nodes[e.to]].name(),
        *f.raw.protocol,
        if f.encrypted {
            ", encrypted"
        } else {
            ", not encrypted"
        }
    );
    if e.exposed {
        tip.push_str(" across a trust boundary");
    }
    if !f.data.is_empty() {
        let data: Vec<&str> = f.data.iter().map(|d| estate[*d].id()).collect();
        let _ = write!(tip, "\ndata: {}", data.join(", "));
    }
    let mark = marks.flow(e.flow);
    if let Some(m) = mark {
        let _ = write!(tip, "\n{}", view.mark_text(m));
    }
    let stroke = if e.exposed { EXPOSED } else { "#c3cad3" };
    let _ = write!(
        s,
        "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#ffffff\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
        xml(&tip),
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h)
    );
    let mut x = r.x + 6.0;
    if e.exposed {
        padlock(s, x, r.y + r.h / 2.0);
        x += LOCK_W;
    }
    let text = super::layout::label_text(view, e.flow);
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"{LABEL_SIZE}\" fill=\"{}\">{}</text>",
        num(x),
        num(r.y + LABEL_H / 2.0 + 3.5),
        if e.exposed { EXPOSED } else { "#3d4650" },
        xml(&text)
    );
    if let Some(m) = mark {
        badge(
            s,
            view,
            m.open,
            m.highest,
            r.right() - 8.5,
            r.y + r.h / 2.0,
            7.0,
        );
    }
    s.push_str("</g>\n");
}

/// One legend entry: how wide it is, and how to draw it at (x, row centre y).
enum Item {
    Heading(&'static str),
    Shape(Shape),
    External,
    Level(usize),
    Flow,
    Exposed,
}

fn legend_items(view: &View<'_>) -> Vec<Vec<Item>> {
    let mut shapes = vec![Item::Heading("Components")];
    shapes.extend(Shape::ALL.iter().map(|s| Item::Shape(*s)));
    shapes.push(Item::External);
    let mut other = vec![Item::Heading("Open threats, highest level")];
    other.extend((0..view.levels()).map(Item::Level));
    other.push(Item::Heading("Flows"));
    other.push(Item::Flow);
    other.push(Item::Exposed);
    vec![shapes, other]
}

fn item_text(view: &View<'_>, item: &Item) -> String {
    match item {
        Item::Heading(h) => format!("{h}:"),
        Item::Shape(s) => s.legend().to_string(),
        Item::External => "another system's".to_string(),
        Item::Level(i) => fit(view.level_name(*i), 120.0, 10.5).0,
        Item::Flow => "protocol".to_string(),
        Item::Exposed => "unencrypted across a boundary".to_string(),
    }
}

fn item_width(view: &View<'_>, item: &Item) -> f64 {
    let glyph = match item {
        Item::Heading(_) => 0.0,
        Item::Shape(_) | Item::External => 34.0,
        Item::Level(_) => 20.0,
        Item::Flow | Item::Exposed => 44.0,
    };
    // Headings are bold: wider than the estimate for regular text.
    let bold = if matches!(item, Item::Heading(_)) {
        1.15
    } else {
        1.0
    };
    glyph + text_width(&item_text(view, item), 10.5) * bold + 18.0
}

/// Legend rows after wrapping to `width`: each a list of (item, x).
fn legend_rows(view: &View<'_>, width: f64) -> Vec<Vec<(Item, f64)>> {
    let mut rows = Vec::new();
    for group in legend_items(view) {
        let mut row: Vec<(Item, f64)> = Vec::new();
        let mut x = MARGIN;
        for item in group {
            let w = item_width(view, &item);
            if x + w > width - MARGIN && !row.is_empty() {
                rows.push(std::mem::take(&mut row));
                x = MARGIN + 12.0;
            }
            row.push((item, x));
            x += w;
        }
        rows.push(row);
    }
    rows
}

fn legend_height(view: &View<'_>, width: f64) -> f64 {
    legend_rows(view, width).len() as f64 * LEGEND_ROW + 12.0
}

fn legend(s: &mut String, view: &View<'_>, top: f64, width: f64) {
    s.push_str("<g>\n");
    let _ = writeln!(
        s,
        "<path d=\"M{MARGIN} {} H{}\" stroke=\"#d8dee4\" stroke-width=\"1\"/>",
        num(top - 6.0),
        num(width - MARGIN)
    );
    for (i, row) in legend_rows(view, width).into_iter().enumerate() {
        let cy = top + 10.0 + i as f64 * LEGEND_ROW;
        for (item, x) in row {
            let text = item_text(view, &item);
            let tx = match &item {
                Item::Heading(_) => x,
                Item::Shape(shape) => {
                    let r = Rect {
                        x,
                        y: cy - 9.0,
                        w: 28.0,
                        h: 18.0,
                    };
                    mini_shape(s, *shape, &r, false);
                    x + 34.0
                }
                Item::External => {
                    let r = Rect {
                        x,
                        y: cy - 9.0,
                        w: 28.0,
                        h: 18.0,
                    };
                    mini_shape(s, Shape::Service, &r, true);
                    x + 34.0
                }
                Item::Level(l) => {
                    let _ = write!(
                        s,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"{}\"/>",
                        num(x + 7.0),
                        num(cy),
                        level_colour(*l, view.levels())
                    );
                    x + 20.0
                }
                Item::Flow | Item::Exposed => {
                    let exposed = matches!(item, Item::Exposed);
                    let colour = if exposed { EXPOSED } else { EDGE };
                    let _ = write!(
                        s,
                        "<path d=\"M{} {} H{}\" stroke=\"{colour}\" stroke-width=\"1.5\"{}/><path d=\"M{} {} l-9 -4.5 v9 Z\" fill=\"{colour}\"/>",
                        num(x),
                        num(cy),
                        num(x + 30.0),
                        if exposed { " stroke-dasharray=\"6 4\"" } else { "" },
                        num(x + 38.0),
                        num(cy),
                    );
                    if exposed {
                        padlock(s, x + 9.0, cy - 4.0);
                    }
                    x + 44.0
                }
            };
            let weight = if matches!(item, Item::Heading(_)) {
                " font-weight=\"600\""
            } else {
                ""
            };
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"10.5\" fill=\"{INK}\"{weight}>{}</text>",
                num(tx),
                num(cy + 3.5),
                xml(&text)
            );
        }
        s.push('\n');
    }
    s.push_str("</g>\n");
}

/// A shape at legend size: the same outline, without the person glyph's details.
fn mini_shape(s: &mut String, shape: Shape, r: &Rect, external: bool) {
    let mut tmp = String::new();
    shape_path(&mut tmp, shape, r, external, true);
    // The full-size glyphs are drawn for 54-pixel boxes; at legend size the outline says it.
    if shape == Shape::Actor {
        if let Some(end) = tmp.find("/>") {
            tmp.truncate(end + 2);
        }
    }
    if shape == Shape::Queue {
        let mut out = String::new();
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#fff8ec\" stroke=\"#94651b\" stroke-width=\"1.4\"/>",
            num(r.x), num(r.y), num(r.w), num(r.h)
        );
        for k in 0..2 {
            let lx = r.x + r.w - 6.0 - 4.0 * k as f64;
            let _ = write!(
                out,
                "<path d=\"M{} {} V{}\" stroke=\"#94651b\" stroke-width=\"1.3\"/>",
                num(lx),
                num(r.y + 4.0),
                num(r.bottom() - 4.0)
            );
        }
        tmp = out;
    }
    if shape == Shape::Storage {
        tmp = format!(
            "<path d=\"M{} {} H{} L{} {} H{} V{} H{} Z\" fill=\"#eef7f9\" stroke=\"#2b6f7e\" stroke-width=\"1.4\"/>",
            num(r.x), num(r.y), num(r.x + 10.0), num(r.x + 13.0), num(r.y + 3.0), num(r.right()), num(r.bottom()), num(r.x)
        );
    }
    if shape == Shape::Gateway {
        tmp = format!(
            "<path d=\"M{} {} H{} L{} {} L{} {} H{} L{} {} Z\" fill=\"#f5f2fc\" stroke=\"#5b4a9e\" stroke-width=\"1.4\"/>",
            num(r.x + 6.0), num(r.y), num(r.right() - 6.0), num(r.right()), num(r.centre_y()), num(r.right() - 6.0), num(r.bottom()), num(r.x + 6.0), num(r.x), num(r.centre_y())
        );
    }
    if shape == Shape::Service {
        tmp = tmp.replace("rx=\"12\"", "rx=\"6\"");
    }
    if shape == Shape::Database {
        let e = 3.0;
        tmp = format!(
            "<path d=\"M{x} {y1} A{rx} {e} 0 0 1 {x2} {y1} V{y2} A{rx} {e} 0 0 1 {x} {y2} Z\" fill=\"#f1f8f2\" stroke=\"#2e6b3e\" stroke-width=\"1.4\"/>\
             <path d=\"M{x} {y1} A{rx} {e} 0 0 0 {x2} {y1}\" fill=\"none\" stroke=\"#2e6b3e\" stroke-width=\"1.2\"/>",
            x = num(r.x), y1 = num(r.y + e), rx = num(r.w / 2.0), x2 = num(r.right()), y2 = num(r.bottom() - e)
        );
    }
    s.push_str(&tmp);
}
