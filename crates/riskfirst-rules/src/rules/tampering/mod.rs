//! Built-in rules of the tampering category, one per file.
//!
//! T001–T089 are threats to the system. T090 and above are model failures:
//! places where the model itself is incomplete or contradicts itself (data
//! nothing uses, a flow that carries nothing, a technology the catalog does
//! not know). They are filed under tampering because they concern the
//! integrity of the model as the record of the system: a model that no longer
//! matches reality hides changes that no rule can see. The separate range
//! lets users mute or route them (`T09*`) without touching real threats.

mod helpers;
mod t001_sql_nosql_injection;
mod t002_ldap_injection;
mod t003_search_query_injection;
mod t004_xml_external_entity;
mod t005_untrusted_deserialization;
mod t006_path_traversal;
mod t007_unrestricted_file_upload;
mod t008_cross_site_scripting;
mod t009_cross_site_request_forgery;
mod t010_mail_command_injection;
mod t011_command_injection;
mod t012_build_pipeline_tampering;
mod t013_code_backdooring;
mod t014_push_deployment;
mod t015_unchecked_deployment;
mod t016_cleartext_traffic_tampering;
mod t017_third_party_restricted_data;
mod t018_container_image_tampering;
mod t019_unguarded_direct_datastore_access;
mod t090_unnecessary_data_asset;
mod t091_unnecessary_communication_link;
mod t092_unnecessary_data_transfer;
mod t093_unnecessary_technical_asset;
mod t094_incomplete_model;
mod t095_wrong_communication_link_content;
mod t096_wrong_trust_boundary_content;
mod t097_missing_build_infrastructure;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[
    &t001_sql_nosql_injection::SqlNosqlInjection,
    &t002_ldap_injection::LdapInjection,
    &t003_search_query_injection::SearchQueryInjection,
    &t004_xml_external_entity::XmlExternalEntity,
    &t005_untrusted_deserialization::UntrustedDeserialization,
    &t006_path_traversal::PathTraversal,
    &t007_unrestricted_file_upload::UnrestrictedFileUpload,
    &t008_cross_site_scripting::CrossSiteScripting,
    &t009_cross_site_request_forgery::CrossSiteRequestForgery,
    &t010_mail_command_injection::MailCommandInjection,
    &t011_command_injection::CommandInjection,
    &t012_build_pipeline_tampering::BuildPipelineTampering,
    &t013_code_backdooring::CodeBackdooring,
    &t014_push_deployment::PushDeployment,
    &t015_unchecked_deployment::UncheckedDeployment,
    &t016_cleartext_traffic_tampering::CleartextTrafficTampering,
    &t017_third_party_restricted_data::ThirdPartyRestrictedData,
    &t018_container_image_tampering::ContainerImageTampering,
    &t019_unguarded_direct_datastore_access::UnguardedDirectDatastoreAccess,
    &t090_unnecessary_data_asset::UnnecessaryDataAsset,
    &t091_unnecessary_communication_link::UnnecessaryCommunicationLink,
    &t092_unnecessary_data_transfer::UnnecessaryDataTransfer,
    &t093_unnecessary_technical_asset::UnnecessaryTechnicalAsset,
    &t094_incomplete_model::IncompleteModel,
    &t095_wrong_communication_link_content::WrongCommunicationLinkContent,
    &t096_wrong_trust_boundary_content::WrongTrustBoundaryContent,
    &t097_missing_build_infrastructure::MissingBuildInfrastructure,
];
