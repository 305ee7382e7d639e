//! TerraGoat (`../shared/corpora/terragoat-aws`): every misconfiguration it intends is
//! found, with file:line, and the material ones rank ahead of the hygiene ones.

mod common;

use riskfirst_aws::{scan, scorecard, InputFile, Scorecard};

fn terragoat() -> Option<Scorecard> {
    let dir = common::corpus("terragoat-aws")?;
    let files = common::files(&dir);
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(p, b)| InputFile { path: p, bytes: b })
        .collect();
    let s = scan(&inputs);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.read.len(), 14, "every .tf file is read");
    Some(scorecard(&s))
}

/// (check, resource, file:line) of the misconfigurations TerraGoat intends.
const EXPECTED: &[(&str, &str, &str)] = &[
    // The three that checkov 3.3 misses.
    (
        "iac-variable-no-default-secret",
        "var.password",
        "consts.tf:39",
    ),
    (
        "ebs-snapshot-encrypted",
        "aws_ebs_snapshot.example_snapshot",
        "ec2.tf:53",
    ),
    (
        "ec2-user-data-no-secrets",
        "aws_instance.db_app",
        "db-app.tf:265",
    ),
    // The material ones.
    (
        "rds-instance-not-public",
        "aws_db_instance.default",
        "db-app.tf:22",
    ),
    (
        "ec2-user-data-no-secrets",
        "aws_instance.web_host",
        "ec2.tf:15",
    ),
    (
        "lambda-env-no-secrets",
        "aws_lambda_function.analysis_lambda",
        "lambda.tf:43",
    ),
    (
        "iam-no-service-wildcards",
        "aws_iam_role_policy.ec2policy",
        "db-app.tf:210",
    ),
    (
        "iam-no-service-wildcards",
        "aws_iam_user_policy.userpolicy",
        "iam.tf:29",
    ),
    (
        "es-not-public",
        "aws_elasticsearch_domain.monitoring-framework",
        "es.tf:41",
    ),
    (
        "ec2-sg-no-world-ssh",
        "aws_security_group.web-node",
        "ec2.tf:83",
    ),
    // The rest.
    (
        "rds-storage-encrypted",
        "aws_db_instance.default",
        "db-app.tf:19",
    ),
    (
        "rds-backup-enabled",
        "aws_db_instance.default",
        "db-app.tf:18",
    ),
    (
        "ebs-volume-encrypted",
        "aws_ebs_volume.web_host_storage",
        "ec2.tf:34",
    ),
    ("ec2-imdsv2-required", "aws_instance.web_host", "ec2.tf:1"),
    (
        "es-encrypted-at-rest",
        "aws_elasticsearch_domain.monitoring-framework",
        "es.tf:1",
    ),
    (
        "neptune-encrypted",
        "aws_neptune_cluster.default",
        "neptune.tf:9",
    ),
    (
        "neptune-snapshot-encrypted",
        "aws_neptune_cluster_snapshot.default",
        "neptune.tf:41",
    ),
    (
        "neptune-iam-auth",
        "aws_neptune_cluster.default",
        "neptune.tf:7",
    ),
    (
        "rds-cluster-encrypted",
        "aws_rds_cluster.app1-rds-cluster",
        "rds.tf:1",
    ),
    (
        "eks-endpoint-not-public",
        "aws_eks_cluster.eks_cluster",
        "eks.tf:122",
    ),
    (
        "eks-secrets-encrypted",
        "aws_eks_cluster.eks_cluster",
        "eks.tf:118",
    ),
    (
        "s3-bucket-public-access-blocked",
        "aws_s3_bucket.financials",
        "s3.tf:42",
    ),
    ("s3-bucket-versioning", "aws_s3_bucket.data", "s3.tf:1"),
    (
        "s3-bucket-access-logging",
        "aws_s3_bucket.financials",
        "s3.tf:42",
    ),
    (
        "s3-bucket-kms-encrypted",
        "aws_s3_bucket.operations",
        "s3.tf:65",
    ),
    ("vpc-flow-logs-enabled", "aws_vpc.eks_vpc", "eks.tf:44"),
    (
        "subnet-no-auto-public-ip",
        "aws_subnet.web_subnet",
        "ec2.tf:139",
    ),
    ("elb-tls-listeners", "aws_elb.weblb", "elb.tf:5"),
    (
        "ecr-scan-on-push",
        "aws_ecr_repository.repository",
        "ecr.tf:1",
    ),
    (
        "ecr-tag-immutability",
        "aws_ecr_repository.repository",
        "ecr.tf:3",
    ),
    ("kms-key-rotation", "aws_kms_key.logs_key", "kms.tf:1"),
    (
        "lambda-supported-runtime",
        "aws_lambda_function.analysis_lambda",
        "lambda.tf:41",
    ),
    (
        "iam-user-no-direct-policies",
        "aws_iam_user.user",
        "iam.tf:1",
    ),
];

#[test]
fn every_intended_misconfiguration_is_found_at_its_line() {
    let Some(card) = terragoat() else {
        return;
    };
    let found: Vec<(&str, &str, String)> = card
        .findings
        .iter()
        .map(|f| (f.check, f.resource.as_str(), f.at.to_string()))
        .collect();
    for (check, resource, at) in EXPECTED {
        assert!(
            found
                .iter()
                .any(|(c, r, a)| c == check && r == resource && a == at),
            "{check} on {resource} at {at} not found; found: {:#?}",
            found
                .iter()
                .filter(|(c, _, _)| c == check)
                .collect::<Vec<_>>()
        );
    }
    // What passes must not be reported: the flow-logged VPC, the KMS-encrypted log bucket.
    assert!(!found
        .iter()
        .any(|(c, r, _)| *c == "vpc-flow-logs-enabled" && *r == "aws_vpc.web_vpc"));
    assert!(!found
        .iter()
        .any(|(c, r, _)| *c == "s3-bucket-kms-encrypted" && *r == "aws_s3_bucket.logs"));
    // Secrets are described, never shown.
    for f in &card.findings {
        for value in ["Aa1234321Bb", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI"] {
            assert!(!f.detail.contains(value), "{} shows a secret", f.check);
        }
    }
}

#[test]
fn material_findings_rank_ahead_of_hygiene() {
    let Some(card) = terragoat() else {
        return;
    };
    let rank = |check: &str, resource: &str| {
        card.findings
            .iter()
            .position(|f| f.check == check && f.resource == resource)
            .unwrap_or_else(|| panic!("{check} on {resource} not found"))
    };
    let material = [
        rank("rds-instance-not-public", "aws_db_instance.default"),
        rank("ec2-user-data-no-secrets", "aws_instance.web_host"),
        rank(
            "lambda-env-no-secrets",
            "aws_lambda_function.analysis_lambda",
        ),
        rank("iam-no-service-wildcards", "aws_iam_role_policy.ec2policy"),
        rank("iam-no-service-wildcards", "aws_iam_user_policy.userpolicy"),
        rank(
            "es-not-public",
            "aws_elasticsearch_domain.monitoring-framework",
        ),
        rank("ec2-sg-no-world-ssh", "aws_security_group.web-node"),
    ];
    let first_hygiene = card
        .findings
        .iter()
        .position(|f| f.weight <= 3)
        .expect("hygiene findings");
    for r in material {
        assert!(
            r < first_hygiene,
            "a material finding at {r}, hygiene from {first_hygiene}"
        );
    }
    assert!(material.iter().all(|&r| r < 12), "{material:?}");
    // The risk-weighted score is below the plain one: the failures that matter weigh more.
    let (plain, weighted) = (
        card.security_hub_score.unwrap(),
        card.risk_weighted_score.unwrap(),
    );
    assert!(plain < 30.0 && weighted < 40.0, "{plain} {weighted}");
}
