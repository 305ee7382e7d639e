//! Built-in rules of the denial-of-service category, one per file.
//!
//! Their shared queries live in `information_disclosure::helpers`.

mod d001_dos_across_trust_boundary;
mod d002_missing_rate_limiting_on_authentication;
mod d003_single_point_of_failure;
mod d004_shared_component_exhaustion;
mod d005_message_queue_flooding;
mod d006_missing_backups;
mod d007_xml_entity_expansion;
mod d008_unbounded_file_upload;
mod d009_unrestricted_resource_consumption;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[
    &d001_dos_across_trust_boundary::DosAcrossTrustBoundary,
    &d002_missing_rate_limiting_on_authentication::MissingRateLimitingOnAuthentication,
    &d003_single_point_of_failure::SinglePointOfFailure,
    &d004_shared_component_exhaustion::SharedComponentExhaustion,
    &d005_message_queue_flooding::MessageQueueFlooding,
    &d006_missing_backups::MissingBackups,
    &d007_xml_entity_expansion::XmlEntityExpansion,
    &d008_unbounded_file_upload::UnboundedFileUpload,
    &d009_unrestricted_resource_consumption::UnrestrictedResourceConsumption,
];
