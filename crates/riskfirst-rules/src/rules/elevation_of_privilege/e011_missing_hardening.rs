//! E011 missing-hardening.

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{internet_fact, own_in_scope};
use crate::rules::spoofing::helpers::{label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds components marked as not hardened (`hardened: false`) that the
    /// internet reaches (internet-facing, in a zone of trust 0, or called
    /// from one). Components that do not say are not flagged here; the rules
    /// for containers, container platforms and credential authorities ask
    /// for hardening explicitly.
    ///
    /// ## Why is this bad?
    /// Default installations ship with sample pages, debug endpoints, default
    /// accounts, verbose errors and every service turned on. Facing the
    /// internet, each is a way to learn about the system or to run code on
    /// it, found by scanners without any effort.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: ftp, kind: process, technology: sftp-server, zone: dmz, internet_facing: true, hardened: false }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: ftp, kind: process, technology: sftp-server, zone: dmz, internet_facing: true, hardened: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Apply a hardening baseline (CIS benchmark, vendor guide) and check it continuously.
    /// - Remove what is not needed: sample content, unused services and ports, default accounts, debug modes.
    ///
    /// ## References
    /// - CWE-16: Configuration
    /// - CWE-1188: Initialization of a Resource with an Insecure Default
    /// - CAPEC-169: Footprinting
    pub MissingHardening {
        code: "E011",
        name: "missing-hardening",
        stride: ElevationOfPrivilege,
        summary: "an internet-facing component is not hardened",
        cwe: [16, 1188],
        capec: [169],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.hardened != Some(false) || !own_in_scope(estate, c) {
                continue;
            }
            let Some(exposure) = internet_fact(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} (`{}`) has `hardened: false`", label(estate, c, node.system), technology(estate, c)))
                    .fact(exposure),
            );
        }
    }
}
