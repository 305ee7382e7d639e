//! A progress bar on standard error for long simulations. It draws only when standard
//! error is a terminal (so piped and redirected output stays clean), only once the work
//! has taken long enough to notice, and at most a few times a second.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Work shorter than this shows no bar at all (`RISKFIRST_PROGRESS_DELAY_MS` overrides it).
const QUIET_FOR: Duration = Duration::from_millis(400);
/// Redraw no more often than this.
const REDRAW_EVERY: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

pub struct Bar {
    label: String,
    start: Instant,
    quiet_for: Duration,
    state: Mutex<State>,
    enabled: bool,
}

struct State {
    last_draw: Option<Instant>,
    best: u64,
    drawn: bool,
}

impl Bar {
    /// A bar for `label` (such as "simulating"), drawn if standard error is a terminal
    /// and `RISKFIRST_NO_PROGRESS` is not set.
    pub fn new(label: &str) -> Bar {
        let enabled =
            std::io::stderr().is_terminal() && std::env::var_os("RISKFIRST_NO_PROGRESS").is_none();
        let quiet_for = std::env::var("RISKFIRST_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(QUIET_FOR, Duration::from_millis);
        Bar {
            label: label.to_string(),
            start: Instant::now(),
            quiet_for,
            state: Mutex::new(State {
                last_draw: None,
                best: 0,
                drawn: false,
            }),
            enabled,
        }
    }

    /// Whether anything will be drawn.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Records `done` of `total` (calls may arrive out of order from worker threads).
    pub fn update(&self, done: u64, total: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.start) < self.quiet_for {
            return;
        }
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.best = st.best.max(done);
        if st
            .last_draw
            .is_some_and(|t| now.duration_since(t) < REDRAW_EVERY)
            && st.best < total
        {
            return;
        }
        st.last_draw = Some(now);
        st.drawn = true;
        let line = render(&self.label, st.best, total, now.duration_since(self.start));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }

    /// Clears the bar's line, if one was drawn.
    pub fn finish(&self) {
        if let Ok(mut st) = self.state.lock() {
            if std::mem::take(&mut st.drawn) {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K");
                let _ = err.flush();
            }
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// One line: `simulating 100,000 years [██████░░░░]  60%, 2s left`. The counts are of
/// work done, which may exceed the years when the groups are simulated in several batches.
fn render(label: &str, done: u64, total: u64, elapsed: Duration) -> String {
    let fraction = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    };
    let filled = (fraction * WIDTH as f64).round() as usize;
    let bar: String = "█".repeat(filled) + &"░".repeat(WIDTH - filled);
    let left = if fraction > 0.0 && fraction < 1.0 {
        let remaining = elapsed.as_secs_f64() * (1.0 - fraction) / fraction;
        format!(", {:.0}s left", remaining.ceil())
    } else {
        String::new()
    };
    format!("{label} [{bar}] {:>3.0}%{left}", fraction * 100.0)
}

pub use riskfirst_model::text::thousands;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fraction_count_and_time_left() {
        let line = render("simulating", 25_000, 100_000, Duration::from_secs(1));
        assert_eq!(
            line,
            format!(
                "simulating [{}{}]  25%, 3s left",
                "█".repeat(8),
                "░".repeat(22)
            )
        );
        let done = render("simulating", 100_000, 100_000, Duration::from_secs(4));
        assert!(done.ends_with("] 100%"), "{done}");
        assert!(!done.contains("left"), "{done}");
    }

    #[test]
    fn counts_beyond_the_total_and_empty_totals_stay_in_range() {
        assert!(render("x", 7, 5, Duration::ZERO).ends_with("] 100%"));
        assert!(render("x", 0, 0, Duration::ZERO).ends_with("] 100%"));
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
