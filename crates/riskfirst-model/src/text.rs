//! Characters of model text that no output may pass on as they are.

/// Whether a character is invisible or reorders text: bidi controls and marks, zero-width
/// characters, line and paragraph separators, tags. With the control characters, what every
/// renderer (terminal, Markdown, trackers) escapes or replaces.
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Whether a character must not reach an output as it is: a control character or a hidden one.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_hidden(c)
}

/// A count and its noun, in the singular for one: `plural(1, "system", "systems")` is
/// `1 system`, `plural(64790, "threat", "threats")` is `64,790 threats`. Every output
/// (terminal, reports) counts with it, so no line says "1 systems" or "threat(s)".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { one } else { many }
    )
}

/// A whole number with a comma between groups of three digits: `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{plural, thousands};

    #[test]
    fn counts_read_as_words() {
        assert_eq!(plural(0, "system", "systems"), "0 systems");
        assert_eq!(plural(1, "system", "systems"), "1 system");
        assert_eq!(plural(2, "data asset", "data assets"), "2 data assets");
        assert_eq!(plural(64_790, "threat", "threats"), "64,790 threats");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }
}
