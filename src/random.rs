//! The one source of random numbers: SplitMix64, small and fast. Seeded with a constant, it
//! makes the example crew the same files every time (it must not change with a crate's
//! version); seeded from the operating system, it names files two writers create at the same
//! minute and spreads the retries of writers racing for a branch.

use std::sync::atomic::{AtomicU64, Ordering};

pub struct Random(u64);

/// Two generators made by one process at the same nanosecond still differ.
static MADE: AtomicU64 = AtomicU64::new(0);

/// The characters of a record's random suffix: no `l`, `o`, `0` or `1` to misread.
const SUFFIX_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

impl Random {
    /// The same numbers for the same seed, always.
    pub const fn seeded(seed: u64) -> Random {
        Random(seed)
    }

    /// Different numbers in every process and every call: seeded from the operating system's
    /// randomness (through std's `RandomState`), the time, the process id and a counter.
    pub fn from_entropy() -> Random {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        h.write_u64(MADE.fetch_add(1, Ordering::Relaxed));
        Random(h.finish())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n` (`0` when `n` is 0); the modulo bias is far below what any use here notices.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Four characters that end a record's name (`…-k3x9`), so two people writing at the same
    /// minute never pick the same file.
    pub fn suffix(&mut self) -> String {
        (0..4).map(|_| SUFFIX_ALPHABET[self.below(SUFFIX_ALPHABET.len() as u64) as usize] as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_numbers_and_entropy_does_not() {
        let (mut a, mut b) = (Random::seeded(7), Random::seeded(7));
        assert_eq!((a.next_u64(), a.next_u64()), (b.next_u64(), b.next_u64()));
        assert_ne!(Random::from_entropy().next_u64(), Random::from_entropy().next_u64());
    }

    #[test]
    fn suffixes_use_the_unambiguous_alphabet() {
        let s = Random::seeded(1).suffix();
        assert_eq!(s.len(), 4);
        assert!(s.bytes().all(|c| SUFFIX_ALPHABET.contains(&c)), "{s}");
    }
}
