//! Targeted cases of the tampering rules (and the model-failure checks
//! T090 and above) beyond their documentation examples.

mod common;

use common::{described as run, described_ids as ids};

const LAYERS: &str = "
components:
  - { id: web, kind: process, technology: web-application, zone: dmz }
  - { id: api, kind: process, technology: api, zone: private }
  - { id: product, kind: process, technology: api, zone: private, custom_code: false }
  - { id: db, kind: datastore, technology: mysql, zone: private }
  - { id: legacy, kind: process, technology: api, zone: private, out_of_scope: Owned by a vendor }
flows:
  - { id: web-api, from: web, to: api, protocol: https, authentication: token }
  - { id: web-product, from: web, to: product, protocol: https, authentication: token }
  - { id: api-db, from: api, to: db, protocol: mysql, tls: true, authentication: password }
  - { id: product-db, from: product, to: db, protocol: mysql, tls: true, authentication: password }
  - { id: web-legacy, from: web, to: legacy, protocol: https, authentication: token }
  - { id: legacy-db, from: legacy, to: db, protocol: mysql, tls: true, authentication: password }
";

#[test]
fn t001_follows_exposure_through_a_trust_boundary_and_skips_products_and_scope() {
    let found = run("T001", LAYERS);
    assert_eq!(ids(&found), ["api-db"]);
    assert_eq!(
        found[0].1,
        [
            "flow `api → db` sends queries",
            "`db` is a database (`mysql`)",
            "`api` runs custom code (technology `api`)",
            "flow `web → api` comes from zone `dmz` (trust 50) into `private` (trust 90)",
        ]
    );
}

#[test]
fn t001_does_not_fire_for_code_that_only_trusted_callers_reach() {
    let found = run(
        "T001",
        "
components:
  - { id: job, kind: process, technology: batch-job, zone: private }
  - { id: db, kind: datastore, technology: postgresql, zone: private }
flows:
  - { id: job-db, from: job, to: db, protocol: postgres, tls: true, authentication: password }
",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn t005_fires_without_exposure_and_adds_it_when_present() {
    let found = run(
        "T005",
        "
components:
  - { id: inner, kind: process, technology: api, zone: private, accepts: [serialization] }
  - { id: outer, kind: process, technology: api, zone: dmz, internet_facing: true, accepts: [serialization, json] }
  - { id: store, kind: datastore, technology: redis, zone: private, accepts: [serialization] }
",
    );
    assert_eq!(
        found,
        [
            (
                "inner".to_string(),
                vec!["`inner` accepts `serialization`".to_string()]
            ),
            (
                "outer".to_string(),
                vec![
                    "`outer` accepts `serialization`".to_string(),
                    "`outer` is internet-facing".to_string()
                ]
            ),
        ]
    );
}

#[test]
fn t009_needs_a_state_changing_session_flow_from_a_browser() {
    let found = run(
        "T009",
        "
components:
  - { id: reader, kind: external-entity, technology: browser, zone: internet }
  - { id: app, kind: external-entity, technology: mobile-app, zone: internet }
  - { id: news, kind: process, technology: web-application, zone: dmz }
flows:
  - { id: reader-news, from: reader, to: news, protocol: https, authentication: session, readonly: true }
  - { id: app-news, from: app, to: news, protocol: https, authentication: session }
",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn t015_accepts_pull_deployment_and_ignores_pipeline_internals() {
    let found = run(
        "T015",
        "
components:
  - { id: ci, kind: process, technology: github-actions, zone: private }
  - { id: registry, kind: datastore, technology: ecr, zone: private }
  - { id: pulled, kind: process, technology: api, zone: private, deployment: pull }
  - { id: pushed, kind: process, technology: api, zone: private, deployment: push }
flows:
  - { id: ci-registry, from: ci, to: registry, protocol: https, authentication: iam }
  - { id: ci-pulled, from: ci, to: pulled, protocol: https, authentication: iam }
  - { id: registry-pushed, from: registry, to: pushed, protocol: https, authentication: iam }
",
    );
    assert_eq!(ids(&found), ["registry-pushed"]);
    assert_eq!(
        found[0].1[1],
        "`pushed` has `deployment: push`, so nothing says it verifies signed artefacts"
    );
}

#[test]
fn t016_accepts_a_vpn_and_ignores_flows_inside_a_zone() {
    let found = run(
        "T016",
        "
components:
  - { id: a, kind: process, technology: api, zone: dmz }
  - { id: b, kind: process, technology: api, zone: private }
  - { id: c, kind: process, technology: api, zone: private }
flows:
  - { id: a-b-vpn, from: a, to: b, protocol: http, vpn: true }
  - { id: b-c, from: b, to: c, protocol: http }
  - { id: c-a, from: c, to: a, protocol: amqp }
",
    );
    assert_eq!(ids(&found), ["c-a"]);
    assert_eq!(
        found[0].1,
        [
            "flow `c → a` uses protocol `amqp` without TLS or VPN",
            "it crosses `private → dmz`"
        ]
    );
}

#[test]
fn t090_counts_data_carried_only_by_a_flow_as_used() {
    let found = run(
        "T090",
        "
data:
  - { id: carried, name: Carried, classification: internal }
  - { id: forgotten, name: Forgotten, classification: restricted }
components:
  - { id: a, kind: process, technology: api, zone: private }
  - { id: b, kind: process, technology: api, zone: private }
flows:
  - { id: a-b, from: a, to: b, protocol: https, data: [carried] }
",
    );
    assert_eq!(
        found,
        [(
            "forgotten".to_string(),
            vec![
                "data asset `forgotten` (restricted) is not processed or stored by any component"
                    .to_string(),
                "no flow carries it".to_string(),
            ]
        )]
    );
}

#[test]
fn t094_reports_unknown_protocols_on_the_flow() {
    let found = run(
        "T094",
        "
components:
  - { id: a, kind: process, technology: api, zone: private }
  - { id: b, kind: process, technology: api, zone: private }
flows:
  - { id: a-b, from: a, to: b, protocol: carrier-pigeon }
",
    );
    assert_eq!(
        found,
        [(
            "a-b".to_string(),
            vec![
                "flow `a → b` has protocol `carrier-pigeon`, which riskfirst does not know"
                    .to_string()
            ]
        )]
    );
}

#[test]
fn t095_allows_gateways_in_front_of_a_database() {
    let found = run(
        "T095",
        "
components:
  - { id: app, kind: process, technology: api, zone: private }
  - { id: proxy, kind: process, technology: envoy, zone: private }
  - { id: db, kind: datastore, technology: postgresql, zone: private }
  - { id: cache, kind: datastore, technology: redis, zone: private }
flows:
  - { id: app-proxy, from: app, to: proxy, protocol: postgres, tls: true }
  - { id: app-db, from: app, to: db, protocol: postgres, tls: true }
  - { id: app-cache, from: app, to: cache, protocol: mysql, tls: true }
",
    );
    assert_eq!(ids(&found), ["app-cache"]);
}

#[test]
fn t096_leaves_internet_facing_components_in_the_dmz_alone() {
    let found = run(
        "T096",
        "
components:
  - { id: edge, kind: process, technology: api, zone: dmz, internet_facing: true }
  - { id: core, kind: process, technology: api, zone: admin, internet_facing: true }
",
    );
    assert_eq!(ids(&found), ["core"]);
    assert_eq!(
        found[0].1[1],
        "it is in zone `admin` of trust 95 (high trust starts at 70)"
    );
}

#[test]
fn t097_names_the_first_custom_code_process_of_a_system_once() {
    let found = run(
        "T097",
        "
components:
  - { id: shop, kind: process, technology: web-application, zone: dmz }
  - { id: basket, kind: process, technology: api, zone: private }
  - { id: cms, kind: process, technology: web-application, zone: dmz, custom_code: false }
  - { id: old, kind: process, technology: api, zone: private, out_of_scope: Retired in May }
  - { id: db, kind: datastore, technology: postgresql, zone: private }
",
    );
    assert_eq!(
        found,
        [(
            "basket".to_string(),
            vec![
                "`basket` runs custom code (technology `api`)".to_string(),
                "1 other component of system `example` runs custom code too".to_string(),
                "the estate has no build pipeline or source repository".to_string(),
            ]
        )]
    );
}

#[test]
fn t092_lets_external_senders_originate_data_but_not_receive_it_unused() {
    let found = run(
        "T092",
        "
data:
  - { id: orders, name: Orders, classification: confidential }
components:
  - { id: customer, kind: external-entity, technology: browser, zone: internet }
  - { id: lb, kind: process, technology: load-balancer, zone: dmz }
  - { id: shop, kind: process, technology: web-application, zone: dmz, processes: [orders] }
  - { id: courier, kind: external-entity, technology: saas, zone: internet }
flows:
  - { id: customer-lb, from: customer, to: lb, protocol: https, data: [orders] }
  - { id: lb-shop, from: lb, to: shop, protocol: https, data: [orders] }
  - { id: shop-courier, from: shop, to: courier, protocol: https, data: [orders] }
",
    );
    assert_eq!(
        found,
        [(
            "shop-courier".to_string(),
            vec![
                "flow `shop → courier` carries `orders` (confidential)".to_string(),
                "`courier` neither processes nor stores it".to_string(),
            ]
        )]
    );
}

#[test]
fn t008_follows_a_browser_through_a_load_balancer() {
    let snippet = "
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: lb, kind: process, technology: load-balancer, zone: dmz, internet_facing: true }
  - { id: web, kind: process, technology: web-application, zone: dmz, custom_code: true }
flows:
  - { id: user-lb, from: user, to: lb, protocol: https }
  - { id: lb-web, from: lb, to: web, protocol: https }
";
    let found = run("T008", snippet);
    assert_eq!(ids(&found), ["web"]);
    assert_eq!(
        found[0].1,
        [
            "`web` runs custom code (`custom_code: true`)",
            "browsers use it through flow `user → lb`, then `lb → web`",
        ]
    );
    // A chain of forwarders is followed too (CDN, WAF, load balancer, proxy).
    let deeper = snippet.replace("to: web, protocol: https }", "to: proxy, protocol: https }\n  - { id: proxy-web, from: proxy, to: web, protocol: https }")
        .replace("  - { id: web,", "  - { id: proxy, kind: process, technology: reverse-proxy, zone: dmz }\n  - { id: web,");
    let found = run("T008", &deeper);
    assert_eq!(
        found[0].1[1],
        "browsers use it through flow `user → lb`, then `lb → proxy`, then `proxy → web`"
    );
}

/// Builds a chain `user → f1 → … → fN → web` of `n` forwarders.
fn forwarder_chain(n: usize, session: bool) -> String {
    let auth = if session {
        ", authentication: session"
    } else {
        ""
    };
    let mut s = String::from(
        "components:\n  - { id: user, kind: external-entity, technology: browser, zone: internet }\n",
    );
    for i in 1..=n {
        s += &format!("  - {{ id: f{i}, kind: process, technology: reverse-proxy, zone: dmz }}\n");
    }
    s += "  - { id: web, kind: process, technology: web-application, zone: dmz, custom_code: true }\nflows:\n";
    let names: Vec<String> = std::iter::once("user".to_string())
        .chain((1..=n).map(|i| format!("f{i}")))
        .chain(std::iter::once("web".to_string()))
        .collect();
    for (i, w) in names.windows(2).enumerate() {
        let a = if i == 0 { auth } else { "" };
        s += &format!(
            "  - {{ id: {}-{}, from: {}, to: {}, protocol: https{a} }}\n",
            w[0], w[1], w[0], w[1]
        );
    }
    s
}

#[test]
fn t008_and_t009_follow_up_to_four_forwarders_and_stop_at_loops() {
    for n in 0..=4 {
        assert_eq!(
            ids(&run("T008", &forwarder_chain(n, false))),
            ["web"],
            "{n} forwarders"
        );
        assert_eq!(
            ids(&run("T009", &forwarder_chain(n, true))),
            ["web"],
            "{n} forwarders"
        );
    }
    // Five in a row is beyond what is followed.
    assert!(run("T008", &forwarder_chain(5, false)).is_empty());
    let found = run("T009", &forwarder_chain(2, true));
    assert_eq!(
        found[0].1[1],
        "flow `user → f1` from a browser uses `authentication: session`, passed on by flow `f1 → f2`, then `f2 → web`"
    );
    // Forwarders that pass requests to each other in a loop, with no browser: nothing, and it ends.
    let looped = "
components:
  - { id: a, kind: process, technology: reverse-proxy, zone: dmz }
  - { id: b, kind: process, technology: load-balancer, zone: dmz }
  - { id: web, kind: process, technology: web-application, zone: dmz, custom_code: true }
flows:
  - { id: a-b, from: a, to: b, protocol: https }
  - { id: b-a, from: b, to: a, protocol: https }
  - { id: b-web, from: b, to: web, protocol: https }
";
    assert!(run("T008", looped).is_empty());
}

#[test]
fn t014_infers_push_only_from_a_pipeline_writing_to_a_business_component() {
    let base = "
components:
  - { id: ci, kind: process, technology: github-actions, zone: dmz, usage: devops }
  - { id: registry, kind: datastore, technology: ecr, zone: private, usage: devops }
  - { id: app, kind: process, technology: api, zone: private }
flows:
  - { id: ci-registry, from: ci, to: registry, protocol: https, usage: devops }
  - { id: ci-app, from: ci, to: app, protocol: ssh, usage: devops }
";
    let found = run("T014", base);
    assert_eq!(ids(&found), ["app"]);
    assert_eq!(
        found[0].1,
        [
            "the pipeline writes to `app` through flow `ci → app` (not `readonly`)",
            "`app` does not state `deployment`, so push is inferred; say `deployment: pull` or `manual` if it is not",
        ]
    );
    // A pipeline that only reads, or a component that states how it is deployed: nothing.
    let readonly = base.replace(
        "protocol: ssh, usage: devops }",
        "protocol: ssh, usage: devops, readonly: true }",
    );
    assert!(run("T014", &readonly).is_empty());
    let pull = base.replace("zone: private }", "zone: private, deployment: pull }");
    assert!(run("T014", &pull).is_empty());
}
