//! The two things every backend does with its maps, written once per map type: read a version
//! ([`ReadMap`]) and apply a staged write to one ([`WriteMap`]). The PathMap ones are in
//! [`super::trie`].

use std::{
    collections::{BTreeMap, HashMap},
    ops::{Bound, Deref},
    sync::{Arc, RwLock},
};

use imbl::OrdMap;

use super::Refused;

/// Reading one version of a map.
pub trait ReadMap {
    fn get(&self, key: &[u8]) -> Option<u64>;
    fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }
    /// Calls `f` with every `(key, value)` under `prefix`, in the map's scan order, while `f`
    /// returns true. Maps without prefix structure refuse.
    fn each_under<F: FnMut(&[u8], u64) -> bool>(&self, prefix: &[u8], f: F) -> Result<(), Refused>;
    /// Entries under `prefix`. Maps without prefix structure refuse.
    fn count_under(&self, prefix: &[u8]) -> Result<usize, Refused> {
        let mut n = 0;
        self.each_under(prefix, |_, _| {
            n += 1;
            true
        })?;
        Ok(n)
    }
}

/// Applying a staged write to a map.
pub trait WriteMap {
    fn put(&mut self, key: Vec<u8>, value: u64);
    fn delete(&mut self, key: &[u8]);
    /// Removes every key starting with `prefix` (the prefix itself included).
    fn delete_prefix(&mut self, prefix: &[u8]);
    /// Readies a map before threads share it (nothing for most).
    fn prepare_for_sharing(&mut self) {}
}

/// Keys from `prefix` on, while they start with it (ordered maps).
pub fn under<'m, K: AsRef<[u8]> + ?Sized + 'm, V, I: Iterator<Item = (&'m K, V)>>(
    it: I,
    prefix: &'m [u8],
) -> impl Iterator<Item = (&'m K, V)> {
    it.take_while(move |(k, _)| k.as_ref().starts_with(prefix))
}

/// [`ReadMap`] and [`WriteMap`] for an ordered map of byte-string keys (`Vec<u8>` in `BTreeMap`,
/// `Arc<[u8]>` in imbl's `OrdMap`): they differ only in how `range` names its type parameters.
macro_rules! ordered_map {
    ($map:ty, |$m:ident, $prefix:ident| $range:expr) => {
        impl ReadMap for $map {
            fn get(&self, key: &[u8]) -> Option<u64> {
                <$map>::get(self, key).copied()
            }
            fn each_under<F: FnMut(&[u8], u64) -> bool>(
                &self,
                $prefix: &[u8],
                mut f: F,
            ) -> Result<(), Refused> {
                let $m = self;
                for (k, v) in under($range, $prefix) {
                    if !f(k, *v) {
                        break;
                    }
                }
                Ok(())
            }
        }

        impl WriteMap for $map {
            fn put(&mut self, key: Vec<u8>, value: u64) {
                self.insert(key.into(), value);
            }
            fn delete(&mut self, key: &[u8]) {
                self.remove(key);
            }
            fn delete_prefix(&mut self, prefix: &[u8]) {
                for k in keys_under(self, prefix) {
                    self.remove(k.as_slice());
                }
            }
        }
    };
}

ordered_map!(BTreeMap<Vec<u8>, u64>, |m, prefix| m
    .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded)));
ordered_map!(OrdMap<Arc<[u8]>, u64>, |m, prefix| m
    .range::<_, [u8]>((Bound::Included(prefix), Bound::Unbounded)));

/// The keys under `prefix` of an ordered map (collected: the caller removes them).
pub fn keys_under<M: ReadMap>(m: &M, prefix: &[u8]) -> Vec<Vec<u8>> {
    let mut doomed = Vec::new();
    let _ordered = m.each_under(prefix, |k, _| {
        doomed.push(k.to_vec());
        true
    });
    doomed
}

/// A hash map has no prefix structure: scans and counts are refused (its capabilities say so,
/// and the runner never asks).
impl ReadMap for HashMap<Vec<u8>, u64> {
    fn get(&self, key: &[u8]) -> Option<u64> {
        HashMap::get(self, key).copied()
    }
    fn each_under<F: FnMut(&[u8], u64) -> bool>(&self, _: &[u8], _: F) -> Result<(), Refused> {
        Err(Refused)
    }
}

impl WriteMap for HashMap<Vec<u8>, u64> {
    fn put(&mut self, key: Vec<u8>, value: u64) {
        self.insert(key, value);
    }
    fn delete(&mut self, key: &[u8]) {
        self.remove(key);
    }
    /// O(size of the map).
    fn delete_prefix(&mut self, prefix: &[u8]) {
        self.retain(|k, _| !k.starts_with(prefix));
    }
}

/// A shared version is read like the map itself.
impl<M: ReadMap> ReadMap for Arc<M> {
    fn get(&self, key: &[u8]) -> Option<u64> {
        (**self).get(key)
    }
    fn contains(&self, key: &[u8]) -> bool {
        (**self).contains(key)
    }
    fn each_under<F: FnMut(&[u8], u64) -> bool>(&self, prefix: &[u8], f: F) -> Result<(), Refused> {
        (**self).each_under(prefix, f)
    }
    fn count_under(&self, prefix: &[u8]) -> Result<usize, Refused> {
        (**self).count_under(prefix)
    }
}

/// A map behind a lock (`&RwLock<M>` or `Arc<RwLock<M>>`), read one operation at a time: every
/// call takes the read lock for that call only (so two reads of one "snapshot" may see different
/// versions).
pub struct LockPerRead<P>(pub P);

impl<P: Deref<Target = RwLock<M>>, M: ReadMap> ReadMap for LockPerRead<P> {
    fn get(&self, key: &[u8]) -> Option<u64> {
        self.0.read().unwrap().get(key)
    }
    fn contains(&self, key: &[u8]) -> bool {
        self.0.read().unwrap().contains(key)
    }
    fn each_under<F: FnMut(&[u8], u64) -> bool>(&self, prefix: &[u8], f: F) -> Result<(), Refused> {
        self.0.read().unwrap().each_under(prefix, f)
    }
    fn count_under(&self, prefix: &[u8]) -> Result<usize, Refused> {
        self.0.read().unwrap().count_under(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise<M: ReadMap + WriteMap + Default>(ordered: bool) {
        let mut m = M::default();
        for (k, v) in [(&b"a/1"[..], 1), (b"a/2", 2), (b"ab", 3), (b"b/1", 4)] {
            m.put(k.to_vec(), v);
        }
        assert_eq!((m.get(b"a/2"), m.get(b"a/3")), (Some(2), None));
        assert!(m.contains(b"ab") && !m.contains(b"a"));
        if ordered {
            let mut seen = Vec::new();
            m.each_under(b"a/", |k, v| {
                seen.push((k.to_vec(), v));
                true
            })
            .unwrap();
            assert_eq!(seen, [(b"a/1".to_vec(), 1), (b"a/2".to_vec(), 2)]);
            assert_eq!(m.count_under(b"a"), Ok(3));
        } else {
            assert_eq!(m.count_under(b"a"), Err(Refused));
        }
        m.delete_prefix(b"a/");
        m.delete(b"b/1");
        assert_eq!(
            (m.get(b"a/1"), m.get(b"ab"), m.get(b"b/1")),
            (None, Some(3), None)
        );
    }

    #[test]
    fn every_map_type_reads_and_writes_alike() {
        exercise::<BTreeMap<Vec<u8>, u64>>(true);
        exercise::<OrdMap<Arc<[u8]>, u64>>(true);
        exercise::<HashMap<Vec<u8>, u64>>(false);
        exercise::<pathmap::PathMap<u64>>(true);
    }
}
