//! Targeted cases of the denial-of-service rules beyond their doc examples.

mod common;

use common::{assert_category_codes, findings as run, first_ids as ids};

use riskfirst_model::format::Stride;

#[test]
fn the_category_has_nine_rules_in_code_order() {
    assert_category_codes(Stride::DenialOfService, 'D', 9);
}

const EDGE: &str = "
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz }
  - { id: twin, kind: process, technology: web-application, zone: dmz, redundant: true, rate_limited: true }
  - { id: frozen, kind: process, technology: web-application, zone: dmz, out_of_scope: retired next quarter }
  - { id: peer, kind: process, technology: api, zone: dmz, redundant: false }
flows:
  - { id: user-web, from: user, to: web, protocol: https, authentication: session }
  - { id: user-twin, from: user, to: twin, protocol: https, authentication: password }
  - { id: user-frozen, from: user, to: frozen, protocol: https, authentication: password }
  - { id: web-peer, from: web, to: peer, protocol: https, authentication: token }
";

#[test]
fn dos_across_boundary_skips_redundant_out_of_scope_and_same_zone() {
    let found = run("D001", EDGE);
    assert_eq!(ids(EDGE, &found), ["web"]);
    assert_eq!(
        found[0].facts,
        [
            "`web` does not declare `redundant`",
            "flow `user → web` comes from zone `internet` (trust 0) into `dmz` (trust 50)"
        ]
    );
}

#[test]
fn sign_in_rate_limiting() {
    let found = run("D002", EDGE);
    assert_eq!(ids(EDGE, &found), ["web"]);
    assert_eq!(
        found[0].facts,
        [
            "flow `user → web` signs in with `session` from the internet",
            "`web` does not declare `rate_limited`"
        ]
    );
}

#[test]
fn single_point_of_failure_needs_a_business_risk() {
    let snippet = "
components:
  - { id: a, kind: process, technology: api, zone: private, business_risks: [outage, fine] }
  - { id: b, kind: process, technology: api, zone: private, business_risks: [outage], redundant: true }
  - { id: c, kind: process, technology: api, zone: private, redundant: false }
";
    let found = run("D003", snippet);
    assert_eq!(ids(snippet, &found), ["a"]);
    assert_eq!(found[0].facts[1], "its outage reaches `fine`, `outage`");
}

#[test]
fn shared_component_counts_distinct_internal_callers() {
    let snippet = "
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: a, kind: process, technology: api, zone: private }
  - { id: b, kind: process, technology: api, zone: private }
  - { id: target, kind: process, technology: api, zone: private }
flows:
  - { id: user-target, from: user, to: target, protocol: https }
  - { id: a-target, from: a, to: target, protocol: https }
  - { id: a-target-2, from: a, to: target, protocol: grpc }
  - { id: b-target, from: b, to: target, protocol: https }
";
    // Two distinct components of your own (and an external entity) do not make it shared.
    assert!(run("D004", snippet).is_empty());
}

#[test]
fn queues_backups_xml_uploads_and_entry_points() {
    let snippet = "
data:
  - { id: orders, name: Orders, classification: confidential }
components:
  - { id: svc, kind: process, technology: api, zone: dmz, accepts: [xml, file], rate_limited: true }
  - { id: inner, kind: process, technology: api, zone: private, accepts: [xml, file] }
  - { id: queue, kind: datastore, technology: sqs, zone: private, stores: [orders] }
  - { id: cache, kind: datastore, technology: redis, zone: private, stores: [orders] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [orders] }
  - { id: gw, kind: process, technology: api-gateway, zone: dmz, internet_facing: true }
  - { id: cdn, kind: process, technology: cdn, zone: dmz, internet_facing: true }
flows:
  - { id: gw-svc, from: gw, to: svc, protocol: https }
  - { id: svc-inner, from: svc, to: inner, protocol: https }
  - { id: svc-queue, from: svc, to: queue, protocol: sqs }
";
    // The queue gets messages from a less trusted zone.
    assert_eq!(ids(snippet, &run("D005", snippet)), ["queue"]);
    // Caches and queues are transient; only the database needs backups.
    let backups = run("D006", snippet);
    assert_eq!(ids(snippet, &backups), ["db"]);
    assert_eq!(
        backups[0].facts,
        ["`db` stores `orders` (confidential) and declares no `backups`"]
    );
    // XML from a less trusted zone, whether or not rate limited; uploads only when not rate limited.
    assert_eq!(ids(snippet, &run("D007", snippet)), ["svc", "inner"]);
    assert_eq!(ids(snippet, &run("D008", snippet)), ["inner"]);
    let entry = run("D009", snippet);
    assert_eq!(ids(snippet, &entry), ["gw"]);
    assert_eq!(
        entry[0].facts,
        [
            "`gw` is an edge component (`api-gateway`) that does not declare `rate_limited`",
            "`gw` is internet-facing"
        ]
    );
}
