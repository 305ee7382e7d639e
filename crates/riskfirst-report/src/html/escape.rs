//! Escaping of text from the model into HTML and SVG: every model string passes through here.

use std::fmt;

/// Text escaped for HTML element content and double- or single-quoted attribute values
/// (and for SVG, which shares the rules). Displays without allocating.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// [`Esc`] as an owned string.
pub fn esc(s: &str) -> String {
    Esc(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            esc(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(esc("plain €1.2M"), "plain €1.2M");
    }
}
