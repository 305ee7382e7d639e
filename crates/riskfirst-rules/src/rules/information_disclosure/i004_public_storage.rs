//! I004 public-storage.

use riskfirst_model::format::Classification;

use crate::facts::data_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{own_in_scope, stored_at_least};
use crate::rules::spoofing::helpers::{label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds components readable by anyone (`public_access: true`: a public
    /// bucket, an open search index, an anonymous file share) that store data
    /// which is not public.
    ///
    /// ## Why is this bad?
    /// Public buckets are found within hours by scanners that enumerate
    /// bucket names and open indexes; they are among the most common causes
    /// of large breaches. No exploit is needed: a plain download is enough.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: invoices, name: Invoices, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: invoice-bucket, kind: datastore, technology: s3, zone: private, stores: [invoices], public_access: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: invoices, name: Invoices, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: invoice-bucket, kind: datastore, technology: s3, zone: private, stores: [invoices] }
    /// ```
    ///
    /// ## Mitigations
    /// - Block public access at the account level (S3 Block Public Access) and allow exceptions only for buckets of public data.
    /// - Serve files through signed, short-lived URLs or an application that checks who asks.
    ///
    /// ## References
    /// - CWE-552: Files or Directories Accessible to External Parties
    /// - CWE-732: Incorrect Permission Assignment for Critical Resource
    /// - CAPEC-1: Accessing Functionality Not Properly Constrained by ACLs
    /// - AWS FSBP S3.1, S3.2, S3.3
    pub PublicStorage {
        code: "I004",
        name: "public-storage",
        stride: InformationDisclosure,
        summary: "non-public data is stored where anyone can read it",
        cwe: [552, 732],
        capec: [1],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !node.raw.public_access || !own_in_scope(estate, c) {
                continue;
            }
            let Some(d) = stored_at_least(estate, c, Classification::Internal) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} (`{}`) is publicly readable", label(estate, c, node.system), technology(estate, c)))
                    .fact(format!("it stores {}", data_label(estate, d))),
            );
        }
    }
}
