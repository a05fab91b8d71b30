//! Progress: a bar with an ETA on a terminal (nothing otherwise).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `len` cells, drawn only on a terminal and when `enabled`.
pub fn bar(len: u64, enabled: bool) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} points, ETA {eta}  {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar
}
