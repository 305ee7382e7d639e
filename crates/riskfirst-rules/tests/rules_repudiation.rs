//! Targeted cases of the repudiation rules beyond their documentation examples.

mod common;

use common::{described as run, described_ids as ids};

#[test]
fn r001_states_the_explicit_false_and_skips_out_of_scope_and_lesser_data() {
    let found = run(
        "R001",
        "
data:
  - { id: cards, name: Cards, classification: restricted }
  - { id: notes, name: Notes, classification: confidential }
components:
  - { id: vault-db, kind: datastore, technology: postgresql, zone: private, stores: [cards], audit_log: false }
  - { id: notes-db, kind: datastore, technology: postgresql, zone: private, stores: [notes] }
  - { id: old-db, kind: datastore, technology: postgresql, zone: private, stores: [cards], out_of_scope: Decommissioned in March }
",
    );
    assert_eq!(
        found,
        [(
            "vault-db".to_string(),
            vec![
                "`vault-db` stores `cards` (restricted)".to_string(),
                "`vault-db` has `audit_log: false`".to_string()
            ]
        )]
    );
}

#[test]
fn r003_accepts_a_flow_to_monitoring() {
    let found = run(
        "R003",
        "
components:
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
  - { id: api, kind: process, technology: api, zone: internet }
  - { id: metrics, kind: process, technology: monitoring, zone: admin }
flows:
  - { id: web-metrics, from: web, to: metrics, protocol: https, authentication: token }
",
    );
    assert_eq!(ids(&found), ["api"]);
    assert_eq!(found[0].1[0], "`api` is in a zone of trust 0");
}

#[test]
fn r004_ignores_readonly_and_authenticated_flows() {
    let found = run(
        "R004",
        "
data:
  - { id: ledger, name: Ledger, classification: confidential }
components:
  - { id: report, kind: process, technology: batch-job, zone: private }
  - { id: books, kind: datastore, technology: postgresql, zone: private, stores: [ledger] }
flows:
  - { id: report-books, from: report, to: books, protocol: postgres, tls: true, readonly: true }
  - { id: report-books-write, from: report, to: books, protocol: postgres, tls: true, authentication: kerberos }
",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn r005_and_r006_see_a_log_collector_written_from_the_dmz() {
    let snippet = "
components:
  - { id: web, kind: process, technology: web-application, zone: dmz }
  - { id: logs, kind: datastore, technology: log-aggregator, zone: private }
flows:
  - { id: web-logs, from: web, to: logs, protocol: syslog, authentication: none }
";
    let exposed = run("R005", snippet);
    assert_eq!(
        exposed,
        [(
            "logs".to_string(),
            vec![
                "`logs` is a log store (`log-aggregator`)".to_string(),
                "flow `web → logs` comes from zone `dmz` (trust 50) into `private` (trust 90)"
                    .to_string(),
            ]
        )]
    );
    let forged = run("R006", snippet);
    assert_eq!(
        forged[0].1,
        [
            "flow `web → logs` has `authentication: none`",
            "`logs` collects logs (`log-aggregator`)"
        ]
    );
}

#[test]
fn r007_is_silenced_by_an_audit_log() {
    let found = run(
        "R007",
        "
components:
  - { id: ci, kind: process, technology: jenkins, zone: private, audit_log: true }
  - { id: k8s, kind: process, technology: kubernetes, zone: private }
",
    );
    assert_eq!(
        found,
        [(
            "k8s".to_string(),
            vec![
                "`k8s` is a privileged tool (`kubernetes`)".to_string(),
                "`k8s` has no `audit_log`".to_string()
            ]
        )]
    );
}
