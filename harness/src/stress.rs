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

use checker::{history::Event, Marker, Plan};

use crate::{
    backends::{hybrid::Hybrid, Backend, ReadHandle, WriteHandle},
    metrics::rss_bytes,
    probes::{conclude, final_state, Probe, ProbeOut, ReaderProbe, Setup, Watermarks, WriterProbe},
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
    /// A thread's history buffer filled up (`--history`): the file says so in its header.
    pub history_truncated: bool,
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

/// What the soak's threads share: the store, the checker's setup, the stop flag and the chaos
/// tallies.
struct Soak<'s> {
    backend: &'s Hybrid,
    setup: Setup<'s>,
    stop: AtomicBool,
    panics: AtomicU64,
    recovered: AtomicU64,
    refusals: AtomicU64,
    long_snapshots: AtomicU64,
}

/// Runs the soak; returns the report and the history events (empty unless asked for).
pub fn run(opts: &StressOptions) -> (StressReport, Vec<Event>) {
    silence_chaos_panics();
    crate::interrupt::install_stop_handler("ending the soak; its summary follows");
    eprintln!(
        "stress: soaking for {} with {} readers and {} writers; Ctrl-C or SIGTERM ends it early, \
         with its summary",
        workloads::format_duration(opts.duration),
        opts.readers,
        opts.writers
    );
    let backend =
        Hybrid::open(&mut (0..5000u64).map(|i| (format!("stable/{i:06}").into_bytes(), i)));
    let roots: Vec<Vec<u8>> = (0..opts.writers)
        .map(|w| format!("mutable/w{w}/").into_bytes())
        .collect();
    let plan = Plan::new(opts.seed, 8);
    let marks = Watermarks::new(roots.len());
    let soak = Soak {
        backend: &backend,
        setup: Setup {
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
        },
        stop: AtomicBool::new(false),
        panics: AtomicU64::new(0),
        recovered: AtomicU64::new(0),
        refusals: AtomicU64::new(0),
        long_snapshots: AtomicU64::new(0),
    };
    let (mut outs, rss) = std::thread::scope(|s| {
        let soak = &soak;
        let mut handles = Vec::new();
        for (w, root) in roots.iter().enumerate() {
            handles.push(s.spawn(move || soak.writer(w, root)));
        }
        for r in 0..opts.readers {
            handles.push(s.spawn(move || soak.reader(r)));
        }
        handles.push(s.spawn(move || soak.contender()));
        let rss = soak.watch(opts.duration);
        let outs: Vec<ProbeOut> = handles
            .into_iter()
            .map(|h| h.join().expect("a stress thread failed"))
            .collect();
        (outs, rss)
    });
    soak.conclude(opts, &mut outs, rss)
}

impl Soak<'_> {
    /// Samples RSS until `duration` is over, then stops every thread.
    fn watch(&self, duration: Duration) -> Vec<u64> {
        let mut rss = Vec::new();
        let start = Instant::now();
        while start.elapsed() < duration && !crate::interrupt::stop_requested() {
            std::thread::sleep(Duration::from_millis(100).min(duration / 10));
            rss.push(rss_bytes());
        }
        self.stop.store(true, Ordering::Relaxed);
        rss
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// A writer of partition `root`: bursts of checked batches, and now and then a panic with a
    /// staged batch, after which it re-leases its partition and carries on.
    fn writer(&self, w: usize, root: &[u8]) -> ProbeOut {
        let mut probe = WriterProbe::new(self.setup, w);
        let mut handle = Some(self.backend.writer(root, false));
        let mut buf = Vec::new();
        let mut i = 0u64;
        while !self.stopped() {
            i += 1;
            if (i / 200) % 4 == 3 {
                std::thread::sleep(Duration::from_millis(1)); // between bursts
            }
            let wh = handle.as_mut().expect("a writer handle");
            for j in 0..4u64 {
                buf.clear();
                buf.extend_from_slice(root);
                buf.extend_from_slice(format!("d/{}", (i * 4 + j) % 512).as_bytes());
                let _ = wh.put(&buf, i);
            }
            probe.before_commit(wh);
            if i.is_multiple_of(97) {
                self.panic_mid_batch(handle.take());
                probe.abandon();
                handle = Some(self.re_lease(root, &buf));
                continue;
            }
            let ok = wh.commit().is_ok();
            probe.after_commit(ok, wh);
        }
        if let Some(h) = handle.as_mut() {
            h.rollback();
        }
        Probe::Writer(Box::new(probe)).finish(&mut self.backend.reader())
    }

    /// Chaos: a panic with a staged batch; the handle (and its lease) unwinds.
    fn panic_mid_batch<T>(&self, doomed: Option<T>) {
        let r = catch_unwind(AssertUnwindSafe(move || {
            let _held = doomed;
            panic!("{CHAOS}");
        }));
        assert!(r.is_err());
        self.panics.fetch_add(1, Ordering::Relaxed);
    }

    /// After a panic: re-lease the partition. The contender may hold an overlapping lease for an
    /// instant: retry, as a real writer waiting for its partition would.
    fn re_lease<'b>(&'b self, root: &[u8], key: &[u8]) -> <Hybrid as Backend>::Writer<'b> {
        let mut h = self.backend.writer(root, false);
        for _ in 0..1000 {
            if h.put(key, 0).is_ok() {
                h.rollback();
                self.recovered.fetch_add(1, Ordering::Relaxed);
                break;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        h
    }

    /// A reader: checked snapshots, reads of the stable region, and now and then a snapshot held
    /// for 50 ms.
    fn reader(&self, r: usize) -> ProbeOut {
        let mut probe = ReaderProbe::new(self.setup, r);
        let mut rh = self.backend.reader();
        let mut n = 0u64;
        while !self.stopped() {
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
                self.long_snapshots.fetch_add(1, Ordering::Relaxed);
            }
        }
        Probe::Reader(Box::new(probe)).finish(&mut rh)
    }

    /// Leases overlapping the writers' partitions: each must be refused while the owner holds
    /// its lease.
    fn contender(&self) -> ProbeOut {
        while !self.stopped() {
            for p in [&b"mutable/"[..], b"mutable/w0/d/"] {
                if self.backend.kb().writer(p).is_err() {
                    self.refusals.fetch_add(1, Ordering::Relaxed);
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        ProbeOut::default()
    }

    /// The final state, the checker's verdict and the report.
    fn conclude(
        self,
        opts: &StressOptions,
        outs: &mut [ProbeOut],
        rss: Vec<u64>,
    ) -> (StressReport, Vec<Event>) {
        let mut acked = vec![0; self.setup.roots.len()];
        for (p, b) in outs.iter().filter_map(|o| o.last_acked) {
            acked[p] = b;
        }
        let (fin, ev) = final_state(self.setup, &mut self.backend.reader(), &acked);
        let in_final: u64 = match &ev {
            Event::Final { markers, .. } => markers
                .iter()
                .map(|m| m.map_or(0, |v| Marker::decode(v).batch))
                .sum(),
            _ => 0,
        };
        let (isolation, history, history_truncated) =
            conclude(&self.setup, opts.seed, outs, (fin.counts, fin.samples, ev));
        let report = StressReport {
            isolation: isolation.conclude(opts.readers, opts.writers),
            acked_batches: acked.iter().sum(),
            batches_in_final_state: in_final,
            panics: self.panics.into_inner(),
            leases_recovered: self.recovered.into_inner(),
            lease_refusals: self.refusals.into_inner(),
            long_snapshots: self.long_snapshots.into_inner(),
            rss,
            retired_pending_at_end: self.backend.kb().stats().retired_pending,
            history_truncated,
        };
        (report, history)
    }
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
