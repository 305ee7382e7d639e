//! Built-in rules of the elevation-of-privilege category, one per file.
//!
//! Their shared queries live in `information_disclosure::helpers`.

mod e001_container_platform_escape;
mod e002_unhardened_container;
mod e003_wildcard_permissions;
mod e004_admin_interface_exposed_to_internet;
mod e005_admin_interface_not_isolated;
mod e006_missing_authorization;
mod e007_mixed_targets_on_shared_runtime;
mod e008_unhardened_credential_authority;
mod e009_privileged_third_party_code;
mod e010_missing_web_application_firewall;
mod e011_missing_hardening;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[
    &e001_container_platform_escape::ContainerPlatformEscape,
    &e002_unhardened_container::UnhardenedContainer,
    &e003_wildcard_permissions::WildcardPermissions,
    &e004_admin_interface_exposed_to_internet::AdminInterfaceExposedToInternet,
    &e005_admin_interface_not_isolated::AdminInterfaceNotIsolated,
    &e006_missing_authorization::MissingAuthorization,
    &e007_mixed_targets_on_shared_runtime::MixedTargetsOnSharedRuntime,
    &e008_unhardened_credential_authority::UnhardenedCredentialAuthority,
    &e009_privileged_third_party_code::PrivilegedThirdPartyCode,
    &e010_missing_web_application_firewall::MissingWebApplicationFirewall,
    &e011_missing_hardening::MissingHardening,
];
