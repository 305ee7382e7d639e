//! T002 ldap-injection.

use riskfirst_model::catalog::TechCategory;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, technology};
use crate::rules::tampering::helpers::exposed_custom_sender;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from a process running custom code, which less trusted
    /// callers reach, to a directory (Active Directory, an LDAP server), or
    /// over `ldap` or `ldaps`.
    ///
    /// ## Why is this bad?
    /// A search filter built from input (a user name typed at sign-in) lets
    /// the caller rewrite the filter: sign in without the right password,
    /// list every account, or read attributes that were never meant to leave
    /// the directory.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: ad, kind: process, technology: active-directory, zone: private }
    /// flows:
    ///   - { id: portal-ad, from: portal, to: ad, protocol: ldaps, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: idp, kind: process, technology: keycloak, zone: private }
    /// flows:
    ///   - { id: portal-idp, from: portal, to: idp, protocol: https, authentication: oidc }
    /// ```
    ///
    /// ## Mitigations
    /// - Escape every input placed in an LDAP filter or distinguished name (RFC 4515), or use a library that does.
    /// - Delegate sign-in to an identity provider over OIDC or SAML instead of querying the directory from applications.
    ///
    /// ## References
    /// - CWE-90: Improper Neutralization of Special Elements used in an LDAP Query ('LDAP Injection')
    /// - CAPEC-136: LDAP Injection
    /// - OWASP ASVS 5.3.7
    pub LdapInjection {
        code: "T002",
        name: "ldap-injection",
        stride: Tampering,
        summary: "input from less trusted callers can change the ldap queries custom code sends",
        cwe: [90],
        capec: [136],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let protocol = flow.raw.protocol.value.as_str();
            let by_technology = is_category(estate, flow.to, &[TechCategory::Ldap]);
            if !by_technology && !matches!(protocol, "ldap" | "ldaps") {
                continue;
            }
            let Some([custom, exposed]) = exposed_custom_sender(estate, f) else { continue };
            let target = if by_technology {
                format!("{} is a directory (`{}`)", label(estate, flow.to, flow.system), technology(estate, flow.to))
            } else {
                format!("{} is queried over `{protocol}`", label(estate, flow.to, flow.system))
            };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} sends directory queries", flow_label(estate, f)))
                    .fact(target)
                    .fact(custom)
                    .fact(exposed),
            );
        }
    }
}
