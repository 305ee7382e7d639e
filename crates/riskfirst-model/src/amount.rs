//! Amounts of money typed by people (command-line flags, forms): the style of the files
//! (`200_000`) and the short style of conversation (`200k`, `1.5M`, `2bn`).
//!
//! One parser, so the command line and the server accept the same text and refuse it
//! with the same words.

/// Why a text is not an amount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an amount: {problem}")]
pub struct AmountError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it, in words.
    pub problem: String,
}

/// What every [`AmountError`] can add: how an amount is written.
pub const AMOUNT_HINT: &str =
    "write digits with an optional `_` between groups and k, M or bn after them, such as 200000, 200_000, 200k or 1.5M";

/// Reads a non-negative amount: digits with `_` between groups, an optional decimal part,
/// and an optional multiplier `k` (thousand), `M` (million) or `bn` (billion).
///
/// Refused with a reason: an empty text, a sign, an exponent (`1e400`), two decimal points,
/// a misplaced `_`, an unknown suffix, and anything too large to count.
pub fn parse_amount(text: &str) -> Result<f64, AmountError> {
    let fail = |problem: &str| AmountError {
        text: text.to_string(),
        problem: problem.to_string(),
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(fail("it is empty"));
    }
    if t.starts_with('-') {
        return Err(fail("an amount cannot be negative"));
    }
    if t.starts_with('+') {
        return Err(fail("write it without a sign"));
    }
    let (number, factor) = split_suffix(t).ok_or_else(|| {
        fail("it ends in an unknown multiplier (use k for thousands, M for millions, bn for billions)")
    })?;
    if number.is_empty() {
        return Err(fail("it has no digits"));
    }
    if number.contains(['e', 'E']) {
        return Err(fail("exponents are not amounts"));
    }
    if number.matches('.').count() > 1 {
        return Err(fail("it has more than one decimal point"));
    }
    if let Some(c) = number
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, '_' | '.')))
    {
        return Err(fail(&format!("`{c}` is not a digit")));
    }
    let bytes = number.as_bytes();
    let misplaced = bytes.iter().enumerate().any(|(i, b)| {
        *b == b'_'
            && !(i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if misplaced {
        return Err(fail("`_` goes only between digits"));
    }
    let digits: String = number.chars().filter(|c| *c != '_').collect();
    if digits.starts_with('.') || digits.ends_with('.') {
        return Err(fail("a decimal point needs digits on both sides"));
    }
    let value = digits
        .parse::<f64>()
        .map_err(|_| fail("it is not a number"))?
        * factor;
    // Past 10^15 an amount of money is a typing mistake, and f64 stops counting cents.
    if !value.is_finite() || value > 1e15 {
        return Err(fail("it is too large (the most is 1000000bn)"));
    }
    Ok(value)
}

/// The number and the multiplier of its suffix, or `None` for an unknown suffix.
fn split_suffix(t: &str) -> Option<(&str, f64)> {
    let end = t
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == '_')
        .map_or(0, |i| i + 1);
    let (number, suffix) = t.split_at(end);
    let factor = match suffix.trim_start() {
        "" => 1.0,
        "k" | "K" => 1e3,
        "m" | "M" => 1e6,
        "bn" | "b" | "B" => 1e9,
        _ => return None,
    };
    Some((number.trim_end(), factor))
}

#[cfg(test)]
mod tests {
    use super::parse_amount;

    #[test]
    fn reads_the_file_style_and_the_short_style() {
        for (text, value) in [
            ("200000", 200_000.0),
            ("200_000", 200_000.0),
            ("1_200_000", 1_200_000.0),
            ("200k", 200_000.0),
            ("200K", 200_000.0),
            ("1.5M", 1_500_000.0),
            ("1.5m", 1_500_000.0),
            ("2bn", 2e9),
            ("0", 0.0),
            ("0.5", 0.5),
            (" 50_000 ", 50_000.0),
            ("10 k", 10_000.0),
        ] {
            assert_eq!(parse_amount(text), Ok(value), "{text}");
        }
    }

    #[test]
    fn refuses_with_what_is_wrong() {
        for (text, message) in [
            ("", "`` is not an amount: it is empty"),
            ("-1", "`-1` is not an amount: an amount cannot be negative"),
            ("+5", "`+5` is not an amount: write it without a sign"),
            ("1e400", "`1e400` is not an amount: exponents are not amounts"),
            (
                "1.5.5M",
                "`1.5.5M` is not an amount: it has more than one decimal point",
            ),
            (
                "5x",
                "`5x` is not an amount: it ends in an unknown multiplier (use k for thousands, M for millions, bn for billions)",
            ),
            ("k", "`k` is not an amount: it has no digits"),
            ("_100", "`_100` is not an amount: `_` goes only between digits"),
            ("100_", "`100_` is not an amount: `_` goes only between digits"),
            ("1__0", "`1__0` is not an amount: `_` goes only between digits"),
            ("1,5", "`1,5` is not an amount: `,` is not a digit"),
            (
                ".5",
                "`.5` is not an amount: a decimal point needs digits on both sides",
            ),
            (
                "99999999999999999999",
                "`99999999999999999999` is not an amount: it is too large (the most is 1000000bn)",
            ),
            (
                "2000000bn",
                "`2000000bn` is not an amount: it is too large (the most is 1000000bn)",
            ),
        ] {
            let err = parse_amount(text).expect_err(text);
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn a_huge_text_is_refused_without_panic() {
        let text = "9".repeat(100_000);
        assert!(parse_amount(&text).is_err());
        let text = "1".to_string() + &"_000".repeat(50_000);
        assert!(parse_amount(&text).is_err());
    }
}
