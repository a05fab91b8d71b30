//! Progress and interruption: a bar with an ETA on a terminal (nothing otherwise), and Ctrl-C,
//! which stops the run after the current cell and keeps every finished one.

use std::{
    io::IsTerminal,
    sync::atomic::{AtomicBool, Ordering},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Set by the Ctrl-C handler; checked between cells.
static STOP: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C stop the run after the current cell (a second one exits at once).
pub fn install_ctrlc() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            eprintln!("\nsecond Ctrl-C: exiting now (results of this run are not written)");
            std::process::exit(130);
        }
        eprintln!("\nCtrl-C: stopping after the current point (press again to abort)");
    });
}

/// Whether the user asked the run to stop.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

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
