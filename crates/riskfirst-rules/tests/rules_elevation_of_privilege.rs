//! Targeted cases of the elevation-of-privilege rules beyond their doc examples.

mod common;

use common::{assert_category_codes, findings as run, first_ids as ids};

use riskfirst_model::format::Stride;

#[test]
fn the_category_has_eleven_rules_in_code_order() {
    assert_category_codes(Stride::ElevationOfPrivilege, 'E', 11);
}

const CLUSTER: &str = "
data:
  - { id: cards, name: Card data, classification: restricted }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: k8s, kind: process, technology: kubernetes, zone: private }
  - { id: web, kind: process, technology: web-application, zone: private, machine: container, internet_facing: true }
  - { id: pay, kind: process, technology: api, zone: private, machine: container, processes: [cards], hardened: true }
  - { id: elsewhere, kind: process, technology: api, zone: dmz, machine: container }
flows:
  - { id: user-web, from: user, to: web, protocol: https }
  - { id: web-pay, from: web, to: pay, protocol: https }
";

#[test]
fn container_rules_name_the_workloads() {
    let platform = run("E001", CLUSTER);
    assert_eq!(ids(CLUSTER, &platform), ["k8s"]);
    assert_eq!(
        platform[0].facts,
        [
            "`k8s` is a container platform (`kubernetes`) that does not declare `hardened`",
            "it hosts `pay`, `web` (`machine: container`) in zone `private`",
            "they hold `cards` (restricted)",
        ]
    );
    // `pay` is hardened and `elsewhere` has no less trusted caller.
    assert_eq!(ids(CLUSTER, &run("E002", CLUSTER)), ["web"]);
    let mixed = run("E007", CLUSTER);
    assert_eq!(ids(CLUSTER, &mixed), ["k8s"]);
    assert_eq!(mixed[0].facts, ["`k8s` runs `web`, which the internet reaches, and `pay`, which holds `cards` (restricted)"]);
}

#[test]
fn permissions_split_own_from_third_party() {
    let snippet = "
components:
  - { id: own, kind: process, technology: lambda, zone: private, permissions: wildcard }
  - { id: vendor, kind: process, technology: monitoring, zone: private, third_party: true, permissions: wildcard }
  - { id: tidy, kind: process, technology: lambda, zone: private, permissions: least-privilege }
  - { id: parked, kind: process, technology: lambda, zone: private, permissions: wildcard, out_of_scope: decommissioned }
";
    assert_eq!(ids(snippet, &run("E003", snippet)), ["own"]);
    assert_eq!(
        run("E003", snippet)[0].facts,
        ["`own` has `permissions: wildcard`"]
    );
    assert_eq!(ids(snippet, &run("E009", snippet)), ["vendor"]);
}

#[test]
fn admin_interfaces_from_the_internet_and_from_less_trusted_zones() {
    let snippet = "
components:
  - { id: app, kind: process, technology: api, zone: dmz }
  - { id: exposed, kind: process, technology: web-application, zone: dmz, internet_facing: true, admin_interface: true }
  - { id: console, kind: process, technology: admin-console, zone: admin }
  - { id: bastion, kind: process, technology: bastion-host, zone: admin }
flows:
  - { id: app-console, from: app, to: console, protocol: https }
  - { id: app-bastion, from: app, to: bastion, protocol: ssh }
";
    let internet = run("E004", snippet);
    assert_eq!(ids(snippet, &internet), ["exposed"]);
    assert_eq!(
        internet[0].facts,
        [
            "`exposed` offers an administration interface (`admin_interface: true`)",
            "`exposed` is internet-facing"
        ]
    );
    let inside = run("E005", snippet);
    assert_eq!(ids(snippet, &inside), ["console"]);
    assert_eq!(
        inside[0].facts[0],
        "`console` is an admin console (`admin-console`)"
    );
}

#[test]
fn missing_authorization_needs_explicit_none_and_sensitive_data() {
    let snippet = "
data:
  - { id: prices, name: Prices, classification: internal }
  - { id: cards, name: Card data, classification: restricted }
components:
  - { id: a, kind: process, technology: api, zone: private }
  - { id: b, kind: process, technology: api, zone: private, processes: [prices] }
flows:
  - { id: a-b, from: a, to: b, protocol: https, authorization: none, data: [prices] }
  - { id: a-b-cards, from: a, to: b, protocol: https, authorization: none, data: [cards] }
  - { id: b-a, from: b, to: a, protocol: https, data: [cards] }
";
    let found = run("E006", snippet);
    assert_eq!(ids(snippet, &found), ["a-b-cards"]);
    assert_eq!(
        found[0].facts,
        [
            "flow `a → b` has `authorization: none`",
            "`b` handles `cards` (restricted)"
        ]
    );
}

#[test]
fn credential_authorities_and_hardening() {
    let snippet = "
components:
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, hardened: false }
  - { id: idp, kind: process, technology: keycloak, zone: private }
  - { id: okta, kind: external-entity, technology: okta, zone: internet, third_party: true }
  - { id: lonely-vault, kind: datastore, technology: vault, zone: private }
  - { id: inner, kind: process, technology: api, zone: private, hardened: false }
flows:
  - { id: web-idp, from: web, to: idp, protocol: https }
  - { id: web-okta, from: web, to: okta, protocol: https }
  - { id: web-inner, from: web, to: inner, protocol: https }
";
    let authority = run("E008", snippet);
    // The vendor's IdP and a vault nobody calls are skipped.
    assert_eq!(ids(snippet, &authority), ["idp"]);
    assert_eq!(authority[0].facts[1], "it is called by `web`");
    assert_eq!(ids(snippet, &run("E011", snippet)), ["web"]);
}

#[test]
fn waf_behind_an_edge_counts_and_an_unfiltered_edge_does_not() {
    let snippet = "
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: lb, kind: process, technology: alb, zone: dmz, internet_facing: true }
  - { id: filtered-lb, kind: process, technology: alb, zone: dmz, internet_facing: true, waf: true }
  - { id: shop, kind: process, technology: web-application, zone: private }
  - { id: blog, kind: process, technology: web-application, zone: private }
flows:
  - { id: user-lb, from: user, to: lb, protocol: https }
  - { id: user-flb, from: user, to: filtered-lb, protocol: https }
  - { id: lb-shop, from: lb, to: shop, protocol: https }
  - { id: flb-blog, from: filtered-lb, to: blog, protocol: https }
";
    let found = run("E010", snippet);
    assert_eq!(ids(snippet, &found), ["shop"]);
    assert_eq!(
        found[0].facts,
        [
            "`shop` is a web service (`web-application`) that does not declare `waf`",
            "the internet reaches it through `lb` (`alb`), which has no waf",
        ]
    );
}
