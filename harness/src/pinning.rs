//! Optional CPU pinning (`--pin`): thread `i` of a point is bound to CPU `i mod cores`, through
//! `sched_setaffinity`. Which CPU each thread really got is recorded in the point's `pinning`.

/// The CPU for each of `n` threads (round-robin over the CPUs this process may use).
pub fn plan(n: usize) -> Vec<usize> {
    let allowed = allowed_cpus();
    if allowed.is_empty() {
        return Vec::new();
    }
    (0..n).map(|i| allowed[i % allowed.len()]).collect()
}

/// Binds the calling thread to `cpu`; false if the OS refused.
pub fn pin_current(cpu: usize) -> bool {
    // SAFETY: `set` is a plain bitmask initialised by CPU_ZERO before use; the pointer and size
    // passed to sched_setaffinity describe exactly that local variable; pid 0 is this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// CPUs in this process's affinity mask.
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: as in `pin_current`; sched_getaffinity fills the local mask we pass it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|c| libc::CPU_ISSET(*c, &set))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_round_robins_over_allowed_cpus() {
        let cpus = super::allowed_cpus();
        assert!(!cpus.is_empty());
        let p = super::plan(cpus.len() * 2);
        assert_eq!(p[0], p[cpus.len()]);
        let t = std::thread::spawn(move || super::pin_current(cpus[0]));
        assert!(t.join().unwrap());
    }
}
