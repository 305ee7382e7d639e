//! I005 secrets-in-configuration.

use riskfirst_model::format::SecretStore;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::own_in_scope;
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components that keep their secrets (database passwords, API
    /// keys, signing keys) in configuration files (`secrets: config`) or in
    /// environment variables (`secrets: environment`) rather than in a
    /// secrets manager or a platform-managed identity.
    ///
    /// ## Why is this bad?
    /// Configuration files are copied into images, repositories, tickets and
    /// backups; environment variables show up in crash reports, debug pages,
    /// `/proc`, container inspection output and the logs of deployment tools.
    /// Such secrets are rarely rotated, so one leak keeps working for years.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, secrets: environment }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, secrets: vault }
    /// ```
    ///
    /// ## Mitigations
    /// - Fetch secrets at start-up from a secrets manager (Vault, AWS Secrets Manager), or use a managed identity with no static secret.
    /// - Rotate secrets automatically, and scan images and logs for secrets.
    ///
    /// ## References
    /// - CWE-526: Cleartext Storage of Sensitive Information in an Environment Variable
    /// - CWE-260: Password in Configuration File
    /// - CWE-214: Invocation of Process Using Visible Sensitive Information
    /// - CAPEC-37: Retrieve Embedded Sensitive Data
    /// - OWASP ASVS 14.1 Build and Deploy
    pub SecretsInConfiguration {
        code: "I005",
        name: "secrets-in-configuration",
        stride: InformationDisclosure,
        summary: "secrets are kept in configuration files or environment variables",
        cwe: [526, 260, 214],
        capec: [37],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            let place = match node.raw.secrets {
                Some(SecretStore::Config) => "configuration files (`secrets: config`)",
                Some(SecretStore::Environment) => "environment variables (`secrets: environment`)",
                _ => continue,
            };
            if !own_in_scope(estate, c) {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} keeps its secrets in {place}", label(estate, c, node.system))),
            );
        }
    }
}
