//! Interruption: Ctrl-C, SIGTERM and SIGHUP ask long work (a run's sweep, a soak) to stop after
//! its current step and still write and print what it has; a second signal exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the signal handler; checked between cells (and by the soak's watcher).
static STOP: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C, SIGTERM and SIGHUP stop the work after its current step (`what` says what the
/// user gets, e.g. "stopping after the current point"); a second signal exits at once.
pub fn install_stop_handler(what: &'static str) {
    let _ = ctrlc::set_handler(move || {
        if STOP.swap(true, Ordering::SeqCst) {
            eprintln!("\nsecond interrupt: exiting now (nothing more is written)");
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: {what} (interrupt again to abort)");
    });
}

/// Whether the user asked the run to stop.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}
