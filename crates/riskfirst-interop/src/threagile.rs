//! Threagile YAML (model format v1): import.
//!
//! A model becomes one system. Technical assets become components (Threagile's
//! properties are riskfirst's: internet, machine, encryption, multi-tenant, redundant,
//! custom code, human use, out of scope, accepted formats), communication links become
//! flows with their protocol, authentication and authorization, data assets become data
//! (the confidentiality as the classification), trust boundaries become zones (an asset
//! lives in the innermost boundary that holds it; nesting raises the trust), shared
//! runtimes become tags. The risks identified under individual (custom) risk categories
//! become hand-written threats, with risk tracking setting their status; tracking of
//! Threagile's built-in rules, which riskfirst's rules replace, is reported, not applied.

use std::collections::HashMap;

use riskfirst_model::format::*;
use riskfirst_model::node::{Node, Value};
use riskfirst_model::Spanned;

use crate::build::{append, complete_decision, slug, stride_of, threat_status, Draft};
use crate::read::{self, get, pos, text, texts};
use crate::{ImportError, ImportOptions, Imported, Input, Pos};

const FORMAT: &str = "threagile";

pub fn detect(input: &Input) -> bool {
    crate::head(input).contains("threagile_version")
}

/// The entries of a Threagile section: a mapping of titles to values (or, for
/// `custom_risk_categories`, a list of values with a `title`).
fn section<'a>(d: &mut Draft, tree: &'a Node, key: &str) -> Vec<(String, &'a Node)> {
    match get(tree, key).map(|n| &n.value) {
        None => Vec::new(),
        Some(Value::Map(entries)) => entries
            .iter()
            .filter(|(_, v)| read::is_map(v))
            .map(|(k, v)| (read::scalar(k).unwrap_or_default(), v))
            .collect(),
        Some(Value::Seq(items)) => items
            .iter()
            .filter(|v| read::is_map(v))
            .map(|v| (text(v, "title").unwrap_or_default(), v))
            .collect(),
        Some(_) => {
            let node = get(tree, key);
            d.report.not_mapped(
                key,
                "expected a mapping of titles to entries",
                node.and_then(pos),
            );
            Vec::new()
        }
    }
}

pub fn import(input: &Input, options: &ImportOptions) -> Result<Imported, ImportError> {
    let tree = read::document(input.bytes, "Threagile", "a Threagile model")?;
    let tree = read::resolve_merges(tree);
    let version = text(&tree, "threagile_version").ok_or_else(|| {
        ImportError::new("not a Threagile model: `threagile_version` is missing")
            .at(pos(&tree))
            .hint("a Threagile model starts with `threagile_version: 1.0.0`")
    })?;
    if !version.starts_with("1.") && version != "1" {
        return Err(ImportError::new(format!(
            "Threagile model version {version} is not supported: riskfirst reads version 1"
        ))
        .at(get(&tree, "threagile_version").and_then(pos)));
    }
    let title = text(&tree, "title").unwrap_or_default();
    let mut d = Draft::new(FORMAT, &title, &title, &title);
    d.report.mapped("model", "system");
    let mut description = None;
    for key in ["management_summary_comment"] {
        if let Some(t) = text(&tree, key) {
            append(&mut description, &t);
        }
    }
    for key in ["business_overview", "technical_overview"] {
        if let Some(t) = get(&tree, key).and_then(|o| text(o, "description")) {
            append(&mut description, &t);
        }
    }
    d.system.system.description = description;
    if let Some(a) = get(&tree, "author").and_then(|a| text(a, "name")) {
        d.report.not_mapped(
            "author",
            format!("\"{a}\" wrote the model; riskfirst records owners, not authors"),
            get(&tree, "author").and_then(pos),
        );
    }
    for (key, why) in [
        ("date", "riskfirst keeps no date of the model"),
        (
            "business_criticality",
            "riskfirst states criticality as money: set the business risk's loss instead",
        ),
        ("questions", "riskfirst has no open questions"),
        (
            "abuse_cases",
            "riskfirst has no abuse cases: write the ones that matter as business risks",
        ),
        (
            "security_requirements",
            "riskfirst has no requirements list; controls hold what is done",
        ),
        (
            "tags_available",
            "the tags are kept on the elements that use them",
        ),
    ] {
        if let Some(n) = get(&tree, key) {
            d.report.not_mapped(key, why, pos(n));
        }
    }
    data_assets(&mut d, &tree);
    let runtimes = shared_runtimes(&mut d, &tree);
    let links = technical_assets(&mut d, &tree, &runtimes);
    links_to_flows(&mut d, &links);
    trust_boundaries(&mut d, &tree);
    let mut tracking = risk_tracking(&mut d, &tree);
    individual_risks(&mut d, &tree, &mut tracking, options);
    for t in &tracking {
        if !t.used {
            d.report.not_mapped(
                format!("risk tracking `{}`", t.id),
                format!(
                    "it decides Threagile's own rule `{}`, which riskfirst's rules replace: decide riskfirst's threats on these elements ({})",
                    t.id.split('@').next().unwrap_or_default(),
                    t.summary()
                ),
                t.pos,
            );
        }
    }
    Ok(d.finish())
}

fn classification(d: &mut Draft, value: &str, subject: &str, at: Option<Pos>) -> Classification {
    match value {
        "public" => Classification::Public,
        "internal" => Classification::Internal,
        "confidential" => Classification::Confidential,
        "strictly-confidential" => Classification::Restricted,
        "restricted" => {
            d.report.guessed(
                subject,
                "classification `confidential` from Threagile's `restricted`, which ranks between internal and confidential",
                at,
            );
            Classification::Confidential
        }
        other => {
            d.report.fill_in(
                subject,
                format!(
                    "unknown confidentiality `{other}`: classification `internal` written; set it"
                ),
                at,
            );
            Classification::Internal
        }
    }
}

/// Keeps the source's ratings, in the description, beside riskfirst's money.
fn ratings(node: &Node, keys: &[&str]) -> Option<String> {
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| text(node, k).map(|v| format!("{} {v}", k.replace('_', " "))))
        .collect();
    (!parts.is_empty()).then(|| format!("Threagile rating: {}.", parts.join(", ")))
}

fn data_assets(d: &mut Draft, tree: &Node) {
    for (name, a) in section(d, tree, "data_assets") {
        let at = pos(a);
        let src = text(a, "id").unwrap_or_else(|| name.clone());
        let subject = format!("data asset \"{name}\"");
        let id = d.data_id(&src, &name, at);
        let conf = text(a, "confidentiality").unwrap_or_else(|| "internal".into());
        let class = classification(d, &conf, &subject, at);
        let mut description = text(a, "description");
        if let Some(r) = ratings(
            a,
            &[
                "confidentiality",
                "integrity",
                "availability",
                "quantity",
                "origin",
                "owner",
                "usage",
            ],
        ) {
            append(&mut description, &r);
        }
        if let Some(j) = text(a, "justification_cia_rating") {
            append(&mut description, &j);
        }
        let tags = texts(a, "tags");
        let personal = tags.iter().any(|t| t.contains("pii") || t.contains("gdpr"))
            || name.to_ascii_lowercase().contains("pii");
        d.system.data.push(DataAsset {
            id: Spanned::new(id),
            name: name.clone(),
            classification: class,
            personal,
            description,
            ..DataAsset::default()
        });
        d.report.mapped("data assets", "data assets");
    }
}

/// Shared runtime of each technical asset (source id), as a tag.
fn shared_runtimes(d: &mut Draft, tree: &Node) -> HashMap<String, Vec<String>> {
    let mut by_asset: HashMap<String, Vec<String>> = HashMap::new();
    for (name, r) in section(d, tree, "shared_runtimes") {
        let id = text(r, "id").unwrap_or_else(|| slug(&name));
        for asset in texts(r, "technical_assets_running") {
            by_asset
                .entry(asset)
                .or_default()
                .push(format!("runtime:{}", slug(&id)));
        }
        d.report.guessed(
            format!("shared runtime \"{name}\""),
            format!(
                "the tag `runtime:{}` on each asset it runs: riskfirst has no shared runtimes",
                slug(&id)
            ),
            pos(r),
        );
    }
    by_asset
}

/// Threagile technologies riskfirst names otherwise; the rest are guessed from words.
const TECHNOLOGIES: &[(&str, &str)] = &[
    ("database", "postgresql"),
    ("desktop", "desktop-app"),
    ("devops-client", "desktop-app"),
    ("cms", "web-application"),
    ("identity-store-ldap", "ldap-server"),
    ("identity-store-database", "postgresql"),
    ("sourcecode-repository", "source-repository"),
    ("artifact-registry", "artifact-registry"),
    ("code-inspection-platform", "build-pipeline"),
    ("web-service-rest", "web-service-rest"),
    ("web-service-soap", "web-service-soap"),
    ("mobile-app", "mobile-app"),
    ("iot-device", "iot-device"),
    ("mainframe", "mainframe"),
    ("file-server", "file-server"),
    ("local-file-system", "file-server"),
    ("block-storage", "object-storage"),
    ("message-queue", "message-queue"),
    ("stream-processing", "kafka"),
    ("service-mesh", "service-mesh"),
    ("reverse-proxy", "reverse-proxy"),
    ("load-balancer", "load-balancer"),
    ("identity-provider", "identity-provider"),
    ("build-pipeline", "build-pipeline"),
    ("web-server", "web-server"),
    ("application-server", "web-server"),
    ("web-application", "web-application"),
    ("browser", "browser"),
    ("erp", "erp"),
    ("vault", "vault"),
    ("hsm", "hsm"),
    ("waf", "waf"),
    ("ids", "monitoring"),
    ("ips", "monitoring"),
    ("monitoring", "monitoring"),
    ("scheduler", "scheduler"),
    ("batch-processing", "batch-job"),
    ("event-listener", "microservice"),
    ("gateway", "api-gateway"),
    ("mail-server", "mail-server"),
    ("search-index", "elasticsearch"),
    ("search-engine", "elasticsearch"),
    ("data-lake", "data-warehouse"),
    ("report-engine", "microservice"),
    ("function", "function"),
    ("container-platform", "container-platform"),
    ("tool", "admin-console"),
    ("cli", "admin-console"),
    ("library", "microservice"),
];

/// A communication link before its ends are known: (source component, link node, name).
struct Link<'a> {
    from: String,
    from_src: String,
    name: String,
    node: &'a Node,
}

fn technical_assets<'a>(
    d: &mut Draft,
    tree: &'a Node,
    runtimes: &HashMap<String, Vec<String>>,
) -> Vec<Link<'a>> {
    let mut links = Vec::new();
    for (name, a) in section(d, tree, "technical_assets") {
        let at = pos(a);
        let src = text(a, "id").unwrap_or_else(|| name.clone());
        let subject = format!("technical asset \"{name}\"");
        let id = d.component_id(&src, &name, at);
        let kind = match text(a, "type").as_deref() {
            Some("external-entity") => Some(ComponentKind::ExternalEntity),
            Some("process") => Some(ComponentKind::Process),
            Some("datastore") => Some(ComponentKind::Datastore),
            _ => None,
        };
        let tech = text(a, "technology").unwrap_or_default();
        let (kind, technology) = match TECHNOLOGIES.iter().find(|(t, _)| *t == tech) {
            Some((t, ours)) => {
                if t != ours {
                    d.report.guessed(
                        &subject,
                        format!("technology `{ours}` for Threagile's `{t}`"),
                        at,
                    );
                }
                let kind = kind.unwrap_or_else(|| crate::build::kind_of(ours));
                (kind, ours.to_string())
            }
            None => d.kind_and_technology(&subject, kind, &format!("{tech} {name}"), at),
        };
        let mut description = text(a, "description");
        if let Some(r) = ratings(
            a,
            &[
                "confidentiality",
                "integrity",
                "availability",
                "size",
                "owner",
            ],
        ) {
            append(&mut description, &r);
        }
        let mut tags = texts(a, "tags");
        tags.extend(runtimes.get(&src).cloned().unwrap_or_default());
        let encryption = text(a, "encryption");
        let mut c = Component {
            id: Spanned::new(id.clone()),
            name: Some(name.clone()),
            kind,
            technology: Spanned::new(technology),
            description,
            internet_facing: read::boolean(a, "internet").unwrap_or(false),
            machine: match text(a, "machine").as_deref() {
                Some("physical") => Some(Machine::Physical),
                Some("virtual") => Some(Machine::Virtual),
                Some("container") => Some(Machine::Container),
                Some("serverless") => Some(Machine::Serverless),
                _ => None,
            },
            usage: match text(a, "usage").as_deref() {
                Some("devops") => Some(Usage::Devops),
                Some("business") => Some(Usage::Business),
                _ => None,
            },
            custom_code: read::boolean(a, "custom_developed_parts"),
            human_use: read::boolean(a, "used_as_client_by_human").unwrap_or(false),
            multi_tenant: read::boolean(a, "multi_tenant").unwrap_or(false),
            redundant: read::boolean(a, "redundant"),
            encrypted_at_rest: encryption.as_deref().map(|e| e != "none"),
            tags,
            ..Component::default()
        };
        if read::boolean(a, "out_of_scope") == Some(true) {
            let reason = text(a, "justification_out_of_scope");
            if reason.is_none() {
                d.report.fill_in(&subject, "out of scope without a justification: a placeholder reason was written; replace it", at);
            }
            c.out_of_scope = Some(
                reason.unwrap_or_else(|| "Out of scope in Threagile (no reason given).".into()),
            );
        }
        for format in texts(a, "data_formats_accepted") {
            let f = match format.as_str() {
                "json" => Some(DataFormat::Json),
                "xml" => Some(DataFormat::Xml),
                "serialization" => Some(DataFormat::Serialization),
                "file" => Some(DataFormat::File),
                "csv" => Some(DataFormat::Csv),
                "yaml" => Some(DataFormat::Yaml),
                _ => None,
            };
            match f {
                Some(f) => c.accepts.push(f),
                None => d.report.not_mapped(
                    format!("{subject} data format `{format}`"),
                    "riskfirst knows no such data format",
                    at,
                ),
            }
        }
        for (key, into) in [
            ("data_assets_processed", &mut c.processes),
            ("data_assets_stored", &mut c.stores),
        ] {
            for a in texts(a, key) {
                match d.data.get(&a) {
                    Some(id) => into.push(Spanned::new(id.clone())),
                    None => d.report.not_mapped(
                        format!("{subject} {key} `{a}`"),
                        "no data asset has this id",
                        at,
                    ),
                }
            }
        }
        d.system.components.push(c);
        d.report.mapped("technical assets", "components");
        if let Some(Value::Map(entries)) = get(a, "communication_links").map(|n| &n.value) {
            for (k, node) in entries {
                links.push(Link {
                    from: id.clone(),
                    from_src: src.clone(),
                    name: read::scalar(k).unwrap_or_default(),
                    node,
                });
            }
        }
    }
    links
}

/// Threagile protocols riskfirst names otherwise, and whether they are encrypted.
fn protocol_of(p: &str) -> Option<(&'static str, Option<bool>)> {
    Some(match p {
        "https" => ("https", None),
        "http" => ("http", None),
        "wss" => ("wss", None),
        "ws" => ("ws", None),
        "reverse-proxy-web-protocol" => ("http", None),
        "reverse-proxy-web-protocol-encrypted" => ("https", None),
        "mqtt" => ("mqtt", None),
        "jdbc" | "odbc" | "sql-access-protocol" | "nosql-access-protocol" => ("jdbc", None),
        "jdbc-encrypted"
        | "odbc-encrypted"
        | "sql-access-protocol-encrypted"
        | "nosql-access-protocol-encrypted" => ("jdbc", Some(true)),
        "binary" | "text" => ("tcp", None),
        "binary-encrypted" | "text-encrypted" => ("tcp", Some(true)),
        "ssh" | "ssh-tunnel" => ("ssh", None),
        "smtp" => ("smtp", None),
        "smtp-encrypted" => ("smtps", None),
        "pop3" | "imap" => ("smtp", None),
        "pop3-encrypted" | "imap-encrypted" => ("smtps", None),
        "ftp" => ("ftp", None),
        "ftps" => ("ftps", None),
        "sftp" | "scp" => ("sftp", None),
        "ldap" => ("ldap", None),
        "ldaps" => ("ldaps", None),
        "jms" | "iiop" | "rmi" => ("tcp", None),
        "iiop-encrypted" | "rmi-encrypted" => ("tcp", Some(true)),
        "nfs" => ("nfs", None),
        "smb" => ("smb", None),
        "smb-encrypted" => ("smb", Some(true)),
        "local-file-access" => ("local-file", None),
        "in-process-library-call" | "in-memory" | "inter-process-communication" => {
            ("in-process", None)
        }
        "container-spawning" => ("in-process", None),
        _ => return None,
    })
}

fn links_to_flows(d: &mut Draft, links: &[Link]) {
    for l in links {
        let at = pos(l.node);
        let subject = format!("communication link \"{}\" of `{}`", l.name, l.from_src);
        let Some(target) = text(l.node, "target") else {
            d.report.not_mapped(&subject, "no target", at);
            continue;
        };
        let Some(to) = d.components.get(&target).cloned() else {
            d.report.not_mapped(
                &subject,
                format!("target `{target}` is no technical asset"),
                at,
            );
            continue;
        };
        let id = d.flow_id(&format!("{}-{}", l.from, slug(&l.name)), &l.name, at);
        let proto = text(l.node, "protocol").unwrap_or_default();
        let (protocol, tls) = match protocol_of(&proto) {
            Some((p, tls)) => {
                if p != proto {
                    d.report.guessed(
                        &subject,
                        format!("protocol `{p}` for Threagile's `{proto}`"),
                        at,
                    );
                }
                (p.to_string(), tls)
            }
            None => (d.protocol(&subject, &proto, at), None),
        };
        let authentication = match text(l.node, "authentication").as_deref() {
            Some("none") => Some(Authentication::None),
            Some("credentials") => Some(Authentication::Password),
            Some("session-id") => Some(Authentication::Session),
            Some("token") => Some(Authentication::Token),
            Some("client-certificate") => Some(Authentication::Certificate),
            Some("two-factor") => {
                d.report.guessed(&subject, "authentication `password` with a second factor on the target, for `two-factor`", at);
                if let Some(c) = d.system.components.iter_mut().find(|c| c.id.value == to) {
                    c.mfa = Some(true);
                }
                Some(Authentication::Password)
            }
            Some("externalized") => {
                d.report
                    .guessed(&subject, "authentication `oidc` for `externalized`", at);
                Some(Authentication::Oidc)
            }
            Some(other) => {
                d.report.not_mapped(
                    format!("{subject} authentication `{other}`"),
                    "riskfirst knows no such authentication",
                    at,
                );
                None
            }
            None => None,
        };
        let authorization = match text(l.node, "authorization").as_deref() {
            Some("none") => Some(Authorization::None),
            Some("technical-user") => Some(Authorization::TechnicalUser),
            Some("end-user-identity-propagation") => Some(Authorization::EndUser),
            _ => None,
        };
        let mut data: Vec<Spanned<String>> = Vec::new();
        for key in ["data_assets_sent", "data_assets_received"] {
            for a in texts(l.node, key) {
                match d.data.get(&a) {
                    Some(id) if !data.iter().any(|x| &x.value == id) => {
                        data.push(Spanned::new(id.clone()))
                    }
                    Some(_) => {}
                    None => d.report.not_mapped(
                        format!("{subject} {key} `{a}`"),
                        "no data asset has this id",
                        at,
                    ),
                }
            }
        }
        let mut tags = texts(l.node, "tags");
        if read::boolean(l.node, "ip_filtered") == Some(true) {
            tags.push("ip-filtered".into());
        }
        let flow = Flow {
            id: Spanned::new(id),
            from: Spanned::new(l.from.clone()),
            to: Spanned::new(to),
            protocol: Spanned::new(protocol),
            tls,
            authentication,
            authorization,
            data,
            description: text(l.node, "description"),
            readonly: read::boolean(l.node, "readonly").unwrap_or(false),
            usage: match text(l.node, "usage").as_deref() {
                Some("devops") => Some(Usage::Devops),
                Some("business") => Some(Usage::Business),
                _ => None,
            },
            vpn: read::boolean(l.node, "vpn").unwrap_or(false),
            tags,
        };
        d.push_flow(flow, &subject, at);
    }
}

/// Trust of a boundary from its type, before nesting adds to it.
fn boundary_trust(ty: &str) -> i64 {
    match ty {
        "network-on-prem" => 70,
        "network-dedicated-hoster" => 60,
        "network-virtual-lan" => 70,
        "network-cloud-provider" => 60,
        "network-cloud-security-group" => 70,
        "network-policy-namespace-isolation" => 75,
        "execution-environment" => 80,
        _ => 60,
    }
}

fn trust_boundaries(d: &mut Draft, tree: &Node) {
    let boundaries = section(d, tree, "trust_boundaries");
    let ids: Vec<String> = boundaries
        .iter()
        .map(|(name, b)| text(b, "id").unwrap_or_else(|| name.clone()))
        .collect();
    // Depth of each boundary in the nesting, bounded so a cycle ends.
    let mut parent: HashMap<&str, &str> = HashMap::new();
    for ((_, b), id) in boundaries.iter().zip(&ids) {
        for nested in texts(b, "trust_boundaries_nested") {
            if let Some(n) = ids.iter().find(|i| **i == nested) {
                parent.insert(n.as_str(), id.as_str());
            } else {
                d.report.not_mapped(
                    format!("trust boundary `{id}` nested `{nested}`"),
                    "no trust boundary has this id",
                    pos(b),
                );
            }
        }
    }
    let depth = |id: &str| {
        let mut n = 0;
        let mut cur = id;
        while let Some(p) = parent.get(cur) {
            n += 1;
            cur = p;
            if n > ids.len() {
                break;
            }
        }
        n
    };
    // An asset lives in the deepest boundary that lists it.
    let mut home: HashMap<String, (usize, i64)> = HashMap::new();
    let mut zone_ids = Vec::new();
    for (i, ((name, b), id)) in boundaries.iter().zip(&ids).enumerate() {
        let ty = text(b, "type").unwrap_or_default();
        let mut level = depth(id);
        if level > ids.len() {
            d.report.not_mapped(
                format!("trust boundary \"{name}\" nesting"),
                "its boundaries nest in a cycle: read as not nested",
                pos(b),
            );
            level = 0;
        }
        let trust = (boundary_trust(&ty) + 10 * level as i64).min(100);
        let zone = d.zone(id, name, trust, pos(b));
        d.report.guessed(
            format!("trust boundary \"{name}\""),
            format!("zone `{zone}` of trust {trust} from its type `{ty}` and nesting depth {level}; set its trust"),
            pos(b),
        );
        d.report.mapped("trust boundaries", "zones");
        if let Some(z) = d.system.zones.last_mut() {
            z.description = text(b, "description");
        }
        zone_ids.push(zone);
        for asset in texts(b, "technical_assets_inside") {
            let deeper = home.get(&asset).is_none_or(|(_, l)| level as i64 > *l);
            if deeper {
                home.insert(asset, (i, level as i64));
            }
        }
    }
    let mut outside: Option<String> = None;
    // Every component, also each of two assets that share an id (found by the fuzzer).
    let by_src: Vec<(String, String)> = d.component_sources.clone();
    for (src, id) in by_src {
        let zone = match home.get(&src) {
            Some((i, _)) => zone_ids[*i].clone(),
            None => match &outside {
                Some(z) => z.clone(),
                None => {
                    let z = d.zone("outside", "Outside every trust boundary", 0, None);
                    d.report.guessed(
                        format!("zone `{z}`"),
                        "trust 0 for the assets in no trust boundary, as Threagile treats them (the internet)",
                        None,
                    );
                    outside = Some(z.clone());
                    z
                }
            },
        };
        if let Some(c) = d.system.components.iter_mut().find(|c| c.id.value == id) {
            c.zone = Spanned::new(zone);
        }
    }
}

/// One entry of `risk_tracking`.
struct Tracking {
    id: String,
    status: Option<ThreatStatus>,
    raw_status: String,
    justification: Option<String>,
    ticket: Option<String>,
    date: Option<String>,
    checked_by: Option<String>,
    pos: Option<Pos>,
    used: bool,
}

impl Tracking {
    fn summary(&self) -> String {
        let mut parts = vec![format!("status {}", self.raw_status)];
        for (k, v) in [
            ("ticket", &self.ticket),
            ("date", &self.date),
            ("checked by", &self.checked_by),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k} {v}"));
            }
        }
        parts.join(", ")
    }

    /// Whether the tracked id (with `*` wildcards between the `@`) names `risk`.
    fn matches(&self, risk: &str) -> bool {
        let a: Vec<&str> = self.id.split('@').collect();
        let b: Vec<&str> = risk.split('@').collect();
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| *x == "*" || x == y)
    }
}

fn risk_tracking(d: &mut Draft, tree: &Node) -> Vec<Tracking> {
    let mut out = Vec::new();
    for (id, t) in section(d, tree, "risk_tracking") {
        let raw_status = text(t, "status").unwrap_or_else(|| "unchecked".into());
        let status = match raw_status.as_str() {
            "in-discussion" | "in-progress" | "unchecked" => Some(ThreatStatus::Open),
            other => threat_status(other),
        };
        out.push(Tracking {
            id,
            status,
            raw_status,
            justification: text(t, "justification"),
            ticket: text(t, "ticket"),
            date: text(t, "date"),
            checked_by: text(t, "checked_by"),
            pos: pos(t),
            used: false,
        });
    }
    out
}

/// The risks identified under the individual (custom) risk categories, as hand-written
/// threats on their most relevant elements.
fn individual_risks(
    d: &mut Draft,
    tree: &Node,
    tracking: &mut [Tracking],
    options: &ImportOptions,
) {
    let mut categories = section(d, tree, "individual_risk_categories");
    categories.extend(section(d, tree, "custom_risk_categories"));
    for (cname, cat) in categories {
        let cid = text(cat, "id").unwrap_or_else(|| slug(&cname));
        let subject_cat = format!("risk category \"{cname}\"");
        let stride = text(cat, "stride").and_then(|s| stride_of(&s));
        let mut description = text(cat, "description");
        for key in ["impact", "risk_assessment"] {
            if let Some(t) = text(cat, key) {
                append(&mut description, &t);
            }
        }
        if let Some(cwe) = text(cat, "cwe") {
            append(&mut description, &format!("CWE-{cwe}."));
        }
        let mitigation = text(cat, "mitigation").or_else(|| text(cat, "action"));
        let risks: Vec<(String, &Node)> = match get(cat, "risks_identified").map(|n| &n.value) {
            Some(Value::Map(entries)) => entries
                .iter()
                .filter(|(_, v)| read::is_map(v))
                .map(|(k, v)| (read::scalar(k).unwrap_or_default(), v))
                .collect(),
            _ => Vec::new(),
        };
        if risks.is_empty() {
            d.report.not_mapped(
                &subject_cat,
                "no risk identified: a category alone concerns no element",
                pos(cat),
            );
            continue;
        }
        for (rtitle, r) in risks {
            let at = pos(r);
            let title = strip_tags(&rtitle);
            let subject = format!("risk \"{title}\"");
            let mut elements: Vec<(String, String)> = Vec::new();
            if let Some(a) = text(r, "most_relevant_technical_asset") {
                if let Some(id) = d.components.get(&a) {
                    elements.push((a.clone(), id.clone()));
                }
            }
            if let Some(l) = text(r, "most_relevant_communication_link") {
                let found = d
                    .flows
                    .iter()
                    .find(|(s, _)| s.ends_with(&slug(&l)))
                    .map(|(_, id)| id.clone());
                match found {
                    Some(id) => elements.push((l.clone(), id)),
                    None => d.report.not_mapped(
                        format!("{subject} link `{l}`"),
                        "no communication link has this id",
                        at,
                    ),
                }
            }
            for a in texts(r, "data_breach_technical_assets") {
                if let Some(id) = d.components.get(&a) {
                    if !elements.iter().any(|(_, e)| e == id) {
                        elements.push((a.clone(), id.clone()));
                    }
                }
            }
            for key in [
                "most_relevant_data_asset",
                "most_relevant_trust_boundary",
                "most_relevant_shared_runtime",
            ] {
                if let Some(v) = text(r, key) {
                    d.report.not_mapped(
                        format!("{subject} {key} `{v}`"),
                        "a riskfirst threat concerns components and flows only",
                        at,
                    );
                }
            }
            if elements.is_empty() {
                d.report.not_mapped(
                    &subject,
                    "it names no technical asset or communication link of the model",
                    at,
                );
                continue;
            }
            let risk_id = format!(
                "{cid}@{}",
                elements
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join("@")
            );
            let tracked = tracking.iter().position(|t| t.matches(&risk_id));
            let status = match tracked {
                Some(i) => {
                    tracking[i].used = true;
                    tracking[i].status.unwrap_or_default()
                }
                None => ThreatStatus::Open,
            };
            let mut desc = description.clone();
            if let Some(rt) = ratings(
                r,
                &[
                    "severity",
                    "exploitation_likelihood",
                    "exploitation_impact",
                    "data_breach_probability",
                ],
            ) {
                append(&mut desc, &rt);
            }
            if let Some(i) = tracked {
                append(
                    &mut desc,
                    &format!("Threagile risk tracking: {}.", tracking[i].summary()),
                );
            }
            let stride = match stride {
                Some(s) => s,
                None => {
                    d.report.fill_in(
                        &subject,
                        "the category names no STRIDE category: `tampering` written; set it",
                        at,
                    );
                    Stride::Tampering
                }
            };
            let id = d.threat_id(&risk_id.replace('@', "-"), &title, at);
            let mut entry = ThreatEntry {
                id: Spanned::new(id.clone()),
                status: Spanned::new(status),
                title: Some(title.clone()),
                description: desc,
                stride: Some(stride),
                elements: elements.into_iter().map(|(_, e)| Spanned::new(e)).collect(),
                justification: tracked.and_then(|i| tracking[i].justification.clone()),
                approved_by: tracked
                    .filter(|_| status == ThreatStatus::Accepted)
                    .and_then(|i| tracking[i].checked_by.clone()),
                ..ThreatEntry::default()
            };
            complete_decision(d, &mut entry, &subject, options, at);
            d.system.threats.push(entry);
            d.report.mapped("individual risks", "hand-written threats");
            if let Some(m) = &mitigation {
                d.mitigation_control(&id, &title, m, status, at);
            }
        }
    }
}

/// Text without HTML tags (Threagile risk titles hold `<b>`).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
