//! The JSON Schema of the format, derived from the types that parse it.

use crate::format::{RootFile, SystemFile};

/// One schema for both kinds of file: an estate root or a system file.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut generator = generator;
    let root = generator.subschema_for::<RootFile>();
    let system = generator.subschema_for::<SystemFile>();
    let defs = generator.take_definitions(true);
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://riskfirst.dev/schema/v1.json",
        "title": "riskfirst estate format, version 1",
        "description": "An estate root (riskfirst.yaml) or a system file (systems/*.yaml).",
        "oneOf": [root, system],
        "$defs": defs,
    })
}
