//! When the next unit of work may start: closed loop (at once), open loop (a fixed schedule; the
//! latency of a late operation counts from its *intended* start, so a stall is not hidden —
//! coordinated omission corrected), or a closed loop capped at a rate. All in raw clock ticks.

use quanta::Clock;

/// Converts durations to raw clock ticks (measured against the clock's own nanosecond scale).
#[derive(Debug, Clone, Copy)]
pub struct Ticks {
    per_ns: f64,
}

impl Ticks {
    /// Calibrates over ~10 ms.
    pub fn calibrate(clock: &Clock) -> Ticks {
        let (r0, t0) = (clock.raw(), std::time::Instant::now());
        while t0.elapsed() < std::time::Duration::from_millis(10) {
            std::hint::spin_loop();
        }
        let r1 = clock.raw();
        let ns = clock.delta_as_nanos(r0, r1).max(1);
        Ticks {
            per_ns: (r1.wrapping_sub(r0)) as f64 / ns as f64,
        }
    }
    pub fn of(&self, d: std::time::Duration) -> u64 {
        (d.as_nanos() as f64 * self.per_ns) as u64
    }
    pub fn of_ns(&self, ns: f64) -> u64 {
        (ns * self.per_ns) as u64
    }
}

/// How one thread paces its units (ops for readers, batches for writers).
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    Closed,
    /// A schedule: unit `k` is due at `origin + k * period`.
    Open {
        period: u64,
    },
    /// Closed loop, but no unit starts earlier than `period` after the previous one started.
    Capped {
        period: u64,
    },
}

/// Per-thread pacing state.
pub struct Pacer {
    pace: Pace,
    next: u64,
}

/// Where a unit's latency counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Its intended start on the open-loop schedule (a late unit is not excused).
    Intended(u64),
    /// The moment the operation starts (read just before it).
    Now,
}

impl Origin {
    /// The tick the latency counts from.
    #[inline]
    pub fn tick(self, clock: &Clock) -> u64 {
        match self {
            Origin::Intended(t) => t,
            Origin::Now => clock.raw(),
        }
    }
}

impl Pacer {
    pub fn new(pace: Pace, origin: u64) -> Pacer {
        Pacer { pace, next: origin }
    }

    /// Whether the next unit may start before `end` (without waiting): a unit due at or after
    /// the end of its stretch is never drawn.
    #[inline]
    pub fn starts_before(&self, end: u64) -> bool {
        match self.pace {
            Pace::Closed => true,
            Pace::Open { .. } | Pace::Capped { .. } => self.next < end,
        }
    }

    /// Waits until the next unit may start; `None` if that would be at or after `end` (then it
    /// waits until `end` and the unit must not start: a slow pace never runs past its window).
    #[inline]
    pub fn next_unit(&mut self, clock: &Clock, ticks_per_ms: u64, end: u64) -> Option<Origin> {
        match self.pace {
            Pace::Closed => Some(Origin::Now),
            Pace::Open { period } => {
                let due = self.next;
                self.next = due.wrapping_add(period);
                wait_until(clock, due, ticks_per_ms, end).then_some(Origin::Intended(due))
            }
            Pace::Capped { period } => {
                let ready = wait_until(clock, self.next, ticks_per_ms, end);
                self.next = clock.raw().wrapping_add(period);
                ready.then_some(Origin::Now)
            }
        }
    }
}

/// Sleeps while more than ~1 ms remains, then spins, until `due`; `false` (at `end`) if `due`
/// is at or after `end`.
fn wait_until(clock: &Clock, due: u64, ticks_per_ms: u64, end: u64) -> bool {
    let until = due.min(end);
    loop {
        let now = clock.raw();
        if now >= until {
            return due < end;
        }
        if until - now > 2 * ticks_per_ms {
            std::thread::sleep(std::time::Duration::from_micros(500));
        } else {
            std::hint::spin_loop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_due_at_the_end_is_not_started() {
        let clock = Clock::new();
        let p = Pacer::new(Pace::Open { period: 10 }, 1_000);
        assert!(!p.starts_before(1_000) && p.starts_before(1_001));
        assert!(Pacer::new(Pace::Closed, 1_000).starts_before(0));
        let ms = Ticks::calibrate(&clock).of(std::time::Duration::from_millis(1));
        let mut late = Pacer::new(Pace::Open { period: 10 }, clock.raw());
        assert!(
            late.next_unit(&clock, ms, 0).is_none(),
            "due after an end in the past"
        );
    }

    #[test]
    fn open_loop_returns_the_schedule_and_waits_for_it() {
        let clock = Clock::new();
        let t = Ticks::calibrate(&clock);
        let period = t.of(std::time::Duration::from_millis(2));
        let origin = clock.raw();
        let mut p = Pacer::new(Pace::Open { period }, origin);
        let ms = t.of(std::time::Duration::from_millis(1));
        let at = |k: u64| Some(Origin::Intended(origin + k * period));
        assert_eq!(p.next_unit(&clock, ms, u64::MAX), at(0));
        assert_eq!(p.next_unit(&clock, ms, u64::MAX), at(1));
        assert!(clock.raw() >= origin + period);
        // Five more units: each returns its slot on the schedule, not before the clock got there
        // (judged on the pacer's own clock: no second clock to disagree with).
        for k in 2..7 {
            assert_eq!(p.next_unit(&clock, ms, u64::MAX), at(k));
            assert!(clock.raw() >= origin + k * period);
        }
    }

    #[test]
    fn a_unit_due_after_the_window_never_starts_and_the_wait_stops_at_the_end() {
        let clock = Clock::new();
        let t = Ticks::calibrate(&clock);
        let ms = t.of(std::time::Duration::from_millis(1));
        let origin = clock.raw();
        // One unit per 100 s, in a 5 ms window: the first is due at once, the second never.
        let mut p = Pacer::new(
            Pace::Open {
                period: 100_000 * ms,
            },
            origin,
        );
        let end = origin + 5 * ms;
        assert_eq!(p.next_unit(&clock, ms, end), Some(Origin::Intended(origin)));
        assert_eq!(p.next_unit(&clock, ms, end), None);
        let after = clock.raw();
        assert!(
            after >= end && after < end + 1000 * ms,
            "waited until the end, not 100 s"
        );
        let mut capped = Pacer::new(
            Pace::Capped {
                period: 100_000 * ms,
            },
            origin,
        );
        assert_eq!(capped.next_unit(&clock, ms, end), Some(Origin::Now));
        assert_eq!(capped.next_unit(&clock, ms, end), None);
    }
}
