//! `harness stress`: a soak of the hybrid knowledge base with chaos, checked all the way by the
//! isolation checker — writers that panic mid-batch (caught; the lease must come back and the
//! writer carries on), long-held snapshots, a contender leasing overlapping partitions, bursts —
//! ending with a summary: violations by class, acknowledged batches vs batches in the final
//! state, leases recovered, and memory over time (RSS must plateau: retired versions are freed
//! once no snapshot holds them). Exit code 1 on any violation or loss.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    time::{Duration, Instant},
};

use checker::{history::Event, Plan};

use crate::{
    backends::{hybrid::Hybrid, Backend, ReadHandle, WriteHandle},
    metrics::rss_bytes,
    probes::{conclude, final_state, ProbeOut, ReaderProbe, Setup, Watermarks, WriterProbe},
};

/// Distinct cuts per reader kept for the fork check during a soak.
pub const STRESS_CUT_LOG: usize = 10_000;

/// The panic message of injected panics (silenced in the output).
const CHAOS: &str = "chaos: injected panic mid-batch";

/// What `harness stress` was asked to do.
#[derive(Debug, Clone)]
pub struct StressOptions {
    pub duration: Duration,
    pub readers: usize,
    pub writers: usize,
    pub seed: u64,
    pub history: Option<std::path::PathBuf>,
}

/// The soak's outcome.
#[derive(Debug)]
pub struct StressReport {
    pub isolation: results::Checked,
    pub acked_batches: u64,
    pub batches_in_final_state: u64,
    pub panics: u64,
    pub leases_recovered: u64,
    pub lease_refusals: u64,
    pub long_snapshots: u64,
    pub rss: Vec<u64>,
    pub retired_pending_at_end: usize,
}

impl StressReport {
    /// Nothing violated, nothing lost, every panicked writer got its lease back.
    pub fn ok(&self) -> bool {
        self.isolation.counts.total() == 0
            && self.acked_batches == self.batches_in_final_state
            && self.leases_recovered == self.panics
    }

    /// Max RSS of the middle and of the last third of the samples.
    pub fn rss_thirds(&self) -> (u64, u64) {
        let n = self.rss.len();
        let max = |a: usize, b: usize| self.rss[a..b].iter().copied().max().unwrap_or(0);
        if n < 3 {
            return (max(0, n), max(0, n));
        }
        (max(n / 3, 2 * n / 3), max(2 * n / 3, n))
    }

    pub fn render(&self) -> String {
        let (mid, last) = self.rss_thirds();
        let mb = |b: u64| b as f64 / (1 << 20) as f64;
        format!(
            "stress summary:\n  isolation: {} — {} in {} snapshots / {} reads\n  \
             batches: {} acknowledged, {} in the final state{}\n  \
             chaos: {} writer panics mid-batch, {} leases recovered; {} overlapping lease requests refused; {} long-held snapshots\n  \
             memory: RSS max {:.1} MiB in the middle third, {:.1} MiB in the last third ({:+.1}%), {} samples; {} retired versions pending at the end\n  \
             result: {}\n",
            self.isolation.verdict.short(),
            self.isolation.counts.describe(),
            self.isolation.counts.snapshots,
            self.isolation.counts.reads,
            self.acked_batches,
            self.batches_in_final_state,
            if self.acked_batches == self.batches_in_final_state { " (nothing lost)" } else { " — LOST BATCHES" },
            self.panics,
            self.leases_recovered,
            self.lease_refusals,
            self.long_snapshots,
            mb(mid),
            mb(last),
            (last as f64 / mid.max(1) as f64 - 1.0) * 100.0,
            self.rss.len(),
            self.retired_pending_at_end,
            if self.ok() { "OK" } else { "FAILED" },
        )
    }
}

/// Runs the soak; returns the report and the history events (empty unless asked for).
pub fn run(opts: &StressOptions) -> (StressReport, Vec<Event>) {
    silence_chaos_panics();
    let backend =
        Hybrid::open(&mut (0..5000u64).map(|i| (format!("stable/{i:06}").into_bytes(), i)));
    let roots: Vec<Vec<u8>> = (0..opts.writers)
        .map(|w| format!("mutable/w{w}/").into_bytes())
        .collect();
    let plan = Plan::new(opts.seed, 8);
    let marks = Watermarks::new(roots.len());
    let setup = Setup {
        plan: &plan,
        marks: &marks,
        roots: &roots,
        scans: true,
        rollback: true,
        history: opts.history.is_some(),
        // A soak watches memory: keep the fork check's cut log small, so that RSS shows the
        // knowledge base rather than the checker's log (forks are checked over each reader's
        // first STRESS_CUT_LOG distinct cuts; every other check covers the whole soak).
        cut_log: STRESS_CUT_LOG,
    };
    let stop = AtomicBool::new(false);
    let (panics, recovered, refusals, long) = (
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    );
    let mut rss = Vec::new();
    let mut outs: Vec<ProbeOut> = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for (w, root) in roots.iter().enumerate() {
            let (backend, stop, panics, recovered) = (&backend, &stop, &panics, &recovered);
            let root = root.clone();
            handles.push(s.spawn(move || {
                let mut probe = WriterProbe::new(setup, w);
                let mut handle = Some(backend.writer(&root, false));
                let mut i = 0u64;
                let mut buf = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    if (i / 200) % 4 == 3 {
                        std::thread::sleep(Duration::from_millis(1)); // between bursts
                    }
                    let wh = handle.as_mut().expect("a writer handle");
                    for j in 0..4u64 {
                        buf.clear();
                        buf.extend_from_slice(&root);
                        buf.extend_from_slice(format!("d/{}", (i * 4 + j) % 512).as_bytes());
                        let _ = wh.put(&buf, i);
                    }
                    probe.before_commit(wh);
                    if i.is_multiple_of(97) {
                        // Chaos: panic with a staged batch; the handle (and its lease) unwinds.
                        let mut doomed = handle.take();
                        let r = catch_unwind(AssertUnwindSafe(move || {
                            let _held = doomed.take();
                            panic!("{CHAOS}");
                        }));
                        assert!(r.is_err());
                        panics.fetch_add(1, Ordering::Relaxed);
                        probe.abandon();
                        // Recover: re-lease the partition and carry on. The contender below
                        // may hold an overlapping lease for an instant: retry, as a real writer
                        // waiting for its partition would.
                        let mut h = backend.writer(&root, false);
                        for _ in 0..1000 {
                            if h.put(&buf, 0).is_ok() {
                                h.rollback();
                                recovered.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                            std::thread::sleep(Duration::from_micros(100));
                        }
                        handle = Some(h);
                        continue;
                    }
                    let ok = wh.commit().is_ok();
                    probe.after_commit(ok, wh);
                }
                if let Some(h) = handle.as_mut() {
                    h.rollback();
                }
                crate::probes::Probe::Writer(Box::new(probe)).finish(&mut backend.reader())
            }));
        }
        for r in 0..opts.readers {
            let (backend, stop, long) = (&backend, &stop, &long);
            handles.push(s.spawn(move || {
                let mut probe = ReaderProbe::new(setup, r);
                let mut rh = backend.reader();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    probe.before_snapshot(&mut rh);
                    rh.snapshot().expect("hybrid snapshots never refuse");
                    probe.after_snapshot(&mut rh);
                    for k in 0..20u64 {
                        let _ = rh.get(format!("stable/{:06}", (n * 20 + k) % 5000).as_bytes());
                    }
                    if n.is_multiple_of(200) {
                        // A long-held snapshot: its re-reads happen 50 ms later.
                        std::thread::sleep(Duration::from_millis(50));
                        long.fetch_add(1, Ordering::Relaxed);
                    }
                }
                crate::probes::Probe::Reader(Box::new(probe)).finish(&mut rh)
            }));
        }
        // Contender: leases overlapping the writers' partitions; each must be refused while the
        // owner holds its lease.
        let (backend_ref, stop_ref, refusals_ref) = (&backend, &stop, &refusals);
        handles.push(s.spawn(move || {
            while !stop_ref.load(Ordering::Relaxed) {
                for p in [&b"mutable/"[..], b"mutable/w0/d/"] {
                    if backend_ref.kb().writer(p).is_err() {
                        refusals_ref.fetch_add(1, Ordering::Relaxed);
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            ProbeOut::default()
        }));
        let start = Instant::now();
        while start.elapsed() < opts.duration {
            std::thread::sleep(Duration::from_millis(100).min(opts.duration / 10));
            rss.push(rss_bytes());
        }
        stop.store(true, Ordering::Relaxed);
        handles
            .into_iter()
            .map(|h| h.join().expect("a stress thread failed"))
            .collect()
    });
    let mut acked = vec![0; roots.len()];
    for o in &outs {
        if let Some((p, b)) = o.last_acked {
            acked[p] = b;
        }
    }
    let (fin, ev) = final_state(setup, &mut backend.reader(), &acked);
    let in_final: u64 = match &ev {
        Event::Final { markers, .. } => markers
            .iter()
            .map(|m| m.map_or(0, |v| checker::Marker::decode(v).batch))
            .sum(),
        _ => 0,
    };
    let (isolation, history, _) =
        conclude(&setup, opts.seed, &mut outs, (fin.counts, fin.samples, ev));
    let report = StressReport {
        isolation: isolation.conclude(opts.readers, opts.writers),
        acked_batches: acked.iter().sum(),
        batches_in_final_state: in_final,
        panics: panics.into_inner(),
        leases_recovered: recovered.into_inner(),
        lease_refusals: refusals.into_inner(),
        long_snapshots: long.into_inner(),
        rss,
        retired_pending_at_end: backend.kb().stats().retired_pending,
    };
    (report, history)
}

/// Keeps the default panic message for every panic but the injected ones.
fn silence_chaos_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied());
        if msg != Some(CHAOS) {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_soak_recovers_every_lease_and_loses_nothing() {
        let (r, _) = run(&StressOptions {
            duration: Duration::from_millis(600),
            readers: 2,
            writers: 2,
            seed: 3,
            history: None,
        });
        assert!(r.ok(), "{}", r.render());
        assert!(
            r.panics > 0 && r.isolation.counts.snapshots > 0 && r.acked_batches > 0,
            "{}",
            r.render()
        );
        assert!(r.lease_refusals > 0, "{}", r.render());
    }
}
