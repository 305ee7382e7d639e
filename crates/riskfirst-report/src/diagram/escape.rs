//! The escapers of the diagram formats: every string from the model reaches SVG, DOT or
//! Mermaid through exactly one of these, and the visible text through [`fit`].

/// Text for XML content or a double- or single-quoted attribute value. Characters XML 1.0
/// forbids even as references (most control characters, U+FFFE, U+FFFF) become U+FFFD;
/// newlines and tabs are kept (tooltips show them).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(ch),
            '\r' => out.push('\n'),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The inside of a DOT double-quoted string. Backslashes are doubled so the model cannot
/// write Graphviz escapes (`\N`, `\G`, `\l`); line breaks become spaces, since the
/// renderer writes its own `\n` between lines.
pub fn dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The inside of a Mermaid double-quoted label. Mermaid treats labels as HTML and reads
/// `#name;` and `#123;` as entity codes, so everything but letters, digits and a few
/// harmless punctuation marks becomes a numeric entity code: no quote, bracket, pipe, `<`,
/// `#` or `;` from the model reaches the parser.
pub fn mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            c if c.is_alphanumeric() => out.push(c),
            ' ' | '-' | '_' | '.' | ',' | ':' | '/' | '(' | ')' | '\'' | '+' | '@' | '!' | '?'
            | '*' | '·' | '…' | '→' => out.push(ch),
            c if c.is_control() => out.push(' '),
            c => {
                out.push('#');
                out.push_str(&(c as u32).to_string());
                out.push(';');
            }
        }
    }
    out
}

/// An estimate of the width of `s` at `size` pixels in a common sans-serif face. Generous,
/// so text estimated to fit does fit.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| char_width(c) * size).sum()
}

fn char_width(c: char) -> f64 {
    match c {
        'i' | 'l' | 'j' | '.' | ',' | '\'' | '|' | '!' | ':' | ';' | 'I' | ' ' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.42,
        'm' | 'w' | 'M' | 'W' | '@' => 0.92,
        'A'..='Z' | '&' | '%' => 0.7,
        c if c.is_ascii() => 0.6,
        // East Asian and other wide scripts take a full em.
        c if (c as u32) >= 0x1100 => 1.0,
        _ => 0.7,
    }
}

/// `s` on one line (runs of whitespace and control characters become one space), cut with
/// an ellipsis to fit `width` pixels at `size`. Returns the text and whether it was cut.
pub fn fit(s: &str, width: f64, size: f64) -> (String, bool) {
    let mut line = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if text_width(&line, size) <= width {
        return (line, false);
    }
    let budget = width - char_width('…') * size;
    let mut used = 0.0;
    let mut out = String::new();
    for c in line.chars() {
        used += char_width(c) * size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml("<a href=\"x\" b='y'>&\u{1}"),
            "&lt;a href=&quot;x&quot; b=&#39;y&#39;&gt;&amp;\u{FFFD}"
        );
    }

    #[test]
    fn dot_escapes_quotes_and_backslashes() {
        assert_eq!(dot("a\"b\\N\nc"), "a\\\"b\\\\N c");
    }

    #[test]
    fn mermaid_encodes_everything_structural() {
        let e = mermaid("a\"]|<b>#;{c}");
        assert_eq!(e, "a#34;#93;#124;#60;b#62;#35;#59;#123;c#125;");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis_and_flattens_lines() {
        assert_eq!(fit("short", 100.0, 10.0), ("short".to_string(), false));
        assert_eq!(fit("two\nlines", 100.0, 10.0).0, "two lines");
        let (cut, was_cut) = fit(&"x".repeat(100), 60.0, 10.0);
        assert!(was_cut);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 10.0) <= 60.0);
    }
}
