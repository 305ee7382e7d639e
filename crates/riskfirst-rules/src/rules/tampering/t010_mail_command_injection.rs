//! T010 mail-command-injection.

use riskfirst_model::catalog::TechCategory;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, technology};
use crate::rules::tampering::helpers::exposed_custom_sender;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from a process running custom code, which less trusted
    /// callers reach, to a mail server or service (by its technology, or over
    /// `smtp` or `smtps`).
    ///
    /// ## Why is this bad?
    /// Mail protocols and headers are line-based. Input placed in a
    /// recipient, a subject or a header without removing line breaks adds
    /// commands and headers of the attacker's choosing: extra recipients,
    /// forged senders, the application turned into a spam or phishing relay
    /// that mails in the organisation's name.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: contact, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: mail, kind: process, technology: mail-server, zone: private }
    /// flows:
    ///   - { id: contact-mail, from: contact, to: mail, protocol: smtps, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: contact, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: tickets, kind: datastore, technology: postgresql, zone: private }
    ///   - { id: mailer, kind: process, technology: batch-job, zone: private }
    ///   - { id: mail, kind: process, technology: mail-server, zone: private }
    /// flows:
    ///   - { id: contact-tickets, from: contact, to: tickets, protocol: postgres, tls: true, authentication: password }
    ///   - { id: mailer-mail, from: mailer, to: mail, protocol: smtps, authentication: password }
    /// ```
    ///
    /// ## Mitigations
    /// - Send mail through a library or API that takes recipients and headers as structured values, never as raw text.
    /// - Reject line breaks in every value that reaches a header; fix recipients server-side.
    ///
    /// ## References
    /// - CWE-77: Improper Neutralization of Special Elements used in a Command ('Command Injection')
    /// - CWE-93: Improper Neutralization of CRLF Sequences ('CRLF Injection')
    /// - CAPEC-183: IMAP/SMTP Command Injection
    /// - CAPEC-134: Email Injection
    pub MailCommandInjection {
        code: "T010",
        name: "mail-command-injection",
        stride: Tampering,
        summary: "input from less trusted callers can add commands or headers to mail that custom code sends",
        cwe: [77, 93],
        capec: [183, 134],
        frequency: (0.0005, 0.005),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let protocol = flow.raw.protocol.value.as_str();
            let by_technology = is_category(estate, flow.to, &[TechCategory::Mail]);
            if !by_technology && !matches!(protocol, "smtp" | "smtps") {
                continue;
            }
            let Some([custom, exposed]) = exposed_custom_sender(estate, f) else { continue };
            let target = if by_technology {
                format!("{} sends mail (`{}`)", label(estate, flow.to, flow.system), technology(estate, flow.to))
            } else {
                format!("{} is reached over `{protocol}`", label(estate, flow.to, flow.system))
            };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} hands over mail", flow_label(estate, f)))
                    .fact(target)
                    .fact(custom)
                    .fact(exposed),
            );
        }
    }
}
