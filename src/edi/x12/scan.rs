//! The inner loop of the lexer: finds element separators and the segment
//! terminator eight bytes at a time.
//!
//! X12 is dense in delimiters (one every five or six bytes in a typical
//! 850), so a search that pays a setup cost per match (as `memchr` does)
//! spends most of its time starting over. Here each 8-byte word is compared
//! against every delimiter at once with exact SWAR zero-byte masks, and the
//! matches are read off the mask bits.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// A mask with the high bit of every byte of `word` that equals `byte`.
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * byte as u64);
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// The bytes the scan looks for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Needles {
    /// Element separator.
    pub element: u8,
    /// First byte of the segment terminator.
    pub terminator: u8,
    /// Component separator.
    pub component: u8,
    /// Repetition separator (the component separator again when there is none).
    pub repetition: u8,
}

/// What one scan found.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Whether a component or repetition separator was seen.
    pub nested: bool,
}

/// Scans `hay[from..]`, recording element separators (relative to
/// `segment_start`) in `separators`. Returns the index of the first
/// terminator byte, or `None` when the haystack ends first.
pub(crate) fn find_segment_end(
    hay: &[u8],
    from: usize,
    segment_start: usize,
    needles: &Needles,
    separators: &mut Vec<u32>,
    progress: &mut Progress,
) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = hay.get(i..i + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else { break };
        let word = u64::from_le_bytes(bytes);
        let terminators = bytes_equal(word, needles.terminator);
        let mut elements = bytes_equal(word, needles.element);
        let mut nested = bytes_equal(word, needles.component) | bytes_equal(word, needles.repetition);
        if terminators != 0 {
            let before = (terminators & terminators.wrapping_neg()) - 1;
            elements &= before;
            nested &= before;
            push_positions(elements, i - segment_start, separators);
            progress.nested |= nested != 0;
            return Some(i + (terminators.trailing_zeros() / 8) as usize);
        }
        push_positions(elements, i - segment_start, separators);
        progress.nested |= nested != 0;
        i += 8;
    }
    while let Some(&b) = hay.get(i) {
        if b == needles.terminator {
            return Some(i);
        }
        if b == needles.element {
            separators.push((i - segment_start) as u32);
        } else if b == needles.component || b == needles.repetition {
            progress.nested = true;
        }
        i += 1;
    }
    None
}

#[inline(always)]
fn push_positions(mut mask: u64, base: usize, separators: &mut Vec<u32>) {
    while mask != 0 {
        separators.push((base + (mask.trailing_zeros() / 8) as usize) as u32);
        mask &= mask - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(hay: &[u8]) -> (Option<usize>, Vec<u32>, bool) {
        let needles = Needles {
            element: b'*',
            terminator: b'~',
            component: b':',
            repetition: b'^',
        };
        let mut seps = Vec::new();
        let mut progress = Progress::default();
        let end = find_segment_end(hay, 0, 0, &needles, &mut seps, &mut progress);
        (end, seps, progress.nested)
    }

    #[test]
    fn finds_separators_across_words_and_tail() {
        let (end, seps, nested) = scan(b"REF*DP*123456789012*X~REF*ZZ");
        assert_eq!(end, Some(21));
        assert_eq!(seps, [3, 6, 19]);
        assert!(!nested);
    }

    #[test]
    fn ignores_what_follows_the_terminator_in_the_same_word() {
        let (end, seps, nested) = scan(b"N1*ST~*:^*");
        assert_eq!((end, seps, nested), (Some(5), vec![2], false));
    }

    #[test]
    fn notes_components_and_repetitions() {
        assert!(scan(b"MEA*PD*G*1:2~").2);
        assert!(scan(b"REF*A^B~").2);
    }

    #[test]
    fn exact_for_high_bytes() {
        // 0xAA ^ 0x2A ('*') = 0x80: a naive zero-byte test reports a match.
        let (end, seps, _) = scan(b"\xAA\xAA\xAA\xAA\xAA\xAA\xAA\xAA*\xAA~");
        assert_eq!((end, seps), (Some(10), vec![8]));
    }

    #[test]
    fn unterminated_returns_none() {
        let (end, seps, _) = scan(b"PO1*1*2*EA");
        assert_eq!((end, seps), (None, vec![3, 5, 7]));
    }
}
