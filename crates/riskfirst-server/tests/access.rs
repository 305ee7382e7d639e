//! Who may do what: every route of the route table × every kind of user × own and other
//! team, and a hostile estate on every page.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{databases, Server};
use riskfirst_server::routes::{specs, Access};

/// The people of the demo, by what they may do to the checkout system (team payments).
const PEOPLE: &[&str] = &[
    "admin", "sofia", "eva", "cfo", "dpo", "mateo", "pat", "victor", "ingrid",
];

/// Whether `who` may call a route of `access`, on the checkout system and a request
/// that waits for the owner of `card-data-breach` (the Chief Financial Officer).
fn expected(access: Access, who: &str) -> bool {
    match access {
        Access::Public | Access::Signed => true,
        Access::Oversight => matches!(who, "admin" | "sofia" | "eva"),
        // Admin and security everywhere; owners and members of payments.
        Access::EditSystem => matches!(who, "admin" | "sofia" | "mateo" | "pat"),
        Access::RiskOwner => who == "cfo",
        Access::ReplaceEstate => matches!(who, "admin" | "sofia"),
        Access::Admin => who == "admin",
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    let url = databases().await.remove(0);
    let s = Server::demo(&url).await;
    let a: riskfirst_assess::Assessment =
        serde_json::from_str(&s.state.db.latest_assessment().await.unwrap().unwrap().1).unwrap();
    let threat = a
        .threats
        .iter()
        .find(|t| t.system == "checkout" && t.status == riskfirst_model::format::ThreatStatus::Open)
        .unwrap()
        .id
        .clone();
    // A request waiting for the CFO.
    let mateo = s.state.db.user_by_name("mateo").await.unwrap().unwrap();
    let request = riskfirst_server::db::Request {
        id: "req1".into(),
        system: "checkout".into(),
        threat: threat.clone(),
        status: "accepted".into(),
        business_risk: "card-data-breach".into(),
        approver: "Chief Financial Officer".into(),
        justification: "j".into(),
        expires: "2099-01-01".into(),
        requested_by: mateo.username.clone(),
        requested_at: 0,
        state: "rejected".into(),
        decided_by: None,
        revision: None,
    };
    s.state.db.create_request(&request).await.unwrap();
    let fill = |path: &str| {
        path.replace("{system}", "checkout")
            .replace("{threat}", &threat)
            .replace("{risk}", "card-data-breach")
            .replace("{team}", "payments")
            .replace("{request}", "req1")
            .replace("{kind}", "assumptions")
            .replace("{id}", "no-such-assumption")
            .replace("{old}", "1")
            .replace("{new}", "1")
            .replace("{revision}", "1")
    };
    let table = specs();
    assert!(table.len() >= 30, "the table lists every route");
    let mut checked = 0;
    for spec in &table {
        let path = fill(spec.path);
        for who in std::iter::once("anonymous").chain(PEOPLE.iter().copied()) {
            let mut b = Request::builder().method(spec.method.clone()).uri(&path);
            if who != "anonymous" {
                let (cookie, csrf) = s.session(who).await;
                b = b
                    .header(header::COOKIE, cookie)
                    .header("x-csrf-token", csrf);
            }
            let body = if spec.method == Method::POST {
                b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from("base=999")
            } else {
                Body::empty()
            };
            let r = s.send(b.body(body).unwrap()).await;
            // Signing out ends at the sign-in form too; that is its success.
            let to_login = r.status == StatusCode::SEE_OTHER
                && r.location.as_deref() == Some("/login")
                && (spec.path != "/logout" || who == "anonymous");
            let refused = r.status == StatusCode::FORBIDDEN
                || r.status == StatusCode::UNAUTHORIZED
                || to_login;
            let allowed = if who == "anonymous" {
                spec.access == Access::Public
            } else {
                expected(spec.access, who)
            };
            assert_eq!(
                !refused,
                allowed,
                "{} {} as {who}: {} {}",
                spec.method,
                path,
                r.status,
                &r.body[..r.body.len().min(300)]
            );
            if who == "anonymous" && spec.access != Access::Public {
                let api = spec.path.starts_with("/api/");
                assert_eq!(
                    r.status,
                    if api {
                        StatusCode::UNAUTHORIZED
                    } else {
                        StatusCode::SEE_OTHER
                    },
                    "{path}"
                );
            }
            assert!(
                !r.status.is_server_error(),
                "{} {path} as {who}: {} {}",
                spec.method,
                r.status,
                r.body
            );
            checked += 1;
        }
    }
    assert_eq!(checked, table.len() * (PEOPLE.len() + 1));
}

#[tokio::test]
async fn a_hostile_estate_shows_as_text_on_every_page() {
    let url = databases().await.remove(0);
    let s = Server::with(&url, &common::hostile_files()).await;
    let (cookie, _) = s.session("admin").await;
    let a: riskfirst_assess::Assessment =
        serde_json::from_str(&s.state.db.latest_assessment().await.unwrap().unwrap().1).unwrap();
    let mut pages = vec![
        "/".to_string(),
        "/risks/data-breach".into(),
        "/teams/shop".into(),
        "/systems/shop".into(),
        "/systems/shop/edit".into(),
        "/systems/shop/edit?components=web".into(),
        "/systems/shop/edit?flows=shopper-web".into(),
        "/systems/shop/edit?data=customers".into(),
        "/systems/shop/edit?assumptions=lb".into(),
        "/triage".into(),
        "/triage?level=low".into(),
        "/plan".into(),
        "/revisions".into(),
        "/audit".into(),
        "/inbox".into(),
    ];
    pages.extend(
        a.threats
            .iter()
            .map(|t| format!("/systems/{}/threats/{}", t.system, t.id)),
    );
    assert!(pages.len() > 15);
    for p in &pages {
        let r = s.get(p, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.body);
        let doc = scraper::Html::parse_document(&r.body);
        let scripts: Vec<_> = doc
            .select(&scraper::Selector::parse("script").unwrap())
            .map(|e| e.value().attr("src").unwrap_or("inline").to_string())
            .collect();
        assert_eq!(
            scripts,
            ["/static/live.js"],
            "{p}: only the app's own script"
        );
        for el in doc.select(&scraper::Selector::parse("*").unwrap()) {
            let name = el.value().name();
            assert!(
                !matches!(
                    name,
                    "iframe" | "img" | "style" | "object" | "embed" | "svg" | "b" | "i"
                ) || allowed(name, &el),
                "{p}: a <{name}> from the model"
            );
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on"),
                    "{p}: an event handler `{attr}` on <{name}>"
                );
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !v.starts_with("javascript:"),
                    "{p}: `{attr}={value}` on <{name}>"
                );
            }
        }
    }
    // The payloads are there, as text.
    let home = s.get("/systems/shop", Some(&cookie)).await.body;
    assert!(
        home.contains("Shop &lt;script&gt;alert(11)&lt;/script&gt;"),
        "{home}"
    );
    let svg = s.get("/systems/shop/diagram.svg", Some(&cookie)).await;
    assert!(!svg.body.contains("<script"), "the diagram escapes too");
}

/// The elements pages draw themselves: the diagram <img> and the chart's <svg>.
fn allowed(name: &str, el: &scraper::ElementRef<'_>) -> bool {
    match name {
        "img" => el
            .value()
            .attr("src")
            .is_some_and(|s| s.starts_with("/systems/") && s.ends_with("/diagram.svg")),
        "svg" => el.value().attr("id") == Some("lec"),
        _ => false,
    }
}
