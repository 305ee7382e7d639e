//! Terraform, raw (`.tf`, via `hcl.rs`) or planned (`terraform show -json`), normalised
//! into the resource graph with the AWS provider's defaults filled in.
//!
//! Both readers produce a [`TfModule`]: resources with plan-JSON-shaped `values`, the
//! references each attribute names, and the input variables with their defaults.
//! [`normalise`] then resolves what it can (`var.X` to its default, a policy
//! document data source to its JSON, a rule to its security group) and derives the
//! facts the checks read.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::error::InputError;
use crate::facts::{self, Ingress};
use crate::graph::{Kind, Location, Origin, Resource, Secret};

/// One `resource` or `data` block (or plan JSON resource).
#[derive(Clone, Debug, Default)]
pub struct TfResource {
    pub rtype: String,
    pub name: String,
    /// `aws_s3_bucket.data`, `data.aws_iam_policy_document.p`, `module.m.aws_x.y`.
    pub address: String,
    pub data: bool,
    pub at: Location,
    pub values: Map<String, Value>,
    /// Top-level attribute or block → its line.
    pub lines: BTreeMap<String, u32>,
    /// Attribute → the references its expression names (`var.pw`, `aws_vpc.web`).
    pub refs: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct TfVariable {
    pub name: String,
    pub default: Option<Value>,
    pub at: Location,
}

/// The resources and variables of one root module (a directory of `.tf` files, or a plan).
#[derive(Clone, Debug, Default)]
pub struct TfModule {
    pub resources: Vec<TfResource>,
    pub variables: Vec<TfVariable>,
    pub origin: Option<Origin>,
}

/// The most resources one plan may hold (well above any real plan).
pub const MAX_PLAN_RESOURCES: usize = 200_000;

/// Reads `terraform show -json PLAN` output. Resources come from `planned_values`
/// (and data sources from `prior_state`), references and variable defaults from
/// `configuration`.
pub fn read_plan(file: &str, doc: &Value) -> Result<TfModule, InputError> {
    let shape = |what: &str| InputError::Shape {
        file: file.to_string(),
        what: what.to_string(),
    };
    if doc.get("format_version").is_none() || doc.get("planned_values").is_none() {
        return Err(shape(
            "not a Terraform plan (no `format_version` and `planned_values`); write one with `terraform show -json PLAN > plan.json`",
        ));
    }
    let mut module = TfModule {
        origin: Some(Origin::TerraformPlan),
        ..TfModule::default()
    };
    // Expressions per address, for the references of each attribute.
    let mut config: BTreeMap<String, &Map<String, Value>> = BTreeMap::new();
    if let Some(root) = doc.pointer("/configuration/root_module") {
        if let Some(vars) = root.get("variables").and_then(Value::as_object) {
            for (name, v) in vars {
                module.variables.push(TfVariable {
                    name: name.clone(),
                    default: v.get("default").cloned().filter(|d| !d.is_null()),
                    at: Location {
                        file: file.to_string(),
                        line: None,
                    },
                });
            }
        }
        for r in root
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(addr), Some(expr)) = (
                r.get("address").and_then(Value::as_str),
                r.get("expressions").and_then(Value::as_object),
            ) {
                config.insert(addr.to_string(), expr);
            }
        }
    }
    let mut stack: Vec<(&Value, usize)> = Vec::new();
    for root in [
        "/planned_values/root_module",
        "/prior_state/values/root_module",
    ] {
        if let Some(m) = doc.pointer(root) {
            stack.push((m, 0));
        }
    }
    while let Some((m, depth)) = stack.pop() {
        if depth > 32 {
            return Err(InputError::TooDeep {
                file: file.to_string(),
                limit: 32,
            });
        }
        for r in m
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let data = r.get("mode").and_then(Value::as_str) == Some("data");
            let (Some(address), Some(rtype), Some(name)) = (
                r.get("address").and_then(Value::as_str),
                r.get("type").and_then(Value::as_str),
                r.get("name").and_then(Value::as_str),
            ) else {
                return Err(shape("a resource without `address`, `type` and `name`"));
            };
            // A data source read at plan time is in both trees: keep the first.
            if module.resources.iter().any(|x| x.address == address) {
                continue;
            }
            let values = r
                .get("values")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut refs = BTreeMap::new();
            let base = address.split('[').next().unwrap_or(address);
            if let Some(expr) = config.get(base) {
                for (key, e) in expr.iter() {
                    let list: Vec<String> = e
                        .get("references")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(|s| trim_reference(s).to_string())
                        .collect();
                    if !list.is_empty() {
                        refs.insert(key.clone(), list);
                    }
                }
            }
            module.resources.push(TfResource {
                rtype: rtype.to_string(),
                name: name.to_string(),
                address: address.to_string(),
                data,
                at: Location {
                    file: format!("{file}#{address}"),
                    line: None,
                },
                values,
                lines: BTreeMap::new(),
                refs,
            });
            if module.resources.len() > MAX_PLAN_RESOURCES {
                return Err(InputError::TooMany {
                    file: file.to_string(),
                    limit: MAX_PLAN_RESOURCES,
                    what: "resources",
                });
            }
        }
        for child in m
            .get("child_modules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            stack.push((child, depth + 1));
        }
    }
    // Variables given values in the plan override their defaults.
    if let Some(vars) = doc.get("variables").and_then(Value::as_object) {
        for (name, v) in vars {
            if let Some(var) = module.variables.iter_mut().find(|x| &x.name == name) {
                if let Some(value) = v.get("value") {
                    var.default = Some(value.clone());
                }
            }
        }
    }
    Ok(module)
}

/// `aws_vpc.web.id` → `aws_vpc.web`; `var.x` stays.
fn trim_reference(r: &str) -> &str {
    let parts: Vec<&str> = r.splitn(4, '.').collect();
    let keep = match parts.first() {
        Some(&"data") => 3,
        _ => 2,
    };
    let len: usize =
        parts.iter().take(keep).map(|p| p.len()).sum::<usize>() + keep.saturating_sub(1);
    &r[..len.min(r.len())]
}

fn as_bool(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn as_num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn first_block<'a>(values: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    match values.get(key)? {
        Value::Array(items) => items.first()?.as_object(),
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn blocks<'a>(values: &'a Map<String, Value>, key: &str) -> Vec<&'a Map<String, Value>> {
    match values.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(map)) => vec![map],
        _ => Vec::new(),
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Runtimes that AWS Lambda no longer supports for updates (FSBP Lambda.2 fails them).
pub const DEPRECATED_RUNTIMES: &[&str] = &[
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "ruby2.5",
    "ruby2.7",
    "java8",
    "go1.x",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet5.0",
    "dotnet6",
];

/// Administrator user names that RDS engines suggest (FSBP RDS.25 fails them).
pub const DEFAULT_ADMIN_NAMES: &[&str] =
    &["admin", "postgres", "root", "sa", "master", "administrator"];

/// The module as resolved: what an expression refers to.
struct Resolver<'a> {
    module: &'a TfModule,
    by_address: BTreeMap<&'a str, usize>,
}

impl<'a> Resolver<'a> {
    fn new(module: &'a TfModule) -> Resolver<'a> {
        let by_address = module
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.address.as_str(), i))
            .collect();
        Resolver { module, by_address }
    }

    fn variable(&self, name: &str) -> Option<&'a TfVariable> {
        self.module.variables.iter().find(|v| v.name == name)
    }

    /// A value with `var.X` replaced by its default and a policy document reference by its JSON.
    fn value(&self, r: &TfResource, key: &str) -> Option<Value> {
        let v = r.values.get(key)?;
        if let Value::String(s) = v {
            if let Some(name) = s.strip_prefix("var.") {
                return self.variable(name).and_then(|var| var.default.clone());
            }
            if let Some(doc) = s
                .strip_prefix("data.")
                .and_then(|d| d.strip_suffix(".json"))
            {
                return self
                    .policy_document(doc)
                    .map(|d| Value::String(d.to_string()));
            }
        }
        Some(v.clone())
    }

    fn resource(&self, address: &str) -> Option<&'a TfResource> {
        self.by_address
            .get(address)
            .map(|&i| &self.module.resources[i])
    }

    /// An `aws_iam_policy_document` data source as the JSON it produces (`data.T.N` without `data.`).
    fn policy_document(&self, address: &str) -> Option<Value> {
        let d = self.resource(&format!("data.{address}"))?;
        if d.rtype != "aws_iam_policy_document" {
            return None;
        }
        if let Some(Value::String(json)) = d.values.get("json") {
            // A plan has the rendered document.
            return serde_json::from_str(json).ok();
        }
        let mut statements = Vec::new();
        for st in blocks(&d.values, "statement") {
            let mut out = Map::new();
            let effect = st.get("effect").and_then(Value::as_str).unwrap_or("Allow");
            out.insert("Effect".into(), json!(effect));
            out.insert("Action".into(), json!(str_list(st.get("actions"))));
            out.insert("Resource".into(), json!(str_list(st.get("resources"))));
            let mut principal = Map::new();
            for p in blocks(st, "principals") {
                let kind = p.get("type").and_then(Value::as_str).unwrap_or("AWS");
                principal.insert(kind.to_string(), json!(str_list(p.get("identifiers"))));
            }
            if !principal.is_empty() {
                out.insert("Principal".into(), Value::Object(principal));
            }
            if !blocks(st, "condition").is_empty() {
                out.insert("Condition".into(), json!({"riskfirst": "present"}));
            }
            statements.push(Value::Object(out));
        }
        Some(json!({ "Statement": statements }))
    }

    /// A policy attribute (JSON text or a document reference) as a JSON document.
    fn policy(&self, r: &TfResource, key: &str) -> Option<Value> {
        match self.value(r, key)? {
            Value::String(text) => serde_json::from_str(&text).ok(),
            obj @ Value::Object(_) => Some(obj),
            _ => None,
        }
    }
}

/// The graph resources of a module, and notes on what could not be resolved.
pub fn normalise(module: &TfModule) -> Vec<Resource> {
    let origin = module.origin.unwrap_or(Origin::Terraform);
    let rs = Resolver::new(module);
    let mut out: Vec<Resource> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();

    // First the resources that stand alone; attachments (rules, blocks, policies on a
    // target) are applied to them in a second pass.
    for r in module.resources.iter().filter(|r| !r.data) {
        let Some(resource) = base_resource(&rs, r, origin) else {
            continue;
        };
        index.insert(r.address.clone(), out.len());
        out.push(resource);
    }
    for r in module.resources.iter().filter(|r| !r.data) {
        attach(&rs, r, &mut out, &index);
    }
    derive(&rs, &mut out);
    secret_variables(&rs, module, &mut out);
    out
}

fn new_resource(r: &TfResource, kind: Kind, origin: Origin) -> Resource {
    let mut res = Resource::new(r.address.clone(), kind, origin, r.at.clone());
    for (key, line) in &r.lines {
        res.prop_lines.insert(key.clone(), *line);
    }
    for list in r.refs.values() {
        for a in list {
            if !a.starts_with("var.") && !a.starts_with("local.") && !res.refs.contains(a) {
                res.refs.push(a.clone());
            }
        }
    }
    res
}

/// Copies a bool attribute to a fact (with the provider default when absent), and its line.
fn set_bool(
    res: &mut Resource,
    fact: &str,
    r: &TfResource,
    rs: &Resolver<'_>,
    key: &str,
    default: Option<bool>,
) {
    match as_bool(rs.value(r, key).as_ref()).or(if r.values.contains_key(key) {
        None
    } else {
        default
    }) {
        Some(b) => res.set(fact, b),
        None => return,
    }
    if let Some(line) = r.lines.get(key) {
        res.prop_lines.insert(fact.to_string(), *line);
    }
}

fn set_num(
    res: &mut Resource,
    fact: &str,
    r: &TfResource,
    rs: &Resolver<'_>,
    key: &str,
    default: Option<f64>,
) {
    match as_num(rs.value(r, key).as_ref()).or(if r.values.contains_key(key) {
        None
    } else {
        default
    }) {
        Some(n) => res.set(fact, n),
        None => return,
    }
    if let Some(line) = r.lines.get(key) {
        res.prop_lines.insert(fact.to_string(), *line);
    }
}

/// Facts copied from one attribute: (resource type, fact, attribute, the provider's default).
/// A type listed under several names (`aws_rds_cluster`, `aws_docdb_cluster`) is listed by its first.
const BOOL_FACTS: &[(&str, &str, &str, Option<bool>)] = &[
    (
        "aws_db_instance",
        "publicly_accessible",
        "publicly_accessible",
        Some(false),
    ),
    (
        "aws_db_instance",
        "encrypted",
        "storage_encrypted",
        Some(false),
    ),
    ("aws_db_instance", "multi_az", "multi_az", Some(false)),
    (
        "aws_db_instance",
        "iam_auth",
        "iam_database_authentication_enabled",
        Some(false),
    ),
    (
        "aws_db_instance",
        "deletion_protection",
        "deletion_protection",
        Some(false),
    ),
    (
        "aws_db_instance",
        "auto_minor_version_upgrade",
        "auto_minor_version_upgrade",
        Some(true),
    ),
    (
        "aws_db_instance",
        "copy_tags_to_snapshot",
        "copy_tags_to_snapshot",
        Some(false),
    ),
    (
        "aws_rds_cluster",
        "encrypted",
        "storage_encrypted",
        Some(false),
    ),
    (
        "aws_rds_cluster",
        "iam_auth",
        "iam_database_authentication_enabled",
        Some(false),
    ),
    (
        "aws_rds_cluster",
        "deletion_protection",
        "deletion_protection",
        Some(false),
    ),
    (
        "aws_rds_cluster",
        "copy_tags_to_snapshot",
        "copy_tags_to_snapshot",
        Some(false),
    ),
    (
        "aws_neptune_cluster",
        "encrypted",
        "storage_encrypted",
        Some(false),
    ),
    (
        "aws_neptune_cluster",
        "iam_auth",
        "iam_database_authentication_enabled",
        Some(false),
    ),
    (
        "aws_neptune_cluster",
        "deletion_protection",
        "deletion_protection",
        Some(false),
    ),
    ("aws_ebs_volume", "encrypted", "encrypted", Some(false)),
    (
        "aws_instance",
        "public_ip",
        "associate_public_ip_address",
        None,
    ),
    (
        "aws_subnet",
        "map_public_ip_on_launch",
        "map_public_ip_on_launch",
        Some(false),
    ),
    (
        "aws_kms_key",
        "rotation",
        "enable_key_rotation",
        Some(false),
    ),
    (
        "aws_cloudtrail",
        "multi_region",
        "is_multi_region_trail",
        Some(false),
    ),
    (
        "aws_cloudtrail",
        "log_file_validation",
        "enable_log_file_validation",
        Some(false),
    ),
];

const NUM_FACTS: &[(&str, &str, &str, Option<f64>)] = &[
    (
        "aws_db_instance",
        "backup_retention_days",
        "backup_retention_period",
        None,
    ),
    (
        "aws_db_instance",
        "monitoring_interval",
        "monitoring_interval",
        Some(0.0),
    ),
    (
        "aws_rds_cluster",
        "backup_retention_days",
        "backup_retention_period",
        Some(1.0),
    ),
    (
        "aws_neptune_cluster",
        "backup_retention_days",
        "backup_retention_period",
        Some(1.0),
    ),
];

fn base_resource(rs: &Resolver<'_>, r: &TfResource, origin: Origin) -> Option<Resource> {
    let v = &r.values;
    let mut res;
    match r.rtype.as_str() {
        "aws_s3_bucket" => {
            res = new_resource(r, Kind::S3Bucket, origin);
            if let Some(Value::String(name)) = v.get("bucket") {
                res.name = name.clone();
            }
            let acl = v.get("acl").and_then(Value::as_str).unwrap_or("private");
            res.set(
                "public_read",
                matches!(acl, "public-read" | "public-read-write"),
            );
            res.set("public_write", acl == "public-read-write");
            let sse = first_block(v, "server_side_encryption_configuration");
            let kms = sse.is_some_and(|s| s.values().any(|x| x.to_string().contains("aws:kms")));
            res.set("kms_encrypted", kms);
            res.set(
                "versioning",
                first_block(v, "versioning")
                    .and_then(|b| as_bool(b.get("enabled")))
                    .unwrap_or(false),
            );
            res.set("logging", first_block(v, "logging").is_some());
            res.set("public_access_blocked", false);
            for (fact, key) in [
                ("kms_encrypted", "server_side_encryption_configuration"),
                ("versioning", "versioning"),
                ("logging", "logging"),
            ] {
                if let Some(l) = r.lines.get(key) {
                    res.prop_lines.insert(fact.into(), *l);
                }
            }
        }
        "aws_db_instance" => {
            res = new_resource(r, Kind::DbInstance, origin);
            if let Some(Value::String(name)) = v.get("identifier") {
                res.name = name.clone();
            }
            if let Some(user) = rs.value(r, "username").as_ref().and_then(Value::as_str) {
                res.set("default_admin_name", DEFAULT_ADMIN_NAMES.contains(&user));
                if let Some(l) = r.lines.get("username") {
                    res.prop_lines.insert("default_admin_name".into(), *l);
                }
            }
            literal_password(r, &mut res);
        }
        "aws_rds_cluster" | "aws_docdb_cluster" => {
            res = new_resource(r, Kind::DbCluster, origin);
            if let Some(Value::String(name)) = v.get("cluster_identifier") {
                res.name = name.clone();
            }
            literal_password(r, &mut res);
        }
        "aws_neptune_cluster" => {
            res = new_resource(r, Kind::NeptuneCluster, origin);
            if let Some(Value::String(name)) = v.get("cluster_identifier") {
                res.name = name.clone();
            }
            let logs = str_list(v.get("enable_cloudwatch_logs_exports"));
            res.set("audit_logs", logs.iter().any(|l| l == "audit"));
        }
        "aws_neptune_cluster_snapshot" => res = new_resource(r, Kind::NeptuneSnapshot, origin),
        "aws_db_snapshot" | "aws_db_cluster_snapshot" => {
            res = new_resource(r, Kind::DbSnapshot, origin)
        }
        "aws_ebs_volume" => {
            res = new_resource(r, Kind::EbsVolume, origin);
        }
        "aws_ebs_snapshot" => res = new_resource(r, Kind::EbsSnapshot, origin),
        "aws_instance" => {
            res = new_resource(r, Kind::Instance, origin);
            let tokens = first_block(v, "metadata_options")
                .and_then(|m| m.get("http_tokens"))
                .and_then(Value::as_str)
                .unwrap_or("optional");
            res.set("imdsv2_required", tokens == "required");
            if let Some(l) = r.lines.get("metadata_options").or(r.at.line.as_ref()) {
                res.prop_lines.insert("imdsv2_required".into(), *l);
            }
            user_data_secrets(rs, r, &mut res);
        }
        "aws_security_group" | "aws_default_security_group" => {
            res = new_resource(r, Kind::SecurityGroup, origin);
            if let Some(Value::String(name)) = v.get("name") {
                res.name = name.clone();
            }
            res.set("default_group", r.rtype == "aws_default_security_group");
            let ingress: Vec<Value> = blocks(v, "ingress")
                .into_iter()
                .map(|b| Value::Object(b.clone()))
                .collect();
            res.set("ingress_rules", Value::Array(ingress));
            res.set("egress_count", blocks(v, "egress").len());
            if let Some(l) = r.lines.get("ingress") {
                res.prop_lines.insert("ingress_rules".into(), *l);
            }
        }
        "aws_vpc" => {
            res = new_resource(r, Kind::Vpc, origin);
            res.set("flow_logs", false);
        }
        "aws_subnet" => {
            res = new_resource(r, Kind::Subnet, origin);
        }
        "aws_elasticsearch_domain" | "aws_opensearch_domain" => {
            res = new_resource(r, Kind::SearchDomain, origin);
            if let Some(Value::String(name)) = v.get("domain_name") {
                res.name = name.clone();
            }
            let at_rest = first_block(v, "encrypt_at_rest")
                .and_then(|b| as_bool(b.get("enabled")))
                .unwrap_or(false);
            res.set("encrypted", at_rest);
            let n2n = first_block(v, "node_to_node_encryption")
                .and_then(|b| as_bool(b.get("enabled")))
                .unwrap_or(false);
            res.set("node_to_node_encryption", n2n);
            res.set("in_vpc", first_block(v, "vpc_options").is_some());
            res.set("policy_public", false);
            if let Some(policy) = rs.policy(r, "access_policies") {
                res.set(
                    "policy_public",
                    facts::policy_facts(&policy).public_principal,
                );
            }
        }
        "aws_lambda_function" => {
            res = new_resource(r, Kind::LambdaFunction, origin);
            if let Some(Value::String(name)) = v.get("function_name") {
                res.name = name.clone();
            }
            if let Some(rt) = v.get("runtime").and_then(Value::as_str) {
                res.set("deprecated_runtime", DEPRECATED_RUNTIMES.contains(&rt));
                if let Some(l) = r.lines.get("runtime") {
                    res.prop_lines.insert("deprecated_runtime".into(), *l);
                }
            }
            let vars = first_block(v, "environment")
                .and_then(|e| e.get("variables"))
                .and_then(Value::as_object);
            for (name, value) in vars.into_iter().flatten() {
                let text = value.as_str().unwrap_or_default();
                let looks = !facts::secrets_in_text(text).is_empty()
                    || (facts::is_secret_name(name)
                        && text.len() >= 8
                        && !text.contains("${")
                        && !text.contains('.'));
                if looks {
                    res.secrets.push(Secret {
                        what: format!("environment variable `{name}` holds a credential in clear"),
                        at: Location {
                            file: r.at.file.clone(),
                            line: r.lines.get("environment").copied().or(r.at.line),
                        },
                    });
                }
            }
        }
        "aws_kms_key" => {
            res = new_resource(r, Kind::KmsKey, origin);
        }
        "aws_ecr_repository" => {
            res = new_resource(r, Kind::EcrRepository, origin);
            let scan = first_block(v, "image_scanning_configuration")
                .and_then(|b| as_bool(b.get("scan_on_push")))
                .unwrap_or(false);
            res.set("scan_on_push", scan);
            let mutability = v
                .get("image_tag_mutability")
                .and_then(Value::as_str)
                .unwrap_or("MUTABLE");
            res.set("tags_immutable", mutability == "IMMUTABLE");
            if let Some(l) = r.lines.get("image_tag_mutability") {
                res.prop_lines.insert("tags_immutable".into(), *l);
            }
        }
        "aws_eks_cluster" => {
            res = new_resource(r, Kind::EksCluster, origin);
            let public = first_block(v, "vpc_config")
                .and_then(|b| as_bool(b.get("endpoint_public_access")))
                .unwrap_or(true);
            res.set("endpoint_public", public);
            if let Some(l) = r.lines.get("vpc_config") {
                res.prop_lines.insert("endpoint_public".into(), *l);
            }
            res.set(
                "secrets_encrypted",
                first_block(v, "encryption_config").is_some(),
            );
            res.set(
                "audit_logging",
                str_list(v.get("enabled_cluster_log_types"))
                    .iter()
                    .any(|t| t == "audit"),
            );
        }
        "aws_elb" => {
            res = new_resource(r, Kind::LoadBalancer, origin);
            let listeners = blocks(v, "listener");
            let tls = !listeners.is_empty()
                && listeners.iter().all(|l| {
                    l.get("lb_protocol")
                        .and_then(Value::as_str)
                        .is_some_and(|p| {
                            p.eq_ignore_ascii_case("https") || p.eq_ignore_ascii_case("ssl")
                        })
                });
            res.set("tls_listeners", tls);
            if let Some(l) = r.lines.get("listener") {
                res.prop_lines.insert("tls_listeners".into(), *l);
            }
            let logs = first_block(v, "access_logs")
                .is_some_and(|b| as_bool(b.get("enabled")).unwrap_or(true));
            res.set("access_logs", logs);
        }
        "aws_lb" | "aws_alb" => {
            res = new_resource(r, Kind::LoadBalancer, origin);
            let logs = first_block(v, "access_logs")
                .is_some_and(|b| as_bool(b.get("enabled")).unwrap_or(false));
            res.set("access_logs", logs);
        }
        "aws_cloudtrail" => {
            res = new_resource(r, Kind::CloudTrail, origin);
            res.set(
                "kms_encrypted",
                v.get("kms_key_id").is_some_and(|k| !k.is_null()),
            );
        }
        "aws_iam_user" => {
            res = new_resource(r, Kind::IamUser, origin);
            if let Some(Value::String(name)) = v.get("name") {
                res.name = name.clone();
            }
            res.set("direct_policies", false);
        }
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => {
            res = new_resource(r, Kind::IamPolicy, origin);
            let Some(doc) = rs.policy(r, "policy") else {
                return Some(res);
            };
            let f = facts::policy_facts(&doc);
            res.set("admin", f.admin);
            res.set("wildcard_services", json!(f.wildcard_services));
            res.set("customer_managed", r.rtype == "aws_iam_policy");
            if let Some(l) = r.lines.get("policy") {
                res.prop_lines.insert("admin".into(), *l);
                res.prop_lines.insert("wildcard_services".into(), *l);
            }
        }
        _ => return None,
    }
    // `aws_docdb_cluster` reads like `aws_rds_cluster`.
    let table_type = match r.rtype.as_str() {
        "aws_docdb_cluster" => "aws_rds_cluster",
        t => t,
    };
    for (_, fact, attr, default) in BOOL_FACTS.iter().filter(|row| row.0 == table_type) {
        set_bool(&mut res, fact, r, rs, attr, *default);
    }
    for (_, fact, attr, default) in NUM_FACTS.iter().filter(|row| row.0 == table_type) {
        set_num(&mut res, fact, r, rs, attr, *default);
    }
    Some(res)
}

/// A password written as a literal in the resource itself.
fn literal_password(r: &TfResource, res: &mut Resource) {
    for key in ["password", "master_password"] {
        if let Some(Value::String(p)) = r.values.get(key) {
            let is_ref = r.refs.contains_key(key) || p.contains("${");
            if !is_ref && !p.is_empty() {
                res.secrets.push(Secret {
                    what: format!("`{key}` is written in the code"),
                    at: Location {
                        file: r.at.file.clone(),
                        line: r.lines.get(key).copied().or(r.at.line),
                    },
                });
            }
        }
    }
}

fn user_data_secrets(rs: &Resolver<'_>, r: &TfResource, res: &mut Resource) {
    let Some(Value::String(text)) = r.values.get("user_data") else {
        return;
    };
    let base = r.lines.get("user_data").copied().or(r.at.line);
    // A heredoc's text starts on the line after `user_data = <<EOF`.
    let offset = u32::from(text.contains('\n'));
    for (i, what) in facts::secrets_in_text(text) {
        res.secrets.push(Secret {
            what: format!("{what} in user_data"),
            at: Location {
                file: r.at.file.clone(),
                line: base.map(|b| b + offset + u32::try_from(i).unwrap_or(0)),
            },
        });
    }
    // `${var.password}` where the variable is a credential: the secret is rendered into the instance's user data.
    for reference in r.refs.get("user_data").into_iter().flatten() {
        let Some(name) = reference.strip_prefix("var.") else {
            continue;
        };
        if facts::is_secret_name(name) && rs.variable(name).is_some() {
            let line = text
                .lines()
                .position(|l| l.contains(&format!("var.{name}")))
                .and_then(|i| base.map(|b| b + offset + u32::try_from(i).unwrap_or(0)));
            res.secrets.push(Secret {
                what: format!("the credential variable `{name}` is interpolated into user_data, readable by anyone who can describe the instance"),
                at: Location { file: r.at.file.clone(), line },
            });
        }
    }
}

/// Second pass: resources that change another (a rule on a group, a block on a bucket).
fn attach(
    rs: &Resolver<'_>,
    r: &TfResource,
    out: &mut [Resource],
    index: &BTreeMap<String, usize>,
) {
    let find = |key: &str, rtype: &[&str]| -> Option<usize> {
        let refs = r.refs.get(key)?;
        refs.iter().find_map(|a| {
            let t = rs.resource(a)?;
            if rtype.contains(&t.rtype.as_str()) {
                index.get(a).copied()
            } else {
                None
            }
        })
    };
    match r.rtype.as_str() {
        "aws_security_group_rule" | "aws_vpc_security_group_ingress_rule" => {
            let ingress = r
                .values
                .get("type")
                .and_then(Value::as_str)
                .map_or(r.rtype.ends_with("ingress_rule"), |t| t == "ingress");
            if !ingress {
                return;
            }
            let Some(i) = find(
                "security_group_id",
                &["aws_security_group", "aws_default_security_group"],
            ) else {
                return;
            };
            let mut rule = r.values.clone();
            if let Some(c) = r.values.get("cidr_ipv4") {
                rule.insert("cidr_blocks".into(), json!([c]));
            }
            if let Some(Value::Array(list)) = out[i].props.get_mut("ingress_rules") {
                list.push(Value::Object(rule));
            }
            if !out[i].prop_lines.contains_key("ingress_rules") {
                if let Some(l) = r.at.line {
                    out[i].prop_lines.insert("ingress_rules".into(), l);
                }
            }
        }
        "aws_s3_bucket_public_access_block" => {
            if let Some(i) = find("bucket", &["aws_s3_bucket"]) {
                let all = [
                    "block_public_acls",
                    "block_public_policy",
                    "ignore_public_acls",
                    "restrict_public_buckets",
                ]
                .iter()
                .all(|k| as_bool(r.values.get(*k)) == Some(true));
                out[i].set("public_access_blocked", all);
            }
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            if let Some(i) = find("bucket", &["aws_s3_bucket"]) {
                let kms = Value::Object(r.values.clone())
                    .to_string()
                    .contains("aws:kms");
                out[i].set("kms_encrypted", kms);
            }
        }
        "aws_s3_bucket_versioning" => {
            if let Some(i) = find("bucket", &["aws_s3_bucket"]) {
                let on = first_block(&r.values, "versioning_configuration")
                    .and_then(|b| b.get("status"))
                    .and_then(Value::as_str)
                    == Some("Enabled");
                out[i].set("versioning", on);
            }
        }
        "aws_s3_bucket_logging" => {
            if let Some(i) = find("bucket", &["aws_s3_bucket"]) {
                out[i].set("logging", true);
            }
        }
        "aws_s3_bucket_acl" => {
            if let Some(i) = find("bucket", &["aws_s3_bucket"]) {
                let acl = r
                    .values
                    .get("acl")
                    .and_then(Value::as_str)
                    .unwrap_or("private");
                out[i].set(
                    "public_read",
                    matches!(acl, "public-read" | "public-read-write"),
                );
                out[i].set("public_write", acl == "public-read-write");
            }
        }
        "aws_flow_log" => {
            if let Some(i) = find("vpc_id", &["aws_vpc"]) {
                out[i].set("flow_logs", true);
            }
        }
        "aws_elasticsearch_domain_policy" | "aws_opensearch_domain_policy" => {
            let Some(i) = find(
                "domain_name",
                &["aws_elasticsearch_domain", "aws_opensearch_domain"],
            ) else {
                return;
            };
            if let Some(policy) = rs.policy(r, "access_policies") {
                if facts::policy_facts(&policy).public_principal {
                    out[i].set("policy_public", true);
                    // The finding points at the policy that opens the domain.
                    out[i].prop_lines.remove("policy_public");
                    out[i]
                        .props
                        .insert("policy_at".into(), json!(r.at.to_string()));
                }
            }
        }
        "aws_iam_user_policy" | "aws_iam_user_policy_attachment" => {
            if let Some(i) = find("user", &["aws_iam_user"]) {
                out[i].set("direct_policies", true);
            }
        }
        "aws_iam_access_key" => {
            if let Some(i) = find("user", &["aws_iam_user"]) {
                out[i].set("has_access_key", true);
            }
        }
        "aws_ebs_snapshot"
        | "aws_neptune_cluster_snapshot"
        | "aws_db_snapshot"
        | "aws_db_cluster_snapshot" => {
            let (key, targets): (&str, &[&str]) = match r.rtype.as_str() {
                "aws_ebs_snapshot" => ("volume_id", &["aws_ebs_volume"]),
                "aws_neptune_cluster_snapshot" => {
                    ("db_cluster_identifier", &["aws_neptune_cluster"])
                }
                "aws_db_snapshot" => ("db_instance_identifier", &["aws_db_instance"]),
                _ => ("db_cluster_identifier", &["aws_rds_cluster"]),
            };
            // A snapshot is encrypted exactly when its source is.
            let source = find(key, targets).and_then(|i| out[i].bool("encrypted"));
            if let (Some(enc), Some(&me)) = (source, index.get(&r.address)) {
                out[me].set("encrypted", enc);
            }
        }
        _ => {}
    }
}

/// Facts derived once everything is attached.
fn derive(_rs: &Resolver<'_>, out: &mut [Resource]) {
    for res in out.iter_mut() {
        if res.kind == Kind::SecurityGroup {
            let rules: Vec<Ingress> = res
                .props
                .get("ingress_rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|rule| {
                    let port = |k: &str| as_num(rule.get(k)).map(|n| n.clamp(0.0, 65535.0) as u32);
                    let protocol = rule
                        .get("protocol")
                        .or(rule.get("ip_protocol"))
                        .and_then(Value::as_str)
                        .unwrap_or("tcp")
                        .to_string();
                    let (from, to) = if protocol == "-1" {
                        (0, 65535)
                    } else {
                        (port("from_port")?, port("to_port")?)
                    };
                    let mut cidrs = str_list(rule.get("cidr_blocks"));
                    cidrs.extend(str_list(rule.get("ipv6_cidr_blocks")));
                    Some(Ingress {
                        from_port: from,
                        to_port: to,
                        protocol,
                        cidrs,
                    })
                })
                .collect();
            let f = facts::exposure_facts(&rules);
            res.set("ssh_open_to_world", f.ssh_open_to_world);
            res.set("rdp_open_to_world", f.rdp_open_to_world);
            res.set("risky_ports_open", json!(f.risky_ports_open));
            if res.bool("default_group") == Some(true) {
                let egress = res.num("egress_count").unwrap_or(0.0);
                res.set("default_group_restricts", rules.is_empty() && egress == 0.0);
            }
            if let Some(l) = res.prop_lines.get("ingress_rules").copied() {
                for k in ["ssh_open_to_world", "rdp_open_to_world", "risky_ports_open"] {
                    res.prop_lines.insert(k.into(), l);
                }
            }
        }
    }
}

/// Variables that hold a credential as their default: the value is in the repository.
fn secret_variables(rs: &Resolver<'_>, module: &TfModule, out: &mut Vec<Resource>) {
    for var in &module.variables {
        let Some(Value::String(default)) = &var.default else {
            continue;
        };
        if !facts::is_secret_name(&var.name) || default.is_empty() {
            continue;
        }
        let reference = format!("var.{}", var.name);
        let users: Vec<String> = module
            .resources
            .iter()
            .filter(|r| r.refs.values().any(|l| l.contains(&reference)))
            .map(|r| r.address.clone())
            .collect();
        let mut res = Resource::new(
            reference.clone(),
            Kind::Variable,
            module.origin.unwrap_or(Origin::Terraform),
            var.at.clone(),
        );
        res.name = var.name.clone();
        let used = if users.is_empty() {
            String::new()
        } else {
            format!(", used by {}", users.join(", "))
        };
        res.secrets.push(Secret {
            what: format!(
                "variable `{}` has a credential as its default{used}",
                var.name
            ),
            at: var.at.clone(),
        });
        res.refs = users;
        let _ = rs;
        out.push(res);
    }
}
