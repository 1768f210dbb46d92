//! Quotes from outside: the body of `POST /api/quotes`, a batch of prices any system may
//! feed, and the checks that keep a bad item from changing anything.

use super::Millis;
use serde::{Deserialize, Serialize};

/// One fed price; only `symbol` and `price` are required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FedQuote {
    pub symbol: String,
    pub price: f64,
    /// Company name; defaults to the one already shown, or the symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The reference the change is measured from; defaults to the one already shown, or
    /// the first price fed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_close: Option<f64>,
    /// When the price was observed; defaults to when the server received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<Millis>,
}

/// Largest batch a request may carry (it fits the 64 KiB body limit with room to spare).
pub const MAX_BATCH: usize = 500;
/// Highest price accepted: beyond any real instrument, below where `f64` cents blur.
pub const MAX_PRICE: f64 = 1e12;
/// Longest company name.
pub const MAX_NAME: usize = 60;
/// Latest `time_ms` accepted: the largest integer JavaScript holds exactly.
pub const MAX_TIME_MS: Millis = (1 << 53) - 1;

/// A symbol in the form the dashboard shows it: 1 to 10 letters, digits, `.` or `-`,
/// starting with a letter or digit, in upper case. The error says what is wrong.
pub fn normalize_symbol(raw: &str) -> Result<String, String> {
    let symbol = raw.trim().to_ascii_uppercase();
    let valid = (1..=10).contains(&symbol.len())
        && symbol.starts_with(|c: char| c.is_ascii_alphanumeric())
        && symbol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if valid {
        Ok(symbol)
    } else {
        Err(format!(
            "`{}` is not a symbol: 1 to 10 letters, digits, `.` or `-`",
            raw.trim()
        ))
    }
}

/// Checks a whole batch before any of it is applied; the message names the item and field
/// (`[2].price`). Returns the items with their symbols normalised and names trimmed.
pub fn validate_batch(batch: Vec<FedQuote>) -> Result<Vec<FedQuote>, String> {
    if batch.is_empty() || batch.len() > MAX_BATCH {
        return Err(format!(
            "a batch holds 1 to {MAX_BATCH} quotes, got {}",
            batch.len()
        ));
    }
    batch
        .into_iter()
        .enumerate()
        .map(|(i, mut quote)| {
            quote.symbol = normalize_symbol(&quote.symbol).map_err(|e| format!("`[{i}].symbol`: {e}"))?;
            let price_ok = |p: f64| p.is_finite() && p > 0.0 && p <= MAX_PRICE;
            if !price_ok(quote.price) {
                return Err(format!(
                    "`[{i}].price` must be a number above 0 and at most {MAX_PRICE:e}, got {}",
                    quote.price
                ));
            }
            if let Some(close) = quote.previous_close.filter(|c| !price_ok(*c)) {
                return Err(format!(
                    "`[{i}].previous_close` must be a number above 0 and at most {MAX_PRICE:e}, got {close}"
                ));
            }
            if let Some(name) = &mut quote.name {
                *name = name.trim().to_owned();
                if name.is_empty() || name.chars().count() > MAX_NAME {
                    return Err(format!("`[{i}].name` must be 1 to {MAX_NAME} characters"));
                }
            }
            if quote.time_ms.is_some_and(|t| t > MAX_TIME_MS) {
                return Err(format!("`[{i}].time_ms` must be at most {MAX_TIME_MS}"));
            }
            Ok(quote)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fed(symbol: &str, price: f64) -> FedQuote {
        FedQuote {
            symbol: symbol.into(),
            price,
            name: None,
            previous_close: None,
            time_ms: None,
        }
    }

    #[test]
    fn a_valid_batch_is_normalised() {
        let batch = validate_batch(vec![fed(" acme ", 12.5), fed("BRK.B", 400.0)]).unwrap();
        assert_eq!(batch[0].symbol, "ACME");
        assert_eq!(batch[1].symbol, "BRK.B");
    }

    #[test]
    fn a_bad_item_names_its_place_and_field() {
        let cases: [(Vec<FedQuote>, &str); 7] = [
            (vec![], "1 to 500"),
            (vec![fed("OK", 1.0), fed("<b>", 1.0)], "`[1].symbol`"),
            (vec![fed("OK", 0.0)], "`[0].price`"),
            (vec![fed("OK", -3.0)], "`[0].price`"),
            (vec![fed("OK", f64::NAN)], "`[0].price`"),
            (vec![fed("OK", 2e12)], "`[0].price`"),
            (
                vec![FedQuote {
                    previous_close: Some(f64::INFINITY),
                    ..fed("OK", 1.0)
                }],
                "`[0].previous_close`",
            ),
        ];
        for (batch, expected) in cases {
            let error = validate_batch(batch).unwrap_err();
            assert!(error.contains(expected), "{error} lacks {expected}");
        }
        let named = FedQuote {
            name: Some("   ".into()),
            ..fed("OK", 1.0)
        };
        assert!(
            validate_batch(vec![named])
                .unwrap_err()
                .contains("`[0].name`")
        );
        let late = FedQuote {
            time_ms: Some(u64::MAX),
            ..fed("OK", 1.0)
        };
        assert!(
            validate_batch(vec![late])
                .unwrap_err()
                .contains("`[0].time_ms`")
        );
    }
}
