//! Data-flow diagrams: snapshots of a small system in the three formats, their structure,
//! determinism, a layout without overlapping boxes at scale, and hostile names escaped.

use std::path::{Path, PathBuf};

use riskfirst_assess::{assess, AssessConfig};
use riskfirst_model::generate::{generate, GenerateConfig};
use riskfirst_model::{Estate, Options, Sources, SystemIdx};
use riskfirst_report::diagram::{self, layout, level_colour, Layout, Marks};

const ROOT: &str = r#"
riskfirst: 1
organisation: { name: Fixture Ltd, currency: EUR }
teams:
  - { id: web, name: Web team }
  - { id: platform, name: Platform team }
business_risks:
  - { id: data-exposed, title: Customer data is exposed, owner: DPO, loss_per_event: { low: 50_000, high: 2_000_000 } }
zones:
  - { id: internet, name: Internet, trust: 0 }
  - { id: dmz, name: DMZ, trust: 40 }
  - { id: private, name: Private network, trust: 80 }
"#;

const SHOP: &str = r#"
riskfirst: 1
system: { id: shop, name: Web shop, owner: web }
data:
  - { id: customers, name: Customer records, classification: confidential, business_risks: [data-exposed] }
components:
  - { id: shopper, name: Shopper, kind: external-entity, technology: browser, zone: internet }
  - { id: lb, name: Load balancer, kind: process, technology: load-balancer, zone: dmz, internet_facing: true }
  - { id: web, name: Shop web application, kind: process, technology: web-application, zone: dmz, processes: [customers] }
  - { id: api, name: Orders API, kind: process, technology: web-service-rest, zone: private, processes: [customers] }
  - { id: db, name: Orders database, kind: datastore, technology: postgresql, zone: private, stores: [customers] }
  - { id: events, name: Order events, kind: datastore, technology: kafka, zone: private }
  - { id: files, name: Invoices bucket, kind: datastore, technology: s3, zone: private }
uses: [platform/idp]
flows:
  - { id: browse, from: shopper, to: lb, protocol: https, data: [customers] }
  - { id: forward, from: lb, to: web, protocol: https }
  - { id: orders, from: web, to: api, protocol: http, data: [customers] }
  - { id: store, from: api, to: db, protocol: postgres, tls: false, data: [customers] }
  - { id: publish, from: api, to: events, protocol: kafka }
  - { id: invoices, from: api, to: files, protocol: https }
  - { id: login, from: web, to: platform/idp, protocol: https }
"#;

const PLATFORM: &str = r#"
riskfirst: 1
system: { id: platform, name: Platform, owner: platform }
components:
  - { id: idp, name: Identity provider, kind: process, technology: keycloak, zone: dmz }
"#;

fn load(root: &str, systems: &[(&str, &str)]) -> Estate {
    let sources = Sources {
        root: (PathBuf::from("riskfirst.yaml"), root.to_string()),
        systems: systems
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect(),
    };
    let loaded = riskfirst_model::load(sources, &Options::default());
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect();
    loaded
        .estate
        .unwrap_or_else(|| panic!("the fixture is valid: {errors:#?}"))
}

fn fixture() -> Estate {
    load(
        ROOT,
        &[
            ("systems/shop.yaml", SHOP),
            ("systems/platform.yaml", PLATFORM),
        ],
    )
}

fn marks(estate: &Estate) -> Marks {
    let analysis = riskfirst_rules::analyze(estate, &[]);
    let cfg = AssessConfig {
        trials: Some(2_000),
        seed: Some(7),
        ..AssessConfig::default()
    };
    let assessment = assess(estate, &analysis, &cfg, None).expect("the fixture assesses");
    Marks::new(estate, &analysis, &assessment)
}

fn system(estate: &Estate, id: &str) -> SystemIdx {
    estate.system(id).expect("the system exists")
}

fn demo() -> Option<Estate> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let sources = riskfirst_model::fs::read_estate(&dir, &Default::default()).ok()?;
    riskfirst_model::load(sources, &Options::default()).estate
}

#[test]
fn snapshots_of_the_three_formats() {
    let estate = fixture();
    let shop = system(&estate, "shop");
    let marks = marks(&estate);
    insta::assert_snapshot!("shop.svg", diagram::svg(&estate, shop, &marks));
    insta::assert_snapshot!("shop.dot", diagram::dot(&estate, shop, &marks));
    insta::assert_snapshot!("shop.mmd", diagram::mermaid(&estate, shop, &marks));
}

/// The visible texts (`<text>` contents) of an SVG, unescaped enough to compare names.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].replace("&#39;", "'"))
        })
        .collect()
}

#[test]
fn every_component_once_every_flow_an_edge_every_zone_a_group() {
    let estate = fixture();
    let shop = system(&estate, "shop");
    let marks = marks(&estate);
    let svg = diagram::svg(&estate, shop, &marks);
    let texts = texts(&svg);
    let names = [
        "Shopper",
        "Load balancer",
        "Shop web application",
        "Orders API",
        "Orders database",
        "Order events",
        "Invoices bucket",
        "Identity provider",
    ];
    for name in names {
        let n = texts.iter().filter(|t| *t == name).count();
        assert_eq!(n, 1, "{name} appears once as a box title in the SVG");
    }
    // The component of another system says whose it is, and is dashed.
    assert!(
        texts.iter().any(|t| t == "platform · keycloak"),
        "{texts:?}"
    );
    assert!(svg.contains("stroke-dasharray=\"5 3\""));
    for zone in ["Internet", "DMZ", "Private network"] {
        assert_eq!(texts.iter().filter(|t| *t == zone).count(), 1, "{zone}");
    }

    let dot = diagram::dot(&estate, shop, &marks);
    assert_eq!(dot.matches(" -> ").count(), 7, "{dot}");
    assert_eq!(dot.matches("subgraph \"cluster_").count(), 3);
    for name in names {
        assert_eq!(
            dot.matches(&format!("label=\"{name}\\n")).count(),
            1,
            "{name}"
        );
    }
    let mermaid = diagram::mermaid(&estate, shop, &marks);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert_eq!(
        mermaid.matches("-->|").count() + mermaid.matches("-.->|").count(),
        7
    );
    assert_eq!(mermaid.matches("  subgraph z").count(), 3);
    assert_eq!(mermaid.matches("\n  end\n").count(), 3);

    let layout = layout(&estate, shop, &marks);
    assert_eq!(layout.nodes.len(), 8);
    assert_eq!(layout.edges.len(), 7);
    assert_eq!(layout.zones.len(), 3);
    // Least trusted on the left.
    assert!(layout
        .zones
        .windows(2)
        .all(|w| w[0].rect.right() < w[1].rect.x));
    assert_no_overlap(&layout);
}

#[test]
fn open_threats_are_marked_by_level() {
    let estate = fixture();
    let shop = system(&estate, "shop");
    let marks = marks(&estate);
    // The unauthenticated, unencrypted web → api flow and its ends draw threats.
    let api = estate.component_in(shop, "api").expect("api exists");
    let mark = marks
        .component(api)
        .expect("the orders API has open threats");
    assert!(mark.open > 0);
    let colour = level_colour(mark.highest, estate.scales.risk.len());
    let svg = diagram::svg(&estate, shop, &marks);
    let badge = format!("fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text");
    assert!(svg.contains(&badge), "a badge in {colour}");
    assert!(svg.contains(&format!(">{}</text>", mark.open)));
    // Without marks, no badge at all.
    let plain = diagram::svg(&estate, shop, &Marks::none());
    assert!(!plain.contains("stroke=\"#ffffff\" stroke-width=\"1.5\"/><text"));
    assert!(!plain.contains("open threat"));
    // The unencrypted flow from the DMZ into the private network carries the marker.
    let orders = estate
        .flows
        .iter()
        .position(|f| f.id() == "orders")
        .expect("orders");
    let lay = layout(&estate, shop, &marks);
    let edge = lay
        .edges
        .iter()
        .find(|e| e.flow.index() == orders)
        .expect("an edge");
    assert!(edge.exposed);
    assert_eq!(
        lay.edges.iter().filter(|e| e.exposed).count(),
        1,
        "store stays in one zone"
    );
    assert!(svg.contains(
        "stroke=\"#b3261e\" stroke-width=\"1.6\" stroke-linejoin=\"round\" stroke-dasharray"
    ));
}

#[test]
fn level_colours_run_from_green_to_dark_red() {
    assert_eq!(level_colour(0, 4), "#2e7d32");
    assert_eq!(level_colour(3, 4), "#c62828");
    assert_eq!(level_colour(4, 5), "#6d1b1b");
    assert_eq!(
        level_colour(9, 4),
        level_colour(3, 4),
        "out of range takes the highest"
    );
    let seven: Vec<&str> = (0..7).map(|i| level_colour(i, 7)).collect();
    assert_eq!(seven.first(), Some(&"#2e7d32"));
    assert_eq!(seven.last(), Some(&"#6d1b1b"));
}

#[test]
fn the_same_estate_gives_the_same_bytes() {
    let estate = fixture();
    let shop = system(&estate, "shop");
    let a = marks(&estate);
    let b = marks(&fixture());
    assert_eq!(
        diagram::svg(&estate, shop, &a),
        diagram::svg(&fixture(), shop, &b)
    );
    assert_eq!(
        diagram::dot(&estate, shop, &a),
        diagram::dot(&estate, shop, &b)
    );
    assert_eq!(
        diagram::mermaid(&estate, shop, &a),
        diagram::mermaid(&estate, shop, &b)
    );
}

/// With `RISKFIRST_DIAGRAM_DIR` set, writes the SVG there to look at (`rsvg-convert` turns
/// it into a PNG).
fn keep(name: &str, svg: &str) {
    if let Some(dir) = std::env::var_os("RISKFIRST_DIAGRAM_DIR") {
        let path = Path::new(&dir).join(format!("{name}.svg"));
        std::fs::write(&path, svg).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
    }
}

fn assert_no_overlap(layout: &Layout) {
    for (i, a) in layout.nodes.iter().enumerate() {
        let zone = &layout.zones[a.zone].rect;
        assert!(zone.contains(&a.rect), "box {i} lies inside its zone");
        assert!(a.rect.right() <= layout.width && a.rect.bottom() <= layout.height);
        for b in &layout.nodes[i + 1..] {
            assert!(
                !a.rect.overlaps(&b.rect),
                "{:?} and {:?} overlap",
                a.rect,
                b.rect
            );
        }
    }
    for (i, a) in layout.zones.iter().enumerate() {
        for b in &layout.zones[i + 1..] {
            assert!(!a.rect.overlaps(&b.rect), "zones overlap");
        }
    }
    // Labels stay off the boxes.
    let on_boxes = layout
        .edges
        .iter()
        .filter(|e| layout.nodes.iter().any(|n| n.rect.overlaps(&e.label)))
        .count();
    assert_eq!(on_boxes, 0, "no flow label covers a component");
}

#[test]
fn the_demo_systems_lay_out_without_overlaps() {
    let Some(estate) = demo() else {
        panic!("examples/northwind is part of the repository and loads");
    };
    let mut largest = (0, SystemIdx(0));
    for s in estate.system_indices() {
        let layout = layout(&estate, s, &Marks::none());
        assert_no_overlap(&layout);
        keep(estate[s].id(), &diagram::svg(&estate, s, &Marks::none()));
        largest = largest.max((layout.nodes.len(), s));
        // No flow runs across a box it does not start or end at.
        for e in &layout.edges {
            for seg in &e.path {
                if seg[0].1 == seg[3].1 && seg[0] == seg[1] {
                    for (k, n) in layout.nodes.iter().enumerate() {
                        let crosses = n.rect.y < seg[0].1
                            && seg[0].1 < n.rect.bottom()
                            && seg[0].0.min(seg[3].0) < n.rect.x
                            && n.rect.right() < seg[0].0.max(seg[3].0);
                        assert!(
                            !crosses || k == e.from || k == e.to,
                            "a corridor crosses box {k}"
                        );
                    }
                }
            }
        }
    }
    assert!(
        largest.0 >= 12,
        "the largest demo system has {} boxes",
        largest.0
    );
}

#[test]
fn a_generated_system_of_200_components_lays_out_without_overlaps() {
    let cfg = GenerateConfig {
        components: 200,
        flows: 400,
        seed: 3,
        systems: Some(1),
        teams: None,
    };
    let files = generate(&cfg);
    let root = files[0].1.clone();
    let systems: Vec<(&str, &str)> = files[1..]
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let estate = load(&root, &systems);
    let s = estate
        .system_indices()
        .max_by_key(|s| estate[*s].components.len())
        .expect("a system");
    assert_eq!(estate[s].components.len(), 200);
    let marks = marks(&estate);
    let layout = layout(&estate, s, &marks);
    assert!(layout.nodes.len() >= 200);
    assert_eq!(layout.edges.len(), estate[s].flows.len());
    assert_no_overlap(&layout);
    // Readable at scale: wider than tall, but not a ribbon.
    let ratio = layout.width / layout.height;
    assert!((0.8..4.0).contains(&ratio), "aspect {ratio}");
    let svg = diagram::svg(&estate, s, &marks);
    check_svg(&svg, &[]);
    keep("generated-200", &svg);
}

/// Hostile strings for every place the model's text reaches.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "]]><script>x</script><![CDATA[",
    "</text></g></svg><img src=x onerror=alert(1)>",
    "a\nb\r\n\u{0}\u{1b}c",
    "&amp;&lt;&#x3c;",
    "\\N\\G\\\" -> evil [label=x]; }",
    "n0 --> n1\nend\nclick n0 \"javascript:alert(1)\"",
    "#quot;]|>{{x}}",
];

/// A strict check of an SVG: well-formed, only the elements and attributes the renderer
/// writes, no event handler, no URL, and none of `forbidden` in clear anywhere.
fn check_svg(svg: &str, forbidden: &[&str]) {
    const ELEMENTS: &[&str] = &["svg", "title", "rect", "text", "path", "circle", "g"];
    const ATTRIBUTES: &[&str] = &[
        "xmlns",
        "viewBox",
        "width",
        "height",
        "preserveAspectRatio",
        "role",
        "font-family",
        "style",
        "aria-label",
        "x",
        "y",
        "rx",
        "fill",
        "stroke",
        "stroke-width",
        "stroke-dasharray",
        "stroke-linejoin",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "d",
        "cx",
        "cy",
        "r",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let tag_end = rest[open..].find('>').expect("every tag closes") + open;
        let tag = &rest[open + 1..tag_end];
        rest = &rest[tag_end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "balanced tags");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        assert!(ELEMENTS.contains(&name), "unexpected element <{name}>");
        if stack.is_empty() {
            roots += 1;
        }
        // Attributes: name="value", each once, values free of quotes and markup.
        let mut attrs = tag[name_end..].trim();
        let mut seen = Vec::new();
        while !attrs.is_empty() {
            let eq = attrs.find("=\"").expect("attribute=\"value\"");
            let attr = &attrs[..eq];
            assert!(ATTRIBUTES.contains(&attr), "unexpected attribute {attr}");
            assert!(!seen.contains(&attr), "duplicate attribute {attr}");
            seen.push(attr);
            let value_end = attrs[eq + 2..].find('"').expect("closing quote") + eq + 2;
            let value = &attrs[eq + 2..value_end];
            check_text(value);
            // No attribute takes a URL (no href, src, xlink:href) and no style a url(), so
            // `javascript:` in a name stays text.
            if attr == "style" {
                assert!(!value.contains("url("), "no URLs in styles");
            }
            attrs = attrs[value_end + 1..].trim_start();
        }
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
    for f in forbidden {
        assert!(!svg.contains(f), "{f:?} survives in clear");
    }
    assert!(!svg.contains("<script") && !svg.contains("<img") && !svg.contains("<![CDATA["));
}

/// Character data: no `<`, `>` outside entities, every `&` starts a known entity, no
/// control character XML forbids.
fn check_text(text: &str) {
    assert!(
        !text.contains('>') || text.trim().is_empty(),
        "bare > in {text:?}"
    );
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&entity),
            "unknown entity {entity:?}"
        );
    }
    assert!(
        !text
            .chars()
            .any(|c| (c as u32) < 0x20 && c != '\n' && c != '\t'),
        "control character in {text:?}"
    );
}

#[test]
fn hostile_names_are_escaped_in_every_format() {
    for payload in PAYLOADS {
        let yaml = |s: &str| serde_json::to_string(s).expect("a JSON string is a YAML scalar");
        let shop = SHOP
            .replace("name: Shopper,", &format!("name: {},", yaml(payload)))
            .replace(
                "name: Orders API,",
                &format!("name: {},", yaml(&format!("x{payload}"))),
            )
            .replace(
                "system: { id: shop, name: Web shop,",
                &format!("system: {{ id: shop, name: {},", yaml(payload)),
            )
            .replace("protocol: kafka", &format!("protocol: {}", yaml(payload)))
            .replace(
                "{ id: dmz, name: DMZ,",
                &format!("{{ id: dmz, name: {},", yaml(payload)),
            );
        let root = ROOT.replace(
            "{ id: dmz, name: DMZ,",
            &format!("{{ id: dmz, name: {},", yaml(payload)),
        );
        let estate = load(
            &root,
            &[
                ("systems/shop.yaml", &shop),
                ("systems/platform.yaml", PLATFORM),
            ],
        );
        let s = system(&estate, "shop");
        let marks = marks(&estate);

        let svg = diagram::svg(&estate, s, &marks);
        // Text may say `onload=`; the whitelist above keeps it out of attribute names.
        check_svg(&svg, &["<script", "<svg onload", "<img", "]]>"]);
        if payload.starts_with("<script") {
            assert!(svg.contains("&lt;script&gt;"), "the name is shown, escaped");
        }

        let dot = diagram::dot(&estate, s, &marks);
        // Inside DOT strings, every quote is escaped, so lines keep an even count of bare quotes.
        for line in dot.lines() {
            let bare = line.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(
                bare.matches('"').count() % 2,
                0,
                "unbalanced quotes in {line}"
            );
        }
        // Backslashes come in escaped pairs, so no Graphviz escape (`\N`, `\G`) is live.
        let unpaired = dot.replace("\\\\", "");
        assert!(
            !unpaired.contains("\\N") && !unpaired.contains("\\G"),
            "{dot}"
        );
        assert_eq!(dot.lines().filter(|l| l.contains("\" -> \"")).count(), 7);

        let mermaid = diagram::mermaid(&estate, s, &marks);
        let stripped = mermaid.replace("<br/>", "");
        assert!(!stripped.contains('<'), "no markup survives in {stripped}");
        // Every line is a statement the renderer writes: the model cannot start a line
        // (a `click` with a URL, an `end` that closes a subgraph early).
        let statements = [
            "flowchart LR",
            "subgraph z",
            "direction TB",
            "n",
            "end",
            "classDef ",
            "class ",
            "linkStyle ",
        ];
        for line in mermaid.lines() {
            let t = line.trim_start();
            assert!(
                statements.iter().any(|p| t.starts_with(p)),
                "unexpected line {line:?}"
            );
            if let Some(rest) = t.strip_prefix('n') {
                assert!(rest.starts_with(|c: char| c.is_ascii_digit()), "{line:?}");
            }
        }
        assert_eq!(
            mermaid.lines().filter(|l| l.trim() == "end").count(),
            3,
            "{mermaid}"
        );
        for line in mermaid.lines() {
            assert_eq!(
                line.matches('"').count() % 2,
                0,
                "unbalanced quotes in {line}"
            );
        }
    }
}
