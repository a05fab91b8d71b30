//! Human-readable numbers for tick labels and tables: 1.2M ops/s, 850 ns, 3.4 µs, 12 ms.

/// `1234567.0` → `"1.23M"`; plain below 1000.
pub fn si(v: f64) -> String {
    let a = v.abs();
    let (d, s) = if a >= 1e9 {
        (1e9, "G")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    trim(v / d) + s
}

/// Nanoseconds in the largest unit that keeps the number ≥ 1: `"850 ns"`, `"3.4 µs"`, `"12 ms"`.
pub fn ns(v: f64) -> String {
    let a = v.abs();
    let (d, s) = if a >= 1e9 {
        (1e9, "s")
    } else if a >= 1e6 {
        (1e6, "ms")
    } else if a >= 1e3 {
        (1e3, "µs")
    } else {
        (1.0, "ns")
    };
    format!("{} {s}", trim(v / d))
}

/// Bytes in MiB/GiB.
pub fn bytes(v: f64) -> String {
    if v >= 1024.0 * 1024.0 * 1024.0 {
        format!("{} GiB", trim(v / (1024.0 * 1024.0 * 1024.0)))
    } else {
        format!("{} MiB", trim(v / (1024.0 * 1024.0)))
    }
}

/// A count with thousands separators: `64551` → `"64,551"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A median with its range when repetitions differ: `1.6M`, `1.6M [1.55M–1.65M]`.
pub fn spread(s: &analysis::Spread, f: fn(f64) -> String) -> String {
    if s.min == s.max {
        f(s.median)
    } else {
        format!("{} [{}–{}]", f(s.median), f(s.min), f(s.max))
    }
}

/// A ratio: `1.30×`, `58.5×`, `155k×`.
pub fn times(x: f64) -> String {
    if x >= 1000.0 {
        format!("{}×", si(x))
    } else if x >= 100.0 {
        format!("{x:.0}×")
    } else if x >= 10.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

/// A signed percentage change: `+12.3%`, `-4.0%`.
pub fn pct(change: f64) -> String {
    format!("{:+.1}%", change * 100.0)
}

/// At most three significant digits, no trailing zeros.
fn trim(x: f64) -> String {
    let digits = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(si(1_234_567.0), "1.23M");
        assert_eq!(si(950.0), "950");
        assert_eq!(si(12_000.0), "12k");
        assert_eq!(ns(850.0), "850 ns");
        assert_eq!(ns(3_400.0), "3.4 µs");
        assert_eq!(ns(12_000_000.0), "12 ms");
        assert_eq!(bytes(3.0 * 1024.0 * 1024.0), "3 MiB");
        assert_eq!(pct(-0.2), "-20.0%");
        assert_eq!(count(64_551), "64,551");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(times(1.304), "1.30×");
        assert_eq!(times(58.54), "58.5×");
        assert_eq!(times(155_403.8), "155k×");
    }
}
