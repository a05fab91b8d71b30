//! Fixtures shared by the criterion benches in `benches/benches/`.

use pathmap::PathMap;

/// A cheap, fixed bijective mix (splitmix64's finaliser): spreads key indices over the trie.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Key `i` of the point-lookup region: `stable/<16 hex digits>`, 23 bytes of text.
pub fn point_key(i: u64) -> Vec<u8> {
    format!("stable/{:016x}", mix(i)).into_bytes()
}

/// Key `j` of scan group `g`: `scan/<g:04>/<j:03>`; every group holds 100 keys.
pub fn scan_key(g: u64, j: u64) -> Vec<u8> {
    format!("scan/{g:04}/{j:03}").into_bytes()
}

/// The prefix of scan group `g`.
pub fn scan_prefix(g: u64) -> Vec<u8> {
    format!("scan/{g:04}/").into_bytes()
}

/// `points` point keys plus `groups` scan groups of 100 keys each.
pub fn fixture(points: u64, groups: u64) -> PathMap<u64> {
    let mut map = PathMap::new();
    for i in 0..points {
        map.insert(point_key(i), i);
    }
    for g in 0..groups {
        for j in 0..100 {
            map.insert(scan_key(g, j), j);
        }
    }
    map
}
