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

/// A reader of a [`Versions`] store.
pub struct ViewReader<'a, S: Versions + 'a> {
    store: &'a S,
    view: S::View<'a>,
}

impl<'a, S: Versions> ViewReader<'a, S> {
    pub fn new(store: &'a S) -> Self {
        ViewReader {
            store,
            view: store.view(),
        }
    }
}

impl<S: Versions> ReadHandle for ViewReader<'_, S> {
    #[inline]
    fn snapshot(&mut self) -> Result<(), Refused> {
        self.view = self.store.view();
        Ok(())
    }
    #[inline]
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.view.get(key))
    }
    #[inline]
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.view.contains(key))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        let mut sum = ScanSum::new(limit);
        if limit > 0 {
            self.view.each_under(prefix, |_, v| sum.add(v))?;
        }
        Ok(sum.total)
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        self.view.count_under(prefix)
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        self.view.each_under(prefix, |k, v| {
            out.push((k.to_vec(), v));
            true
        })
    }
}
