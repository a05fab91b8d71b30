//! The reclaimer: a background thread that frees retired versions once no reader holds them.

use std::sync::atomic::AtomicBool;
use std::thread::{self, JoinHandle, Thread};
use std::time::Duration;

use crate::protocol::Version;
use crate::retire::Retired;
use crate::sync::{Arc, Ordering};

/// When superseded versions are freed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reclaim {
    /// A background thread frees them: woken after every commit, and every `interval` to catch
    /// versions whose last reader has since let go. Readers and writers never pay for freeing.
    Background {
        /// Longest time a version outlives its last reader (default 10 ms).
        interval: Duration,
    },
    /// The committing writer frees what it can after each commit. No thread; commits pay.
    OnCommit,
}

impl Default for Reclaim {
    fn default() -> Self {
        Reclaim::Background {
            interval: Duration::from_millis(10),
        }
    }
}

/// The running background thread.
pub(crate) struct Reclaimer {
    thread: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl Reclaimer {
    pub(crate) fn spawn<T: Send + Sync + 'static>(
        retired: Arc<Retired<Version<T>>>,
        interval: Duration,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("kb-reclaimer".into())
            .spawn(move || {
                // Acquire pairs with the Release in `Drop`: nothing to publish beyond the flag.
                while !flag.load(Ordering::Acquire) {
                    retired.collect();
                    thread::park_timeout(interval);
                }
                retired.collect();
            })
            .expect("cannot spawn the kb-reclaimer thread");
        Reclaimer {
            thread: Some(thread),
            stop,
        }
    }

    pub(crate) fn handle(&self) -> Thread {
        self.thread
            .as_ref()
            .expect("reclaimer running")
            .thread()
            .clone()
    }
}

impl Drop for Reclaimer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}
