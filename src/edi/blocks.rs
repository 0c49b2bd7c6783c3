//! Portable block-compare primitives the lexers share: which bytes of an
//! eight-byte word equal a given byte, as exact SWAR masks. The lexers use
//! SSE2 on x86-64 and these elsewhere.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// A mask with the high bit of every byte of `word` that equals `byte`.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
pub(crate) fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * byte as u64);
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// One bit per byte from a mask with the high bit of each matching byte.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
pub(crate) fn byte_bits(mut mask: u64) -> u32 {
    let mut out = 0u32;
    while mask != 0 {
        out |= 1 << (mask.trailing_zeros() / 8);
        mask &= mask - 1;
    }
    out
}

/// Bytes per block the lexers examine at once.
pub(crate) const BLOCK: usize = 16;

/// Bytes to look for in every block, each repeated across a block once
/// (per interchange), not per segment.
#[derive(Clone)]
pub(crate) struct BlockNeedles<const N: usize> {
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    bytes: [u8; N],
    #[cfg(target_arch = "x86_64")]
    splat: [std::arch::x86_64::__m128i; N],
}

impl<const N: usize> BlockNeedles<N> {
    /// Needles for these bytes.
    pub fn new(bytes: [u8; N]) -> Self {
        BlockNeedles {
            bytes,
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is part of the x86-64 baseline.
            splat: bytes.map(|b| unsafe { std::arch::x86_64::_mm_set1_epi8(b as i8) }),
        }
    }

    /// A bit (lowest first) for every byte of `block` equal to one of the
    /// needles.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub fn any_of(&self, block: &[u8; BLOCK]) -> u32 {
        use std::arch::x86_64::*;
        // SAFETY: `block` is 16 readable bytes and the load is unaligned; SSE2
        // is part of the x86-64 baseline, so the instructions always exist.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr() as *const __m128i);
            let hits = self.splat.iter().fold(_mm_setzero_si128(), |hits, &splat| {
                _mm_or_si128(hits, _mm_cmpeq_epi8(v, splat))
            });
            _mm_movemask_epi8(hits) as u32
        }
    }

    /// A bit (lowest first) for every byte of `block` equal to one of the
    /// needles.
    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    pub fn any_of(&self, block: &[u8; BLOCK]) -> u32 {
        any_of_swar(block, &self.bytes)
    }
}

/// Whether every byte is printable ASCII (0x20 to 0x7E), sixteen bytes at
/// a time: for long runs such as whole segments.
#[cfg(target_arch = "x86_64")]
pub(crate) fn printable_ascii_run(bytes: &[u8]) -> bool {
    use std::arch::x86_64::*;
    if bytes.len() < BLOCK {
        return crate::edi::guide::printable_ascii(bytes);
    }
    let unusual = |at: usize| {
        // SAFETY: `at + BLOCK <= bytes.len()` (below), the load is
        // unaligned, and SSE2 is part of the x86-64 baseline.
        unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(at) as *const __m128i);
            // Signed compare: bytes 0x80 and up are negative, so "below
            // 0x20" catches them together with the control characters.
            let low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
            _mm_or_si128(low, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)))
        }
    };
    // The last block overlaps the one before it rather than leave a tail.
    let last = bytes.len() - BLOCK;
    let mut seen = unusual(last);
    let mut at = 0;
    while at < last {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        seen = unsafe { _mm_or_si128(seen, unusual(at)) };
        at += BLOCK;
    }
    // SAFETY: SSE2 is part of the x86-64 baseline.
    unsafe { _mm_movemask_epi8(seen) == 0 }
}

/// Whether every byte is printable ASCII (0x20 to 0x7E).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn printable_ascii_run(bytes: &[u8]) -> bool {
    crate::edi::guide::printable_ascii(bytes)
}

/// A bit (lowest first) for every byte of `block` equal to one of
/// `needles`, eight bytes at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
pub(crate) fn any_of_swar<const N: usize>(block: &[u8; BLOCK], needles: &[u8; N]) -> u32 {
    let mut out = 0u32;
    for (half, bytes) in block.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        let word = u64::from_le_bytes(word);
        let hits = needles.iter().fold(0u64, |m, &n| m | bytes_equal(word, n));
        out |= byte_bits(hits) << (half * 8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_masks_agree_with_a_plain_loop() {
        let block: [u8; BLOCK] = *b"AB+C:D?'E\x80\xff+::\x00Z";
        let needles = [b'+', b':', b'?', b'\''];
        let expected = block
            .iter()
            .enumerate()
            .filter(|(_, b)| needles.contains(b))
            .fold(0u32, |m, (i, _)| m | 1 << i);
        assert_eq!(BlockNeedles::new(needles).any_of(&block), expected);
        assert_eq!(any_of_swar(&block, &needles), expected);
    }

    #[test]
    fn printable_runs_agree_with_a_plain_loop() {
        let text = b"UNB+UNOC:3+5412345000013:14+4012345500004:14+260105:0930+BENCH1";
        for len in 0..text.len() {
            for (at, byte) in [(0, 0x1f), (len / 2, 0x7f), (len.saturating_sub(1), 0xdf)] {
                let mut run = text[..len].to_vec();
                assert!(printable_ascii_run(&run), "{len}");
                if let Some(b) = run.get_mut(at) {
                    *b = byte;
                    assert!(!printable_ascii_run(&run), "{len} {at}");
                }
            }
        }
        assert!(printable_ascii_run(b" ~"));
    }
}
