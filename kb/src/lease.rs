//! Partition leases: at most one writer per byte prefix, and no two leased prefixes overlap.
//!
//! Two prefixes overlap when one is a byte-prefix of the other (`a/` and `a/b/`; also `w1` and
//! `w10`, which is why partition names should end with `/`). A conflicting request fails at once
//! with the holder's name, or — [`Leases::acquire_timeout`] — waits for a release.

use std::time::{Duration, Instant};

use crate::error::{render, LeaseError};
use crate::sync::{lock, wait_timeout, AtomicU64, Condvar, Mutex, Ordering};

/// Identifies one grant of a lease; never reused.
pub type LeaseId = u64;

/// A lease that is currently held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// The grant.
    pub id: LeaseId,
    /// The partition prefix.
    pub prefix: Vec<u8>,
    /// Who holds it, for error messages: the lease number and the thread that took it.
    pub holder: String,
}

/// The table of held leases.
pub struct Leases {
    table: Mutex<Table>,
    released: Condvar,
    conflicts: AtomicU64,
}

struct Table {
    next_id: LeaseId,
    held: Vec<Held>,
}

/// `a` and `b` overlap when either is a byte-prefix of the other (equal included).
pub fn overlaps(a: &[u8], b: &[u8]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

impl Default for Leases {
    fn default() -> Self {
        Self::new()
    }
}

impl Leases {
    /// No leases held.
    pub fn new() -> Self {
        Leases {
            table: Mutex::new(Table {
                next_id: 1,
                held: Vec::new(),
            }),
            released: Condvar::new(),
            conflicts: AtomicU64::new(0),
        }
    }

    /// Grants `prefix` to `holder` unless it is empty or overlaps a held lease.
    pub fn try_acquire(&self, prefix: &[u8], holder: &str) -> Result<LeaseId, LeaseError> {
        let mut table = lock(&self.table);
        self.grant(&mut table, prefix, holder)
    }

    /// Like [`try_acquire`](Self::try_acquire), but waits up to `timeout` for a conflicting
    /// lease to be released.
    pub fn acquire_timeout(
        &self,
        prefix: &[u8],
        holder: &str,
        timeout: Duration,
    ) -> Result<LeaseId, LeaseError> {
        let start = Instant::now();
        let mut table = lock(&self.table);
        loop {
            match self.grant(&mut table, prefix, holder) {
                Err(LeaseError::Conflict {
                    requested,
                    held,
                    holder: by,
                }) => {
                    let waited = start.elapsed();
                    if waited >= timeout {
                        return Err(LeaseError::Timeout {
                            requested,
                            held,
                            holder: by,
                            waited,
                        });
                    }
                    table = wait_timeout(&self.released, table, timeout - waited);
                }
                other => return other,
            }
        }
    }

    fn grant(&self, table: &mut Table, prefix: &[u8], holder: &str) -> Result<LeaseId, LeaseError> {
        if prefix.is_empty() {
            return Err(LeaseError::EmptyPartition);
        }
        if let Some(h) = table.held.iter().find(|h| overlaps(&h.prefix, prefix)) {
            // Relaxed: statistics only.
            self.conflicts.fetch_add(1, Ordering::Relaxed);
            return Err(LeaseError::Conflict {
                requested: prefix.to_vec(),
                held: h.prefix.clone(),
                holder: h.holder.clone(),
            });
        }
        let id = table.next_id;
        table.next_id += 1;
        let holder = format!("writer #{id} ({holder}) on `{}`", render(prefix));
        table.held.push(Held {
            id,
            prefix: prefix.to_vec(),
            holder,
        });
        Ok(id)
    }

    /// Releases grant `id` (no effect if it was revoked) and wakes waiters.
    pub fn release(&self, id: LeaseId) {
        let mut table = lock(&self.table);
        table.held.retain(|h| h.id != id);
        drop(table);
        self.released.notify_all();
    }

    /// Whether grant `id` is still held.
    pub fn is_held(&self, id: LeaseId) -> bool {
        lock(&self.table).held.iter().any(|h| h.id == id)
    }

    /// Takes the lease on exactly `prefix` away from its holder, whose next commit then fails.
    pub fn revoke(&self, prefix: &[u8]) -> Option<Held> {
        let mut table = lock(&self.table);
        let at = table.held.iter().position(|h| h.prefix == prefix)?;
        let revoked = table.held.swap_remove(at);
        drop(table);
        self.released.notify_all();
        Some(revoked)
    }

    /// The leases held now.
    pub fn held(&self) -> Vec<Held> {
        lock(&self.table).held.clone()
    }

    /// Requests refused because of an overlap (including each refused try while waiting).
    pub fn conflicts(&self) -> u64 {
        self.conflicts.load(Ordering::Relaxed)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_byte_prefix_either_way() {
        assert!(overlaps(b"a/", b"a/"));
        assert!(overlaps(b"a/", b"a/b/"));
        assert!(overlaps(b"a/b/", b"a/"));
        assert!(overlaps(b"w1", b"w10"));
        assert!(!overlaps(b"w1/", b"w10/"));
        assert!(!overlaps(b"a/", b"b/"));
    }

    #[test]
    fn grants_are_numbered_and_never_reused() {
        let leases = Leases::new();
        let a = leases.try_acquire(b"a/", "t").unwrap();
        leases.release(a);
        let b = leases.try_acquire(b"a/", "t").unwrap();
        assert!(b > a);
        leases.release(a); // stale id: no effect on the new grant
        assert!(leases.is_held(b));
        assert_eq!(leases.held()[0].holder, format!("writer #{b} (t) on `a/`"));
    }

    #[test]
    fn revoke_needs_the_exact_prefix() {
        let leases = Leases::new();
        let id = leases.try_acquire(b"a/", "t").unwrap();
        assert!(leases.revoke(b"a").is_none());
        assert_eq!(leases.revoke(b"a/").map(|h| h.id), Some(id));
        assert!(!leases.is_held(id));
    }
}
