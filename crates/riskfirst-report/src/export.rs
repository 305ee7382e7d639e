//! Remediation exports to issue trackers: GitHub issues (JSON) and Jira (CSV).
