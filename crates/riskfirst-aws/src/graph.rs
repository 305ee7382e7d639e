//! The resource graph: every input (Terraform, plan JSON, CloudFormation, AWS Config,
//! AWS CLI JSON, the IAM credential report) is normalised into these resources, whose
//! facts (`props`) the declarative checks read.
//!
//! Facts use one vocabulary whatever the input (`encrypted`, `publicly_accessible`,
//! `ssh_open_to_world`, …; `checks.rs` lists which kind has which). An input that
//! cannot tell a fact leaves it out, and a check that needs it is then *not
//! evaluated* rather than passed or failed. Infrastructure-as-code inputs fill in the
//! provider's defaults (an `aws_db_instance` without `storage_encrypted` is
//! unencrypted), because that is what would be deployed.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// What a resource is. Closed: a kind the checks know nothing about is not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The account itself: settings such as the account-level S3 public access block.
    Account,
    RootUser,
    IamUser,
    /// A policy document attached somewhere (managed, inline, role, user or group policy).
    IamPolicy,
    S3Bucket,
    DbInstance,
    DbCluster,
    DbSnapshot,
    NeptuneCluster,
    NeptuneSnapshot,
    EbsVolume,
    EbsSnapshot,
    Instance,
    SecurityGroup,
    Vpc,
    Subnet,
    SearchDomain,
    LambdaFunction,
    KmsKey,
    EcrRepository,
    EksCluster,
    LoadBalancer,
    CloudTrail,
    /// An input variable of the infrastructure code (Terraform `variable`, CloudFormation `Parameters`).
    Variable,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::RootUser => "root-user",
            Kind::IamUser => "iam-user",
            Kind::IamPolicy => "iam-policy",
            Kind::S3Bucket => "s3-bucket",
            Kind::DbInstance => "db-instance",
            Kind::DbCluster => "db-cluster",
            Kind::DbSnapshot => "db-snapshot",
            Kind::NeptuneCluster => "neptune-cluster",
            Kind::NeptuneSnapshot => "neptune-snapshot",
            Kind::EbsVolume => "ebs-volume",
            Kind::EbsSnapshot => "ebs-snapshot",
            Kind::Instance => "instance",
            Kind::SecurityGroup => "security-group",
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::SearchDomain => "search-domain",
            Kind::LambdaFunction => "lambda-function",
            Kind::KmsKey => "kms-key",
            Kind::EcrRepository => "ecr-repository",
            Kind::EksCluster => "eks-cluster",
            Kind::LoadBalancer => "load-balancer",
            Kind::CloudTrail => "cloudtrail",
            Kind::Variable => "variable",
        }
    }
}

/// Which kind of input a resource came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    Terraform,
    TerraformPlan,
    CloudFormation,
    ConfigSnapshot,
    AwsCli,
    CredentialReport,
}

impl Origin {
    /// Whether the resource is described by code (a file and line point at it) rather than observed.
    pub fn is_iac(self) -> bool {
        matches!(
            self,
            Origin::Terraform | Origin::TerraformPlan | Origin::CloudFormation
        )
    }
}

/// Where a resource or one of its facts is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The input file, as the caller named it.
    pub file: String,
    /// 1-based; absent where the input has no lines (JSON exports, plan JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// A secret written in clear where it should not be: user data, environment variables,
/// a variable's default, a template parameter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Secret {
    /// What it is, never its value: `an AWS access key id in user_data`.
    pub what: String,
    pub at: Location,
}

/// One resource of the estate, whatever input described it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resource {
    /// Unique in the graph: a Terraform address (`aws_s3_bucket.data`), a logical id,
    /// an ARN or a name the export used.
    pub id: String,
    pub kind: Kind,
    /// The name a person knows it by (bucket name, identifier), else the id.
    pub name: String,
    pub origin: Origin,
    pub at: Location,
    /// Normalised facts; see `checks.rs` for the names each kind carries.
    pub props: BTreeMap<String, Value>,
    /// Where a fact is written, when the input says (for file:line in findings).
    #[serde(skip)]
    pub prop_lines: BTreeMap<String, u32>,
    /// Secrets found in clear in this resource.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    /// Ids of the resources this one refers to (its security groups, its volume, its role).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
}

impl Resource {
    pub fn new(id: impl Into<String>, kind: Kind, origin: Origin, at: Location) -> Resource {
        let id = id.into();
        Resource {
            name: id.clone(),
            id,
            kind,
            origin,
            at,
            props: BTreeMap::new(),
            prop_lines: BTreeMap::new(),
            secrets: Vec::new(),
            refs: Vec::new(),
        }
    }

    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.props.insert(key.to_string(), value.into());
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.props.get(key).and_then(Value::as_bool)
    }

    pub fn num(&self, key: &str) -> Option<f64> {
        self.props.get(key).and_then(Value::as_f64)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.props.get(key).and_then(Value::as_str)
    }

    /// Where fact `key` is written: its own line when known, else the resource's.
    pub fn location_of(&self, key: &str) -> Location {
        Location {
            file: self.at.file.clone(),
            line: self.prop_lines.get(key).copied().or(self.at.line),
        }
    }
}

/// Every resource of the supplied evidence, in input order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Graph {
    pub resources: Vec<Resource>,
}

impl Graph {
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(move |r| r.kind == kind)
    }

    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }
}
