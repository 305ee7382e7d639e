//! Editing a system by forms: the fields of each kind of model element, how a submitted
//! form becomes a value of the format, and how it is written into the system file. Pure.
//!
//! A form edits only the fields it shows: an element's other fields are kept as they
//! were. The result is checked twice: against the format's own type (an unknown enum
//! value is refused with the field named), then by opening the whole estate (the same
//! diagnostics as the CLI).

use riskfirst_model::format::{Assumption, Component, DataAsset, Flow, SystemFile, Zone};
use serde_json::{Map, Value};

/// The kinds of element a form edits, as they are named in a system file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Zones,
    Components,
    Flows,
    Data,
    Assumptions,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Zones,
        Kind::Components,
        Kind::Flows,
        Kind::Data,
        Kind::Assumptions,
    ];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == s)
    }

    /// The key of the list in the system file, and the path segment of its routes.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Zones => "zones",
            Kind::Components => "components",
            Kind::Flows => "flows",
            Kind::Data => "data",
            Kind::Assumptions => "assumptions",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Kind::Zones => "zone",
            Kind::Components => "component",
            Kind::Flows => "flow",
            Kind::Data => "data asset",
            Kind::Assumptions => "assumption",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Zones => ZONE,
            Kind::Components => COMPONENT,
            Kind::Flows => FLOW,
            Kind::Data => DATA,
            Kind::Assumptions => ASSUMPTION,
        }
    }
}

/// How a field is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Required text.
    Text,
    /// Text; empty leaves it out.
    OptText,
    /// A whole number; empty leaves it out.
    Number,
    /// A checkbox: absent is false (and left out).
    Check,
    /// Yes, no, or not stated.
    YesNo,
    /// One of the values; empty leaves it out.
    Choice(&'static [&'static str]),
    /// Any of the ids of another list of the system (`data`, `zones`, `components`).
    Ids(&'static str),
    /// One id of another list.
    Id(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
}

const fn f(name: &'static str, label: &'static str, input: Input) -> Field {
    Field { name, label, input }
}

const AUTHENTICATION: &[&str] = &[
    "none",
    "password",
    "api-key",
    "session",
    "token",
    "oauth2",
    "oidc",
    "saml",
    "mtls",
    "certificate",
    "kerberos",
    "iam",
];

const ZONE: &[Field] = &[
    f("id", "Id", Input::Text),
    f("name", "Name", Input::OptText),
    f(
        "trust",
        "Trust (0 = the internet; higher is more trusted)",
        Input::Number,
    ),
    f("description", "Description", Input::OptText),
];

const COMPONENT: &[Field] = &[
    f("id", "Id", Input::Text),
    f("name", "Name", Input::OptText),
    f(
        "kind",
        "Kind",
        Input::Choice(&["process", "datastore", "external-entity"]),
    ),
    f(
        "technology",
        "Technology (such as web-application, postgresql, s3)",
        Input::Text,
    ),
    f("zone", "Zone", Input::Id("zones")),
    f("description", "Description", Input::OptText),
    f(
        "internet_facing",
        "Reachable from the internet",
        Input::Check,
    ),
    f("processes", "Data it processes", Input::Ids("data")),
    f("stores", "Data it stores", Input::Ids("data")),
    f("mfa", "Sign-in needs a second factor", Input::YesNo),
    f("encrypted_at_rest", "Encrypted at rest", Input::YesNo),
    f("audit_log", "Keeps an audit log", Input::YesNo),
    f("waf", "Behind a web application firewall", Input::YesNo),
    f("rate_limited", "Rate limited", Input::YesNo),
    f("admin_interface", "Has an admin interface", Input::Check),
    f(
        "secrets",
        "Where its secrets are",
        Input::Choice(&["vault", "managed", "environment", "config", "code", "none"]),
    ),
];

const FLOW: &[Field] = &[
    f("id", "Id", Input::Text),
    f("from", "From", Input::Id("components")),
    f("to", "To", Input::Id("components")),
    f(
        "protocol",
        "Protocol (such as https, postgres, amqp)",
        Input::Text,
    ),
    f("tls", "Encrypted in transit (TLS)", Input::YesNo),
    f(
        "authentication",
        "How the caller authenticates",
        Input::Choice(AUTHENTICATION),
    ),
    f(
        "authorization",
        "What is authorised",
        Input::Choice(&["none", "technical-user", "end-user"]),
    ),
    f("data", "Data it carries", Input::Ids("data")),
    f("vpn", "Over a VPN", Input::Check),
    f("description", "Description", Input::OptText),
];

const DATA: &[Field] = &[
    f("id", "Id", Input::Text),
    f("name", "Name", Input::Text),
    f(
        "classification",
        "Classification",
        Input::Choice(&["public", "internal", "confidential", "restricted"]),
    ),
    f("records", "Records (about how many)", Input::Number),
    f("personal", "Personal data", Input::Check),
    f("description", "Description", Input::OptText),
];

const ASSUMPTION: &[Field] = &[
    f("id", "Id", Input::Text),
    f("text", "What is assumed", Input::Text),
    f("owner", "Owning team", Input::OptText),
];

/// A form's problem, for the field it names.
#[derive(Debug, PartialEq)]
pub struct FormError {
    pub field: String,
    pub message: String,
}

fn err(field: &str, message: impl Into<String>) -> FormError {
    FormError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// The element the form describes: `existing` (the element being edited, or `None` for a
/// new one) with the form's fields written over it.
pub fn element(
    kind: Kind,
    existing: Option<&Value>,
    form: &[(String, String)],
) -> Result<Value, FormError> {
    let mut obj: Map<String, Value> = existing
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let values = |name: &str| -> Vec<&str> {
        form.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    };
    for field in kind.fields() {
        let vals = values(field.name);
        let first = vals.first().copied().unwrap_or("");
        let value = match field.input {
            Input::Text => {
                if first.is_empty() {
                    return Err(err(field.name, format!("{} is required", field.label)));
                }
                Some(Value::String(first.to_string()))
            }
            Input::OptText | Input::Id(_) | Input::Choice(_) => {
                if let Input::Choice(options) = field.input {
                    if !first.is_empty() && !options.contains(&first) {
                        return Err(err(
                            field.name,
                            format!("`{first}` is not one of: {}", options.join(", ")),
                        ));
                    }
                }
                (!first.is_empty()).then(|| Value::String(first.to_string()))
            }
            Input::Number => {
                if first.is_empty() {
                    None
                } else {
                    let n: String = first.chars().filter(|c| *c != '_' && *c != ',').collect();
                    Some(Value::from(n.parse::<i64>().map_err(|_| {
                        err(field.name, format!("`{first}` is not a whole number"))
                    })?))
                }
            }
            Input::Check => vals
                .iter()
                .any(|v| matches!(*v, "on" | "true" | "yes"))
                .then_some(Value::Bool(true)),
            Input::YesNo => match first {
                "" => None,
                "yes" | "true" => Some(Value::Bool(true)),
                "no" | "false" => Some(Value::Bool(false)),
                other => return Err(err(field.name, format!("`{other}` is not yes or no"))),
            },
            Input::Ids(_) => {
                let ids: Vec<Value> = vals
                    .iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_string()))
                    .collect();
                (!ids.is_empty()).then_some(Value::Array(ids))
            }
        };
        match value {
            Some(v) => {
                obj.insert(field.name.to_string(), v);
            }
            None => {
                obj.remove(field.name);
            }
        }
    }
    let value = Value::Object(obj);
    check_type(kind, &value)?;
    Ok(value)
}

/// Whether the value is a valid element of the kind, as the format's type reads it.
fn check_type(kind: Kind, value: &Value) -> Result<(), FormError> {
    let result = match kind {
        Kind::Zones => serde_json::from_value::<Zone>(value.clone()).map(|_| ()),
        Kind::Components => serde_json::from_value::<Component>(value.clone()).map(|_| ()),
        Kind::Flows => serde_json::from_value::<Flow>(value.clone()).map(|_| ()),
        Kind::Data => serde_json::from_value::<DataAsset>(value.clone()).map(|_| ()),
        Kind::Assumptions => serde_json::from_value::<Assumption>(value.clone()).map(|_| ()),
    };
    result.map_err(|e| err("", format!("the {} is not valid: {e}", kind.singular())))
}

/// The element of `kind` with id `id` in the file, as a value.
pub fn find(file: &SystemFile, kind: Kind, id: &str) -> Option<Value> {
    let value = serde_json::to_value(file).ok()?;
    value
        .get(kind.key())?
        .as_array()?
        .iter()
        .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
        .cloned()
}

/// The file with `element` in place of the one with id `original` (or added when
/// `original` is `None`); refused when the new id is already taken by another element.
pub fn put(
    file: &SystemFile,
    kind: Kind,
    original: Option<&str>,
    element: Value,
) -> Result<Value, FormError> {
    let mut value = serde_json::to_value(file).map_err(|e| err("", e.to_string()))?;
    let new_id = element
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let obj = value
        .as_object_mut()
        .ok_or_else(|| err("", "the system file is not a mapping"))?;
    let list = obj
        .entry(kind.key())
        .or_insert_with(|| Value::Array(Vec::new()));
    let items = list
        .as_array_mut()
        .ok_or_else(|| err("", format!("`{}` is not a list", kind.key())))?;
    let id_of = |e: &Value| e.get("id").and_then(Value::as_str).map(str::to_string);
    let taken = items
        .iter()
        .any(|e| id_of(e).as_deref() == Some(&new_id) && original != Some(new_id.as_str()));
    if taken {
        return Err(err(
            "id",
            format!("another {} already has the id `{new_id}`", kind.singular()),
        ));
    }
    match original {
        Some(orig) => {
            let at = items
                .iter()
                .position(|e| id_of(e).as_deref() == Some(orig))
                .ok_or_else(|| {
                    err(
                        "id",
                        format!("there is no {} `{orig}` any more", kind.singular()),
                    )
                })?;
            items[at] = element;
        }
        None => items.push(element),
    }
    Ok(value)
}

/// The file without the element of `kind` with id `id`.
pub fn remove(file: &SystemFile, kind: Kind, id: &str) -> Result<Value, FormError> {
    let mut value = serde_json::to_value(file).map_err(|e| err("", e.to_string()))?;
    let items = value
        .get_mut(kind.key())
        .and_then(Value::as_array_mut)
        .ok_or_else(|| err("id", format!("there is no {} `{id}`", kind.singular())))?;
    let before = items.len();
    items.retain(|e| e.get("id").and_then(Value::as_str) != Some(id));
    if items.len() == before {
        return Err(err("id", format!("there is no {} `{id}`", kind.singular())));
    }
    if items.is_empty() {
        if let Some(obj) = value.as_object_mut() {
            obj.remove(kind.key());
        }
    }
    Ok(value)
}

/// The text of a system file holding `value`, in the syntax its path says.
pub fn file_text(path: &str, value: &Value) -> String {
    if path.ends_with(".json") {
        let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
        s.push('\n');
        s
    } else {
        riskfirst_model::emit::to_yaml(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_flow_form_becomes_a_flow_and_keeps_fields_it_does_not_show() {
        let existing = serde_json::json!({ "id": "a", "from": "x", "to": "y", "protocol": "https", "tags": ["keep"], "tls": true });
        let v = element(
            Kind::Flows,
            Some(&existing),
            &pairs(&[
                ("id", "a"),
                ("from", "x"),
                ("to", "y"),
                ("protocol", "http"),
                ("tls", "no"),
                ("data", "cards"),
                ("data", "orders"),
                ("authentication", "none"),
            ]),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({ "id": "a", "from": "x", "to": "y", "protocol": "http", "tags": ["keep"], "tls": false, "data": ["cards", "orders"], "authentication": "none" })
        );
    }

    #[test]
    fn hostile_and_wrong_values_are_refused_with_the_field() {
        let e = element(
            Kind::Flows,
            None,
            &pairs(&[
                ("id", "a"),
                ("from", "x"),
                ("to", "y"),
                ("protocol", "h"),
                ("authentication", "<script>"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.field, "authentication");
        assert!(
            e.message
                .starts_with("`<script>` is not one of: none, password"),
            "{}",
            e.message
        );
        let e = element(
            Kind::Data,
            None,
            &pairs(&[("id", "d"), ("name", "D"), ("records", "1e99")]),
        )
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("records", "`1e99` is not a whole number")
        );
        let e = element(
            Kind::Components,
            None,
            &pairs(&[("id", ""), ("technology", "x")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "id");
        let e = element(
            Kind::Flows,
            None,
            &pairs(&[
                ("id", "a"),
                ("from", "x"),
                ("to", "y"),
                ("protocol", "h"),
                ("tls", "maybe"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.message, "`maybe` is not yes or no");
    }

    #[test]
    fn put_replaces_adds_and_refuses_a_taken_id() {
        let file: SystemFile = serde_json::from_value(serde_json::json!({
            "riskfirst": 1, "system": { "id": "s", "name": "S", "owner": "t" },
            "assumptions": [{ "id": "a1", "text": "one" }, { "id": "a2", "text": "two" }]
        }))
        .unwrap();
        let v = put(
            &file,
            Kind::Assumptions,
            Some("a1"),
            serde_json::json!({ "id": "a1", "text": "changed" }),
        )
        .unwrap();
        assert_eq!(v["assumptions"][0]["text"], "changed");
        assert_eq!(v["assumptions"][1]["text"], "two");
        let v = put(
            &file,
            Kind::Assumptions,
            None,
            serde_json::json!({ "id": "a3", "text": "new" }),
        )
        .unwrap();
        assert_eq!(v["assumptions"].as_array().unwrap().len(), 3);
        let e = put(
            &file,
            Kind::Assumptions,
            Some("a1"),
            serde_json::json!({ "id": "a2", "text": "x" }),
        )
        .unwrap_err();
        assert_eq!(e.message, "another assumption already has the id `a2`");
        let v = remove(&file, Kind::Assumptions, "a2").unwrap();
        assert_eq!(v["assumptions"].as_array().unwrap().len(), 1);
        assert!(remove(&file, Kind::Flows, "nope").is_err());
    }
}
