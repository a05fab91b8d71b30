//! A deliberate slowdown, for measuring whether the regression gate catches one: built only with
//! the `slowdown` feature, never in a normal build.
//!
//! The percentages are read when the crate is compiled, from `KB_SLOWDOWN_GET` and
//! `KB_SLOWDOWN_COMMIT` (whole percents, 0–100; unset is 0). At `p` percent, `p` operations in
//! every 100, spread evenly, cost twice their work:
//! - **get**: it also looks up the key of the previous slowed get: `p`% more lookups, plus a
//!   counter of a few instructions on every get. The repeated key was looked up a few gets ago,
//!   so its path is warmer than a fresh key's: in time a slowed get costs less than a cold one
//!   (measured on a 2-core EPYC: `p` = 10 → +7.7% per get, 13 → +9.8%; `p` = 1 → +2.8%
//!   instructions);
//! - **commit**: once published, it spins for as long as its batch took from the first staged
//!   write to the end of the commit: `p`% more time for the write path of a batch (its cost is
//!   mostly the staging's copy-on-write and the freeing after publication, which no repeat on a
//!   throwaway copy reproduces; measured: 10 → +10.2%), and no fixed share of instructions.
//!
//! `scripts/gate-power.sh` measures what a setting actually costs before relying on it.

use std::{
    cell::{Cell, RefCell},
    sync::atomic::{AtomicU32, Ordering::Relaxed},
    time::{Duration, Instant},
};

/// `KB_SLOWDOWN_GET` as compiled in.
pub const GET_PERCENT: u32 = percent(option_env!("KB_SLOWDOWN_GET"));
/// `KB_SLOWDOWN_COMMIT` as compiled in.
pub const COMMIT_PERCENT: u32 = percent(option_env!("KB_SLOWDOWN_COMMIT"));

/// A whole percent from a compile-time variable; anything but 0–100 stops the build.
const fn percent(v: Option<&str>) -> u32 {
    let Some(s) = v else { return 0 };
    let b = s.as_bytes();
    assert!(!b.is_empty(), "KB_SLOWDOWN_*: a whole percent, 0-100");
    let mut n = 0u32;
    let mut i = 0;
    while i < b.len() {
        assert!(
            b[i].is_ascii_digit(),
            "KB_SLOWDOWN_*: a whole percent, 0-100"
        );
        n = n * 10 + (b[i] - b'0') as u32;
        assert!(n <= 100, "KB_SLOWDOWN_*: a whole percent, 0-100");
        i += 1;
    }
    n
}

/// Each operation's credit towards its next slowed call. Shared by all threads and updated without a read-modify-write
/// (two plain moves, so counting costs a non-slowed call next to nothing): with several threads
/// the share of slowed calls is approximate.
static GETS: AtomicU32 = AtomicU32::new(0);
static COMMITS: AtomicU32 = AtomicU32::new(0);

thread_local! {
    static PREVIOUS_KEY: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static BATCH_START: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Before a get of `key`: on a slowed one, `lookup` the previous slowed get's key too.
#[inline(always)]
pub(crate) fn get(key: &[u8], lookup: impl FnOnce(&[u8]) -> bool) {
    if !due(&GETS, GET_PERCENT) {
        return;
    }
    PREVIOUS_KEY.with_borrow_mut(|previous| {
        if !previous.is_empty() {
            std::hint::black_box(lookup(previous));
        }
        previous.clear();
        previous.extend_from_slice(key);
    });
}

/// A write was staged: the batch's clock starts at its first.
#[inline(always)]
pub(crate) fn staging() {
    if COMMIT_PERCENT != 0 && BATCH_START.get().is_none() {
        BATCH_START.set(Some(Instant::now()));
    }
}

/// A commit was published: a slowed one spins as long as its batch took.
pub(crate) fn committed() {
    let started = BATCH_START.take();
    if let (true, Some(t)) = (due(&COMMITS, COMMIT_PERCENT), started) {
        spin(t.elapsed());
    }
}

/// Busy-waits for `d` (a slowdown must cost CPU time, as a real regression does, not sleep).
fn spin(d: Duration) {
    let t = Instant::now();
    while t.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// Whether this call is slowed: exactly `percent` in every 100 calls, spread evenly (the counter
/// gains `percent` a call and a call is slowed each time it passes 100).
#[inline(always)]
fn due(credit: &AtomicU32, percent: u32) -> bool {
    if percent == 0 {
        return false;
    }
    let c = credit.load(Relaxed) + percent;
    let due = c >= 100;
    credit.store(if due { c - 100 } else { c }, Relaxed);
    due
}

#[cfg(test)]
mod tests {
    #[test]
    fn percents_parse() {
        assert_eq!(super::percent(None), 0);
        assert_eq!(super::percent(Some("10")), 10);
        assert_eq!(super::percent(Some("2")), 2);
    }
}
