//! The checks: one declarative table keyed to the control ids AWS users know (FSBP
//! and CIS AWS Foundations 4.0.1, with the Prowler check id as the cross-walk), and
//! their evaluation over the resource graph.
//!
//! A check reads one fact of one or more kinds of resource. A resource without the
//! fact is *not evaluated* by that check (the input could not tell), never passed.
//! `weight` is the business risk of a failure, 1 (hygiene) to 10 (a breach waiting
//! to happen), independent of the catalogue's severity: the catalogue rates the
//! control, the weight rates what a failure lets an attacker do. Ids are stable and
//! never reused; `tests/catalogue.rs` checks every catalogue id against the
//! catalogues.

use serde::Serialize;
use serde_json::Value;

use crate::graph::{Graph, Kind, Location, Resource};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// What a failure puts at risk, in the business's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Data readable or writable by anyone on the internet.
    PublicExposure,
    /// Credentials that leak give an attacker a way in.
    Credentials,
    /// Permissions broader than the job, so one compromise reaches everything.
    Privilege,
    /// Services reachable from the internet that should not be.
    Network,
    /// Data at rest readable by whoever gets the disk, snapshot or backup.
    Encryption,
    /// Recovery after deletion, ransomware or an outage.
    Resilience,
    /// Seeing an attack and proving what happened.
    Detection,
    /// Good practice whose absence rarely causes a loss by itself.
    Hygiene,
}

impl Area {
    pub fn as_str(self) -> &'static str {
        match self {
            Area::PublicExposure => "public-exposure",
            Area::Credentials => "credentials",
            Area::Privilege => "privilege",
            Area::Network => "network",
            Area::Encryption => "encryption",
            Area::Resilience => "resilience",
            Area::Detection => "detection",
            Area::Hygiene => "hygiene",
        }
    }

    /// The business risk a failure in this area raises, for people who do not read control ids.
    pub fn business_risk(self) -> &'static str {
        match self {
            Area::PublicExposure => "customer data published to the internet",
            Area::Credentials => "an attacker signs in with leaked credentials",
            Area::Privilege => "one compromised identity reaches everything",
            Area::Network => "an attacker reaches an internal service from the internet",
            Area::Encryption => "stolen disks, snapshots or backups are readable",
            Area::Resilience => "data lost for good after a deletion, ransomware or outage",
            Area::Detection => "an attack goes unseen and cannot be investigated",
            Area::Hygiene => "small weaknesses that add up",
        }
    }

    /// The STRIDE categories whose threats a failure in this area makes likelier.
    pub fn stride(self) -> &'static [&'static str] {
        match self {
            Area::PublicExposure | Area::Encryption => &["information-disclosure"],
            Area::Credentials => &["spoofing", "information-disclosure"],
            Area::Privilege => &["elevation-of-privilege"],
            Area::Network => &["spoofing", "tampering", "denial-of-service"],
            Area::Resilience => &["denial-of-service", "tampering"],
            Area::Detection => &["repudiation"],
            Area::Hygiene => &[],
        }
    }
}

/// How a check judges a resource's fact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Test {
    /// The fact is this boolean.
    Is(&'static str, bool),
    /// The fact is a number at least this.
    AtLeast(&'static str, f64),
    /// The fact is a number at most this.
    AtMost(&'static str, f64),
    /// The fact is an empty list.
    Empty(&'static str),
    /// No secret was found in clear in the resource.
    NoSecrets,
}

impl Test {
    pub fn fact(self) -> Option<&'static str> {
        match self {
            Test::Is(f, _) | Test::AtLeast(f, _) | Test::AtMost(f, _) | Test::Empty(f) => Some(f),
            Test::NoSecrets => None,
        }
    }
}

/// One check of the table.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// Stable, kebab-case, names the good state: `rds-storage-encrypted`. Models say `aws:<id>`.
    pub id: &'static str,
    pub title: &'static str,
    pub kinds: &'static [Kind],
    pub test: Test,
    /// The FSBP control (`RDS.3`), when one covers it.
    pub fsbp: Option<&'static str>,
    /// CIS AWS Foundations 4.0.1 recommendations (`2.2.1`).
    pub cis: &'static [&'static str],
    /// Prowler's check id: the cross-walk between CIS and FSBP.
    pub prowler: Option<&'static str>,
    /// FSBP's severity where there is an FSBP control, else riskfirst's own.
    pub severity: Severity,
    pub area: Area,
    /// Business risk of a failure, 1 to 10 (see the module comment).
    pub weight: u8,
}

macro_rules! checks {
    ($( $id:literal, $title:literal, [$($kind:ident),+], $test:expr, fsbp $fsbp:expr, cis [$($cis:literal),*], prowler $prowler:expr, $sev:ident, $area:ident, $weight:literal; )*) => {
        /// Every check, in a stable order (by area of the account, then service).
        pub const CHECKS: &[Check] = &[ $( Check {
            id: $id,
            title: $title,
            kinds: &[$(Kind::$kind),+],
            test: $test,
            fsbp: $fsbp,
            cis: &[$($cis),*],
            prowler: $prowler,
            severity: Severity::$sev,
            area: Area::$area,
            weight: $weight,
        } ),* ];
    };
}

use Test::{AtLeast, AtMost, Empty, Is, NoSecrets};

checks! {
    // Identity and access.
    "iam-root-access-key-absent", "the root user has no access key", [RootUser], Is("access_key", false), fsbp Some("IAM.4"), cis ["1.4"], prowler Some("iam_no_root_access_key"), Critical, Credentials, 10;
    "iam-root-mfa-enabled", "the root user signs in with MFA", [RootUser], Is("mfa", true), fsbp Some("IAM.9"), cis ["1.5"], prowler Some("iam_root_mfa_enabled"), Critical, Credentials, 9;
    "iam-user-mfa-enabled", "every user with a console password has MFA", [IamUser], Is("console_without_mfa", false), fsbp Some("IAM.5"), cis ["1.10"], prowler Some("iam_user_mfa_enabled_console_access"), Medium, Credentials, 7;
    "iam-access-keys-rotated", "access keys are rotated every 90 days", [IamUser], AtMost("oldest_active_key_days", 90.0), fsbp Some("IAM.3"), cis ["1.14"], prowler Some("iam_rotate_access_key_90_days"), Medium, Credentials, 4;
    "iam-unused-credentials-removed", "credentials unused for 45 days are removed", [IamUser], Is("credentials_unused_45_days", false), fsbp Some("IAM.22"), cis ["1.12"], prowler Some("iam_user_accesskey_unused"), Medium, Credentials, 3;
    "iam-one-active-key-per-user", "no user has two active access keys", [IamUser], Is("two_active_keys", false), fsbp None, cis ["1.13"], prowler Some("iam_user_two_active_access_key"), Medium, Credentials, 2;
    "iam-user-no-direct-policies", "users get permissions through groups or roles", [IamUser], Is("direct_policies", false), fsbp Some("IAM.2"), cis ["1.15"], prowler None, Low, Privilege, 2;
    "iam-no-admin-policy", "no policy grants full `*:*` administrator rights", [IamPolicy], Is("admin", false), fsbp Some("IAM.1"), cis ["1.16"], prowler Some("iam_customer_attached_policy_no_administrative_privileges"), High, Privilege, 9;
    "iam-no-service-wildcards", "no policy grants every action of a service (`s3:*`)", [IamPolicy], Empty("wildcard_services"), fsbp Some("IAM.21"), cis [], prowler None, Low, Privilege, 8;
    // Secrets in code and configuration (no CIS or FSBP control covers these).
    "ec2-user-data-no-secrets", "instance user data holds no secrets", [Instance], NoSecrets, fsbp None, cis [], prowler Some("ec2_instance_secrets_user_data"), Critical, Credentials, 10;
    "lambda-env-no-secrets", "function environment variables hold no secrets", [LambdaFunction], NoSecrets, fsbp None, cis [], prowler Some("awslambda_function_no_secrets_in_variables"), Critical, Credentials, 10;
    "db-password-not-in-code", "database passwords are not written in the code", [DbInstance, DbCluster], NoSecrets, fsbp None, cis [], prowler None, Critical, Credentials, 9;
    "iac-variable-no-default-secret", "no input variable has a credential as its default", [Variable], NoSecrets, fsbp None, cis [], prowler None, High, Credentials, 9;
    // Storage.
    "s3-account-public-access-blocked", "the account blocks public S3 access", [Account], Is("s3_public_access_blocked", true), fsbp Some("S3.1"), cis ["2.1.4"], prowler Some("s3_account_level_public_access_blocks"), Medium, PublicExposure, 6;
    "s3-bucket-public-access-blocked", "each bucket blocks public access", [S3Bucket], Is("public_access_blocked", true), fsbp Some("S3.8"), cis ["2.1.4"], prowler Some("s3_bucket_level_public_access_block"), High, PublicExposure, 6;
    "s3-bucket-no-public-read", "no bucket is readable by everyone", [S3Bucket], Is("public_read", false), fsbp Some("S3.2"), cis [], prowler None, Critical, PublicExposure, 10;
    "s3-bucket-no-public-write", "no bucket is writable by everyone", [S3Bucket], Is("public_write", false), fsbp Some("S3.3"), cis [], prowler Some("s3_bucket_public_write_acl"), Critical, PublicExposure, 10;
    "s3-bucket-kms-encrypted", "buckets are encrypted with KMS keys", [S3Bucket], Is("kms_encrypted", true), fsbp Some("S3.17"), cis [], prowler Some("s3_bucket_kms_encryption"), Medium, Encryption, 3;
    "s3-bucket-versioning", "buckets keep versions", [S3Bucket], Is("versioning", true), fsbp Some("S3.14"), cis [], prowler Some("s3_bucket_object_versioning"), Low, Resilience, 3;
    "s3-bucket-access-logging", "bucket access is logged", [S3Bucket], Is("logging", true), fsbp Some("S3.9"), cis [], prowler Some("s3_bucket_server_access_logging_enabled"), Medium, Detection, 2;
    "ebs-volume-encrypted", "EBS volumes are encrypted", [EbsVolume], Is("encrypted", true), fsbp Some("EC2.3"), cis ["5.1.1"], prowler Some("ec2_ebs_volume_encryption"), Medium, Encryption, 4;
    "ebs-snapshot-encrypted", "EBS snapshots are encrypted", [EbsSnapshot], Is("encrypted", true), fsbp None, cis [], prowler Some("ec2_ebs_snapshots_encrypted"), Medium, Encryption, 5;
    "ebs-snapshot-not-public", "no EBS snapshot can be restored by anyone", [EbsSnapshot], Is("public", false), fsbp Some("EC2.1"), cis [], prowler Some("ec2_ebs_public_snapshot"), Critical, PublicExposure, 9;
    // Databases.
    "rds-instance-not-public", "no database instance is publicly accessible", [DbInstance], Is("publicly_accessible", false), fsbp Some("RDS.2"), cis ["2.2.3"], prowler Some("rds_instance_no_public_access"), Critical, PublicExposure, 10;
    "rds-storage-encrypted", "database instances are encrypted at rest", [DbInstance], Is("encrypted", true), fsbp Some("RDS.3"), cis ["2.2.1"], prowler Some("rds_instance_storage_encrypted"), Medium, Encryption, 5;
    "rds-backup-enabled", "database instances keep automated backups for 7 days", [DbInstance], AtLeast("backup_retention_days", 7.0), fsbp Some("RDS.11"), cis [], prowler Some("rds_instance_backup_enabled"), Medium, Resilience, 4;
    "rds-multi-az", "database instances run in several availability zones", [DbInstance], Is("multi_az", true), fsbp Some("RDS.5"), cis ["2.2.4"], prowler Some("rds_instance_multi_az"), Medium, Resilience, 2;
    "rds-auto-minor-version-upgrade", "database instances take minor version upgrades", [DbInstance], Is("auto_minor_version_upgrade", true), fsbp Some("RDS.13"), cis ["2.2.2"], prowler Some("rds_instance_minor_version_upgrade_enabled"), High, Hygiene, 2;
    "rds-iam-auth", "database instances accept IAM authentication", [DbInstance], Is("iam_auth", true), fsbp Some("RDS.10"), cis [], prowler Some("rds_instance_iam_authentication_enabled"), Medium, Credentials, 2;
    "rds-deletion-protection", "database instances have deletion protection", [DbInstance], Is("deletion_protection", true), fsbp Some("RDS.8"), cis [], prowler Some("rds_instance_deletion_protection"), Low, Resilience, 2;
    "rds-enhanced-monitoring", "database instances have enhanced monitoring", [DbInstance], AtLeast("monitoring_interval", 1.0), fsbp Some("RDS.6"), cis [], prowler Some("rds_instance_enhanced_monitoring_enabled"), Low, Detection, 1;
    "rds-copy-tags-to-snapshot", "database instances copy tags to snapshots", [DbInstance], Is("copy_tags_to_snapshot", true), fsbp Some("RDS.17"), cis [], prowler Some("rds_instance_copy_tags_to_snapshots"), Low, Hygiene, 1;
    "rds-custom-admin-name", "database instances use a custom administrator name", [DbInstance], Is("default_admin_name", false), fsbp Some("RDS.25"), cis [], prowler Some("rds_instance_default_admin"), Medium, Credentials, 1;
    "rds-snapshot-not-public", "no database snapshot is public", [DbSnapshot], Is("public", false), fsbp Some("RDS.1"), cis [], prowler Some("rds_snapshots_public_access"), Critical, PublicExposure, 9;
    "rds-snapshot-encrypted", "database snapshots are encrypted", [DbSnapshot], Is("encrypted", true), fsbp Some("RDS.4"), cis [], prowler Some("rds_snapshots_encrypted"), Medium, Encryption, 4;
    "rds-cluster-encrypted", "database clusters are encrypted at rest", [DbCluster], Is("encrypted", true), fsbp Some("RDS.27"), cis [], prowler Some("rds_cluster_storage_encrypted"), Medium, Encryption, 5;
    "rds-cluster-iam-auth", "database clusters accept IAM authentication", [DbCluster], Is("iam_auth", true), fsbp Some("RDS.12"), cis [], prowler Some("rds_cluster_iam_authentication_enabled"), Medium, Credentials, 2;
    "rds-cluster-deletion-protection", "database clusters have deletion protection", [DbCluster], Is("deletion_protection", true), fsbp Some("RDS.7"), cis [], prowler Some("rds_cluster_deletion_protection"), Low, Resilience, 2;
    "rds-cluster-copy-tags-to-snapshot", "database clusters copy tags to snapshots", [DbCluster], Is("copy_tags_to_snapshot", true), fsbp Some("RDS.16"), cis [], prowler Some("rds_cluster_copy_tags_to_snapshots"), Low, Hygiene, 1;
    "neptune-encrypted", "Neptune clusters are encrypted at rest", [NeptuneCluster], Is("encrypted", true), fsbp Some("Neptune.1"), cis [], prowler None, Medium, Encryption, 4;
    "neptune-backup-enabled", "Neptune clusters keep backups for 7 days", [NeptuneCluster], AtLeast("backup_retention_days", 7.0), fsbp Some("Neptune.5"), cis [], prowler Some("neptune_cluster_backup_enabled"), Medium, Resilience, 3;
    "neptune-iam-auth", "Neptune clusters accept IAM authentication", [NeptuneCluster], Is("iam_auth", true), fsbp Some("Neptune.7"), cis [], prowler Some("neptune_cluster_iam_authentication_enabled"), Medium, Credentials, 2;
    "neptune-deletion-protection", "Neptune clusters have deletion protection", [NeptuneCluster], Is("deletion_protection", true), fsbp Some("Neptune.4"), cis [], prowler Some("neptune_cluster_deletion_protection"), Low, Resilience, 1;
    "neptune-audit-logs", "Neptune clusters publish audit logs", [NeptuneCluster], Is("audit_logs", true), fsbp Some("Neptune.2"), cis [], prowler Some("neptune_cluster_integration_cloudwatch_logs"), Medium, Detection, 2;
    "neptune-snapshot-encrypted", "Neptune snapshots are encrypted", [NeptuneSnapshot], Is("encrypted", true), fsbp Some("Neptune.6"), cis [], prowler Some("neptune_cluster_snapshot_encrypted"), Medium, Encryption, 4;
    // Network.
    "ec2-sg-no-world-ssh", "no security group admits SSH from the internet", [SecurityGroup], Is("ssh_open_to_world", false), fsbp Some("EC2.13"), cis ["5.3"], prowler Some("ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"), High, Network, 8;
    "ec2-sg-no-world-rdp", "no security group admits RDP from the internet", [SecurityGroup], Is("rdp_open_to_world", false), fsbp Some("EC2.14"), cis ["5.3"], prowler Some("ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389"), High, Network, 8;
    "ec2-sg-no-world-high-risk-ports", "no security group admits database or admin ports from the internet", [SecurityGroup], Empty("risky_ports_open"), fsbp Some("EC2.19"), cis [], prowler Some("ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports"), Medium, Network, 7;
    "ec2-default-sg-restricts-all", "the default security group admits nothing", [SecurityGroup], Is("default_group_restricts", true), fsbp Some("EC2.2"), cis ["5.5"], prowler Some("ec2_securitygroup_default_restrict_traffic"), High, Network, 3;
    "ec2-imdsv2-required", "instances require IMDSv2", [Instance], Is("imdsv2_required", true), fsbp Some("EC2.8"), cis ["5.7"], prowler Some("ec2_instance_imdsv2_enabled"), High, Credentials, 5;
    "ec2-no-public-ip", "instances have no public IP address", [Instance], Is("public_ip", false), fsbp Some("EC2.9"), cis [], prowler Some("ec2_instance_public_ip"), High, Network, 4;
    "subnet-no-auto-public-ip", "subnets do not hand out public IP addresses", [Subnet], Is("map_public_ip_on_launch", false), fsbp Some("EC2.15"), cis [], prowler Some("vpc_subnet_no_public_ip_by_default"), Medium, Network, 2;
    "vpc-flow-logs-enabled", "every VPC logs its flows", [Vpc], Is("flow_logs", true), fsbp Some("EC2.6"), cis ["3.7"], prowler Some("vpc_flow_logs_enabled"), Medium, Detection, 3;
    "elb-tls-listeners", "load balancers listen with TLS only", [LoadBalancer], Is("tls_listeners", true), fsbp Some("ELB.3"), cis [], prowler Some("elb_ssl_listeners"), Medium, Encryption, 4;
    "elb-access-logs", "load balancers log requests", [LoadBalancer], Is("access_logs", true), fsbp Some("ELB.5"), cis [], prowler Some("elb_logging_enabled"), Medium, Detection, 2;
    "wafv2-web-acl-associated", "load balancers are behind a WAF web ACL", [LoadBalancer], Is("waf", true), fsbp Some("ELB.16"), cis [], prowler Some("elbv2_waf_acl_attached"), Medium, Network, 4;
    // Services.
    "es-not-public", "no search domain's policy admits anyone", [SearchDomain], Is("policy_public", false), fsbp Some("ES.2"), cis [], prowler Some("opensearch_service_domains_not_publicly_accessible"), Critical, PublicExposure, 9;
    "es-encrypted-at-rest", "search domains are encrypted at rest", [SearchDomain], Is("encrypted", true), fsbp Some("ES.1"), cis [], prowler Some("opensearch_service_domains_encryption_at_rest_enabled"), Medium, Encryption, 4;
    "es-node-to-node-encryption", "search domains encrypt traffic between nodes", [SearchDomain], Is("node_to_node_encryption", true), fsbp Some("ES.3"), cis [], prowler Some("opensearch_service_domains_node_to_node_encryption_enabled"), Medium, Encryption, 2;
    "lambda-supported-runtime", "functions run on a supported runtime", [LambdaFunction], Is("deprecated_runtime", false), fsbp Some("Lambda.2"), cis [], prowler Some("awslambda_function_using_supported_runtimes"), Medium, Hygiene, 2;
    "kms-key-rotation", "customer keys rotate yearly", [KmsKey], Is("rotation", true), fsbp Some("KMS.4"), cis ["3.6"], prowler Some("kms_cmk_rotation_enabled"), Medium, Encryption, 2;
    "ecr-scan-on-push", "container images are scanned on push", [EcrRepository], Is("scan_on_push", true), fsbp Some("ECR.1"), cis [], prowler Some("ecr_repositories_scan_images_on_push_enabled"), High, Hygiene, 2;
    "ecr-tag-immutability", "container image tags cannot be overwritten", [EcrRepository], Is("tags_immutable", true), fsbp Some("ECR.2"), cis [], prowler Some("ecr_repositories_tag_immutability"), Medium, Hygiene, 1;
    "eks-endpoint-not-public", "Kubernetes API endpoints are private", [EksCluster], Is("endpoint_public", false), fsbp Some("EKS.1"), cis [], prowler Some("eks_cluster_not_publicly_accessible"), High, Network, 6;
    "eks-secrets-encrypted", "Kubernetes secrets are encrypted with KMS", [EksCluster], Is("secrets_encrypted", true), fsbp Some("EKS.3"), cis [], prowler Some("eks_cluster_kms_cmk_encryption_in_secrets_enabled"), Medium, Encryption, 3;
    "eks-audit-logging", "Kubernetes control planes log audits", [EksCluster], Is("audit_logging", true), fsbp Some("EKS.8"), cis [], prowler Some("eks_control_plane_logging_all_types_enabled"), Medium, Detection, 2;
    // Logging and detection.
    "cloudtrail-multi-region", "CloudTrail records every region", [Account], Is("cloudtrail_multi_region", true), fsbp Some("CloudTrail.1"), cis ["3.1"], prowler Some("cloudtrail_multi_region_enabled"), High, Detection, 6;
    "cloudtrail-log-validation", "CloudTrail log files are validated", [CloudTrail], Is("log_file_validation", true), fsbp Some("CloudTrail.4"), cis ["3.2"], prowler Some("cloudtrail_log_file_validation_enabled"), Low, Detection, 1;
    "cloudtrail-kms-encrypted", "CloudTrail logs are encrypted with KMS", [CloudTrail], Is("kms_encrypted", true), fsbp Some("CloudTrail.2"), cis ["3.5"], prowler Some("cloudtrail_kms_encryption_enabled"), Medium, Detection, 2;
    "config-recorder-enabled", "AWS Config records in every region", [Account], Is("config_recorder", true), fsbp Some("Config.1"), cis ["3.3"], prowler Some("config_recorder_all_regions_enabled"), Medium, Detection, 3;
    "guardduty-enabled", "GuardDuty is enabled", [Account], Is("guardduty", true), fsbp Some("GuardDuty.1"), cis [], prowler Some("guardduty_is_enabled"), High, Detection, 5;
    "securityhub-enabled", "Security Hub is enabled", [Account], Is("securityhub", true), fsbp None, cis ["4.16"], prowler Some("securityhub_enabled"), Medium, Detection, 3;
}

/// The check with this id.
pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// What one check concluded about one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The input does not tell the fact the check needs.
    NotEvaluated,
}

/// One check applied to one resource.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub check: &'static str,
    pub resource: String,
    pub outcome: Outcome,
    /// Why it failed, in plain words; empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    pub at: Location,
}

fn judge(test: Test, r: &Resource) -> (Outcome, String) {
    let fact = test.fact();
    let value = fact.and_then(|f| r.props.get(f));
    let verdict = |ok: bool, why: String| {
        if ok {
            (Outcome::Pass, String::new())
        } else {
            (Outcome::Fail, why)
        }
    };
    match test {
        Test::NoSecrets => {
            let what: Vec<&str> = r.secrets.iter().map(|s| s.what.as_str()).collect();
            verdict(what.is_empty(), what.join("; "))
        }
        Test::Is(f, want) => match value.and_then(Value::as_bool) {
            Some(b) => verdict(b == want, format!("`{f}` is {b}")),
            None => (Outcome::NotEvaluated, String::new()),
        },
        Test::AtLeast(f, min) => match value.and_then(Value::as_f64) {
            Some(n) => verdict(n >= min, format!("`{f}` is {n}, below {min}")),
            None => (Outcome::NotEvaluated, String::new()),
        },
        Test::AtMost(f, max) => match value.and_then(Value::as_f64) {
            Some(n) => verdict(n <= max, format!("`{f}` is {n}, above {max}")),
            None => (Outcome::NotEvaluated, String::new()),
        },
        Test::Empty(f) => match value.and_then(Value::as_array) {
            Some(items) => {
                let shown: Vec<String> = items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect();
                verdict(items.is_empty(), format!("`{f}`: {}", shown.join(", ")))
            }
            None => (Outcome::NotEvaluated, String::new()),
        },
    }
}

/// Every check on every resource of its kinds, in check order then graph order.
pub fn evaluate(graph: &Graph) -> Vec<Evaluation> {
    let mut out = Vec::new();
    for check in CHECKS {
        for r in graph
            .resources
            .iter()
            .filter(|r| check.kinds.contains(&r.kind))
        {
            let (outcome, detail) = judge(check.test, r);
            let at = match (check.test, outcome) {
                (Test::NoSecrets, Outcome::Fail) => r.secrets[0].at.clone(),
                (test, _) => match r.props.get("policy_at").and_then(Value::as_str) {
                    Some(at) if test.fact() == Some("policy_public") => location_from(at, &r.at),
                    _ => test
                        .fact()
                        .map_or_else(|| r.at.clone(), |f| r.location_of(f)),
                },
            };
            out.push(Evaluation {
                check: check.id,
                resource: r.id.clone(),
                outcome,
                detail,
                at,
            });
        }
    }
    out
}

/// `file:line` back into a location (the line is what follows the last colon).
fn location_from(text: &str, fallback: &Location) -> Location {
    match text.rsplit_once(':') {
        Some((file, line)) if line.parse::<u32>().is_ok() => Location {
            file: file.to_string(),
            line: line.parse().ok(),
        },
        _ => fallback.clone(),
    }
}
