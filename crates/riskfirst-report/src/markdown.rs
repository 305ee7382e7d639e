//! The Markdown report, for wikis and pull requests.
