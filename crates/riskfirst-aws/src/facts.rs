//! Facts that every input derives the same way: what an IAM policy document allows,
//! which ports a set of ingress rules opens to the world, and whether text holds a
//! secret. Each input module reads its own syntax and calls these, so a check means
//! the same thing on Terraform, CloudFormation and an AWS Config snapshot.

use serde_json::Value;

/// What an IAM policy document grants, as the checks need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyFacts {
    /// An `Allow` of action `*` on resource `*` (full administrator).
    pub admin: bool,
    /// Services granted with a wildcard action (`s3:*`), sorted, deduplicated.
    pub wildcard_services: Vec<String>,
    /// An `Allow` whose principal is anyone (`*` or `{"AWS": "*"}`) without a condition.
    pub public_principal: bool,
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn principal_is_anyone(p: &Value) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(map) => map.values().any(|v| strings(v).contains(&"*")),
        _ => false,
    }
}

/// Reads an IAM policy document (the JSON object). Statements that are not objects are skipped.
pub fn policy_facts(doc: &Value) -> PolicyFacts {
    let mut facts = PolicyFacts::default();
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    for st in statements {
        let allow = st
            .get("Effect")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("allow"));
        if !allow {
            continue;
        }
        let actions = st.get("Action").map(strings).unwrap_or_default();
        let resources = st.get("Resource").map(strings).unwrap_or_default();
        if actions.contains(&"*") && resources.contains(&"*") {
            facts.admin = true;
        }
        for a in &actions {
            if let Some(service) = a.strip_suffix(":*") {
                facts.wildcard_services.push(service.to_ascii_lowercase());
            }
        }
        let conditional = st
            .get("Condition")
            .is_some_and(|c| c.as_object().is_some_and(|m| !m.is_empty()));
        if st.get("Principal").is_some_and(principal_is_anyone) && !conditional {
            facts.public_principal = true;
        }
    }
    facts.wildcard_services.sort();
    facts.wildcard_services.dedup();
    facts
}

/// One ingress rule: a port range and where it admits traffic from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    /// Inclusive; `-1`/all protocols is 0..=65535.
    pub from_port: u32,
    pub to_port: u32,
    /// `tcp`, `udp`, `icmp`, or `-1` for all.
    pub protocol: String,
    pub cidrs: Vec<String>,
}

impl Ingress {
    fn world(&self) -> bool {
        self.cidrs.iter().any(|c| c == "0.0.0.0/0" || c == "::/0")
    }

    fn admits(&self, port: u32) -> bool {
        let proto_ok = matches!(self.protocol.as_str(), "-1" | "all" | "tcp" | "6");
        proto_ok && self.from_port <= port && port <= self.to_port
    }
}

/// Ports that remote administration and databases listen on: open to the world, each is an entry point.
pub const HIGH_RISK_PORTS: &[u32] = &[
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
    5601, 8080, 8088, 8888, 9200, 9300,
];

/// What a set of ingress rules opens to `0.0.0.0/0` or `::/0`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExposureFacts {
    pub ssh_open_to_world: bool,
    pub rdp_open_to_world: bool,
    /// High-risk ports (other than 22 and 3389) open to the world, sorted.
    pub risky_ports_open: Vec<u32>,
    /// Whether anything at all is open to the world.
    pub any_open_to_world: bool,
}

pub fn exposure_facts(rules: &[Ingress]) -> ExposureFacts {
    let mut facts = ExposureFacts::default();
    for rule in rules.iter().filter(|r| r.world()) {
        facts.any_open_to_world = true;
        facts.ssh_open_to_world |= rule.admits(22);
        facts.rdp_open_to_world |= rule.admits(3389);
        for &port in HIGH_RISK_PORTS {
            if port != 22 && port != 3389 && rule.admits(port) {
                facts.risky_ports_open.push(port);
            }
        }
    }
    facts.risky_ports_open.sort_unstable();
    facts.risky_ports_open.dedup();
    facts
}

/// An AWS access key id: `AKIA` or `ASIA` then 16 upper-case letters or digits.
fn has_access_key_id(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

/// Names that say the value is a credential.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "private_key",
        "api_key",
        "apikey",
        "access_key",
        "credential",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// What kinds of secret `text` holds in clear, by line offset within it (0-based), never the values.
///
/// Looks for AWS access key ids, `…SECRET…=value` style assignments and private key blocks.
pub fn secrets_in_text(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if has_access_key_id(line) {
            out.push((i, "an AWS access key id"));
            continue;
        }
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            out.push((i, "a private key"));
            continue;
        }
        // `export AWS_SECRET_ACCESS_KEY=…`, `DB_PASSWORD: …`, `define('DB_PASSWORD', '…')`.
        let Some(pos) = line.find(['=', ':', ',']) else {
            continue;
        };
        let (name, value) = line.split_at(pos);
        let value = value[1..]
            .trim()
            .trim_matches(|c| matches!(c, '\'' | '"' | ')' | ';' | ' '));
        if is_secret_name(name)
            && value.len() >= 8
            && !value.starts_with("${")
            && !value.starts_with('$')
        {
            out.push((i, "a credential assignment"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policies() {
        let admin = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert!(policy_facts(&admin).admin);
        let services = json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "EC2:*", "s3:*"], "Resource": "*"}});
        let f = policy_facts(&services);
        assert!(!f.admin);
        assert_eq!(f.wildcard_services, ["ec2", "s3"]);
        let public = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "es:*"}]});
        assert!(policy_facts(&public).public_principal);
        let conditional = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]});
        assert!(!policy_facts(&conditional).public_principal);
        let deny = json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]});
        assert_eq!(policy_facts(&deny), PolicyFacts::default());
        assert_eq!(policy_facts(&json!("not a policy")), PolicyFacts::default());
    }

    #[test]
    fn exposure() {
        let rule = |from, to, proto: &str, cidr: &str| Ingress {
            from_port: from,
            to_port: to,
            protocol: proto.into(),
            cidrs: vec![cidr.into()],
        };
        let f = exposure_facts(&[
            rule(22, 22, "tcp", "0.0.0.0/0"),
            rule(80, 80, "tcp", "0.0.0.0/0"),
        ]);
        assert!(f.ssh_open_to_world && !f.rdp_open_to_world && f.risky_ports_open.is_empty());
        let all = exposure_facts(&[rule(0, 65535, "-1", "::/0")]);
        assert!(all.ssh_open_to_world && all.rdp_open_to_world);
        assert!(all.risky_ports_open.contains(&3306));
        let private = exposure_facts(&[rule(22, 22, "tcp", "10.0.0.0/8")]);
        assert_eq!(private, ExposureFacts::default());
        let udp = exposure_facts(&[rule(22, 22, "udp", "0.0.0.0/0")]);
        assert!(!udp.ssh_open_to_world && udp.any_open_to_world);
    }

    #[test]
    fn secrets() {
        let text = "sudo apt-get update\nexport AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\nexport AWS_SECRET_ACCESS_KEY=abcdEFGH1234abcdEFGH\nexport DB_PASSWORD=${var.password}\necho hi";
        assert_eq!(
            secrets_in_text(text),
            [(1, "an AWS access key id"), (2, "a credential assignment")]
        );
        assert!(secrets_in_text("password = short").is_empty());
        assert!(secrets_in_text("").is_empty());
    }
}
