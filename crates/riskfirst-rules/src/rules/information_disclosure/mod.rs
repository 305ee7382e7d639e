//! Built-in rules of the information-disclosure category, one per file.
//!
//! `helpers` holds the queries and phrases that the information-disclosure,
//! denial-of-service and elevation-of-privilege rules share.

pub(crate) mod helpers;
mod i001_unencrypted_communication;
mod i002_unencrypted_storage;
mod i003_unencrypted_backups;
mod i004_public_storage;
mod i005_secrets_in_configuration;
mod i006_hard_coded_secrets;
mod i007_accidental_secret_leak;
mod i008_server_side_request_forgery;
mod i009_unguarded_access_from_internet;
mod i010_missing_network_segmentation;
mod i011_vault_not_isolated;
mod i012_excessive_data_exposure;
mod i013_sensitive_data_to_third_party;
mod i014_sensitive_data_in_logs;
mod i015_sensitive_data_on_client;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[
    &i001_unencrypted_communication::UnencryptedCommunication,
    &i002_unencrypted_storage::UnencryptedStorage,
    &i003_unencrypted_backups::UnencryptedBackups,
    &i004_public_storage::PublicStorage,
    &i005_secrets_in_configuration::SecretsInConfiguration,
    &i006_hard_coded_secrets::HardCodedSecrets,
    &i007_accidental_secret_leak::AccidentalSecretLeak,
    &i008_server_side_request_forgery::ServerSideRequestForgery,
    &i009_unguarded_access_from_internet::UnguardedAccessFromInternet,
    &i010_missing_network_segmentation::MissingNetworkSegmentation,
    &i011_vault_not_isolated::VaultNotIsolated,
    &i012_excessive_data_exposure::ExcessiveDataExposure,
    &i013_sensitive_data_to_third_party::SensitiveDataToThirdParty,
    &i014_sensitive_data_in_logs::SensitiveDataInLogs,
    &i015_sensitive_data_on_client::SensitiveDataOnClient,
];
