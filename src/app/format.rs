//! Number and time formatting shared by server rendering and the browser. Pure arithmetic
//! (no locale, no local time zone) so both sides print exactly the same text and
//! hydration matches. Decimals are printed from rounded integers.
//! own formatting, which would add ~5 KB to the browser bundle (README "Performance").

/// `value` rounded to `places` decimals (0 to 3, half away from zero): `fixed(2.25, 1)` →
/// `2.3`, `fixed(-0.04, 1)` → `0.0`.
pub fn fixed(value: f64, places: u32) -> String {
    let scale = 10u64.pow(places.min(3));
    let scaled = (value.abs() * scale as f64).round() as u64;
    let sign = if value < 0.0 && scaled > 0 { "-" } else { "" };
    let (whole, frac) = (scaled / scale, scaled % scale);
    match places {
        0 => format!("{sign}{whole}"),
        _ => format!(
            "{sign}{whole}.{frac:0width$}",
            width = places.min(3) as usize
        ),
    }
}

/// `value` with up to three decimals and no trailing zeros: `2.5` → `2.5`, `1.0` → `1`.
pub fn short(value: f64) -> String {
    let text = fixed(value, 3);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `1234.5` → `1,234.50`.
pub fn price(value: f64) -> String {
    let cents = (value.abs() * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if value < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}{grouped}.{frac:02}")
}

/// A signed change: `+1.25` / `−0.40` (a real minus sign).
pub fn signed(value: f64) -> String {
    let text = price(value.abs());
    if (value * 100.0).round() > 0.0 {
        format!("+{text}")
    } else if (value * 100.0).round() < 0.0 {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

/// A signed percentage with two decimals: `+0.42%`.
pub fn percent(value: f64) -> String {
    format!("{}%", signed(value))
}

/// Milliseconds since the epoch → `HH:MM:SS` in UTC.
pub fn clock(ms: u64) -> String {
    let secs = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// A span of time, short: `850 ms`, `4.2 s`, `3 min 05 s`, `2 h 07 min`.
pub fn duration(ms: u64) -> String {
    let secs = ms / 1000;
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{} s", fixed(ms as f64 / 1000.0, 1)),
        60_000..3_600_000 => format!("{} min {:02} s", secs / 60, secs % 60),
        _ => format!("{} h {:02} min", secs / 3600, secs / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_prices_changes_and_times() {
        assert_eq!(price(1234.5), "1,234.50");
        assert_eq!(price(0.004), "0.00");
        assert_eq!(price(999_999.999), "1,000,000.00");
        assert_eq!(signed(1.254), "+1.25");
        assert_eq!(signed(-0.4), "\u{2212}0.40");
        assert_eq!(signed(-0.001), "0.00");
        assert_eq!(percent(0.42), "+0.42%");
        assert_eq!(clock(3_723_000), "01:02:03");
        assert_eq!(fixed(2.25, 1), "2.3");
        assert_eq!(fixed(14.0, 1), "14.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-1.26, 1), "-1.3");
        assert_eq!(fixed(99.5, 0), "100");
        assert_eq!(fixed(0.1234, 3), "0.123");
        assert_eq!(short(2.5), "2.5");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(0.125), "0.125");
        assert_eq!(short(10.0), "10");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(4_240), "4.2 s");
        assert_eq!(duration(185_000), "3 min 05 s");
        assert_eq!(duration(7_620_000), "2 h 07 min");
    }
}
