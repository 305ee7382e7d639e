//! The one CSV escaper: RFC 4180 fields, guarded against formula injection. Every CSV the
//! crate writes (the register, the Jira export) goes through it.

/// Neutralises a text cell a spreadsheet would run as a formula (OWASP's advice on CSV
/// injection): a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front.
pub fn defuse(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled.
pub fn field(text: &str, out: &mut String) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// A text cell: defused, then quoted as needed.
pub fn text_field(text: &str, out: &mut String) {
    field(&defuse(text), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> String {
        let mut out = String::new();
        text_field(text, &mut out);
        out
    }

    #[test]
    fn fields_are_quoted_only_when_needed_and_formulas_are_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("one\ntwo"), "\"one\ntwo\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell(""), "");
    }
}
