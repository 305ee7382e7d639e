//! D008 unbounded-file-upload.

use riskfirst_model::format::{ComponentKind, DataFormat};

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, less_trusted_fact, own_in_scope};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that accept uploaded files (`accepts: [file]`) from
    /// less trusted callers and are not rate limited (`rate_limited` not
    /// `true`). T007 covers what a malicious file does once stored; this rule
    /// covers the volume.
    ///
    /// ## Why is this bad?
    /// Large or many uploads fill disks and buckets, hold connections open
    /// for minutes, and feed expensive processing (thumbnails, virus scans,
    /// document conversion, decompression of archives that expand a
    /// thousandfold). Storage and processing bills grow with them.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: uploads, kind: process, technology: api, zone: dmz, accepts: [file] }
    /// flows:
    ///   - { id: user-uploads, from: user, to: uploads, protocol: https, authentication: session }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: uploads, kind: process, technology: api, zone: dmz, accepts: [file], rate_limited: true }
    /// flows:
    ///   - { id: user-uploads, from: user, to: uploads, protocol: https, authentication: session }
    /// ```
    ///
    /// ## Mitigations
    /// - Limit upload size, count per user and total storage per account; reject archives that expand beyond a limit.
    /// - Upload straight to object storage with pre-signed, size-limited URLs and process files asynchronously with quotas.
    ///
    /// ## References
    /// - CWE-770: Allocation of Resources Without Limits or Throttling
    /// - CWE-400: Uncontrolled Resource Consumption
    /// - CAPEC-130: Excessive Allocation
    pub UnboundedFileUpload {
        code: "D008",
        name: "unbounded-file-upload",
        stride: DenialOfService,
        summary: "file uploads from less trusted callers are not limited",
        cwe: [770, 400],
        capec: [130],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.kind != ComponentKind::Process
                || !node.raw.accepts.contains(&DataFormat::File)
                || node.raw.rate_limited == Some(true)
                || !own_in_scope(estate, c)
            {
                continue;
            }
            let Some(exposure) = less_trusted_fact(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} accepts `file` uploads and {}",
                        label(estate, c, node.system),
                        flag_phrase("rate_limited", node.raw.rate_limited)
                    ))
                    .fact(exposure),
            );
        }
    }
}
