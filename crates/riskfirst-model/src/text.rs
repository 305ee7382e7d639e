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
