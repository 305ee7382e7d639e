//! Built-in rules of the spoofing category, one per file.
//!
//! `helpers` holds the queries and phrases that the spoofing, tampering and
//! repudiation rules share.

pub(crate) mod helpers;
mod s001_missing_authentication;
mod s002_weak_authentication;
mod s003_missing_second_factor;
mod s004_privileged_access_without_mfa;
mod s005_missing_identity_propagation;
mod s006_unauthenticated_external_entity;
mod s007_identity_provider_not_isolated;
mod s008_session_hijacking;
mod s009_credential_stuffing;
mod s010_cleartext_credentials;
mod s011_missing_identity_store;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[
    &s001_missing_authentication::MissingAuthentication,
    &s002_weak_authentication::WeakAuthentication,
    &s003_missing_second_factor::MissingSecondFactor,
    &s004_privileged_access_without_mfa::PrivilegedAccessWithoutMfa,
    &s005_missing_identity_propagation::MissingIdentityPropagation,
    &s006_unauthenticated_external_entity::UnauthenticatedExternalEntity,
    &s007_identity_provider_not_isolated::IdentityProviderNotIsolated,
    &s008_session_hijacking::SessionHijacking,
    &s009_credential_stuffing::CredentialStuffing,
    &s010_cleartext_credentials::CleartextCredentials,
    &s011_missing_identity_store::MissingIdentityStore,
];
