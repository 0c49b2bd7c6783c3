//! The inner loop of the lexer: finds element separators and the segment
//! terminator eight bytes at a time.
//!
//! X12 is dense in delimiters (one every five to eight bytes in a typical
//! 850), so a search that pays a setup cost per match (as `memchr` does)
//! spends most of its time starting over. Here a block of input is compared
//! against every delimiter at once and the matches are read off a bit mask:
//! 16 bytes at a time with SSE2 on x86-64 (part of its baseline, so no
//! run-time detection), 8 bytes at a time with exact SWAR zero-byte masks
//! elsewhere.

use super::delimiters::Delimiters;

use crate::edi::blocks::{byte_bits, bytes_equal, BLOCK};

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
    /// Terminator, element, component and repetition separator, each
    /// repeated across a block: made once per interchange, not per segment.
    #[cfg(target_arch = "x86_64")]
    splat: [std::arch::x86_64::__m128i; 4],
}

impl Needles {
    /// The needles for these delimiter bytes.
    pub fn new(element: u8, terminator: u8, component: u8, repetition: u8) -> Self {
        Needles {
            element,
            terminator,
            component,
            repetition,
            #[cfg(target_arch = "x86_64")]
            splat: {
                use std::arch::x86_64::_mm_set1_epi8;
                // SAFETY: SSE2 is part of the x86-64 baseline.
                unsafe {
                    [terminator, element, component, repetition].map(|b| _mm_set1_epi8(b as i8))
                }
            },
        }
    }
}

impl From<&Delimiters> for Needles {
    fn from(d: &Delimiters) -> Self {
        Needles::new(
            d.element,
            d.terminator()[0],
            d.component,
            d.repetition.unwrap_or(d.component),
        )
    }
}

/// What one scan found.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Whether a byte needing care was seen: a component or repetition
    /// separator, or a byte outside printable ASCII (0x20 to 0x7E: a control
    /// character, DEL, or part of a multi-byte character).
    pub special: bool,
}

/// Bit masks (one bit per byte, lowest bit first) of where a block holds
/// the terminator, the element separator, and a component or repetition
/// separator.
struct Masks {
    terminator: u32,
    element: u32,
    special: u32,
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_masks(block: &[u8; BLOCK], needles: &Needles) -> Masks {
    use std::arch::x86_64::*;
    // SAFETY: `block` is 16 readable bytes and the load is unaligned; SSE2
    // is part of the x86-64 baseline, so the instructions always exist.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr() as *const __m128i);
        let [terminator, element, component, repetition] = needles.splat;
        let eq = |splat: __m128i| _mm_cmpeq_epi8(v, splat);
        let nested = _mm_or_si128(eq(component), eq(repetition));
        // Signed compare: bytes 0x80 and up are negative, so "below 0x20"
        // catches them together with the control characters.
        let unusual = _mm_or_si128(
            _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
            eq(_mm_set1_epi8(0x7f)),
        );
        Masks {
            terminator: _mm_movemask_epi8(eq(terminator)) as u32,
            element: _mm_movemask_epi8(eq(element)) as u32,
            special: _mm_movemask_epi8(_mm_or_si128(nested, unusual)) as u32,
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn block_masks(block: &[u8; BLOCK], needles: &Needles) -> Masks {
    block_masks_swar(block, needles)
}

/// The portable block scan: two 8-byte words with SWAR masks.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn block_masks_swar(block: &[u8; BLOCK], needles: &Needles) -> Masks {
    let mut masks = Masks {
        terminator: 0,
        element: 0,
        special: 0,
    };
    for (half, bytes) in block.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        let word = u64::from_le_bytes(word);
        let shift = half * 8;
        masks.terminator |= byte_bits(bytes_equal(word, needles.terminator)) << shift;
        masks.element |= byte_bits(bytes_equal(word, needles.element)) << shift;
        let nested = bytes_equal(word, needles.component) | bytes_equal(word, needles.repetition);
        let unusual = word
            .to_le_bytes()
            .iter()
            .enumerate()
            .fold(0u32, |m, (i, &b)| {
                m | (u32::from(!(0x20..0x7f).contains(&b)) << i)
            });
        masks.special |= (byte_bits(nested) | unusual) << shift;
    }
    masks
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
    while let Some(chunk) = hay.get(i..i + BLOCK) {
        let Ok(block) = <&[u8; BLOCK]>::try_from(chunk) else {
            break;
        };
        let masks = block_masks(block, needles);
        let (mut elements, mut special) = (masks.element, masks.special);
        if masks.terminator != 0 {
            let before = (masks.terminator & masks.terminator.wrapping_neg()) - 1;
            elements &= before;
            special &= before;
            push_positions(elements, i - segment_start, separators);
            progress.special |= special != 0;
            return Some(i + masks.terminator.trailing_zeros() as usize);
        }
        push_positions(elements, i - segment_start, separators);
        progress.special |= special != 0;
        i += BLOCK;
    }
    while let Some(&b) = hay.get(i) {
        if b == needles.terminator {
            return Some(i);
        }
        if b == needles.element {
            separators.push((i - segment_start) as u32);
        } else if b == needles.component || b == needles.repetition || !(0x20..0x7f).contains(&b) {
            progress.special = true;
        }
        i += 1;
    }
    None
}

#[inline(always)]
fn push_positions(mut mask: u32, base: usize, separators: &mut Vec<u32>) {
    while mask != 0 {
        separators.push((base + mask.trailing_zeros() as usize) as u32);
        mask &= mask - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(hay: &[u8]) -> (Option<usize>, Vec<u32>, bool) {
        let needles = Needles::new(b'*', b'~', b':', b'^');
        let mut seps = Vec::new();
        let mut progress = Progress::default();
        let end = find_segment_end(hay, 0, 0, &needles, &mut seps, &mut progress);
        (end, seps, progress.special)
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
    fn long_segments_span_many_blocks() {
        let text = format!("PID*F****{}*{}~", "A".repeat(37), "B".repeat(50));
        let (end, seps, nested) = scan(text.as_bytes());
        assert_eq!(end, Some(text.len() - 1));
        assert_eq!(seps, [3, 5, 6, 7, 8, 46]);
        assert!(!nested);
    }

    #[test]
    fn exact_for_high_bytes() {
        // 0xAA ^ 0x2A ('*') = 0x80: a naive zero-byte test reports a match.
        let (end, seps, _) = scan(b"\xAA\xAA\xAA\xAA\xAA\xAA\xAA\xAA*\xAA~");
        assert_eq!((end, seps), (Some(10), vec![8]));
    }

    #[test]
    fn portable_and_native_blocks_agree() {
        let needles = Needles::new(b'*', b'~', b':', b'^');
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2000 {
            let mut block = [0u8; BLOCK];
            for b in &mut block {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = b"*~:^AB\xAA\x2B\x7f\x1f\x20\x7e\x80\xff\n\x00"[(state % 16) as usize];
            }
            let (a, b) = (
                block_masks(&block, &needles),
                block_masks_swar(&block, &needles),
            );
            assert_eq!(
                (a.terminator, a.element, a.special),
                (b.terminator, b.element, b.special),
                "{block:?}"
            );
            let naive = |x: u8| {
                block
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == x)
                    .fold(0u32, |m, (i, _)| m | 1 << i)
            };
            assert_eq!(b.terminator, naive(b'~'));
            assert_eq!(b.element, naive(b'*'));
            let unusual = block
                .iter()
                .enumerate()
                .filter(|(_, &b)| !(0x20..0x7f).contains(&b))
                .fold(0u32, |m, (i, _)| m | 1 << i);
            assert_eq!(b.special, naive(b':') | naive(b'^') | unusual);
        }
    }

    #[test]
    fn unterminated_returns_none() {
        let (end, seps, _) = scan(b"PO1*1*2*EA");
        assert_eq!((end, seps), (None, vec![3, 5, 7]));
    }
}
