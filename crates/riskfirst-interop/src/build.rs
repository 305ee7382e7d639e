//! Building an estate from a foreign model: ids made valid and unique, kinds,
//! technologies and protocols guessed from the source's words, and what riskfirst
//! needs but no peer format holds (currency, owners, loss ranges) written as
//! placeholders that the report asks the user to fill in. Every importer goes
//! through here, so they guess alike and say so alike.

use std::collections::{HashMap, HashSet};

use riskfirst_model::catalog::{technology_category, TechCategory};
use riskfirst_model::format::*;
use riskfirst_model::Spanned;

use crate::report::{ImportReport, Pos};
use crate::Imported;

/// Loss range of the placeholder business risk: wide on purpose, so nobody mistakes it for
/// an estimate, and centred on a figure typical of a small data breach.
pub const PLACEHOLDER_LOSS: Range = Range {
    low: 10_000.0,
    high: 1_000_000.0,
};

/// Trust of the zone given to components the source places in no trust boundary.
pub const UNSPECIFIED_TRUST: i64 = 50;

/// A valid riskfirst id made from any text: lowercase ASCII letters and digits, other
/// runs of characters become one `-`; empty when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with(['-', '.', '_']) {
        out.pop();
    }
    // Stripping a leading `.` or `_` can bare a `-` that followed it (`._-2ab`): strip all three.
    while out.starts_with(['.', '_', '-']) {
        out.remove(0);
    }
    out.truncate(120);
    while out.ends_with(['-', '.', '_']) {
        out.pop();
    }
    out
}

/// Ids of one kind, unique: a wanted id that is taken gets `-2`, `-3`, ...
#[derive(Debug, Default)]
pub struct IdSpace {
    taken: HashSet<String>,
}

impl IdSpace {
    /// A free id from `wanted` (made valid), or from `fallback` when nothing valid is left.
    pub fn claim(&mut self, wanted: &str, fallback: &str) -> String {
        let mut base = slug(wanted);
        if base.is_empty() {
            base = slug(fallback);
        }
        if base.is_empty() {
            base = "item".into();
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Marks an id as taken, as given; false when it already was.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_string())
    }
}

/// Technologies guessed from words, most specific first. Short words match whole tokens;
/// longer ones anywhere ("postgres" in "postgresql-db").
const TECH_WORDS: &[(&str, &str)] = &[
    ("postgres", "postgresql"),
    ("mysql", "mysql"),
    ("mariadb", "mariadb"),
    ("mssql", "sql-server"),
    ("sql server", "sql-server"),
    ("oracle", "oracle-db"),
    ("sqlite", "sqlite"),
    ("aurora", "aurora"),
    ("mongo", "mongodb"),
    ("dynamo", "dynamodb"),
    ("cassandra", "cassandra"),
    ("cosmos", "cosmosdb"),
    ("redis", "redis"),
    ("memcache", "memcached"),
    ("elastic", "elasticsearch"),
    ("opensearch", "opensearch"),
    ("solr", "solr"),
    ("kafka", "kafka"),
    ("rabbit", "rabbitmq"),
    ("sqs", "sqs"),
    ("sns", "sns"),
    ("s3", "s3"),
    ("bucket", "s3"),
    ("blob", "blob-storage"),
    ("queue", "message-queue"),
    ("broker", "message-queue"),
    ("event bus", "event-bus"),
    ("keycloak", "keycloak"),
    ("okta", "okta"),
    ("cognito", "cognito"),
    ("active directory", "active-directory"),
    ("ldap", "ldap-server"),
    ("identity", "identity-provider"),
    ("idp", "identity-provider"),
    ("sso", "identity-provider"),
    ("oauth", "identity-provider"),
    ("vault", "vault"),
    ("secret", "secrets-manager"),
    ("kms", "kms"),
    ("hsm", "hsm"),
    ("jenkins", "jenkins"),
    ("github", "github"),
    ("gitlab", "gitlab"),
    ("pipeline", "build-pipeline"),
    ("ci", "build-pipeline"),
    ("build", "build-pipeline"),
    ("git", "git"),
    ("repository", "source-repository"),
    ("registry", "container-registry"),
    ("kubernetes", "kubernetes"),
    ("k8s", "kubernetes"),
    ("docker", "docker"),
    ("container", "container-platform"),
    ("load balancer", "load-balancer"),
    ("load-balancer", "load-balancer"),
    ("loadbalancer", "load-balancer"),
    ("lb", "load-balancer"),
    ("nginx", "nginx"),
    ("envoy", "envoy"),
    ("proxy", "reverse-proxy"),
    ("waf", "waf"),
    ("firewall", "waf"),
    ("cdn", "cdn"),
    ("cloudfront", "cloudfront"),
    ("gateway", "api-gateway"),
    ("mesh", "service-mesh"),
    ("siem", "siem"),
    ("monitor", "monitoring"),
    ("log", "log-aggregator"),
    ("logging", "log-aggregator"),
    ("mail", "mail-server"),
    ("smtp", "mail-server"),
    ("erp", "erp"),
    ("crm", "crm"),
    ("payment", "payment-provider"),
    ("mainframe", "mainframe"),
    ("iot", "iot-device"),
    ("sensor", "iot-device"),
    ("device", "iot-device"),
    ("scheduler", "scheduler"),
    ("cron", "scheduler"),
    ("backup", "backup-service"),
    ("bastion", "bastion-host"),
    ("jump", "bastion-host"),
    ("admin", "admin-console"),
    ("lambda", "lambda"),
    ("function", "function"),
    ("serverless", "function"),
    ("etl", "etl"),
    ("batch", "batch-job"),
    ("job", "batch-job"),
    ("warehouse", "data-warehouse"),
    ("file", "file-server"),
    ("storage", "object-storage"),
    ("graphql", "graphql-api"),
    ("soap", "web-service-soap"),
    ("browser", "browser"),
    ("web client", "browser"),
    ("web-client", "browser"),
    ("mobile", "mobile-app"),
    ("android", "mobile-app"),
    ("ios", "mobile-app"),
    ("desktop", "desktop-app"),
    ("saas", "saas"),
    ("web server", "web-server"),
    ("webserver", "web-server"),
    ("apache", "web-server"),
    ("tomcat", "web-server"),
    ("iis", "web-server"),
    ("web app", "web-application"),
    ("web-app", "web-application"),
    ("webapp", "web-application"),
    ("website", "web-application"),
    ("web application", "web-application"),
    ("frontend", "web-application"),
    ("portal", "web-application"),
    ("rest", "web-service-rest"),
    ("api", "api"),
    ("microservice", "microservice"),
    ("service", "microservice"),
    ("server", "web-server"),
];

/// Protocols guessed from words, most specific first.
const PROTOCOL_WORDS: &[(&str, &str)] = &[
    ("https", "https"),
    ("tls", "https"),
    ("ssl", "https"),
    ("wss", "wss"),
    ("websocket", "ws"),
    ("grpc", "grpc"),
    ("graphql", "graphql"),
    ("soap", "soap"),
    ("http", "http"),
    ("rest", "https"),
    ("postgres", "postgres"),
    ("mysql", "mysql"),
    ("mongo", "mongodb"),
    ("redis", "redis"),
    ("jdbc", "jdbc"),
    ("odbc", "odbc"),
    ("sql", "jdbc"),
    ("kafka", "kafka"),
    ("amqps", "amqps"),
    ("amqp", "amqp"),
    ("mqtts", "mqtts"),
    ("mqtt", "mqtt"),
    ("ldaps", "ldaps"),
    ("ldap", "ldap"),
    ("smtps", "smtps"),
    ("smtp", "smtp"),
    ("sftp", "sftp"),
    ("ssh", "ssh"),
    ("ftps", "ftps"),
    ("ftp", "ftp"),
    ("nfs", "nfs"),
    ("smb", "smb"),
    ("rdp", "rdp"),
    ("syslog", "syslog"),
    ("s3", "s3"),
    ("tcp", "tcp"),
    ("udp", "udp"),
];

fn find_word(table: &[(&str, &'static str)], words: &str) -> Option<(&'static str, String)> {
    let lower = words.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let spaced = tokens.join(" ");
    table.iter().find_map(|(word, value)| {
        // A word of several tokens matches them in a row; a short one a whole token; a
        // longer one the start of a token ("postgres" in "postgresql", not "file" in
        // "profile").
        let hit = if word.contains([' ', '-']) {
            let phrase = word.replace('-', " ");
            format!(" {spaced} ").contains(&format!(" {phrase}"))
        } else if word.len() <= 3 {
            tokens.contains(word)
        } else {
            tokens.iter().any(|t| t.starts_with(word))
        };
        hit.then(|| (*value, (*word).to_string()))
    })
}

/// A technology of the catalogue named by the words, and the word that named it.
pub fn guess_technology(words: &str) -> Option<(&'static str, String)> {
    find_word(TECH_WORDS, words)
}

/// A protocol of the catalogue named by the words, and the word that named it.
pub fn guess_protocol(words: &str) -> Option<(&'static str, String)> {
    find_word(PROTOCOL_WORDS, words)
}

/// The kind a technology implies when the source does not say.
pub fn kind_of(technology: &str) -> ComponentKind {
    use TechCategory::*;
    match technology_category(technology) {
        Some(Browser | MobileApp | DesktopApp | Iot | Saas | PaymentProvider) => {
            ComponentKind::ExternalEntity
        }
        Some(
            SqlDatabase | NoSqlDatabase | Cache | ObjectStorage | FileStorage | SearchEngine
            | MessageQueue | Backup,
        ) => ComponentKind::Datastore,
        _ => ComponentKind::Process,
    }
}

/// A technology for a component of a known kind whose words name none.
pub fn default_technology(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::ExternalEntity => "unknown",
        ComponentKind::Process => "unknown",
        ComponentKind::Datastore => "unknown",
    }
}

/// Classification from a confidentiality rating on a 0 to 100 scale (OTM, TM-BOM).
pub fn classification_of(confidentiality: f64) -> Classification {
    if confidentiality >= 90.0 {
        Classification::Restricted
    } else if confidentiality >= 60.0 {
        Classification::Confidential
    } else if confidentiality >= 25.0 {
        Classification::Internal
    } else {
        Classification::Public
    }
}

/// STRIDE from a category name in any of the peers' spellings.
pub fn stride_of(text: &str) -> Option<Stride> {
    let t: String = text
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    Some(match t.as_str() {
        "s" | "spoofing" | "spoof" | "spoofingidentity" => Stride::Spoofing,
        "t" | "tampering" | "tamper" | "tamperingwithdata" => Stride::Tampering,
        "r" | "repudiation" => Stride::Repudiation,
        "i" | "informationdisclosure" | "disclosure" | "disclosureofinformation" => {
            Stride::InformationDisclosure
        }
        "d" | "denialofservice" | "dos" => Stride::DenialOfService,
        "e" | "elevationofprivilege" | "elevationofprivileges" | "privilegeescalation" => {
            Stride::ElevationOfPrivilege
        }
        _ => return None,
    })
}

/// One system of the estate being built, with the maps from source ids to riskfirst ids.
pub struct Draft {
    pub report: ImportReport,
    /// The organisation's name (the source's project or model name).
    pub organisation: String,
    /// The team that owns the system, as the source names it (an owner, a contributor).
    pub owner: Option<String>,
    pub owner_contact: Option<String>,
    pub system: SystemFile,
    /// Components and flows share one space, since a hand-written threat's elements name
    /// either.
    pub elements: IdSpace,
    pub data_ids: IdSpace,
    pub zone_ids: IdSpace,
    pub threat_ids: IdSpace,
    pub control_ids: IdSpace,
    pub assumption_ids: IdSpace,
    /// Source id of a component → riskfirst id (of the last component claimed with it).
    pub components: HashMap<String, String>,
    /// `(source id, riskfirst id)` of every component in the order claimed: two source
    /// elements with one id are two components, which `components` cannot tell apart.
    pub component_sources: Vec<(String, String)>,
    /// Source id of a flow → riskfirst id.
    pub flows: HashMap<String, String>,
    pub data: HashMap<String, String>,
    pub zones: HashMap<String, String>,
    default_zone: Option<String>,
}

impl Draft {
    /// A draft system named `name`, with an id from `id` (or the name).
    pub fn new(format: &'static str, organisation: &str, id: &str, name: &str) -> Draft {
        let mut report = ImportReport::new(format);
        let system_id = {
            let s = slug(id);
            if s.is_empty() {
                let s = slug(name);
                if s.is_empty() {
                    "imported".to_string()
                } else {
                    s
                }
            } else {
                s
            }
        };
        if system_id != id {
            report.guessed(
                format!("system \"{name}\""),
                format!("id `{system_id}` made from `{id}`"),
                None,
            );
        }
        Draft {
            report,
            organisation: if organisation.trim().is_empty() {
                name.to_string()
            } else {
                organisation.trim().to_string()
            },
            owner: None,
            owner_contact: None,
            system: SystemFile {
                riskfirst: Spanned::new(1),
                system: SystemHeader {
                    id: Spanned::new(system_id),
                    name: if name.trim().is_empty() {
                        "Imported system".into()
                    } else {
                        name.trim().to_string()
                    },
                    ..SystemHeader::default()
                },
                ..SystemFile::default()
            },
            elements: IdSpace::default(),
            data_ids: IdSpace::default(),
            zone_ids: IdSpace::default(),
            threat_ids: IdSpace::default(),
            control_ids: IdSpace::default(),
            assumption_ids: IdSpace::default(),
            components: HashMap::new(),
            component_sources: Vec::new(),
            flows: HashMap::new(),
            data: HashMap::new(),
            zones: HashMap::new(),
            default_zone: None,
        }
    }

    /// Claims an id for `src` in `space`, reporting when it differs from the source's.
    fn claim(
        report: &mut ImportReport,
        space: &mut IdSpace,
        src: &str,
        name: &str,
        what: &str,
        pos: Option<Pos>,
    ) -> String {
        let id = space.claim(src, name);
        if id != src {
            let why = if slug(src) == id || slug(name) == id {
                "made valid"
            } else {
                "made unique (the id is taken or empty)"
            };
            report.guessed(
                format!("{what} \"{name}\""),
                format!("id `{id}` from `{src}` ({why})"),
                pos,
            );
        }
        id
    }

    /// Adds a zone; returns its riskfirst id.
    pub fn zone(&mut self, src: &str, name: &str, trust: i64, pos: Option<Pos>) -> String {
        let id = Self::claim(
            &mut self.report,
            &mut self.zone_ids,
            src,
            name,
            "trust zone",
            pos,
        );
        self.zones.insert(src.to_string(), id.clone());
        self.system.zones.push(Zone {
            id: Spanned::new(id.clone()),
            name: (!name.is_empty() && name != id).then(|| name.to_string()),
            trust: Spanned::new(trust.clamp(0, 100)),
            description: None,
        });
        id
    }

    /// The zone of components the source places in no trust boundary.
    pub fn unspecified_zone(&mut self) -> String {
        if let Some(z) = &self.default_zone {
            return z.clone();
        }
        let id = self.zone_ids.claim("unspecified", "zone");
        self.system.zones.push(Zone {
            id: Spanned::new(id.clone()),
            name: Some("Not in a trust boundary".into()),
            trust: Spanned::new(UNSPECIFIED_TRUST),
            description: Some("Components the source placed in no trust boundary.".into()),
        });
        self.report.fill_in(
            format!("zone `{id}`"),
            format!("components outside every trust boundary were put in this zone of trust {UNSPECIFIED_TRUST}: move them to a zone with the right trust"),
            None,
        );
        self.default_zone = Some(id.clone());
        id
    }

    /// Claims an id for a component from source id `src`.
    pub fn component_id(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        let id = Self::claim(
            &mut self.report,
            &mut self.elements,
            src,
            name,
            "component",
            pos,
        );
        self.components.insert(src.to_string(), id.clone());
        self.component_sources.push((src.to_string(), id.clone()));
        id
    }

    /// An element's id from its name, for sources whose ids are opaque (UUIDs); `src` is
    /// the fallback when the name leaves nothing.
    fn element_from_name(&mut self, src: &str, name: &str, what: &str, pos: Option<Pos>) -> String {
        let id = self.elements.claim(name, src);
        if slug(name) != id {
            self.report.guessed(
                format!("{what} \"{name}\""),
                format!("id `{id}` (the name's is taken or empty; the source's id is `{src}`)"),
                pos,
            );
        }
        id
    }

    /// A component's id from its name; `src` maps to it.
    pub fn component_id_from_name(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        let id = self.element_from_name(src, name, "component", pos);
        self.components.insert(src.to_string(), id.clone());
        self.component_sources.push((src.to_string(), id.clone()));
        id
    }

    /// A flow's id from its name; `src` maps to it.
    pub fn flow_id_from_name(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        let id = self.element_from_name(src, name, "flow", pos);
        self.flows.insert(src.to_string(), id.clone());
        id
    }

    pub fn flow_id(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        let id = Self::claim(&mut self.report, &mut self.elements, src, name, "flow", pos);
        self.flows.insert(src.to_string(), id.clone());
        id
    }

    pub fn data_id(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        let id = Self::claim(
            &mut self.report,
            &mut self.data_ids,
            src,
            name,
            "data asset",
            pos,
        );
        self.data.insert(src.to_string(), id.clone());
        id
    }

    /// A hand-written threat's id: never holding `@` or `*`, which would make it a decision.
    pub fn threat_id(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        Self::claim(
            &mut self.report,
            &mut self.threat_ids,
            src,
            name,
            "threat",
            pos,
        )
    }

    pub fn control_id(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        Self::claim(
            &mut self.report,
            &mut self.control_ids,
            src,
            name,
            "mitigation",
            pos,
        )
    }

    pub fn assumption_id(&mut self, src: &str, name: &str, pos: Option<Pos>) -> String {
        Self::claim(
            &mut self.report,
            &mut self.assumption_ids,
            src,
            name,
            "assumption",
            pos,
        )
    }

    /// A control for a threat's mitigation written as text (Threat Dragon, Threagile):
    /// implemented when the threat is mitigated, else planned, with an effectiveness of 0.5
    /// that the report asks the user to set, since the sources do not rate mitigations.
    pub fn mitigation_control(
        &mut self,
        threat: &str,
        title: &str,
        text: &str,
        status: ThreatStatus,
        pos: Option<Pos>,
    ) {
        let id = self.control_id(&format!("{threat}-mitigation"), title, pos);
        let control_status = if status == ThreatStatus::Mitigated {
            ControlStatus::Implemented
        } else {
            ControlStatus::Planned
        };
        self.report.fill_in(
            format!("mitigation of \"{title}\""),
            format!(
                "control `{id}` ({}) with effectiveness 0.5 written: the source does not rate mitigations; set it and its cost",
                control_status.as_str()
            ),
            pos,
        );
        let first: String = text
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect();
        self.system.controls.push(Control {
            id: Spanned::new(id),
            title: first,
            description: Some(text.to_string()),
            status: Spanned::new(control_status),
            mitigates: vec![Mitigation {
                threats: vec![Spanned::new(threat.to_string())],
                effectiveness: Spanned::new(Estimate::Point(0.5)),
                ..Mitigation::default()
            }],
            ..Control::default()
        });
        self.report.mapped("threat mitigations", "controls");
    }

    /// Kind and technology of a component from the source's words (a type, a name, tags),
    /// reporting each guess. `kind` is the source's own kind when it has one.
    pub fn kind_and_technology(
        &mut self,
        subject: &str,
        kind: Option<ComponentKind>,
        words: &str,
        pos: Option<Pos>,
    ) -> (ComponentKind, String) {
        let guess = guess_technology(words);
        let technology = match &guess {
            Some((tech, word)) => {
                self.report.guessed(
                    subject,
                    format!("technology `{tech}` from the word \"{word}\""),
                    pos,
                );
                tech.to_string()
            }
            None => {
                let tech = default_technology(kind.unwrap_or_default());
                self.report.fill_in(
                    subject,
                    format!("technology `{tech}`: nothing in \"{}\" names one; set it (`riskfirst technologies` lists them) so the rules that depend on it apply", words.trim()),
                    pos,
                );
                tech.to_string()
            }
        };
        let kind = match kind {
            Some(k) => k,
            None => {
                let k = kind_of(&technology);
                self.report.guessed(
                    subject,
                    format!("kind `{}` from technology `{technology}`", kind_name(k)),
                    pos,
                );
                k
            }
        };
        (kind, technology)
    }

    /// A flow's protocol from the source's words, reporting the guess.
    pub fn protocol(&mut self, subject: &str, words: &str, pos: Option<Pos>) -> String {
        match guess_protocol(words) {
            Some((p, word)) => {
                self.report.guessed(
                    subject,
                    format!("protocol `{p}` from the word \"{word}\""),
                    pos,
                );
                p.to_string()
            }
            None => {
                self.report.fill_in(
                    subject,
                    "protocol `unknown`: the source names none; set it so encryption in transit is known",
                    pos,
                );
                "unknown".to_string()
            }
        }
    }

    /// Adds a flow after checking its ends: a flow from a component to itself, or to one
    /// that does not exist, is reported and left out.
    pub fn push_flow(&mut self, flow: Flow, subject: &str, pos: Option<Pos>) -> bool {
        if flow.from.value == flow.to.value {
            self.report.not_mapped(
                subject,
                "a flow from a component to itself, which riskfirst does not model",
                pos,
            );
            return false;
        }
        self.report.mapped("flows", "flows");
        self.system.flows.push(flow);
        true
    }

    /// The estate: a root with the organisation, the owning team and a placeholder business
    /// risk that the system and its data reach, so the estate analyses in money at once.
    pub fn finish(mut self) -> Imported {
        let system_id = self.system.system.id.value.clone();
        let team_name = self.owner.clone().unwrap_or_else(|| "Imported".to_string());
        let team_id = {
            let s = slug(&team_name);
            if s.is_empty() {
                "imported".to_string()
            } else {
                s
            }
        };
        if self.owner.is_none() {
            self.report.fill_in(
                format!("team `{team_id}`"),
                "the source names no owner: the system belongs to this team; rename it and add its contact",
                None,
            );
        }
        self.system.system.owner = Spanned::new(team_id.clone());
        // Controls made before the owner was known belong to the system's team.
        for c in &mut self.system.controls {
            if c.owner.value.is_empty() {
                c.owner = Spanned::new(team_id.clone());
            }
        }
        let risk_id = format!("{system_id}-loss");
        self.report.fill_in(
            format!("business risk `{risk_id}`"),
            format!(
                "a placeholder: the source holds no business risks or losses; replace its loss_per_event ({} to {}) and owner, and split it into the outcomes the business fears",
                PLACEHOLDER_LOSS.low, PLACEHOLDER_LOSS.high
            ),
            None,
        );
        self.report.fill_in(
            "organisation currency",
            "USD assumed: set `organisation.currency` to the currency of your losses",
            None,
        );
        if self.system.system.business_risks.is_empty() {
            self.system
                .system
                .business_risks
                .push(Spanned::new(risk_id.clone()));
        }
        for d in &mut self.system.data {
            if d.business_risks.is_empty() {
                d.business_risks.push(Spanned::new(risk_id.clone()));
            }
        }
        for t in &mut self.system.threats {
            // Hand-written threats reach exactly their business risks when given.
            if t.title.is_some() && t.business_risks.is_empty() {
                t.business_risks.push(Spanned::new(risk_id.clone()));
            }
        }
        let root = RootFile {
            riskfirst: Spanned::new(1),
            organisation: Organisation {
                name: Spanned::new(self.organisation.clone()),
                currency: Spanned::new("USD".into()),
                description: None,
            },
            teams: vec![Team {
                id: Spanned::new(team_id),
                name: team_name,
                contact: self.owner_contact.clone(),
                lead: None,
            }],
            business_risks: vec![BusinessRisk {
                id: Spanned::new(risk_id),
                title: format!("Loss from {} (placeholder)", self.system.system.name),
                description: Some(
                    "Written by the import: the source holds no business risks. Replace it.".into(),
                ),
                owner: Spanned::new("To be assigned".into()),
                loss_per_event: Spanned::new(PLACEHOLDER_LOSS),
                probability: None,
            }],
            ..RootFile::default()
        };
        Imported {
            root,
            systems: vec![self.system],
            report: self.report,
        }
    }
}

/// Adds a paragraph to a description: how the source's own ratings and notes are kept
/// beside riskfirst's money.
pub fn append(description: &mut Option<String>, line: &str) {
    match description {
        Some(d) => {
            d.push_str("\n\n");
            d.push_str(line);
        }
        None => *description = Some(line.to_string()),
    }
}

/// The first 60 characters of a text, for naming a thing in the report.
pub fn short(text: &str) -> String {
    let s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        format!("{s}...")
    } else {
        s
    }
}

pub fn kind_name(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::ExternalEntity => "external-entity",
        ComponentKind::Process => "process",
        ComponentKind::Datastore => "datastore",
    }
}

/// Status of a hand-written threat from a peer's status word.
pub fn threat_status(text: &str) -> Option<ThreatStatus> {
    let t = text.to_ascii_lowercase().replace(['_', ' '], "-");
    Some(match t.as_str() {
        "open" | "exposed" | "identified" | "new" | "not-mitigated" | "unmitigated"
        | "threatidentified" | "threat-identified" | "unchecked" | "in-progress" => {
            ThreatStatus::Open
        }
        "mitigated"
        | "resolved"
        | "closed"
        | "fixed"
        | "threatresolved"
        | "threat-resolved"
        | "mitigation-implemented" => ThreatStatus::Mitigated,
        "accepted" | "risk-accepted" | "accept" | "resolvednotuseful" => ThreatStatus::Accepted,
        "transferred" | "transfer" => ThreatStatus::Transferred,
        "not-applicable"
        | "n/a"
        | "na"
        | "false-positive"
        | "falsepositive"
        | "rejected"
        | "threatresolvednotuseful" => ThreatStatus::NotApplicable,
        _ => return None,
    })
}

/// Fills what riskfirst requires of a decided threat and the source did not say: a
/// justification for accepted, transferred and not-applicable, and for an acceptance who
/// approved it and when it expires (a year from `options.today`), each reported.
pub fn complete_decision(
    d: &mut Draft,
    entry: &mut ThreatEntry,
    subject: &str,
    options: &crate::ImportOptions,
    pos: Option<Pos>,
) {
    let status = entry.status.value;
    let needs_reason = matches!(
        status,
        ThreatStatus::Accepted | ThreatStatus::Transferred | ThreatStatus::NotApplicable
    );
    if needs_reason
        && entry
            .justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
    {
        entry.justification = Some(format!(
            "Imported from {} with this status and no reason.",
            d.report.format
        ));
        d.report.fill_in(
            subject,
            "the source gives no reason for its status: a placeholder justification was written; replace it",
            pos,
        );
    }
    if status == ThreatStatus::Accepted {
        if entry.approved_by.is_none() {
            entry.approved_by = Some("To be assigned".into());
            d.report.fill_in(
                subject,
                "accepted without an approver: `approved_by` says `To be assigned`",
                pos,
            );
        }
        if entry.expires.is_none() {
            let expires = options.today.add_days(365).to_string();
            d.report.fill_in(
                subject,
                format!("accepted without an expiry: `expires: {expires}` (a year on) written"),
                pos,
            );
            entry.expires = Some(Spanned::new(expires));
        }
    }
}

/// One estate from the imports of several models of one file (threatcl): the first's
/// organisation, every team and business risk once, the systems with unique ids, and one
/// report.
pub fn merge(parts: Vec<Imported>) -> Imported {
    let mut parts = parts.into_iter();
    let Some(mut out) = parts.next() else {
        return Imported {
            root: RootFile::default(),
            systems: Vec::new(),
            report: ImportReport::default(),
        };
    };
    let mut ids = IdSpace::default();
    for s in &out.systems {
        ids.reserve(&s.system.id);
    }
    let mut risk_ids = IdSpace::default();
    for r in &out.root.business_risks {
        risk_ids.reserve(&r.id);
    }
    for mut part in parts {
        for t in part.root.teams {
            if !out.root.teams.iter().any(|x| x.id.value == t.id.value) {
                out.root.teams.push(t);
            }
        }
        // A business risk whose id is taken is renamed, and so are the references to it.
        let mut renamed: HashMap<String, String> = HashMap::new();
        for mut r in part.root.business_risks {
            let id = risk_ids.claim(&r.id, "risk");
            if id != r.id.value {
                renamed.insert(r.id.value.clone(), id.clone());
                r.id = Spanned::new(id);
            }
            out.root.business_risks.push(r);
        }
        let rename = |refs: &mut Vec<Spanned<String>>| {
            for r in refs {
                if let Some(new) = renamed.get(&r.value) {
                    *r = Spanned::new(new.clone());
                }
            }
        };
        for s in &mut part.systems {
            rename(&mut s.system.business_risks);
            s.data
                .iter_mut()
                .for_each(|d| rename(&mut d.business_risks));
            s.threats
                .iter_mut()
                .for_each(|t| rename(&mut t.business_risks));
            s.components
                .iter_mut()
                .for_each(|c| rename(&mut c.business_risks));
        }
        for mut s in part.systems {
            let id = ids.claim(&s.system.id, "system");
            if id != s.system.id.value {
                out.report.guessed(
                    format!("system \"{}\"", s.system.name),
                    format!(
                        "id `{id}`: `{}` is taken by another model of the file",
                        s.system.id.value
                    ),
                    None,
                );
                s.system.id = Spanned::new(id);
            }
            out.systems.push(s);
        }
        for (k, n) in part.report.mapped {
            *out.report.mapped.entry(k).or_default() += n;
        }
        out.report.entries.extend(part.report.entries);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_never_starts_or_ends_with_a_separator() {
        // Found by the `import_otm` fuzz target: a zone id `._-2ab…` became `-2ab…` (E022).
        assert_eq!(slug("._-2ab4effa-40b7"), "2ab4effa-40b7");
        assert_eq!(slug("_-.x"), "x");
        assert_eq!(slug("Web Client!"), "web-client");
        assert_eq!(slug("-_."), "");
        let mut ids = IdSpace::default();
        assert_eq!(ids.claim(".-zone", "z"), "zone");
        assert_eq!(ids.claim("zone", "z"), "zone-2");
    }
}
