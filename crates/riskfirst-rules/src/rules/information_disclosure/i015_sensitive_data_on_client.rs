//! I015 sensitive-data-on-client.

use riskfirst_model::format::Classification;

use crate::facts::{data_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, stored_at_least, CLIENTS};
use crate::rules::spoofing::helpers::{is_category, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds browsers, mobile, desktop and IoT apps that store confidential
    /// or restricted data on the device without encryption at rest
    /// (`encrypted_at_rest` not `true`).
    ///
    /// ## Why is this bad?
    /// Devices are lost, stolen, shared, backed up to personal clouds and
    /// infected with malware; browser storage is readable by any script on
    /// the page. Whoever holds the device, or reverse engineers the app,
    /// reads the data without touching your servers.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: statements, name: Bank statements, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: app, kind: process, technology: mobile-app, zone: internet, stores: [statements] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: statements, name: Bank statements, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: app, kind: process, technology: mobile-app, zone: internet, stores: [statements], encrypted_at_rest: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Keep sensitive data on the server; cache on the device only what is needed, for as short as possible.
    /// - Use the platform's protected storage (iOS Keychain and Data Protection, Android Keystore and EncryptedFile).
    ///
    /// ## References
    /// - CWE-922: Insecure Storage of Sensitive Information
    /// - CWE-312: Cleartext Storage of Sensitive Information
    /// - CAPEC-37: Retrieve Embedded Sensitive Data
    /// - OWASP MASVS STORAGE-1
    pub SensitiveDataOnClient {
        code: "I015",
        name: "sensitive-data-on-client",
        stride: InformationDisclosure,
        summary: "sensitive data is stored unencrypted on people's devices",
        cwe: [922, 312],
        capec: [37],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || !is_category(estate, c, CLIENTS) || node.raw.encrypted_at_rest == Some(true) {
                continue;
            }
            let Some(d) = stored_at_least(estate, c, Classification::Confidential) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} (`{}`) stores {} on the device",
                        label(estate, c, node.system),
                        technology(estate, c),
                        data_label(estate, d)
                    ))
                    .fact(format!("it {}", flag_phrase("encrypted_at_rest", node.raw.encrypted_at_rest))),
            );
        }
    }
}
