//! The read side every backend with a plain read view shares: a snapshot op takes a new view
//! from the store ([`Versions`]), and every read goes through it ([`ViewReader`]). What a view
//! is — a real snapshot, or a handle that locks the latest state per read — is the store's
//! business.

use super::{maps::ReadMap, ReadHandle, Refused};

/// The result of a timed scan: the (wrapping) sum of the first `limit` values, so the walk is
/// not optimised away.
pub struct ScanSum {
    pub total: u64,
    left: usize,
}

impl ScanSum {
    pub fn new(limit: usize) -> Self {
        ScanSum {
            total: 0,
            left: limit,
        }
    }

    /// Adds one value; whether to go on.
    #[inline]
    pub fn add(&mut self, v: u64) -> bool {
        self.total = self.total.wrapping_add(v);
        self.left -= 1;
        self.left > 0
    }
}

/// A store whose reads go through a view of one version (or of the latest state).
pub trait Versions: Sync {
    type View<'a>: ReadMap + Send
    where
        Self: 'a;
    /// The view a new snapshot reads.
    fn view(&self) -> Self::View<'_>;
}

/// A reader of a [`Versions`] store. It holds no view until its first snapshot (before that each
/// read takes the latest state): a thread that never takes a snapshot, such as a writer that
/// never reads, must not pin a version for the whole run — for concread and redb a held read
/// transaction keeps every later version's garbage, or every freed page, alive.
pub struct ViewReader<'a, S: Versions + 'a> {
    store: &'a S,
    view: Option<S::View<'a>>,
}

impl<'a, S: Versions> ViewReader<'a, S> {
    pub fn new(store: &'a S) -> Self {
        ViewReader { store, view: None }
    }

    /// `f` on the current view, or on the latest state before the first snapshot.
    #[inline]
    fn with<T>(&self, f: impl FnOnce(&S::View<'a>) -> T) -> T {
        match &self.view {
            Some(v) => f(v),
            None => f(&self.store.view()),
        }
    }
}

impl<S: Versions> ReadHandle for ViewReader<'_, S> {
    #[inline]
    fn snapshot(&mut self) -> Result<(), Refused> {
        self.view = None; // the old view goes first, as a reader dropping its snapshot would
        self.view = Some(self.store.view());
        Ok(())
    }
    #[inline]
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.with(|v| v.get(key)))
    }
    #[inline]
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.with(|v| v.contains(key)))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        let mut sum = ScanSum::new(limit);
        if limit > 0 {
            self.with(|v| v.each_under(prefix, |_, x| sum.add(x)))?;
        }
        Ok(sum.total)
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        self.with(|v| v.count_under(prefix))
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        self.with(|v| {
            v.each_under(prefix, |k, x| {
                out.push((k.to_vec(), x));
                true
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{imbl_arcswap::ImblArcSwap, Backend, ReadHandle, WriteHandle};

    #[test]
    fn before_its_first_snapshot_a_reader_reads_the_latest_state() {
        let s = ImblArcSwap::open(&mut std::iter::once((b"k".to_vec(), 1)));
        let mut r = s.reader();
        let mut w = s.writer(b"k", false);
        w.put(b"k", 2).unwrap();
        w.commit().unwrap();
        assert_eq!(
            r.get(b"k"),
            Ok(Some(2)),
            "no view is held before a snapshot"
        );
        r.snapshot().unwrap();
        w.put(b"k", 3).unwrap();
        w.commit().unwrap();
        assert_eq!(r.get(b"k"), Ok(Some(2)), "a snapshot holds its version");
    }
}
