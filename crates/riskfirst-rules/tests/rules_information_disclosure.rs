//! Targeted cases of the information-disclosure rules beyond their doc examples.

mod common;

use common::{assert_category_codes, findings as run, first_ids as ids};

use riskfirst_model::format::Stride;
use riskfirst_rules::rules::builtin;
use riskfirst_rules::testing::estate_from_snippet;
use riskfirst_rules::Element;

#[test]
fn the_category_has_fifteen_rules_in_code_order() {
    assert_category_codes(Stride::InformationDisclosure, 'I', 15);
}

const STORAGE: &str = "
data:
  - { id: cards, name: Card data, classification: restricted }
  - { id: menu, name: Menu, classification: public }
components:
  - { id: a, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
  - { id: b, kind: datastore, technology: postgresql, zone: private, stores: [cards], encrypted_at_rest: false }
  - { id: c, kind: datastore, technology: postgresql, zone: private, stores: [cards], encrypted_at_rest: true }
  - { id: d, kind: datastore, technology: postgresql, zone: private, stores: [cards], out_of_scope: run by the bank }
  - { id: e, kind: datastore, technology: postgresql, zone: private, stores: [menu] }
  - { id: f, kind: process, technology: mobile-app, zone: internet, stores: [cards] }
";

#[test]
fn unencrypted_storage_skips_encrypted_out_of_scope_public_and_devices() {
    let found = run("I002", STORAGE);
    assert_eq!(ids(STORAGE, &found), ["a", "b"]);
    assert_eq!(
        found[0].facts,
        [
            "`a` stores `cards` (restricted) without encryption at rest",
            "it does not declare `encrypted_at_rest`"
        ]
    );
    assert_eq!(found[1].facts[1], "it has `encrypted_at_rest: false`");
    // Devices are the client rule's.
    assert_eq!(ids(STORAGE, &run("I015", STORAGE)), ["f"]);
}

#[test]
fn public_storage_of_public_data_is_fine() {
    let snippet = "
data:
  - { id: site, name: Website assets, classification: public }
  - { id: hr, name: HR files, classification: internal }
components:
  - { id: assets, kind: datastore, technology: s3, zone: internet, stores: [site], public_access: true }
  - { id: hr-share, kind: datastore, technology: s3, zone: private, stores: [hr], public_access: true }
";
    let found = run("I004", snippet);
    assert_eq!(ids(snippet, &found), ["hr-share"]);
    assert_eq!(
        found[0].facts,
        [
            "`hr-share` (`s3`) is publicly readable",
            "it stores `hr` (internal)"
        ]
    );
}

#[test]
fn backups_fire_only_when_declared_unencrypted() {
    let snippet = "
data:
  - { id: cards, name: Card data, classification: confidential }
components:
  - { id: none, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
  - { id: plain, kind: datastore, technology: postgresql, zone: private, stores: [cards], backups: { encrypted: false } }
  - { id: sealed, kind: datastore, technology: postgresql, zone: private, stores: [cards], backups: { encrypted: true } }
";
    assert_eq!(ids(snippet, &run("I003", snippet)), ["plain"]);
}

#[test]
fn secrets_rules_split_code_from_configuration() {
    let snippet = "
components:
  - { id: env, kind: process, technology: api, zone: private, secrets: environment }
  - { id: conf, kind: process, technology: api, zone: private, secrets: config }
  - { id: code, kind: process, technology: api, zone: private, secrets: code }
  - { id: vaulted, kind: process, technology: api, zone: private, secrets: vault }
  - { id: repo, kind: datastore, technology: github, zone: internet, third_party: true }
";
    assert_eq!(ids(snippet, &run("I005", snippet)), ["env", "conf"]);
    assert_eq!(
        run("I005", snippet)[0].facts,
        ["`env` keeps its secrets in environment variables (`secrets: environment`)"]
    );
    assert_eq!(ids(snippet, &run("I006", snippet)), ["code"]);
    let leak = run("I007", snippet);
    assert_eq!(ids(snippet, &leak), ["repo"]);
    assert_eq!(
        leak[0].facts,
        [
            "`repo` is a source repository (`github`)",
            "it holds the code of components that keep secrets in code or configuration: `code` (`secrets: code`), `conf` (`secrets: config`)",
            "`repo` is reachable from the internet",
        ]
    );
}

#[test]
fn ssrf_needs_less_trusted_callers_and_internal_requests() {
    let snippet = "
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz }
  - { id: internal-web, kind: process, technology: web-application, zone: private }
  - { id: fetcher, kind: process, technology: api, zone: dmz, machine: virtual }
  - { id: partner, kind: external-entity, technology: api, zone: internet }
  - { id: billing, kind: process, technology: api, zone: private }
flows:
  - { id: user-web, from: user, to: web, protocol: https }
  - { id: web-billing, from: web, to: billing, protocol: https }
  - { id: internal-billing, from: internal-web, to: billing, protocol: https }
  - { id: user-fetcher, from: user, to: fetcher, protocol: https }
  - { id: fetcher-partner, from: fetcher, to: partner, protocol: https }
";
    let found = run("I008", snippet);
    assert_eq!(ids(snippet, &found), ["web", "fetcher"]);
    assert_eq!(
        found[0].facts,
        [
            "`web` runs custom code",
            "flow `user → web` reaches it from zone `internet` (trust 0)",
            "it makes requests to internal `billing`"
        ]
    );
    assert_eq!(
        found[1].facts[2],
        "it makes requests from a virtual machine or container, where the cloud metadata service is reachable"
    );
}

#[test]
fn segmentation_and_vault_isolation_ignore_other_zones_and_vendors() {
    let snippet = "
data:
  - { id: cards, name: Card data, classification: restricted }
components:
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
  - { id: dmz-db, kind: datastore, technology: postgresql, zone: dmz, stores: [cards] }
  - { id: safe-db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
  - { id: vault, kind: datastore, technology: vault, zone: dmz }
  - { id: cloud-kms, kind: datastore, technology: kms, zone: dmz, third_party: true }
  - { id: inner-vault, kind: datastore, technology: vault, zone: admin }
";
    let seg = run("I010", snippet);
    assert_eq!(ids(snippet, &seg), ["dmz-db"]);
    assert_eq!(
        seg[0].facts,
        [
            "`dmz-db` stores `cards` (restricted) in zone `dmz`",
            "`web` in the same zone is internet-facing"
        ]
    );
    let vault = run("I011", snippet);
    assert_eq!(ids(snippet, &vault), ["vault"]);
    assert_eq!(
        vault[0].facts[1],
        "it shares zone `dmz` with `web`, which is internet-facing"
    );
}

#[test]
fn unguarded_access_skips_web_services_edges_and_vendors() {
    let snippet = "
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
  - { id: lb, kind: process, technology: load-balancer, zone: dmz, internet_facing: true }
  - { id: cache, kind: datastore, technology: redis, zone: dmz }
  - { id: saas, kind: external-entity, technology: saas, zone: internet, third_party: true }
flows:
  - { id: user-cache, from: user, to: cache, protocol: redis }
";
    let found = run("I009", snippet);
    assert_eq!(ids(snippet, &found), ["cache"]);
    assert_eq!(
        found[0].facts,
        [
            "`cache` is a datastore (`redis`) with no load balancer, proxy, gateway or waf in front",
            "flow `user → cache` reaches it from zone `internet` (trust 0)",
        ]
    );
}

#[test]
fn excessive_exposure_and_third_parties_and_logs() {
    let snippet = "
data:
  - { id: health, name: Health, classification: restricted, personal: true }
  - { id: emails, name: Emails, classification: internal, personal: true }
components:
  - { id: partner, kind: external-entity, technology: api, zone: internet }
  - { id: api, kind: process, technology: api, zone: dmz, processes: [health] }
  - { id: mailer, kind: external-entity, technology: email-service, zone: internet, third_party: true }
  - { id: siem, kind: datastore, technology: siem, zone: private, stores: [health] }
flows:
  - { id: api-partner, from: api, to: partner, protocol: https, data: [health] }
  - { id: api-mailer, from: api, to: mailer, protocol: https, authorization: end-user, data: [emails] }
  - { id: api-siem, from: api, to: siem, protocol: https, data: [health] }
";
    let exposure = run("I012", snippet);
    assert_eq!(ids(snippet, &exposure), ["api-partner"]);
    assert_eq!(
        exposure[0].facts,
        ["flow `api → partner` carries `health` (restricted) between `api` and external entity `partner`", "it declares no `authorization`"]
    );
    let vendor = run("I013", snippet);
    assert_eq!(ids(snippet, &vendor), ["mailer"]);
    assert_eq!(
        vendor[0].facts[1],
        "it handles `emails` (internal, personal)"
    );
    let logs = run("I014", snippet);
    // The store first, then the flow: components are checked before flows.
    assert_eq!(ids(snippet, &logs), ["siem", "api-siem"]);
    assert!(matches!(logs[1].elements[0], Element::Flow(_)));
}

/// The snippet with the entries of every list in reverse order (one entry per line).
fn reversed(snippet: &str) -> String {
    let mut out = Vec::new();
    let mut block = Vec::new();
    for line in snippet.lines() {
        if line.starts_with("  - ") {
            block.push(line);
        } else {
            out.extend(block.drain(..).rev());
            out.push(line);
        }
    }
    out.extend(block.drain(..).rev());
    out.join("\n") + "\n"
}

/// Every finding of every rule of `stride` as "CODE element facts", sorted.
fn all_findings(stride: Stride, snippet: &str) -> Vec<String> {
    let estate = estate_from_snippet(snippet).unwrap_or_else(|e| panic!("invalid snippet:\n{e}"));
    let mut lines = Vec::new();
    for rule in builtin().into_iter().filter(|r| r.meta().stride == stride) {
        let mut out = Vec::new();
        rule.check(&estate, &mut out);
        let found = ids(snippet, &out);
        for (id, f) in found.iter().zip(&out) {
            lines.push(format!("{} {id} {:?}", rule.meta().code, f.facts));
        }
    }
    lines.sort();
    lines
}

/// Several candidates for every "first" a rule picks: data of equal
/// classification, several internet callers, several internet-facing neighbours.
const CROWDED: &str = "
data:
  - { id: cards, name: Card data, classification: restricted, personal: true }
  - { id: tokens, name: Tokens, classification: restricted }
  - { id: notes, name: Notes, classification: confidential }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: bot, kind: external-entity, technology: browser, zone: internet }
  - { id: partner, kind: external-entity, technology: saas, zone: internet, third_party: true, permissions: wildcard }
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, processes: [cards, tokens], machine: container, secrets: code }
  - { id: api, kind: process, technology: api, zone: dmz, internet_facing: true, processes: [tokens, cards], accepts: [xml, file], secrets: config }
  - { id: db, kind: datastore, technology: postgresql, zone: dmz, stores: [cards, tokens, notes], backups: { encrypted: false } }
  - { id: vault, kind: datastore, technology: vault, zone: dmz }
  - { id: queue, kind: datastore, technology: kafka, zone: private, stores: [notes] }
  - { id: logs, kind: datastore, technology: siem, zone: private, stores: [tokens, cards] }
  - { id: repo, kind: datastore, technology: gitlab, zone: private }
  - { id: k8s, kind: process, technology: kubernetes, zone: dmz }
  - { id: idp, kind: process, technology: keycloak, zone: private, admin_interface: true }
flows:
  - { id: user-web, from: user, to: web, protocol: http, authentication: password, data: [cards, tokens] }
  - { id: bot-web, from: bot, to: web, protocol: https, authentication: session, data: [tokens, cards] }
  - { id: user-api, from: user, to: api, protocol: https, authentication: password }
  - { id: bot-api, from: bot, to: api, protocol: https, authentication: session }
  - { id: web-db, from: web, to: db, protocol: postgres, data: [cards, tokens], authorization: none }
  - { id: api-db, from: api, to: db, protocol: postgres, data: [tokens, cards], authorization: none }
  - { id: web-queue, from: web, to: queue, protocol: kafka, data: [notes] }
  - { id: api-queue, from: api, to: queue, protocol: kafka, data: [notes] }
  - { id: web-logs, from: web, to: logs, protocol: https, data: [cards, tokens] }
  - { id: web-idp, from: web, to: idp, protocol: https }
  - { id: api-idp, from: api, to: idp, protocol: https }
  - { id: web-partner, from: web, to: partner, protocol: https, data: [tokens, cards] }
  - { id: api-vault, from: api, to: vault, protocol: https }
";

/// Covers the denial-of-service and elevation-of-privilege rules too: they
/// share the helpers that pick "the first" flow, neighbour or data asset.
#[test]
fn facts_do_not_depend_on_the_order_of_the_model() {
    let turned = reversed(CROWDED);
    assert_ne!(turned, CROWDED);
    for (stride, at_least) in [
        (Stride::InformationDisclosure, 12),
        (Stride::DenialOfService, 8),
        (Stride::ElevationOfPrivilege, 6),
    ] {
        let before = all_findings(stride, CROWDED);
        assert!(
            before.len() >= at_least,
            "the crowded model should raise many {stride:?} threats: {before:#?}"
        );
        assert_eq!(before, all_findings(stride, &turned), "{stride:?}");
    }
}
