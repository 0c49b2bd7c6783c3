//! Control numbers and references already seen, for duplicate detection in bounded memory.

use std::collections::{BTreeMap, HashMap, HashSet};

/// The control numbers seen in one scope (a group's ST02s, an interchange's
/// GS06s, a file's ISA13s). Numeric ones are kept as ranges, so the usual
/// sequential numbering costs a few bytes however many sets a group holds;
/// anything else is kept as is.
#[derive(Debug, Default)]
pub(crate) struct SeenNumbers {
    /// By written length (`0001` and `1` are different numbers): range
    /// start → range end, inclusive.
    ranges: HashMap<usize, BTreeMap<u64, u64>>,
    other: HashSet<String>,
}

impl SeenNumbers {
    /// Records `number`; false if it was seen before.
    pub(crate) fn insert(&mut self, number: &str) -> bool {
        let Some(n) = Self::numeric(number) else {
            return self.other.insert(number.to_string());
        };
        let ranges = self.ranges.entry(number.len()).or_default();
        let below = ranges.range(..=n).next_back().map(|(&s, &e)| (s, e));
        if below.is_some_and(|(_, end)| end >= n) {
            return false;
        }
        let above = n
            .checked_add(1)
            .and_then(|next| ranges.get(&next).copied().map(|end| (next, end)));
        match (
            below.filter(|&(_, end)| end.checked_add(1) == Some(n)),
            above,
        ) {
            (Some((start, _)), Some((next, end))) => {
                ranges.remove(&next);
                ranges.insert(start, end);
            }
            (Some((start, _)), None) => {
                ranges.insert(start, n);
            }
            (None, Some((next, end))) => {
                ranges.remove(&next);
                ranges.insert(n, end);
            }
            (None, None) => {
                ranges.insert(n, n);
            }
        }
        true
    }

    /// Whether `number` was recorded.
    pub(crate) fn contains(&self, number: &str) -> bool {
        match Self::numeric(number) {
            Some(n) => self
                .ranges
                .get(&number.len())
                .and_then(|r| r.range(..=n).next_back())
                .is_some_and(|(_, &end)| end >= n),
            None => self.other.contains(number),
        }
    }

    fn numeric(number: &str) -> Option<u64> {
        let digits =
            number.len() <= 18 && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| number.parse().ok()).flatten()
    }

    /// How many ranges and other numbers are held (for tests of the memory
    /// bound).
    #[cfg(test)]
    fn footprint(&self) -> usize {
        self.ranges.values().map(BTreeMap::len).sum::<usize>() + self.other.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_numbers_stay_one_range() {
        let mut seen = SeenNumbers::default();
        for n in 1..=100_000 {
            assert!(seen.insert(&format!("{n:09}")));
        }
        assert_eq!(seen.footprint(), 1);
        assert!(!seen.insert("000050000"));
        assert!(
            seen.insert("50000"),
            "a different spelling is a different number"
        );
    }

    #[test]
    fn finds_duplicates_in_any_order() {
        let mut seen = SeenNumbers::default();
        for n in [5u32, 3, 9, 4, 8, 6, 7] {
            assert!(seen.insert(&n.to_string()), "{n}");
        }
        assert_eq!(seen.footprint(), 1, "3..=9 merged");
        for n in 3..=9 {
            assert!(!seen.insert(&n.to_string()));
        }
        assert!(seen.insert("A-1"));
        assert!(!seen.insert("A-1"));
        assert!(seen.insert("18446744073709551615"));
        assert!(
            seen.contains("7")
                && seen.contains("A-1")
                && !seen.contains("10")
                && !seen.contains("07")
        );
    }
}
