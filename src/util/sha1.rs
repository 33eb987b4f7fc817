//! SHA-1 (FIPS 180-4), for DEBUG DIGEST and DIGEST-VALUE, whose output
//! must equal Redis's. Not used for anything that needs a secure hash.

/// A running SHA-1 computation.
pub struct Sha1 {
    state: [u32; 5],
    /// Bytes of the current 64-byte block received so far.
    block: [u8; 64],
    filled: usize,
    /// Total message length in bytes.
    total: u64,
}

impl Default for Sha1 {
    fn default() -> Self {
        Sha1::new()
    }
}

impl Sha1 {
    pub fn new() -> Sha1 {
        Sha1 {
            state: [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0],
            block: [0; 64],
            filled: 0,
            total: 0,
        }
    }

    /// The SHA-1 of `data`.
    pub fn digest(data: &[u8]) -> [u8; 20] {
        let mut h = Sha1::new();
        h.update(data);
        h.finish()
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        while !data.is_empty() {
            let take = (64 - self.filled).min(data.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == 64 {
                let block = self.block;
                self.compress(&block);
                self.filled = 0;
            }
        }
    }

    pub fn finish(mut self) -> [u8; 20] {
        let bits = self.total.wrapping_mul(8);
        // The padding written into the block at once: 0x80, zeros, the
        // length in bits (in a second block if it does not fit).
        let mut block = self.block;
        block[self.filled] = 0x80;
        block[self.filled + 1..].fill(0);
        if self.filled >= 56 {
            self.compress(&block);
            block = [0; 64];
        }
        block[56..].copy_from_slice(&bits.to_be_bytes());
        self.compress(&block);
        let mut out = [0u8; 20];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn compress(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        // The four rounds as separate loops: no per-step branch on the
        // round's function.
        let mut v = self.state;
        round(&mut v, &w[0..20], 0x5A82_7999, |b, c, d| (b & c) | (!b & d));
        round(&mut v, &w[20..40], 0x6ED9_EBA1, |b, c, d| b ^ c ^ d);
        round(&mut v, &w[40..60], 0x8F1B_BCDC, |b, c, d| (b & c) | (b & d) | (c & d));
        round(&mut v, &w[60..80], 0xCA62_C1D6, |b, c, d| b ^ c ^ d);
        for (s, v) in self.state.iter_mut().zip(v) {
            *s = s.wrapping_add(v);
        }
    }
}

/// Twenty steps of one round with its function `f` and constant `k`.
#[inline(always)]
fn round(v: &mut [u32; 5], w: &[u32], k: u32, f: impl Fn(u32, u32, u32) -> u32) {
    let [mut a, mut b, mut c, mut d, mut e] = *v;
    for &wi in w {
        let t = a
            .rotate_left(5)
            .wrapping_add(f(b, c, d))
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(wi);
        (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
    }
    *v = [a, b, c, d, e];
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(hex(&Sha1::digest(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(hex(&Sha1::digest(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hex(&Sha1::digest(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        // Fed in pieces across block boundaries.
        let million = vec![b'a'; 1_000_000];
        let mut h = Sha1::new();
        for part in million.chunks(333) {
            h.update(part);
        }
        assert_eq!(hex(&h.finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
        // Every padding case: the length in the same block or the next.
        for (n, want) in [
            (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
            (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
            (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"),
            (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
            (119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"),
            (120, "f34c1488385346a55709ba056ddd08280dd4c6d6"),
        ] {
            assert_eq!(hex(&Sha1::digest(&vec![b'a'; n])), want, "{n} bytes");
        }
    }
}
