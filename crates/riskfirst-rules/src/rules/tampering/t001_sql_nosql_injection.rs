//! T001 sql-nosql-injection.

use riskfirst_model::catalog::{protocol_is_sql, TechCategory};

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, technology};
use crate::rules::tampering::helpers::exposed_custom_sender;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from a process running custom code, which less trusted
    /// callers reach, to an SQL or NoSQL database (by the target's technology
    /// or by an SQL, MongoDB or Cassandra protocol).
    ///
    /// ## Why is this bad?
    /// When the code builds a query from request input by concatenation, the
    /// caller writes part of the query: reading every table, changing or
    /// deleting records, and on some databases running commands on the host.
    /// Injection remains one of the most exploited web weaknesses.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private }
    /// flows:
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: archive, kind: datastore, technology: s3, zone: private }
    /// flows:
    ///   - { id: web-archive, from: web, to: archive, protocol: s3, authentication: iam }
    /// ```
    ///
    /// ## Mitigations
    /// - Use parameterised queries or an ORM everywhere; never build query text from input.
    /// - Validate input against an allow-list, and give the database account only the rights it needs.
    ///
    /// ## References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')
    /// - CWE-943: Improper Neutralization of Special Elements in Data Query Logic
    /// - CAPEC-66: SQL Injection
    /// - CAPEC-676: NoSQL Injection
    /// - OWASP ASVS 5.3 Output Encoding and Injection Prevention
    pub SqlNosqlInjection {
        code: "T001",
        name: "sql-nosql-injection",
        stride: Tampering,
        summary: "input from less trusted callers can change the queries custom code sends to a database",
        cwe: [89, 943],
        capec: [66, 676],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let protocol = flow.raw.protocol.value.as_str();
            let by_technology = is_category(estate, flow.to, &[TechCategory::SqlDatabase, TechCategory::NoSqlDatabase]);
            let by_protocol = protocol_is_sql(protocol) || matches!(protocol, "mongodb" | "cassandra" | "dynamodb");
            if !by_technology && !by_protocol {
                continue;
            }
            let Some([custom, exposed]) = exposed_custom_sender(estate, f) else { continue };
            let target = if by_technology {
                format!("{} is a database (`{}`)", label(estate, flow.to, flow.system), technology(estate, flow.to))
            } else {
                format!("{} is queried over `{protocol}`", label(estate, flow.to, flow.system))
            };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} sends queries", flow_label(estate, f)))
                    .fact(target)
                    .fact(custom)
                    .fact(exposed),
            );
        }
    }
}
