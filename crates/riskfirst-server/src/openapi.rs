//! The OpenAPI 3.1 document of the JSON API, built from the route table so that every
//! API route is described and no described route is missing.

use serde_json::{json, Map, Value};

use crate::routes::{specs, Access};

/// What each API operation does: (method, path, summary, request body schema, response).
const OPERATIONS: &[(&str, &str, &str)] = &[
    ("get", "/api/v1/openapi.json", "This document."),
    ("get", "/api/v1/assessment", "The assessment of the newest assessed revision: the same JSON as `riskfirst analyze --format json` (docs/json-output.md); the revision is in the `x-riskfirst-revision` header."),
    ("get", "/api/v1/revisions", "The revisions, newest first: number, author, message, time (unix milliseconds)."),
    ("get", "/api/v1/estate", "The files of a revision (`?revision=N`, default the latest), exactly as stored: what `riskfirst pull` writes."),
    ("post", "/api/v1/estate", "Saves files as the revision after `base`: 201 with the new revision; 409 when `base` is not the latest; 422 with every diagnostic when the estate is not valid. What `riskfirst push` sends."),
    ("get", "/api/v1/jobs/{revision}", "The assessment job of a revision: queued, running, done or failed (with the error)."),
];

fn file_schema() -> Value {
    json!({ "type": "object", "required": ["path", "content"], "additionalProperties": false,
            "properties": { "path": { "type": "string" }, "content": { "type": "string" } } })
}

fn error_schema() -> Value {
    json!({ "type": "object", "required": ["error", "status"],
            "properties": { "error": { "type": "string" }, "status": { "type": "integer" },
                            "base": { "type": "integer" }, "head": { "type": "integer" },
                            "diagnostics": { "type": "array", "items": { "type": "string" } } } })
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for spec in specs().iter().filter(|s| s.path.starts_with("/api/")) {
        let method = spec.method.as_str().to_ascii_lowercase();
        let summary = OPERATIONS
            .iter()
            .find(|(m, p, _)| *m == method && *p == spec.path)
            .map(|(_, _, s)| *s)
            .unwrap_or("");
        let mut op = json!({
            "summary": summary,
            "operationId": format!("{method}{}", spec.path.replace(['/', '{', '}', '.'], "_")),
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } },
                "default": { "description": "An error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        if spec.access != Access::Public {
            op["security"] = json!([{ "token": [] }, { "session": [] }]);
        }
        if spec.path.contains("{revision}") {
            op["parameters"] = json!([{ "name": "revision", "in": "path", "required": true, "schema": { "type": "integer" } }]);
        }
        if method == "post" && spec.path == "/api/v1/estate" {
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["base", "files"], "additionalProperties": false,
                "properties": { "base": { "type": "integer" }, "message": { "type": "string" },
                                "files": { "type": "array", "items": { "$ref": "#/components/schemas/File" } } } } } } });
            op["responses"]["201"] = json!({ "description": "Saved", "content": { "application/json": { "schema": {
                "type": "object", "required": ["revision"], "properties": { "revision": { "type": "integer" } } } } } });
        }
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[method.as_str()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "riskfirst", "version": env!("CARGO_PKG_VERSION"),
                  "description": "The JSON API of riskfirst serve. Authenticate with `Authorization: Bearer TOKEN` (an API token from the API tokens page)." },
        "paths": paths,
        "components": {
            "schemas": { "File": file_schema(), "Error": error_schema() },
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::COOKIE }
            }
        }
    })
}
