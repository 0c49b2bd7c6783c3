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

/// A bit (lowest first) for every byte of `block` equal to one of
/// `needles`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn any_of<const N: usize>(block: &[u8; BLOCK], needles: &[u8; N]) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: `block` is 16 readable bytes and the load is unaligned; SSE2
    // is part of the x86-64 baseline, so the instructions always exist.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr() as *const __m128i);
        let hits = needles.iter().fold(_mm_setzero_si128(), |hits, &b| {
            _mm_or_si128(hits, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)))
        });
        _mm_movemask_epi8(hits) as u32
    }
}

/// A bit (lowest first) for every byte of `block` equal to one of
/// `needles`.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(crate) fn any_of<const N: usize>(block: &[u8; BLOCK], needles: &[u8; N]) -> u32 {
    any_of_swar(block, needles)
}

/// The portable form of [`any_of`].
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
        assert_eq!(any_of(&block, &needles), expected);
        assert_eq!(any_of_swar(&block, &needles), expected);
    }
}
