//! LZF compression: a port of liblzf's `lzf_compress` (lzf_c.c) exactly as
//! Redis 7.0 compiles it (lzfP.h: `HLOG 16`, `VERY_FAST 1`, `ULTRA_FAST 0`,
//! `CHECK_INPUT 1`, `LZF_USE_OFFSETS 0`), so that the compressed bytes, and
//! therefore the sizes Redis reports for compressed RDB strings, are the
//! same byte for byte.
//!
//! The one intended difference: Redis builds with `INIT_HTAB 0`, so its hash
//! table starts with whatever the stack held. A stale slot can only ever
//! yield a genuine match (every candidate is re-checked against the input),
//! but it may be one a fresh table would not find, so in rare cases Redis
//! compresses a few bytes better after compressing similar data at the same
//! address. Here every call starts from an empty table, as the table holds
//! (epoch, position) pairs and a slot from an earlier call reads as empty.
//!
//! Compressed format (from lzf_c.c):
//! ```text
//! 000LLLLL <L+1 bytes>          literal run of L+1 = 1..32 bytes
//! LLLooooo oooooooo             back reference of L+2 = 3..8 bytes, offset o+1
//! 111ooooo LLLLLLLL oooooooo    back reference of L+9 bytes, offset o+1
//! ```

/// `HLOG`: the hash table has 2^16 slots.
const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
/// Longest literal run.
const MAX_LIT: usize = 1 << 5;
/// Farthest back a reference reaches.
const MAX_OFF: usize = 1 << 13;
/// Longest back reference, minus two.
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// The first two bytes at `at`, as `FRST` (a missing byte reads as 0; the
/// loop never runs for such short inputs anyway).
fn frst(input: &[u8], at: usize) -> u32 {
    let b = |i: usize| input.get(i).copied().unwrap_or(0) as u32;
    (b(at) << 8) | b(at + 1)
}

/// `NEXT`: shifts in the byte two past `at`.
fn next(hval: u32, input: &[u8], at: usize) -> u32 {
    (hval << 8) | input[at + 2] as u32
}

/// `IDX` with `VERY_FAST`.
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// A reusable compressor: the hash table and output buffer survive between
/// calls, so compressing many small strings costs no allocation each.
#[derive(Debug, Default)]
pub struct Compressor {
    /// Per slot: the epoch of the call that wrote it and an input position.
    htab: Vec<(u32, usize)>,
    /// The current call's epoch; slots of other epochs are empty.
    epoch: u32,
    out: Vec<u8>,
}

impl Compressor {
    pub fn new() -> Compressor {
        Compressor::default()
    }

    fn start(&mut self) {
        if self.htab.is_empty() {
            self.htab = vec![(0, 0); HSIZE];
        }
        if self.epoch == u32::MAX {
            self.htab.fill((0, 0));
            self.epoch = 0;
        }
        self.epoch += 1;
    }

    /// Reads and replaces slot `i` (`ref = *hslot; *hslot = ip`).
    fn swap(&mut self, i: usize, ip: usize) -> Option<usize> {
        let (epoch, pos) = std::mem::replace(&mut self.htab[i], (self.epoch, ip));
        (epoch == self.epoch).then_some(pos)
    }

    fn put(&mut self, i: usize, ip: usize) {
        self.htab[i] = (self.epoch, ip);
    }

    /// Compresses `input` into at most `out_len` bytes, as
    /// `lzf_compress(input, len, out, out_len)`: `None` where that returns
    /// 0 (empty input, or the output would not fit).
    pub fn compress(&mut self, input: &[u8], out_len: usize) -> Option<&[u8]> {
        let n = self.compress_into(input, out_len);
        (n > 0).then(|| &self.out[..n])
    }

    /// The body of `lzf_compress`, with pointers as indexes; returns the
    /// compressed length or 0.
    fn compress_into(&mut self, input: &[u8], out_len: usize) -> usize {
        let in_len = input.len();
        if in_len == 0 || out_len == 0 {
            return 0;
        }
        self.start();
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        out.resize(out_len, 0);
        let out_end = out_len;

        let mut ip = 0usize;
        let mut op = 1usize; // start run
        let mut lit = 0usize;
        let mut hval = frst(input, ip);
        let result = 'done: {
            while ip + 2 < in_len {
                hval = next(hval, input, ip);
                let slot = idx(hval);
                let candidate = self.swap(slot, ip);
                // A slot of this call always holds an earlier position.
                let reference = candidate.filter(|&r| {
                    ip - r - 1 < MAX_OFF
                        && r > 0
                        && input[r + 2] == input[ip + 2]
                        && input[r] == input[ip]
                        && input[r + 1] == input[ip + 1]
                });
                if let Some(r) = reference {
                    let off = ip - r - 1;
                    let mut len = 2usize;
                    let maxlen = (in_len - ip - len).min(MAX_REF);

                    if op - usize::from(lit == 0) + 3 + 1 >= out_end {
                        break 'done 0;
                    }
                    out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop run
                    op -= usize::from(lit == 0); // undo run if length is zero

                    'scan: {
                        if maxlen > 16 {
                            for _ in 0..16 {
                                len += 1;
                                if input[r + len] != input[ip + len] {
                                    break 'scan;
                                }
                            }
                        }
                        loop {
                            len += 1;
                            if !(len < maxlen && input[r + len] == input[ip + len]) {
                                break;
                            }
                        }
                    }

                    len -= 2; // len is now #octets - 1
                    ip += 1;
                    if len < 7 {
                        out[op] = ((off >> 8) + (len << 5)) as u8;
                        op += 1;
                    } else {
                        out[op] = ((off >> 8) + (7 << 5)) as u8;
                        out[op + 1] = (len - 7) as u8;
                        op += 2;
                    }
                    out[op] = off as u8;
                    op += 1;
                    lit = 0;
                    op += 1; // start run

                    ip += len + 1;
                    if ip + 2 >= in_len {
                        break;
                    }
                    // VERY_FAST: hash the last two positions of the match.
                    ip -= 2;
                    hval = frst(input, ip);
                    hval = next(hval, input, ip);
                    self.put(idx(hval), ip);
                    ip += 1;
                    hval = next(hval, input, ip);
                    self.put(idx(hval), ip);
                    ip += 1;
                } else {
                    // One more literal byte we must copy.
                    if op >= out_end {
                        break 'done 0;
                    }
                    lit += 1;
                    out[op] = input[ip];
                    op += 1;
                    ip += 1;
                    if lit == MAX_LIT {
                        out[op - lit - 1] = (lit - 1) as u8; // stop run
                        lit = 0;
                        op += 1; // start run
                    }
                }
            }

            // At most 3 bytes can be missing here.
            if op + 3 > out_end {
                break 'done 0;
            }
            while ip < in_len {
                lit += 1;
                out[op] = input[ip];
                op += 1;
                ip += 1;
                if lit == MAX_LIT {
                    out[op - lit - 1] = (lit - 1) as u8;
                    lit = 0;
                    op += 1;
                }
            }
            out[op - lit - 1] = (lit as u8).wrapping_sub(1); // end run
            op - usize::from(lit == 0) // undo run if length is zero
        };
        self.out = out;
        result
    }
}

/// Decompresses LZF data whose original length is `len` (lzf_d.c);
/// `None` on malformed input or a different length. A claimed length no
/// input of this size can produce is refused before allocating.
pub fn decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    // Each 3-byte back reference yields at most MAX_REF + 2 bytes.
    if len > input.len().saturating_mul(MAX_REF + 2) / 3 + MAX_LIT {
        return None;
    }
    // As Redis's `ztrymalloc`: a length that cannot be had is a refusal,
    // not an abort.
    let mut out = Vec::new();
    out.try_reserve_exact(len).ok()?;
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            out.extend_from_slice(input.get(ip..ip + run)?);
            ip += run;
        } else {
            let mut run = ctrl >> 5;
            if run == 7 {
                run += *input.get(ip)? as usize;
                ip += 1;
            }
            let back = ((ctrl & 0x1f) << 8) + *input.get(ip)? as usize + 1;
            ip += 1;
            let from = out.len().checked_sub(back)?;
            for i in 0..run + 2 {
                out.push(out[from + i]);
            }
        }
    }
    (out.len() == len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lzf_len(input: &[u8]) -> Option<usize> {
        Compressor::new().compress(input, input.len() - 4).map(<[u8]>::len)
    }

    /// Compressed lengths real Redis 7.0.15 reports for the same inputs
    /// (DEBUG OBJECT's serializedlength minus the LZF blob's header).
    #[test]
    fn matches_redis_lengths() {
        assert_eq!(lzf_len(&[b'a'; 21]), Some(6));
        assert_eq!(lzf_len(&[b'a'; 100]), Some(9));
        assert_eq!(lzf_len(&[b'a'; 1000]), Some(18));
        assert_eq!(lzf_len(&b"abcdefghij".repeat(30)), Some(21));
        // 21 distinct bytes do not compress.
        assert_eq!(lzf_len(b"abcdefghijklmnopqrstu"), None);
    }

    /// Position 0 is never referenced (`ref > in_data`), so 'a' * 21 is a
    /// literal run of two bytes, then one 19-byte reference at offset 0.
    #[test]
    fn exact_bytes_of_a_small_input() {
        let mut c = Compressor::new();
        assert_eq!(c.compress(&[b'a'; 21], 17), Some(&[1, b'a', b'a', 0xe0, 10, 0][..]));
    }

    #[test]
    fn round_trips_and_respects_out_len() {
        let mut c = Compressor::new();
        let mut rng = 0x9E3779B97F4A7C15u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for round in 0..3000 {
            let len = (next() % 600) as usize + 1;
            let alphabet = (next() % 8 + 1) * if round % 5 == 0 { 32 } else { 1 };
            let input: Vec<u8> = (0..len).map(|_| (next() % alphabet) as u8).collect();
            let out_len = (next() as usize % (len + 40)) + 1;
            match c.compress(&input, out_len) {
                Some(out) => {
                    assert!(out.len() <= out_len);
                    assert_eq!(decompress(out, len).as_deref(), Some(&input[..]), "round {round}");
                }
                None => {
                    // Failing must mean it did not fit: with room to spare
                    // the same input compresses.
                    let big = c.compress(&input, len + len / 16 + 64).map(<[u8]>::len);
                    assert!(big.is_some_and(|n| n > out_len.saturating_sub(4)), "round {round}");
                }
            }
        }
        assert_eq!(c.compress(b"", 10), None);
        assert_eq!(c.compress(b"x", 0), None);
        // The final check wants room for three more bytes than written.
        assert_eq!(c.compress(b"x", 3), None);
        assert_eq!(c.compress(b"x", 4), Some(&[0, b'x'][..]));
    }
}
