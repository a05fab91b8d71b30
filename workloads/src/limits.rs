//! The bounds a workload must stay within, whatever the machine: windows long enough to
//! measure and short enough to finish, rates a schedule can keep, batches and op budgets that fit
//! in memory. Spec validation holds every field to them, and the harness holds its command-line
//! flags to the same functions, so a value means the same in a file and on the command line.
//! (Bounds that depend on the machine — threads per core, memory for the keys — are the
//! harness's.)

use std::time::Duration;

use crate::units::format_duration;

/// Shortest measured window: below it a window holds too few operations (or none) to report.
pub const MIN_WINDOW: Duration = Duration::from_millis(10);
/// Longest window, warm-up or soak.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
/// Most operations per thread a bounded-by-count run may ask for.
pub const MAX_OP_BUDGET: u64 = 1_000_000_000;
/// Most repetitions of a run.
pub const MAX_REPETITIONS: u32 = 1000;
/// Largest write batch (the isolation checker's plan holds four keys per batch slot in a u32).
pub const MAX_BATCH_SIZE: usize = 1 << 20;
/// Most threads of one point, whatever the machine (the harness's own cap is lower).
pub const MAX_THREADS: usize = 4096;
/// Fastest rate per thread a schedule can be asked for (one operation per nanosecond).
pub const MAX_RATE: f64 = 1e9;
/// Slowest pace of a run bounded by operation count (one unit per hour).
pub const MIN_RATE_WITHOUT_WINDOW: f64 = 1.0 / 3600.0;

/// What is wrong with a value, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub problem: String,
    pub fix: String,
}

fn breach(problem: impl Into<String>, fix: impl Into<String>) -> Result<(), Breach> {
    Err(Breach {
        problem: problem.into(),
        fix: fix.into(),
    })
}

/// A measured window: at least [`MIN_WINDOW`], at most [`MAX_DURATION`].
pub fn window(d: Duration) -> Result<(), Breach> {
    if d < MIN_WINDOW {
        return breach(
            format!(
                "a window of {} is too short to measure (at least {})",
                format_duration(d),
                format_duration(MIN_WINDOW)
            ),
            "give e.g. \"500ms\" or \"2s\"",
        );
    }
    at_most_a_day(d)
}

/// A warm-up or a soak: at most [`MAX_DURATION`].
pub fn at_most_a_day(d: Duration) -> Result<(), Breach> {
    if d > MAX_DURATION {
        return breach(
            format!("{} is longer than the limit of 24h", format_duration(d)),
            "give at most \"24h\"; split longer runs",
        );
    }
    Ok(())
}

/// An op budget per thread: 1 ..= [`MAX_OP_BUDGET`].
pub fn op_budget(n: u64) -> Result<(), Breach> {
    if n == 0 || n > MAX_OP_BUDGET {
        return breach(
            format!("an op budget must be in 1..={MAX_OP_BUDGET} operations per thread"),
            "give e.g. 100000, or bound the run by time instead",
        );
    }
    Ok(())
}

/// Repetitions: 1 ..= [`MAX_REPETITIONS`].
pub fn repetitions(n: u32) -> Result<(), Breach> {
    if n == 0 || n > MAX_REPETITIONS {
        return breach(
            format!("repetitions must be in 1..={MAX_REPETITIONS}"),
            "use e.g. 3",
        );
    }
    Ok(())
}

/// A batch size: 1 ..= [`MAX_BATCH_SIZE`].
pub fn batch_size(n: usize) -> Result<(), Breach> {
    if n == 0 || n > MAX_BATCH_SIZE {
        return breach(
            format!("batch size must be in 1..={MAX_BATCH_SIZE}"),
            "use 1 to commit every write, or e.g. 16",
        );
    }
    Ok(())
}

/// Threads of one point: 1 ..= [`MAX_THREADS`].
pub fn threads(n: usize) -> Result<(), Breach> {
    if n == 0 || n > MAX_THREADS {
        return breach(
            format!("a point needs 1..={MAX_THREADS} threads"),
            "use counts such as 1, 2, 4",
        );
    }
    Ok(())
}

/// A rate per second per thread, for a run with measured window `window` (`None`: bounded by
/// operation count): positive, at most [`MAX_RATE`], and fast enough that a unit falls inside
/// the window (else the thread would sit idle the whole window, or sleep past it).
pub fn rate(r: f64, window: Option<Duration>) -> Result<(), Breach> {
    let fix = "give a rate per second per thread such as 1000, or remove it for a closed loop";
    if !(r.is_finite() && r > 0.0) {
        return breach("a rate must be > 0", fix);
    }
    if r > MAX_RATE {
        return breach(
            format!("{r} per second is faster than one operation per nanosecond"),
            fix,
        );
    }
    let period = 1.0 / r;
    match window {
        Some(w) if period > w.as_secs_f64() => breach(
            format!(
                "one operation per {period:.3e} s does not fit in the {} window",
                format_duration(w)
            ),
            format!(
                "give at least {:.3} per second, or a longer window",
                1.0 / w.as_secs_f64()
            ),
        ),
        None if r < MIN_RATE_WITHOUT_WINDOW => breach(
            format!("one operation per {period:.3e} s would take hours per unit"),
            fix,
        ),
        _ => Ok(()),
    }
}

/// The first value that appears twice in `values`, if any (a sweep axis lists each value once:
/// a repeated value would show as if it were a repetition).
pub fn first_duplicate<T: PartialEq>(values: &[T]) -> Option<&T> {
    values
        .iter()
        .enumerate()
        .find(|(i, v)| values[..*i].contains(v))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_hold_at_their_edges() {
        assert!(window(MIN_WINDOW).is_ok());
        assert!(window(MIN_WINDOW - Duration::from_nanos(1)).is_err());
        assert!(window(MAX_DURATION).is_ok());
        assert!(window(MAX_DURATION + Duration::from_secs(1)).is_err());
        assert!(op_budget(MAX_OP_BUDGET).is_ok() && op_budget(MAX_OP_BUDGET + 1).is_err());
        assert!(repetitions(0).is_err() && repetitions(MAX_REPETITIONS).is_ok());
        assert!(batch_size(MAX_BATCH_SIZE).is_ok() && batch_size(MAX_BATCH_SIZE + 1).is_err());
        let second = Some(Duration::from_secs(1));
        assert!(rate(1.0, second).is_ok());
        assert!(rate(0.5, second).is_err(), "one op per 2 s in a 1 s window");
        assert!(rate(1e-300, None).is_err() && rate(1e300, None).is_err());
        assert!(rate(f64::NAN, None).is_err() && rate(0.0, None).is_err());
        assert_eq!(first_duplicate(&[1, 2, 1]), Some(&1));
        assert_eq!(first_duplicate(&[1, 2, 3]), None);
    }
}
