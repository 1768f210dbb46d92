//! A small SVG line of a symbol's recent prices, with its opening price as a baseline.

use crate::{app::format::fixed, protocol::QuoteSeries};
use leptos::prelude::*;

const WIDTH: f64 = 96.0;
const HEIGHT: f64 = 28.0;
/// The box as attribute text, written out rather than formatted from the floats.
const VIEW_BOX: &str = "0 0 96 28";
const WIDTH_TEXT: &str = "96";
const HEIGHT_TEXT: &str = "28";

/// The line for `series`; rendered as part of its row (`quote_row.rs`).
pub fn sparkline(series: &QuoteSeries) -> impl IntoView + use<> {
    let (line, baseline) = points(&series.history, series.quote.open);
    view! {
        <svg class="sparkline" viewBox=VIEW_BOX width=WIDTH_TEXT height=HEIGHT_TEXT
            role="img" aria-label="price trend" preserveAspectRatio="none">
            <line class="baseline" x1="0" x2=WIDTH_TEXT y1=baseline.clone() y2=baseline/>
            <polyline points=line fill="none"/>
        </svg>
    }
}

/// The polyline's points and the baseline's y, scaled to fit the box with a margin.
fn points(history: &[f64], open: f64) -> (String, String) {
    let (lo, hi) = history
        .iter()
        .fold((open, open), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
    let span = (hi - lo).max(f64::EPSILON);
    let y = |p: f64| fixed(2.0 + (hi - p) / span * (HEIGHT - 4.0), 1);
    let step = WIDTH / (history.len().max(2) - 1) as f64;
    let line = history
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{},{}", fixed(i as f64 * step, 1), y(*p)))
        .collect::<Vec<_>>()
        .join(" ");
    (line, y(open))
}

#[cfg(test)]
mod tests {
    use super::points;

    #[test]
    fn scales_into_the_box() {
        let (line, base) = points(&[1.0, 3.0, 2.0], 2.0);
        assert_eq!(line, "0.0,26.0 48.0,2.0 96.0,14.0");
        assert_eq!(base, "14.0");
    }
}
