//! Built-in rules of the repudiation category, one per file.

mod r001_missing_audit_log;
mod r002_shared_accounts;
mod r003_missing_security_monitoring;
mod r004_unattributable_changes;
mod r005_log_store_exposed;
mod r006_forgeable_log_entries;
mod r007_unaudited_privileged_access;

use riskfirst_model::catalog::TechCategory;

use crate::rule::Rule;

/// The rules of this category, in code order.
pub static RULES: &[&dyn Rule] = &[
    &r001_missing_audit_log::MissingAuditLog,
    &r002_shared_accounts::SharedAccounts,
    &r003_missing_security_monitoring::MissingSecurityMonitoring,
    &r004_unattributable_changes::UnattributableChanges,
    &r005_log_store_exposed::LogStoreExposed,
    &r006_forgeable_log_entries::ForgeableLogEntries,
    &r007_unaudited_privileged_access::UnauditedPrivilegedAccess,
];

/// Where evidence is kept: log stores and monitoring.
const LOG_STORES: &[TechCategory] = &[TechCategory::Logging, TechCategory::Monitoring];

/// "`audit_log: false`" or "no `audit_log`" when the component keeps no audit
/// log. Absent counts as none: an audit trail nobody wrote down is not one
/// anybody can rely on.
fn audit_log_phrase(audit_log: Option<bool>) -> Option<&'static str> {
    match audit_log {
        Some(true) => None,
        Some(false) => Some("`audit_log: false`"),
        None => Some("no `audit_log`"),
    }
}
