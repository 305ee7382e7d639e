//! Targeted cases of the spoofing rules beyond their documentation examples:
//! scope, encryption, the edges of each condition, and exact facts.

mod common;

use common::{described as run, described_ids as ids, described_on as run_on};

use riskfirst_model::{load, Options, Sources};
use riskfirst_rules::rules::builtin;
use riskfirst_rules::testing::{estate_from_snippet, SNIPPET_ROOT};

const RESTRICTED_IN_ZONE: &str = "
data:
  - { id: cards, name: Cards, classification: restricted }
  - { id: menu, name: Menu, classification: internal }
components:
  - { id: worker, kind: process, technology: batch-job, zone: private, processes: [cards, menu] }
  - { id: vault-db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
  - { id: menu-db, kind: datastore, technology: postgresql, zone: private, stores: [menu] }
flows:
  - { id: worker-vault, from: worker, to: vault-db, protocol: postgres, tls: true, data: [cards] }
  - { id: worker-menu, from: worker, to: menu-db, protocol: postgres, tls: true, data: [menu] }
";

#[test]
fn s001_fires_inside_a_zone_only_for_restricted_data() {
    let found = run("S001", RESTRICTED_IN_ZONE);
    assert_eq!(ids(&found), ["worker-vault"]);
    assert_eq!(
        found[0].1,
        [
            "flow `worker → vault-db` has no `authentication`",
            "`vault-db` is a datastore",
            "it carries `cards` (restricted)",
        ]
    );
}

#[test]
fn s001_skips_out_of_scope_targets_forwarders_and_external_callers() {
    let found = run(
        "S001",
        "
components:
  - { id: partner, kind: external-entity, technology: saas, zone: internet }
  - { id: lb, kind: process, technology: load-balancer, zone: dmz }
  - { id: web, kind: process, technology: web-application, zone: dmz }
  - { id: legacy, kind: process, technology: api, zone: private, out_of_scope: Replaced next quarter }
  - { id: api, kind: process, technology: api, zone: private }
flows:
  - { id: partner-lb, from: partner, to: lb, protocol: https }
  - { id: web-legacy, from: web, to: legacy, protocol: https, authentication: none }
  - { id: web-api, from: web, to: api, protocol: https, authentication: none }
",
    );
    assert_eq!(ids(&found), ["web-api"]);
    assert_eq!(found[0].1[0], "flow `web → api` has `authentication: none`");
    assert_eq!(found[0].1[2], "it crosses `dmz → private` into more trust");
}

#[test]
fn s002_ignores_weak_authentication_inside_a_zone_and_towards_less_trust() {
    let found = run(
        "S002",
        "
components:
  - { id: a, kind: process, technology: api, zone: private }
  - { id: b, kind: process, technology: api, zone: private }
  - { id: c, kind: process, technology: api, zone: dmz }
flows:
  - { id: a-b, from: a, to: b, protocol: https, authentication: password }
  - { id: a-c, from: a, to: c, protocol: https, authentication: api-key }
  - { id: c-a, from: c, to: a, protocol: https, authentication: password }
",
    );
    assert_eq!(ids(&found), ["c-a"]);
    assert_eq!(
        found[0].1,
        [
            "flow `c → a` crosses `dmz → private` into more trust",
            "it uses `authentication: password`"
        ]
    );
}

#[test]
fn s003_fires_on_human_use_and_not_with_mfa() {
    let snippet = |mfa: &str| {
        format!(
            "
data:
  - {{ id: salaries, name: Salaries, classification: restricted }}
components:
  - {{ id: hr, kind: process, technology: erp, zone: private, human_use: true, stores: [salaries]{mfa} }}
"
        )
    };
    let found = run("S003", &snippet(""));
    assert_eq!(
        found,
        [(
            "hr".to_string(),
            vec![
                "`hr` has `human_use: true`".to_string(),
                "`hr` stores `salaries` (restricted)".to_string(),
                "`hr` has no `mfa`".to_string(),
            ]
        )]
    );
    assert!(run("S003", &snippet(", mfa: true")).is_empty());
    assert_eq!(
        run("S003", &snippet(", mfa: false"))[0].1[2],
        "`hr` has `mfa: false`"
    );
}

#[test]
fn s004_names_the_exposure_of_an_admin_tool() {
    let found = run(
        "S004",
        "
components:
  - { id: bastion, kind: process, technology: bastion-host, zone: dmz, internet_facing: true }
",
    );
    assert_eq!(
        found[0].1,
        [
            "`bastion` is an administration tool (`bastion-host`)",
            "`bastion` has no `mfa`",
            "`bastion` is internet-facing"
        ]
    );
}

#[test]
fn s005_needs_an_end_user_upstream() {
    let found = run(
        "S005",
        "
data:
  - { id: accounts, name: Accounts, classification: restricted }
components:
  - { id: nightly, kind: process, technology: batch-job, zone: private, processes: [accounts] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [accounts] }
flows:
  - { id: nightly-db, from: nightly, to: db, protocol: postgres, tls: true, authentication: password, authorization: technical-user }
",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn s006_lets_anonymous_browsing_of_public_content_pass() {
    let snippet = "
data:
  - { id: catalogue, name: Catalogue, classification: public }
  - { id: profile, name: Profile, classification: confidential }
components:
  - { id: visitor, kind: external-entity, technology: browser, zone: internet }
  - { id: site, kind: process, technology: web-application, zone: dmz, processes: [catalogue, profile] }
  - { id: profile-api, kind: process, technology: api, zone: dmz, processes: [profile] }
flows:
  - { id: visitor-site, from: visitor, to: site, protocol: https, data: [catalogue] }
  - { id: visitor-profile, from: visitor, to: profile-api, protocol: https, data: [profile] }
";
    let found = run("S006", snippet);
    assert_eq!(ids(&found), ["visitor-profile"]);
    assert_eq!(found[0].1[2], "it carries `profile` (confidential)");
}

#[test]
fn s007_skips_third_party_identity_providers() {
    let found = run(
        "S007",
        "
components:
  - { id: idp, kind: process, technology: okta, zone: dmz, third_party: true }
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
",
    );
    assert!(found.is_empty());
}

#[test]
fn s008_and_s010_accept_a_vpn_and_ignore_non_replayable_credentials() {
    let snippet = "
components:
  - { id: a, kind: process, technology: api, zone: private }
  - { id: b, kind: process, technology: api, zone: dmz }
flows:
  - { id: over-vpn, from: a, to: b, protocol: http, authentication: session, vpn: true }
  - { id: mtls-plain, from: a, to: b, protocol: http, authentication: mtls }
  - { id: token-plain, from: b, to: a, protocol: http, authentication: token }
  - { id: session-plain, from: b, to: a, protocol: ws, authentication: session }
";
    assert_eq!(ids(&run("S008", snippet)), ["session-plain"]);
    let found = run("S010", snippet);
    assert_eq!(ids(&found), ["token-plain"]);
    assert_eq!(
        found[0].1,
        [
            "flow `b → a` uses `authentication: token`",
            "it uses protocol `http` without TLS or VPN",
            "it crosses `dmz → private`",
        ]
    );
}

#[test]
fn s009_is_silenced_by_mfa() {
    let found = run(
        "S009",
        "
components:
  - { id: customer, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, mfa: true }
flows:
  - { id: customer-web, from: customer, to: web, protocol: https, authentication: password }
",
    );
    assert!(found.is_empty());
}

#[test]
fn s011_accepts_an_identity_provider_used_from_another_system() {
    let platform = "riskfirst: 1
system: { id: platform, name: Platform, owner: platform }
components:
  - { id: idp, kind: process, technology: keycloak, zone: private }
";
    let shop = "riskfirst: 1
system: { id: shop, name: Shop, owner: team }
uses: [platform/idp]
components:
  - { id: customer, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz }
flows:
  - { id: customer-web, from: customer, to: web, protocol: https, authentication: session }
";
    let sources = Sources {
        root: ("riskfirst.yaml".into(), SNIPPET_ROOT.to_string()),
        systems: vec![
            ("systems/platform.yaml".into(), platform.to_string()),
            ("systems/shop.yaml".into(), shop.to_string()),
        ],
    };
    let loaded = load(sources, &Options::default());
    let estate = loaded.estate.expect("the two systems are valid");
    assert!(run_on("S011", &estate).is_empty());

    let alone = run(
        "S011",
        "
components:
  - { id: customer, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz }
flows:
  - { id: customer-web, from: customer, to: web, protocol: https, authentication: session }
",
    );
    assert_eq!(
        alone[0].1,
        [
            "`web` signs people in: flow `customer → web` uses `authentication: session`",
            "system `example` has no identity provider or directory, nor `uses` one",
        ]
    );
}

#[test]
fn s001_findings_do_not_depend_on_the_order_of_the_model() {
    let reordered = "
data:
  - { id: menu, name: Menu, classification: internal }
  - { id: cards, name: Cards, classification: restricted }
flows:
  - { id: worker-menu, from: worker, to: menu-db, protocol: postgres, tls: true, data: [menu] }
  - { id: worker-vault, from: worker, to: vault-db, protocol: postgres, tls: true, data: [cards] }
components:
  - { id: menu-db, kind: datastore, technology: postgresql, zone: private, stores: [menu] }
  - { id: vault-db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
  - { id: worker, kind: process, technology: batch-job, zone: private, processes: [menu, cards] }
";
    assert_eq!(run("S001", RESTRICTED_IN_ZONE), run("S001", reordered));
}

/// A model where most spoofing, tampering and repudiation rules have several
/// candidate elements to name in their facts (two browsers, two crossing
/// flows, two equally sensitive data assets, two pipelines, two neighbours).
const CROWDED: &str = "
data:
  - { id: cards, name: Cards, classification: restricted }
  - { id: accounts, name: Accounts, classification: restricted }
  - { id: notes, name: Notes, classification: confidential }
components:
  - { id: shopper, kind: external-entity, technology: browser, zone: internet }
  - { id: clerk, kind: external-entity, technology: browser, zone: internet }
  - { id: partner, kind: external-entity, technology: saas, zone: internet, third_party: true, processes: [cards, accounts] }
  - { id: web, kind: process, technology: web-application, zone: dmz, processes: [cards, accounts, notes], accepts: [xml, file, serialization], admin_interface: true, machine: container }
  - { id: gateway, kind: process, technology: api, zone: dmz, internet_facing: true, processes: [accounts, cards] }
  - { id: idp, kind: process, technology: keycloak, zone: dmz }
  - { id: api, kind: process, technology: api, zone: private, processes: [accounts, cards], deployment: push, shared_accounts: true }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [accounts, cards] }
  - { id: files, kind: datastore, technology: file-server, zone: private }
  - { id: logs, kind: datastore, technology: log-aggregator, zone: private }
  - { id: ci, kind: process, technology: jenkins, zone: dmz, internet_facing: true }
  - { id: ci2, kind: process, technology: gitlab-ci, zone: dmz, internet_facing: true }
  - { id: mystery, kind: process, technology: quantum-thing, zone: private }
flows:
  - { id: shopper-web, from: shopper, to: web, protocol: http, authentication: session, data: [notes, cards] }
  - { id: clerk-web, from: clerk, to: web, protocol: http, authentication: password, data: [accounts, cards] }
  - { id: partner-gateway, from: partner, to: gateway, protocol: https, data: [accounts, cards] }
  - { id: web-api, from: web, to: api, protocol: http, authorization: end-user, data: [cards, accounts] }
  - { id: gateway-api, from: gateway, to: api, protocol: http, authentication: password, authorization: end-user, data: [accounts, cards] }
  - { id: api-db, from: api, to: db, protocol: postgres, authorization: technical-user, data: [notes, accounts, cards] }
  - { id: web-db, from: web, to: db, protocol: postgres, authentication: api-key, data: [cards, accounts] }
  - { id: api-files, from: api, to: files, protocol: smb, data: [notes, cards] }
  - { id: web-logs, from: web, to: logs, protocol: syslog }
  - { id: gateway-logs, from: gateway, to: logs, protocol: syslog }
  - { id: ci-api, from: ci, to: api, protocol: ssh, authentication: certificate }
  - { id: ci2-api, from: ci2, to: api, protocol: ssh, authentication: certificate }
  - { id: api-mystery, from: api, to: mystery, protocol: tin-can }
";

/// Reverses the items of every top-level list (each item is on one line).
fn reversed(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.starts_with("  - ") {
            block.push(line);
        } else {
            block.reverse();
            out.append(&mut block);
            out.push(line);
        }
    }
    block.reverse();
    out.append(&mut block);
    out.join("\n") + "\n"
}

#[test]
fn spoofing_tampering_and_repudiation_facts_do_not_depend_on_the_order_of_the_model() {
    let forward = estate_from_snippet(CROWDED).unwrap_or_else(|e| panic!("invalid snippet:\n{e}"));
    let backward =
        estate_from_snippet(&reversed(CROWDED)).unwrap_or_else(|e| panic!("invalid snippet:\n{e}"));
    let mut fired = 0;
    for rule in builtin() {
        let code = rule.meta().code;
        if !matches!(code.chars().next(), Some('S' | 'T' | 'R')) {
            continue;
        }
        let mut a = run_on(code, &forward);
        let mut b = run_on(code, &backward);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{code} depends on the order of the model");
        if !a.is_empty() {
            fired += 1;
        }
    }
    // The model is only a test of order independence if it makes most rules fire.
    assert!(fired >= 30, "only {fired} rules fired on the crowded model");
}
