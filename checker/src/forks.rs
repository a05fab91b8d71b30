//! The one check that needs every reader's cuts at once: do all snapshots form one chain?

/// How many adjacent pairs of the cut vectors, ordered by their sums, are incomparable under
/// component-wise ≤. Zero iff all cuts form one chain (a set is a chain iff, sorted by sum, each
/// neighbour pair is ordered). O(n log n).
pub fn forked_cuts<'a>(cuts: impl IntoIterator<Item = &'a [u64]>) -> u64 {
    let mut all: Vec<&[u64]> = cuts.into_iter().collect();
    all.sort_by_key(|c| (c.iter().sum::<u64>(), c.to_vec()));
    all.dedup();
    all.windows(2)
        .filter(|w| !w[0].iter().zip(w[1]).all(|(a, b)| a <= b))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_are_not_forks_and_incomparable_cuts_are() {
        assert_eq!(
            forked_cuts([&[0, 0][..], &[1, 0], &[1, 1], &[2, 1], &[1, 0]]),
            0
        );
        assert_eq!(forked_cuts([&[2, 1][..], &[1, 2]]), 1);
    }
}
