//! The Markdown report, for wikis and pull requests.

use crate::ReportInput;

/// The report as GitHub-flavoured Markdown.
pub fn render(input: &ReportInput) -> String {
    format!("# Risk report: {}\n", input.assessment.organisation.name)
}
