//! Redis's number parsing and formatting, byte for byte as Redis 7.0.15 does
//! it on x86-64 Linux with glibc.
//!
//! Every public item names the Redis routine it reproduces:
//!
//! | here | Redis 7.0.15 | used by |
//! |---|---|---|
//! | [`parse_i64`] | `string2ll` (util.c) | `getLongLongFromObject` (object.c): INCR, INCRBY, SETRANGE offsets, ... |
//! | [`parse_long`] | `string2l` (util.c) | `getLongFromObject` |
//! | [`write_i64`], [`write_u64`], [`format_i64`], [`i64_len`], [`u64_len`] | `ll2string`, `ull2string`, `sdigits10`, `digits10` | integer replies, INCR results |
//! | [`strtod`] | glibc `strtod` (whole C-string semantics) | building block |
//! | [`parse_f64`] | `string2d` (util.c) | `getDoubleFromObject` (object.c): ZADD, ZINCRBY, ... |
//! | [`write_double`] | `addReplyDouble` (networking.c): `"%.17g"`, `inf`/`-inf` | ZSCORE, ZINCRBY, WITHSCORES |
//! | [`write_d2string`] | `d2string` (util.c) | score text stored in listpacks |
//! | [`LongDouble::parse`] | `string2ld` (util.c) | `getLongDoubleFromObject`: INCRBYFLOAT, HINCRBYFLOAT |
//! | [`LongDouble::add`] | x87 80-bit `long double` `+` (round to nearest even) | INCRBYFLOAT, HINCRBYFLOAT |
//! | [`LongDouble::write_human`] | `ld2string(..., LD_STR_HUMAN)`: `"%.17Lf"` then trimmed | INCRBYFLOAT/HINCRBYFLOAT results, `addReplyHumanLongDouble` |
//!
//! Redis 7.0 formats doubles with `"%.17g"` everywhere (`addReplyDouble`,
//! `d2string`); the shortest-round-trip `fpconv_dtoa` formatting only arrived
//! in 7.2. So `ZADD z 0.1 a` then `ZSCORE z a` replies `0.10000000000000001`.
//! There is no "human" variant for plain doubles in 7.0: the only human
//! formatting is the long-double one ([`LongDouble::write_human`]).
//!
//! ## INCRBYFLOAT / HINCRBYFLOAT error flow (t_string.c `incrbyfloatCommand`)
//!
//! ```text
//! cur  = LongDouble::parse(stored value)  (missing key: 0)  -- None => "ERR value is not a valid float"
//! incr = LongDouble::parse(argument)                        -- None => "ERR value is not a valid float"
//! sum  = cur.add(incr)
//! if !sum.is_finite()                                       => "ERR increment would produce NaN or Infinity"
//! text = sum.write_human(..)   -- stored as the new value, replied as a bulk string,
//!                                 propagated as SET key text KEEPTTL
//! ```
//!
//! (HINCRBYFLOAT replies "ERR hash value is not a float" for a bad stored
//! field value instead; the increment check and the formatting are the same.)
//!
//! glibc's `strtod`/`strtold` are reproduced including one rounding quirk:
//! a hexadecimal input whose value falls below the normal range ignores its
//! (precision+1)-th significant bit when rounding to a subnormal (see
//! `hex_to_conv`). Decimal inputs are always correctly rounded, as in glibc.
//!
//! Everything is computed exactly (a small `Vec<u32>` bignum is used where
//! `u128` is not enough), so results are correctly rounded like glibc's,
//! including subnormals, halfway cases and `long double` exponents up to
//! 16383. No function panics, whatever the input bytes.

use std::cmp::Ordering;

// ---------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------

/// Redis `LONG_STR_SIZE`: strings this long or longer are never integers.
pub const LONG_STR_SIZE: usize = 21;

/// Redis `MAX_LONG_DOUBLE_CHARS`: `string2ld` rejects inputs of this length
/// or longer.
pub const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Mirrors `string2ll()`: the whole of `s` must be `0` or `-?[1-9][0-9]*`
/// within `i64` range. Rejects the empty string, strings of 21+ bytes, a
/// leading `+`, leading/trailing spaces, leading zeros, `-0` and overflow.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= LONG_STR_SIZE {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let (&first, rest) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut v = u64::from(first - b'0');
    for &c in rest {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if negative {
        if v > 1u64 << 63 {
            return None;
        }
        Some(0i64.wrapping_sub_unsigned(v))
    } else {
        i64::try_from(v).ok()
    }
}

/// Mirrors `string2l()`. `long` is 64-bit on x86-64 Linux, so this is exactly
/// [`parse_i64`].
pub fn parse_long(s: &[u8]) -> Option<i64> {
    parse_i64(s)
}

/// Mirrors `digits10()`: number of decimal digits of `v` (1 for 0).
pub fn u64_len(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Mirrors `sdigits10()`: length of the decimal text of `v`, sign included.
pub fn i64_len(v: i64) -> usize {
    u64_len(v.unsigned_abs()) + usize::from(v < 0)
}

// Formats `v` right-aligned into `buf`, returning the index of the first digit.
fn fmt_u64(buf: &mut [u8; 20], mut v: u64) -> usize {
    let mut i = buf.len();
    while v >= 100 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        buf[i] = DIGIT_PAIRS[2 * r];
        buf[i + 1] = DIGIT_PAIRS[2 * r + 1];
    }
    if v >= 10 {
        let r = v as usize;
        i -= 2;
        buf[i] = DIGIT_PAIRS[2 * r];
        buf[i + 1] = DIGIT_PAIRS[2 * r + 1];
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    i
}

/// Mirrors `ull2string()`: appends the decimal text of `v` to `out`.
pub fn write_u64(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 20];
    let start = fmt_u64(&mut buf, v);
    out.extend_from_slice(&buf[start..]);
}

/// Mirrors `ll2string()`: appends the decimal text of `v` (with `-` when
/// negative, including `i64::MIN`) to `out`.
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Writes the decimal text of `v` into `buf` (20 bytes fit `i64::MIN`) and
/// returns its length: the allocation-free form of `write_i64`.
pub fn format_i64(buf: &mut [u8; 20], v: i64) -> usize {
    let mut digits = [0u8; 20];
    let start = fmt_u64(&mut digits, v.unsigned_abs());
    let sign = usize::from(v < 0);
    buf[0] = b'-';
    let len = 20 - start;
    buf[sign..sign + len].copy_from_slice(&digits[start..]);
    sign + len
}

// Appends the decimal text of a u128.
fn write_u128(out: &mut Vec<u8>, v: u128) {
    let mut buf = [0u8; 40];
    let start = u128_digits(v, &mut buf);
    out.extend(buf[start..].iter().map(|d| d + b'0'));
}

// Writes the decimal digit *values* (0..=9) of `v` right-aligned into `buf`
// and returns the index of the first one ("0" for zero).
fn u128_digits(mut v: u128, buf: &mut [u8; 40]) -> usize {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = (v % 10) as u8;
        v /= 10;
        if v == 0 || i == 0 {
            return i;
        }
    }
}

// ---------------------------------------------------------------------------
// A tiny unsigned bignum (little-endian u32 limbs, no high zero limbs).
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, Default)]
struct Big {
    l: Vec<u32>,
}

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big {
            l: vec![v as u32, (v >> 32) as u32],
        };
        b.trim();
        b
    }

    // Builds the integer spelled by ASCII decimal digits.
    fn from_digits(digits: impl Iterator<Item = u8>) -> Big {
        let mut b = Big::default();
        let (mut acc, mut n) = (0u32, 0u32);
        for d in digits {
            acc = acc * 10 + u32::from(d.wrapping_sub(b'0') % 10);
            n += 1;
            if n == 9 {
                b.mul_add_small(1_000_000_000, acc);
                acc = 0;
                n = 0;
            }
        }
        if n > 0 {
            b.mul_add_small(10u32.pow(n), acc);
        }
        b
    }

    fn trim(&mut self) {
        while self.l.last() == Some(&0) {
            self.l.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.l.is_empty()
    }

    fn bit_len(&self) -> u64 {
        match self.l.last() {
            None => 0,
            Some(&top) => (self.l.len() as u64 - 1) * 32 + u64::from(32 - top.leading_zeros()),
        }
    }

    // self = self * m + a
    fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for x in self.l.iter_mut() {
            let t = u64::from(*x) * u64::from(m) + carry;
            *x = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            self.l.push(carry as u32);
        }
        self.trim();
    }

    fn mul_pow10(&mut self, mut n: u64) {
        while n >= 9 {
            self.mul_add_small(1_000_000_000, 0);
            n -= 9;
        }
        if n > 0 {
            self.mul_add_small(10u32.pow(n as u32), 0);
        }
    }

    fn pow10(n: u64) -> Big {
        let mut b = Big::from_u64(1);
        b.mul_pow10(n);
        b
    }

    fn shl(&mut self, n: u64) {
        if self.is_zero() {
            return;
        }
        let bits = (n % 32) as u32;
        if bits != 0 {
            let mut carry = 0u32;
            for x in self.l.iter_mut() {
                let nx = (*x << bits) | carry;
                carry = *x >> (32 - bits);
                *x = nx;
            }
            if carry != 0 {
                self.l.push(carry);
            }
        }
        let limbs = (n / 32) as usize;
        if limbs > 0 {
            self.l.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    fn shr1(&mut self) {
        let mut carry = 0u32;
        for x in self.l.iter_mut().rev() {
            let nx = (*x >> 1) | (carry << 31);
            carry = *x & 1;
            *x = nx;
        }
        self.trim();
    }

    fn cmp_big(&self, o: &Big) -> Ordering {
        self.l
            .len()
            .cmp(&o.l.len())
            .then_with(|| self.l.iter().rev().cmp(o.l.iter().rev()))
    }

    // self -= o; requires self >= o.
    fn sub_assign(&mut self, o: &Big) {
        let mut borrow = false;
        for (i, x) in self.l.iter_mut().enumerate() {
            let b = o.l.get(i).copied().unwrap_or(0);
            let (d1, o1) = x.overflowing_sub(b);
            let (d2, o2) = d1.overflowing_sub(u32::from(borrow));
            *x = d2;
            borrow = o1 || o2;
        }
        self.trim();
    }

    // self /= d, returning the remainder; d != 0.
    fn div_small(&mut self, d: u32) -> u32 {
        let d = u64::from(d.max(1));
        let mut rem = 0u64;
        for x in self.l.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*x);
            *x = (cur / d) as u32;
            rem = cur % d;
        }
        self.trim();
        rem as u32
    }

    // Decimal digit values (0..=9), most significant first; [0] for zero.
    fn into_decimal(mut self) -> Vec<u8> {
        if self.is_zero() {
            return vec![0];
        }
        let mut chunks = Vec::with_capacity(self.l.len() * 32 / 29 + 1);
        while !self.is_zero() {
            chunks.push(self.div_small(1_000_000_000));
        }
        let mut out = Vec::with_capacity(chunks.len() * 9);
        let mut first = true;
        for &c in chunks.iter().rev() {
            let mut buf = [0u8; 9];
            let mut c = c;
            for slot in buf.iter_mut().rev() {
                *slot = (c % 10) as u8;
                c /= 10;
            }
            if first {
                let skip = buf.iter().take_while(|&&d| d == 0).count().min(8);
                out.extend_from_slice(&buf[skip..]);
                first = false;
            } else {
                out.extend_from_slice(&buf);
            }
        }
        out
    }

    fn bit(&self, i: u64) -> bool {
        let li = usize::try_from(i / 32).unwrap_or(usize::MAX);
        self.l.get(li).is_some_and(|&x| (x >> (i % 32)) & 1 == 1)
    }

    // Whether any bit below position n is set.
    fn any_below(&self, n: u64) -> bool {
        let full = usize::try_from(n / 32).unwrap_or(usize::MAX);
        if self.l.iter().take(full).any(|&x| x != 0) {
            return true;
        }
        let r = (n % 32) as u32;
        r != 0 && self.l.get(full).is_some_and(|&x| x & ((1u32 << r) - 1) != 0)
    }

    // (x, b, sticky): the top 128 bits x, so that self = (x + f) * 2^b with
    // 0 <= f < 1 and sticky = (f != 0).
    fn top128(&self) -> (u128, i64, bool) {
        let len = self.bit_len();
        if len <= 128 {
            let x = self.l.iter().rev().fold(0u128, |x, &limb| (x << 32) | u128::from(limb));
            (x, 0, false)
        } else {
            let sh = len - 128;
            let x = (0..128u64)
                .rev()
                .fold(0u128, |x, j| (x << 1) | u128::from(self.bit(sh + j)));
            (x, sh as i64, self.any_below(sh))
        }
    }

    // Returns the bits at positions >= k (at most 32 of them are expected)
    // and clears them, leaving self < 2^k.
    fn take_high(&mut self, k: u64) -> u32 {
        let top = self.bit_len();
        let mut v = 0u32;
        let mut j = top;
        while j > k {
            j -= 1;
            v = (v << 1) | u32::from(self.bit(j));
        }
        let li = usize::try_from(k / 32).unwrap_or(usize::MAX);
        let r = (k % 32) as u32;
        if self.l.len() > li {
            self.l.truncate(li + 1);
            if r == 0 {
                self.l.truncate(li);
            } else if let Some(x) = self.l.get_mut(li) {
                *x &= (1u32 << r) - 1;
            }
        }
        self.trim();
        v
    }
}

// num / den as (x, b, sticky) with num/den = (x + f) * 2^b, 0 <= f < 1,
// sticky = (f != 0) and x in [2^126, 2^128). Both must be non-zero.
fn div_to_u128(mut num: Big, mut den: Big) -> (u128, i64, bool) {
    let diff = num.bit_len() as i64 - den.bit_len() as i64;
    let s = 127 - diff;
    if s >= 0 {
        num.shl(s as u64);
    } else {
        den.shl(s.unsigned_abs());
    }
    // Now num < den * 2^128: long division, one quotient bit at a time.
    den.shl(127);
    let mut q = 0u128;
    for i in (0..128).rev() {
        if num.cmp_big(&den) != Ordering::Less {
            num.sub_assign(&den);
            q |= 1u128 << i;
        }
        den.shr1();
    }
    (q, -s, !num.is_zero())
}

// d / den (both non-zero u64) as (x, b, sticky) like `div_to_u128`, with
// x >= 2^127: a 192-by-64-bit long division of (d normalised) * 2^128.
fn div_u64(d: u64, den: u64) -> (u128, i64, bool) {
    let lz = d.leading_zeros();
    let d = d << lz;
    let den = den.max(1);
    let (q0, r0) = (d / den, d % den);
    let n1 = u128::from(r0) << 64;
    let (q1, r1) = ((n1 / u128::from(den)) as u64, (n1 % u128::from(den)) as u64);
    let n2 = u128::from(r1) << 64;
    let (q2, r2) = ((n2 / u128::from(den)) as u64, n2 % u128::from(den));
    // d / den = (q0:q1:q2 + r2/den) * 2^-128, and the original d carried 2^-lz.
    let base = -128 - i64::from(lz);
    if q0 == 0 {
        return ((u128::from(q1) << 64) | u128::from(q2), base, r2 != 0);
    }
    let s = q0.leading_zeros();
    let hi = (u128::from(q0) << 64) | u128::from(q1);
    if s == 0 {
        (hi, base + 64, q2 != 0 || r2 != 0)
    } else {
        let x = (hi << s) | u128::from(q2 >> (64 - s));
        (x, base + 64 - i64::from(s), q2 << s != 0 || r2 != 0)
    }
}

// ---------------------------------------------------------------------------
// Binary rounding (IEEE round to nearest, ties to even) into a format.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct FloatFormat {
    /// Significand bits (53 for double, 64 for x87 extended).
    prec: u32,
    /// Exponent of the smallest subnormal (value = mant * 2^exp).
    min_e: i64,
    /// Exponent of the top bit of the largest finite value.
    max_top: i64,
    /// Decimal magnitudes (value in [10^(m-1), 10^m)) outside
    /// [min_m, max_m] surely underflow to zero / overflow.
    min_m: i64,
    max_m: i64,
}

const F64_FMT: FloatFormat = FloatFormat {
    prec: 53,
    min_e: -1074,
    max_top: 1023,
    min_m: -326,
    max_m: 311,
};
const X87_FMT: FloatFormat = FloatFormat {
    prec: 64,
    min_e: -16445,
    max_top: 16383,
    min_m: -4953,
    max_m: 4935,
};

/// Result of converting an exact magnitude into a binary format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conv {
    /// Zero; `erange` when a non-zero input underflowed.
    Zero { erange: bool },
    /// mant * 2^exp, canonical: either mant has bit prec-1 set, or
    /// exp == min_e (subnormal). `erange` as glibc sets it (tiny and inexact).
    Finite { mant: u64, exp: i64, erange: bool },
    /// Rounded past the largest finite value (glibc: ±HUGE_VAL, ERANGE).
    Overflow,
}

// Rounds (x + f) * 2^shift-units: returns (floor-or-rounded x >> shift,
// inexact). `sticky` says a non-zero fraction f in (0, 1) lies below x's
// last bit; callers guarantee shift >= 2 whenever sticky is set.
fn shift_round(x: u128, shift: i64, sticky: bool) -> (u128, bool) {
    if shift <= 0 {
        let sh = shift.unsigned_abs().min(127) as u32;
        return (x << sh, sticky);
    }
    if shift >= 130 {
        return (0, x != 0 || sticky);
    }
    let shift = shift as u32;
    let q = if shift >= 128 { 0 } else { x >> shift };
    let half = shift - 1 < 128 && (x >> (shift - 1)) & 1 == 1;
    let below = match shift - 1 {
        0 => 0,
        n if n >= 128 => x,
        n => x & ((1u128 << n) - 1),
    };
    let rest = below != 0 || sticky;
    let up = half && (rest || q & 1 == 1);
    (q + u128::from(up), half || rest)
}

// Correctly rounds the exact positive value (x + f) * 2^b (x != 0, f in
// [0, 1) and non-zero iff `sticky`) into format `f`.
fn round_binary(x: u128, b: i64, sticky: bool, f: FloatFormat) -> Conv {
    round_binary_tiny(x, b, sticky, f, x)
}

// `round_binary`, but glibc's after-rounding tininess test (which decides
// ERANGE for subnormal results) looks at `tiny_x` instead of `x`.
fn round_binary_tiny(x: u128, b: i64, sticky: bool, f: FloatFormat, tiny_x: u128) -> Conv {
    if x == 0 {
        return Conv::Zero { erange: sticky };
    }
    let b = b.clamp(-(1 << 50), 1 << 50);
    let prec = i64::from(f.prec);
    let xbits = i64::from(128 - x.leading_zeros());
    let tb = b + xbits - 1;
    let mut ulp = (tb - (prec - 1)).max(f.min_e);
    let (mut mant, inexact) = shift_round(x, ulp - b, sticky);
    if mant == 0 {
        return Conv::Zero { erange: true };
    }
    if mant >> prec != 0 {
        mant >>= 1;
        ulp += 1;
    }
    let top = ulp + i64::from(127 - mant.leading_zeros());
    if top > f.max_top {
        return Conv::Overflow;
    }
    let min_normal_top = f.min_e + prec - 1;
    // glibc detects tininess after rounding (x86): tiny if the value rounded
    // to full precision with an unbounded exponent is still below normal.
    let tiny = tb < min_normal_top && {
        let ulp_u = tb - (prec - 1);
        let (m2, _) = shift_round(tiny_x, ulp_u - b, sticky);
        ulp_u + i64::from(127 - m2.leading_zeros()) < min_normal_top
    };
    Conv::Finite {
        mant: mant as u64,
        exp: ulp,
        erange: tiny && inexact,
    }
}

// ---------------------------------------------------------------------------
// strtod/strtold syntax (glibc, "C" locale)
// ---------------------------------------------------------------------------

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ci(s: &[u8], pat: &[u8]) -> bool {
    s.get(..pat.len()).is_some_and(|p| p.eq_ignore_ascii_case(pat))
}

fn count_while(s: &[u8], f: impl Fn(u8) -> bool) -> usize {
    s.iter().take_while(|&&c| f(c)).count()
}

fn hex_val(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

const EXP_SAT: i64 = 1 << 40;

// `[+-]?[0-9]+` -> (value saturated at about ±2^40, bytes consumed).
fn scan_exponent(s: &[u8]) -> Option<(i64, usize)> {
    let (neg, i) = match s.first() {
        Some(b'+') => (false, 1),
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let digits = s.get(i..).unwrap_or_default();
    let nd = count_while(digits, |c| c.is_ascii_digit());
    if nd == 0 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in &digits[..nd] {
        if v < EXP_SAT {
            v = v * 10 + i64::from(c - b'0');
        }
    }
    Some((if neg { -v } else { v }, i + nd))
}

#[derive(Clone, Copy, Debug)]
enum Body<'a> {
    Inf,
    Nan,
    /// int.frac * 10^exp (decimal digits) or * 2^exp (hex digits).
    Dec {
        int: &'a [u8],
        frac: &'a [u8],
        exp: i64,
    },
    Hex {
        int: &'a [u8],
        frac: &'a [u8],
        exp: i64,
    },
}

struct Scan<'a> {
    neg: bool,
    body: Body<'a>,
    /// Bytes of the input consumed (what `endptr - nptr` would be).
    end: usize,
}

// `digits [. digits] [exp]` with at least one digit; returns
// (int, frac, exponent, bytes consumed).
fn scan_mantissa(s: &[u8], hex: bool) -> Option<(&[u8], &[u8], i64, usize)> {
    let is_digit = move |c: u8| {
        if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }
    };
    let ni = count_while(s, is_digit);
    let int = &s[..ni];
    let mut j = ni;
    let mut frac: &[u8] = &[];
    if s.get(j) == Some(&b'.') {
        let after = &s[j + 1..];
        let nf = count_while(after, is_digit);
        if ni + nf > 0 {
            frac = &after[..nf];
            j += 1 + nf;
        }
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp = 0;
    let marker = if hex { b'p' } else { b'e' };
    if s.get(j).is_some_and(|&c| c | 0x20 == marker)
        && let Some((e, n)) = scan_exponent(&s[j + 1..])
    {
        exp = e;
        j += 1 + n;
    }
    Some((int, frac, exp, j))
}

// The longest prefix of `s` that glibc's strtod/strtold would convert; None
// when no conversion is performed. A NUL byte simply ends the number.
fn scan(s: &[u8]) -> Option<Scan<'_>> {
    let mut i = count_while(s, is_c_space);
    let mut neg = false;
    if let Some(&c) = s.get(i)
        && (c == b'+' || c == b'-')
    {
        neg = c == b'-';
        i += 1;
    }
    let r = &s[i..];
    if starts_with_ci(r, b"inf") {
        let len = if starts_with_ci(r, b"infinity") { 8 } else { 3 };
        return Some(Scan {
            neg,
            body: Body::Inf,
            end: i + len,
        });
    }
    if starts_with_ci(r, b"nan") {
        let mut len = 3;
        if r.get(3) == Some(&b'(') {
            let n = count_while(&r[4..], |c| c.is_ascii_alphanumeric() || c == b'_');
            if r.get(4 + n) == Some(&b')') {
                len = 5 + n;
            }
        }
        return Some(Scan {
            neg,
            body: Body::Nan,
            end: i + len,
        });
    }
    if r.len() >= 2
        && r[0] == b'0'
        && r[1] | 0x20 == b'x'
        && let Some((int, frac, exp, len)) = scan_mantissa(&r[2..], true)
    {
        return Some(Scan {
            neg,
            body: Body::Hex { int, frac, exp },
            end: i + 2 + len,
        });
    }
    let (int, frac, exp, len) = scan_mantissa(r, false)?;
    Some(Scan {
        neg,
        body: Body::Dec { int, frac, exp },
        end: i + len,
    })
}

fn sat_i64(v: i128) -> i64 {
    v.clamp(-(1 << 50), 1 << 50) as i64
}

// Significant decimal digits of int.frac * 10^exp: value = sig * 10^q
// where sig = digits first..=last of int++frac (no leading/trailing zeros).
struct DecSig<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    first: usize,
    n: usize,
    q: i64,
}

impl DecSig<'_> {
    fn digits(&self) -> impl Iterator<Item = u8> + '_ {
        self.int.iter().chain(self.frac).skip(self.first).take(self.n).copied()
    }

    // Decimal magnitude m: value in [10^(m-1), 10^m).
    fn magnitude(&self) -> i64 {
        sat_i64(self.n as i128 + i128::from(self.q))
    }
}

// None when every digit is zero.
fn dec_sig<'a>(int: &'a [u8], frac: &'a [u8], exp: i64) -> Option<DecSig<'a>> {
    let total = int.len() + frac.len();
    let first = int.iter().chain(frac).position(|&c| c != b'0')?;
    let trailing = int.iter().chain(frac).rev().position(|&c| c != b'0').unwrap_or(0);
    let n = total - first - trailing;
    let q = sat_i64(i128::from(exp) - frac.len() as i128 + trailing as i128);
    Some(DecSig { int, frac, first, n, q })
}

// Exact decimal -> binary conversion with bignums.
fn dec_to_conv_exact(sig: &DecSig<'_>, f: FloatFormat) -> Conv {
    let m = sig.magnitude();
    if m > f.max_m {
        return Conv::Overflow;
    }
    if m < f.min_m {
        return Conv::Zero { erange: true };
    }
    // Fast paths: up to 19 digits (fits a u64) scaled by at most 10^19.
    if sig.n <= 19 && (-19..=19).contains(&sig.q) {
        let d = sig.digits().fold(0u64, |acc, c| acc * 10 + u64::from(c - b'0'));
        return if sig.q >= 0 {
            round_binary(u128::from(d) * 10u128.pow(sig.q as u32), 0, false, f)
        } else {
            let (x, b, sticky) = div_u64(d, 10u64.pow(sig.q.unsigned_abs() as u32));
            round_binary(x, b, sticky, f)
        };
    }
    // Halfway points of x87 values have fewer than 12000 significant digits:
    // anything past that only matters as a non-zero "sticky" tail.
    const MAX_DIGITS: usize = 12_000;
    let keep = sig.n.min(MAX_DIGITS);
    let mut d = Big::from_digits(sig.digits().take(keep));
    let mut q = sig.q;
    if keep < sig.n {
        d.mul_add_small(10, 1);
        q = sat_i64(i128::from(q) + (sig.n - keep) as i128 - 1);
    }
    let (x, b, sticky) = if q >= 0 {
        d.mul_pow10(q as u64);
        d.top128()
    } else {
        div_to_u128(d, Big::pow10(q.unsigned_abs()))
    };
    round_binary(x, b, sticky, f)
}

// Exact hexadecimal -> binary conversion.
fn hex_to_conv(int: &[u8], frac: &[u8], exp: i64, f: FloatFormat) -> Conv {
    let mut x = 0u128;
    let (mut taken, mut dropped) = (0u32, 0u64);
    let (mut started, mut sticky) = (false, false);
    for &c in int.iter().chain(frac) {
        let v = hex_val(c);
        if !started {
            if v == 0 {
                continue;
            }
            started = true;
        }
        if taken < 30 {
            x = (x << 4) | u128::from(v);
            taken += 1;
        } else {
            dropped += 1;
            sticky |= v != 0;
        }
    }
    if !started {
        return Conv::Zero { erange: false };
    }
    let b = sat_i64(i128::from(exp) - 4 * frac.len() as i128 + 4 * i128::from(dropped));
    // glibc quirk (strtod_l.c, hex input, result below the normal range):
    // `round_and_return` shifts the mantissa right for the subnormal and
    // takes its new round bit from the mantissa, but folds into the sticky
    // bits only the bits *below* the incoming round bit, so significant bit
    // number prec+1 is ignored. E.g. 0x1.00000000000018p-1023 becomes
    // 0x0.8p-1022 instead of the correctly rounded 0x0.8000000000001p-1022.
    let xbits = i64::from(128 - x.leading_zeros());
    let prec = i64::from(f.prec);
    if xbits > prec && b + xbits - 1 < f.min_e + prec - 1 {
        let lost = 1u128 << (xbits - 1 - prec);
        return round_binary_tiny(x & !lost, b, sticky, f, x);
    }
    round_binary(x, b, sticky, f)
}

// ---------------------------------------------------------------------------
// double parsing
// ---------------------------------------------------------------------------

/// What glibc `strtod(s, &end)` returns for a NUL-terminated copy of `s`.
#[derive(Clone, Copy, Debug)]
pub struct Strtod {
    /// The converted value (0.0 when nothing was converted).
    pub value: f64,
    /// `end - s`: bytes consumed, 0 when no conversion was performed.
    pub consumed: usize,
    /// Whether `errno` would be set to `ERANGE` (overflow, or a tiny inexact
    /// result, including underflow to zero).
    pub erange: bool,
}

fn conv_to_f64(c: Conv) -> (f64, bool) {
    match c {
        Conv::Zero { erange } => (0.0, erange),
        Conv::Overflow => (f64::INFINITY, true),
        Conv::Finite { mant, exp, erange } => {
            let bits = if mant >> 52 != 0 {
                let biased = (exp + 1075) as u64;
                (biased << 52) | (mant & ((1u64 << 52) - 1))
            } else {
                mant
            };
            (f64::from_bits(bits), erange)
        }
    }
}

// Correctly rounded decimal -> double (magnitude), with glibc's ERANGE.
fn dec_to_f64(int: &[u8], frac: &[u8], exp: i64) -> (f64, bool) {
    let Some(sig) = dec_sig(int, frac, exp) else {
        return (0.0, false);
    };
    let m = sig.magnitude();
    if m > F64_FMT.max_m {
        return (f64::INFINITY, true);
    }
    if m < F64_FMT.min_m {
        return (0.0, true);
    }
    // Fast path: Rust's parser is correctly rounded. Feed it a canonical
    // "<digits>e<exp>"; beyond 780 digits only a non-zero sticky digit matters
    // (halfway points of doubles have at most 767 significant digits).
    const KEEP: usize = 780;
    let mut buf = [0u8; KEEP + 32];
    let mut len = 0;
    for d in sig.digits().take(KEEP) {
        buf[len] = d;
        len += 1;
    }
    let mut q = sig.q;
    if sig.n > KEEP {
        buf[len] = b'1';
        len += 1;
        q = sat_i64(i128::from(q) + (sig.n - KEEP) as i128 - 1);
    }
    buf[len] = b'e';
    len += 1;
    let fast = {
        let mut tmp = [0u8; 20];
        let start = fmt_u64(&mut tmp, q.unsigned_abs());
        if q < 0 {
            buf[len] = b'-';
            len += 1;
        }
        let digits = &tmp[start..];
        buf[len..len + digits.len()].copy_from_slice(digits);
        len += digits.len();
        std::str::from_utf8(&buf[..len])
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
    };
    match fast {
        Some(r) if r.is_infinite() => (r, true),
        // Comfortably normal: no ERANGE possible, the value is final.
        Some(r) if r >= 2.0 * f64::MIN_POSITIVE => (r, false),
        // Tiny (or unexpectedly unparsable): decide exactly, with ERANGE.
        _ => conv_to_f64(dec_to_conv_exact(&sig, F64_FMT)),
    }
}

/// Emulates glibc `strtod()` (C locale) on `s` as if it were NUL-terminated
/// at its first NUL byte (or its end): skips leading C whitespace, accepts
/// an optional sign, decimal and hexadecimal (`0x`, `p` exponent) forms,
/// `inf`/`infinity`/`nan`/`nan(chars)` (any case), and converts the longest
/// valid prefix with correct rounding (subnormals included).
pub fn strtod(s: &[u8]) -> Strtod {
    let Some(sc) = scan(s) else {
        return Strtod {
            value: 0.0,
            consumed: 0,
            erange: false,
        };
    };
    let (mag, erange) = match sc.body {
        Body::Inf => (f64::INFINITY, false),
        Body::Nan => (f64::NAN, false),
        Body::Dec { int, frac, exp } => dec_to_f64(int, frac, exp),
        Body::Hex { int, frac, exp } => conv_to_f64(hex_to_conv(int, frac, exp, F64_FMT)),
    };
    let value = if sc.neg { -mag } else { mag };
    Strtod {
        value,
        consumed: sc.end,
        erange,
    }
}

/// Mirrors `string2d()` (and so `getDoubleFromObject`): the whole of `s`
/// must be consumed by `strtod`, `s` must be non-empty and not start with
/// whitespace, the result must not be NaN, and overflow (to ±inf) or
/// underflow to zero of a non-zero number is rejected. Accepted: `inf`,
/// `+inf`, `-Infinity`, hex floats (`0x1p-3`), `.5`, `5.`, `1e5`, `-0`,
/// subnormals. Callers reply "ERR value is not a valid float" on `None`.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.first().is_none_or(|&c| is_c_space(c)) {
        return None;
    }
    let r = strtod(s);
    if r.consumed != s.len() || (r.erange && (r.value.is_infinite() || r.value == 0.0)) || r.value.is_nan() {
        return None;
    }
    Some(r.value)
}

// ---------------------------------------------------------------------------
// double formatting
// ---------------------------------------------------------------------------

// Collects the first `want` significant digits, the next (rounding) digit
// and whether anything non-zero follows.
struct Collector {
    d: [u8; 40],
    len: usize,
    want: usize,
    round: u8,
    have_round: bool,
    sticky: bool,
}

impl Collector {
    fn new(want: usize) -> Collector {
        Collector {
            d: [0; 40],
            len: 0,
            want: want.min(39),
            round: 0,
            have_round: false,
            sticky: false,
        }
    }

    fn push(&mut self, v: u8) {
        if self.len < self.want {
            self.d[self.len] = v;
            self.len += 1;
        } else if !self.have_round {
            self.round = v;
            self.have_round = true;
        } else if v != 0 {
            self.sticky = true;
        }
    }

    fn full(&self) -> bool {
        self.have_round
    }

    // Rounds half-to-even in place; returns true if the digits carried into
    // a new leading 1 (the decimal exponent grows by one).
    fn round(&mut self) -> bool {
        let last_odd = self.want > 0 && self.d[self.want - 1] % 2 == 1;
        let up = self.round > 5 || (self.round == 5 && (self.sticky || last_odd));
        if !up {
            return false;
        }
        for i in (0..self.want).rev() {
            if self.d[i] == 9 {
                self.d[i] = 0;
            } else {
                self.d[i] += 1;
                return false;
            }
        }
        self.d[0] = 1;
        true
    }
}

// The first `n` (<= 39) significant decimal digits of m * 2^e (m > 0),
// correctly rounded half-to-even, as digit values in `out[..n]`. Returns the
// decimal exponent of the first digit (value ~ d.ddd * 10^x).
fn sig_digits(m: u64, e: i64, n: usize, out: &mut [u8; 40]) -> i64 {
    let mut col = Collector::new(n);
    let mut x: i64;
    if e >= 0 {
        if e <= 64 {
            let mut buf = [0u8; 40];
            let start = u128_digits(u128::from(m) << e, &mut buf);
            x = (buf.len() - start) as i64 - 1;
            buf[start..].iter().for_each(|&d| col.push(d));
        } else {
            let mut b = Big::from_u64(m);
            b.shl(e as u64);
            let ds = b.into_decimal();
            x = ds.len() as i64 - 1;
            ds.iter().for_each(|&d| col.push(d));
        }
    } else {
        let k = e.unsigned_abs();
        let ip = if k < 64 { m >> k } else { 0 };
        let mut started = ip != 0;
        x = 0;
        if started {
            let mut buf = [0u8; 40];
            let start = u128_digits(u128::from(ip), &mut buf);
            x = (buf.len() - start) as i64 - 1;
            buf[start..].iter().for_each(|&d| col.push(d));
        }
        let f = if k < 64 { m & ((1u64 << k) - 1) } else { m };
        let mut zeros = 0i64;
        let mut emit = |d: u8, col: &mut Collector| {
            if !started {
                if d == 0 {
                    zeros += 1;
                    return;
                }
                started = true;
                x = -(zeros + 1);
            }
            col.push(d);
        };
        if k <= 123 {
            let mask = (1u128 << k) - 1;
            let mut f = u128::from(f);
            while f != 0 && !col.full() {
                f *= 10;
                emit((f >> k) as u8, &mut col);
                f &= mask;
            }
            col.sticky |= f != 0;
        } else {
            let mut f = Big::from_u64(f);
            while !f.is_zero() && !col.full() {
                f.mul_add_small(10, 0);
                emit(f.take_high(k) as u8, &mut col);
            }
            col.sticky |= !f.is_zero();
        }
    }
    if col.round() {
        x += 1;
    }
    *out = col.d;
    x
}

fn push_digits(out: &mut Vec<u8>, d: &[u8]) {
    out.extend(d.iter().map(|&v| v + b'0'));
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().rev().take_while(|&&v| v == 0).count();
    &d[..d.len() - n]
}

// printf("%.{p}g") given the p rounded significant digits and exponent x.
fn format_g(out: &mut Vec<u8>, d: &[u8], x: i64) {
    let p = d.len() as i64;
    if x < -4 || x >= p {
        push_digits(out, &d[..1]);
        let rest = trim_zeros(&d[1..]);
        if !rest.is_empty() {
            out.push(b'.');
            push_digits(out, rest);
        }
        out.push(b'e');
        out.push(if x < 0 { b'-' } else { b'+' });
        if x.unsigned_abs() < 10 {
            out.push(b'0');
        }
        write_u64(out, x.unsigned_abs());
    } else if x >= 0 {
        let xi = x as usize;
        push_digits(out, &d[..=xi]);
        let rest = trim_zeros(&d[xi + 1..]);
        if !rest.is_empty() {
            out.push(b'.');
            push_digits(out, rest);
        }
    } else {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-x - 1) as usize));
        push_digits(out, trim_zeros(d));
    }
}

// glibc printf("%.17g", v), including "nan"/"-nan", "inf"/"-inf", "-0".
fn write_g17(out: &mut Vec<u8>, v: f64) {
    write_g(out, v, 17);
}

/// glibc `printf("%.<precision>g", v)` for a precision of 1 to 17:
/// `%.17g` is what Redis prints doubles with, `%.14g` what Lua prints
/// numbers with.
pub fn write_g(out: &mut Vec<u8>, v: f64, precision: usize) {
    if v.is_sign_negative() {
        out.push(b'-');
    }
    if v.is_nan() {
        out.extend_from_slice(b"nan");
        return;
    }
    if v.is_infinite() {
        out.extend_from_slice(b"inf");
        return;
    }
    let bits = v.to_bits() & !(1u64 << 63);
    if bits == 0 {
        out.push(b'0');
        return;
    }
    let be = (bits >> 52) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if be == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), be - 1075)
    };
    let mut digits = [0u8; 40];
    let x = sig_digits(m, e, precision, &mut digits);
    format_g(out, &digits[..precision], x);
}

/// Mirrors the text of `addReplyDouble()` in Redis 7.0: `inf` / `-inf` for
/// infinities, otherwise glibc `"%.17g"` (so `0.1` -> `0.10000000000000001`,
/// `1e+308`, `-0`, `3.999955468730732e-320`; a NaN prints `nan`/`-nan`).
/// Only the payload is appended: RESP2 sends it as a bulk string, RESP3 as
/// `,<payload>\r\n`.
pub fn write_double(out: &mut Vec<u8>, v: f64) {
    if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    write_g17(out, v);
}

/// Mirrors `d2string()` (util.c, 7.0): `nan`, `inf`, `-inf`, `0`/`-0`,
/// integers of magnitude below 2^52 through `ll2string`, else `"%.17g"`.
/// (The text equals [`write_double`]'s for every value except a negative
/// NaN, which prints `nan` here.)
pub fn write_d2string(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        out.extend_from_slice(b"nan");
    } else if v.is_infinite() {
        out.extend_from_slice(if v < 0.0 { b"-inf" } else { b"inf" });
    } else if v == 0.0 {
        out.extend_from_slice(if v.is_sign_negative() { b"-0" } else { b"0" });
    } else if v > -4_503_599_627_370_495.0 && v < 4_503_599_627_370_496.0 && v == (v as i64) as f64 {
        write_i64(out, v as i64);
    } else {
        write_g17(out, v);
    }
}

// ---------------------------------------------------------------------------
// long double (x87 80-bit extended precision)
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Zero,
    Finite,
    Inf,
    Nan,
}

/// An x86-64 `long double`: 80-bit x87 extended precision (64-bit
/// significand with explicit integer bit, 15-bit exponent, subnormals down
/// to 2^-16445), with round-to-nearest-even arithmetic.
#[derive(Clone, Copy, Debug)]
pub struct LongDouble {
    neg: bool,
    class: Class,
    /// Finite non-zero values are mant * 2^exp, canonical: mant has bit 63
    /// set, or exp == -16445 (subnormal).
    mant: u64,
    exp: i32,
}

impl LongDouble {
    /// Positive zero.
    pub const ZERO: LongDouble = LongDouble {
        neg: false,
        class: Class::Zero,
        mant: 0,
        exp: 0,
    };

    const NAN: LongDouble = LongDouble {
        neg: false,
        class: Class::Nan,
        mant: 0,
        exp: 0,
    };

    fn inf(neg: bool) -> LongDouble {
        LongDouble {
            neg,
            class: Class::Inf,
            mant: 0,
            exp: 0,
        }
    }

    fn from_conv(neg: bool, c: Conv) -> LongDouble {
        match c {
            Conv::Zero { .. } => LongDouble {
                neg,
                ..LongDouble::ZERO
            },
            Conv::Overflow => LongDouble::inf(neg),
            Conv::Finite { mant, exp, .. } => LongDouble {
                neg,
                class: Class::Finite,
                mant,
                exp: exp as i32,
            },
        }
    }

    /// Exact conversion of an integer, as C's `(long double)(long)v` (what
    /// `getLongDoubleFromObject` does for integer-encoded strings).
    pub fn from_i64(v: i64) -> LongDouble {
        if v == 0 {
            return LongDouble::ZERO;
        }
        let m = v.unsigned_abs();
        let lz = m.leading_zeros();
        LongDouble {
            neg: v < 0,
            class: Class::Finite,
            mant: m << lz,
            exp: -(lz as i32),
        }
    }

    /// Exact conversion of a double, as C's `(long double)d`
    /// (`addReplyHumanLongDouble` of a double: GEOPOS, WITHCOORD).
    pub fn from_f64(v: f64) -> LongDouble {
        if v.is_nan() {
            return LongDouble::NAN;
        }
        if v.is_infinite() {
            return LongDouble::inf(v < 0.0);
        }
        if v == 0.0 {
            return LongDouble {
                neg: v.is_sign_negative(),
                ..LongDouble::ZERO
            };
        }
        let bits = v.to_bits();
        let (biased, frac) = (((bits >> 52) & 0x7ff) as i32, bits & ((1 << 52) - 1));
        let (m, exp) = if biased == 0 {
            (frac, -1074)
        } else {
            (frac | 1 << 52, biased - 1075)
        };
        let lz = m.leading_zeros();
        LongDouble {
            neg: v < 0.0,
            class: Class::Finite,
            mant: m << lz,
            exp: exp - lz as i32,
        }
    }

    /// Mirrors `string2ld()` (Redis 7.0.15): `s` must be 1..=5119 bytes, must
    /// not start with whitespace, must be consumed entirely by glibc
    /// `strtold` (so an embedded NUL is rejected), and the result must not
    /// be NaN nor an overflow to ±inf nor an underflow to zero. `inf`,
    /// `-infinity`, hex floats and subnormals are accepted. The value is
    /// correctly rounded to 64 significant bits. Callers reply
    /// "ERR value is not a valid float" on `None`.
    pub fn parse(s: &[u8]) -> Option<LongDouble> {
        if s.is_empty() || s.len() >= MAX_LONG_DOUBLE_CHARS || is_c_space(s[0]) {
            return None;
        }
        let sc = scan(s)?;
        if sc.end != s.len() {
            return None;
        }
        let conv = match sc.body {
            Body::Inf => return Some(LongDouble::inf(sc.neg)),
            Body::Nan => return None,
            Body::Dec { int, frac, exp } => match dec_sig(int, frac, exp) {
                None => Conv::Zero { erange: false },
                Some(sig) => dec_to_conv_exact(&sig, X87_FMT),
            },
            Body::Hex { int, frac, exp } => hex_to_conv(int, frac, exp, X87_FMT),
        };
        match conv {
            Conv::Overflow | Conv::Zero { erange: true } => None,
            c => Some(LongDouble::from_conv(sc.neg, c)),
        }
    }

    /// Neither infinite nor NaN (`!isnan(v) && !isinf(v)`).
    /// The nearest f64 (for timeouts and the like; not for INCRBYFLOAT).
    pub fn to_f64(&self) -> f64 {
        let magnitude = match self.class {
            Class::Zero => 0.0,
            Class::Finite => (self.mant as f64) * 2f64.powi(self.exp),
            _ if self.is_nan() => f64::NAN,
            _ => f64::INFINITY,
        };
        if self.neg { -magnitude } else { magnitude }
    }

    pub fn is_finite(&self) -> bool {
        matches!(self.class, Class::Zero | Class::Finite)
    }

    /// `isnan(v)`.
    pub fn is_nan(&self) -> bool {
        self.class == Class::Nan
    }

    /// `isinf(v)`.
    pub fn is_infinite(&self) -> bool {
        self.class == Class::Inf
    }

    /// The sign bit.
    pub fn is_sign_negative(&self) -> bool {
        self.neg
    }

    /// The x87 memory image: (sign << 15 | biased exponent, significand).
    /// NaN is reported as the default quiet NaN 0x7fff/0xc000000000000000
    /// (with its sign bit).
    pub fn to_x87_bits(&self) -> (u16, u64) {
        let sign = u16::from(self.neg) << 15;
        match self.class {
            Class::Zero => (sign, 0),
            Class::Inf => (sign | 0x7fff, 1u64 << 63),
            Class::Nan => (sign | 0x7fff, 0xc000_0000_0000_0000),
            Class::Finite if self.mant >> 63 == 1 => (sign | (self.exp + 16446) as u16, self.mant),
            Class::Finite => (sign, self.mant),
        }
    }

    // |self| vs |o| for finite non-zero canonical values.
    fn mag_cmp(&self, o: &LongDouble) -> Ordering {
        self.exp.cmp(&o.exp).then(self.mant.cmp(&o.mant))
    }

    /// `self + other` in x87 extended precision, round to nearest even
    /// (the default x87 control word on Linux): overflow gives ±inf,
    /// inf + -inf gives NaN, x + -x gives +0, -0 + -0 gives -0.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, other: LongDouble) -> LongDouble {
        use Class::*;
        match (self.class, other.class) {
            (Nan, _) | (_, Nan) => return LongDouble::NAN,
            (Inf, Inf) if self.neg != other.neg => return LongDouble::NAN,
            (Inf, _) => return self,
            (_, Inf) => return other,
            (Zero, Zero) => {
                return LongDouble {
                    neg: self.neg && other.neg,
                    ..LongDouble::ZERO
                };
            }
            (Zero, _) => return other,
            (_, Zero) => return self,
            (Finite, Finite) => {}
        }
        let (a, b) = if self.mag_cmp(&other) == Ordering::Less {
            (other, self)
        } else {
            (self, other)
        };
        let d = (i64::from(a.exp) - i64::from(b.exp)) as u32;
        let xa = u128::from(a.mant) << 62;
        let xb_full = u128::from(b.mant) << 62;
        let (xb, sticky) = if d >= 126 {
            (0, true)
        } else {
            (xb_full >> d, xb_full & ((1u128 << d) - 1) != 0)
        };
        let base = i64::from(a.exp) - 62;
        let sum = if a.neg == b.neg {
            xa + xb
        } else {
            // a - (xb + eps) = (xa - xb - 1) + (1 - eps) when eps is in (0, 1).
            xa - xb - u128::from(sticky)
        };
        if sum == 0 && !sticky {
            return LongDouble::ZERO;
        }
        LongDouble::from_conv(a.neg, round_binary(sum, base, sticky, X87_FMT))
    }

    /// Mirrors `ld2string(buf, sizeof(buf), v, LD_STR_HUMAN)`: `inf`/`-inf`
    /// for infinities; otherwise glibc `"%.17Lf"` (exact decimal expansion,
    /// rounded half-to-even at the 17th decimal), then trailing zeros and a
    /// trailing `.` are removed and `-0` becomes `0`. Examples: 10.5 + 0.1
    /// -> `10.6`, 3.0e3 -> `3000`, 1e-20 -> `0`, 5.0e-4931 -> `0`. (NaN,
    /// which Redis never formats here, prints `nan`/`-nan`.)
    pub fn write_human(&self, out: &mut Vec<u8>) {
        match self.class {
            Class::Inf => {
                out.extend_from_slice(if self.neg { b"-inf" } else { b"inf" });
                return;
            }
            Class::Nan => {
                out.extend_from_slice(if self.neg { b"-nan" } else { b"nan" });
                return;
            }
            Class::Zero | Class::Finite => {}
        }
        const SCALE: u64 = 100_000_000_000_000_000; // 10^17
        let start = out.len();
        if self.neg {
            out.push(b'-');
        }
        // Integer part, and the 17 rounded decimals as an integer.
        let mut decimals = 0u64;
        if self.class == Class::Zero {
            out.push(b'0');
        } else if self.exp >= 0 {
            if self.exp <= 64 {
                write_u128(out, u128::from(self.mant) << self.exp);
            } else {
                let mut b = Big::from_u64(self.mant);
                b.shl(self.exp as u64);
                push_digits(out, &b.into_decimal());
            }
        } else {
            let k = self.exp.unsigned_abs();
            let (mut ip, f) = if k < 64 {
                (self.mant >> k, self.mant & ((1u64 << k) - 1))
            } else {
                (0, self.mant)
            };
            // f / 2^k scaled by 10^17 fits in u128 (< 2^121).
            if k <= 121 {
                let p = u128::from(f) * u128::from(SCALE);
                decimals = (p >> k) as u64;
                let r = p & ((1u128 << k) - 1);
                let half = 1u128 << (k - 1);
                if r > half || (r == half && decimals & 1 == 1) {
                    decimals += 1;
                    if decimals == SCALE {
                        decimals = 0;
                        ip += 1;
                    }
                }
            }
            write_u64(out, ip);
        }
        out.push(b'.');
        let mut buf = [0u8; 20];
        let s = fmt_u64(&mut buf, decimals);
        out.extend(std::iter::repeat_n(b'0', 17 - (20 - s)));
        out.extend_from_slice(&buf[s..]);
        // "Now remove trailing zeroes after the '.'" (there always is one).
        while out.len() > start && out.last() == Some(&b'0') {
            out.pop();
        }
        if out.last() == Some(&b'.') {
            out.pop();
        }
        if &out[start..] == b"-0" {
            out.truncate(start);
            out.push(b'0');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld_human(s: &str) -> String {
        let v = LongDouble::parse(s.as_bytes()).expect(s);
        let mut out = Vec::new();
        v.write_human(&mut out);
        String::from_utf8(out).unwrap()
    }

    fn g17(v: f64) -> String {
        let mut out = Vec::new();
        write_double(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn parse_i64_matches_string2ll() {
        let ok: &[(&str, i64)] = &[
            ("0", 0),
            ("1", 1),
            ("-1", -1),
            ("99", 99),
            ("-99", -99),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ];
        for &(s, v) in ok {
            assert_eq!(parse_i64(s.as_bytes()), Some(v), "{s}");
            assert_eq!(parse_long(s.as_bytes()), Some(v), "{s}");
        }
        let bad = [
            "",
            "+1",
            " 1",
            "1 ",
            "01",
            "-0",
            "-",
            "00",
            "-01",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "99999999999999999999",
            "1a",
            "a1",
            "1.0",
            "1e3",
            "0x10",
            "\u{0}",
            "1\u{0}",
            "--1",
            "000000000000000000001",
        ];
        for s in bad {
            assert_eq!(parse_i64(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn write_integers() {
        for v in [0, 1, -1, 9, 10, -10, 99, 100, 12345, i64::MAX, i64::MIN, 1 << 40] {
            let mut out = Vec::new();
            write_i64(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
            assert_eq!(i64_len(v), out.len());
        }
        for v in [0, 9, 10, 99, 100, u64::MAX, 1 << 63] {
            let mut out = b"x".to_vec();
            write_u64(&mut out, v);
            assert_eq!(&out[1..], v.to_string().as_bytes());
            assert_eq!(u64_len(v), out.len() - 1);
        }
        let mut x = 0x1234_5678_9abc_def1u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x >> (x % 64)) as i64 * if x & 1 == 1 { -1 } else { 1 };
            let mut out = Vec::new();
            write_i64(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
            assert_eq!(i64_len(v), out.len());
            assert_eq!(parse_i64(&out), Some(v));
            let mut buf = [0u8; 20];
            let n = format_i64(&mut buf, v);
            assert_eq!(&buf[..n], &out[..]);
        }
    }

    #[test]
    fn parse_f64_syntax() {
        let ok: &[(&str, f64)] = &[
            ("1", 1.0),
            ("-1.5", -1.5),
            ("+1.5", 1.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E+3", 1000.0),
            ("1e-3", 0.001),
            ("inf", f64::INFINITY),
            ("+inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("INFINITY", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("0x10", 16.0),
            ("0X1P-2", 0.25),
            ("0x.8", 0.5),
            ("0x1.", 1.0),
            ("-0x1.8p1", -3.0),
            ("0e-99999", 0.0),
            ("0x0p99999999999999999999", 0.0),
            ("4e-320", 4e-320),
            ("1.7976931348623157e308", f64::MAX),
            ("2.2250738585072014e-308", f64::MIN_POSITIVE),
            ("4.9406564584124654e-324", 5e-324),
            ("0.1", 0.1),
        ];
        for &(s, v) in ok {
            let got = parse_f64(s.as_bytes());
            assert_eq!(got.map(f64::to_bits), Some(v.to_bits()), "{s}");
        }
        assert!(parse_f64(b"-0").unwrap().is_sign_negative());
        let bad = [
            "",
            " 1",
            "1 ",
            "\t1",
            "nan",
            "-nan",
            "NaN(123)",
            "1e",
            "1e+",
            "e1",
            ".",
            "-",
            "+",
            "0x",
            "0x.",
            "0xp1",
            "0x1p",
            "1x",
            "infin",
            "infinit",
            "1e309",
            "-1e309",
            "1e-400",
            "0x1p-1080",
            "0x1p1024",
            "1\u{0}",
            "1,5",
            "1..2",
            "--1",
            "+-1",
            "2.4703282292062327e-324",
        ];
        for s in bad {
            assert_eq!(parse_f64(s.as_bytes()).map(f64::to_bits), None, "{s:?}");
        }
        // Just above half of the smallest subnormal rounds up to it.
        assert_eq!(parse_f64(b"2.4703282292062328e-324"), Some(5e-324));
    }

    #[test]
    fn strtod_prefixes() {
        let cases: &[(&str, usize, bool)] = &[
            ("  12abc", 4, false),
            ("0x", 1, false),
            ("0xg", 1, false),
            ("0x1p", 3, false),
            ("1e+", 1, false),
            ("-.e1", 0, false),
            ("nan(abc_1)x", 10, false),
            ("nan(abc", 3, false),
            ("infinite", 3, false),
            ("1e400", 5, true),
            ("1e-400", 6, true),
            ("4e-320", 6, true),
            ("", 0, false),
            ("   ", 0, false),
        ];
        for &(s, consumed, erange) in cases {
            let r = strtod(s.as_bytes());
            assert_eq!((r.consumed, r.erange), (consumed, erange), "{s:?}");
        }
    }

    #[test]
    fn long_inputs_are_exact() {
        // 1 followed by many zeros, as decimals and as an exponent.
        let mut s = String::from("0.");
        s.push_str(&"0".repeat(700_000));
        s.push_str("1e700001");
        assert_eq!(parse_f64(s.as_bytes()), Some(1.0));
        // Halfway between 1 and the next double, plus a far sticky digit.
        let half = "1.00000000000000011102230246251565404236316680908203125";
        assert_eq!(parse_f64(half.as_bytes()), Some(1.0));
        let above = format!("{half}{}1", "0".repeat(5000));
        assert_eq!(parse_f64(above.as_bytes()), Some(1.0 + f64::EPSILON));
    }

    #[test]
    fn double_formatting_basics() {
        let cases: &[(f64, &str)] = &[
            (0.1, "0.10000000000000001"),
            (1.0, "1"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1.5, "1.5"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (1e-4, "0.0001"),
            (1e-5, "1.0000000000000001e-05"),
            (1e308, "1e+308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (4e-320, "3.999955468730732e-320"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (123456789.125, "123456789.125"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.33333333333333331"),
            (2f64.powi(-25), "2.9802322387695312e-08"),
        ];
        for &(v, s) in cases {
            assert_eq!(g17(v), s, "{v:e}");
        }
        let mut out = Vec::new();
        write_d2string(&mut out, 3.0);
        write_d2string(&mut out, f64::NAN);
        write_d2string(&mut out, -0.0);
        write_d2string(&mut out, 0.1);
        assert_eq!(out, b"3nan-00.10000000000000001");
    }

    #[test]
    fn human_long_double_basics() {
        assert_eq!(ld_human("10.5"), "10.5");
        assert_eq!(ld_human("3.0e3"), "3000");
        assert_eq!(ld_human("-0"), "0");
        assert_eq!(ld_human("1e-20"), "0");
        assert_eq!(ld_human("-1e-20"), "0");
        assert_eq!(ld_human("5.0e-4931"), "0");
        assert_eq!(ld_human("inf"), "inf");
        assert_eq!(ld_human("-inf"), "-inf");
        assert_eq!(ld_human("0.000003814697265625"), "0.00000381469726562");
        let a = LongDouble::parse(b"10.5").unwrap();
        let b = LongDouble::parse(b"0.1").unwrap();
        let mut out = Vec::new();
        a.add(b).write_human(&mut out);
        assert_eq!(out, b"10.6");
        for s in [
            "", " 1", "1 ", "nan", "1e5000", "-1e5000", "1e-5000", "abc", "1\u{0}", "\u{0}",
        ] {
            assert!(LongDouble::parse(s.as_bytes()).is_none(), "{s:?}");
        }
        assert!(LongDouble::parse(&vec![b'1'; MAX_LONG_DOUBLE_CHARS]).is_none());
        let mut long = b"0.".to_vec();
        long.resize(MAX_LONG_DOUBLE_CHARS - 1, b'3');
        assert_eq!(
            LongDouble::parse(&long).map(|v| v.to_x87_bits()),
            Some((0x3ffd, 0xaaaa_aaaa_aaaa_aaab))
        );
        long.push(b'3');
        assert!(LongDouble::parse(&long).is_none());
        let inf = LongDouble::parse(b"inf").unwrap();
        let ninf = LongDouble::parse(b"-inf").unwrap();
        assert!(inf.add(ninf).is_nan());
        assert!(!inf.add(a).is_finite());
        let max = LongDouble::parse(b"1.18973149535723176502e4932").unwrap();
        assert!(max.is_finite());
        assert!(max.add(max).is_infinite());
        let nz = LongDouble::parse(b"-0").unwrap();
        assert!(nz.add(nz).is_sign_negative());
        assert!(!nz.add(LongDouble::ZERO).is_sign_negative());
        assert!(!a.add(LongDouble::parse(b"-10.5").unwrap()).is_sign_negative());
        assert_eq!(LongDouble::from_i64(i64::MIN).to_x87_bits(), (0xc03e, 1 << 63));
        assert_eq!(LongDouble::from_i64(0).to_x87_bits(), (0, 0));
    }

    fn x87_hex(v: &LongDouble) -> String {
        if v.is_nan() {
            return "nan".into();
        }
        let (e, m) = v.to_x87_bits();
        format!("{e:04x}{m:016x}")
    }

    // `want` is the exact text, or "LONG:<len>:<first 20>:<last 20>".
    fn check_text(got: &str, want: &str, ctx: &str) {
        if let Some(rest) = want.strip_prefix("LONG:") {
            let mut it = rest.splitn(3, ':');
            let len: usize = it.next().unwrap().parse().unwrap();
            assert_eq!(got.len(), len, "{ctx}");
            assert!(got.starts_with(it.next().unwrap()), "{ctx}");
            assert!(got.ends_with(it.next().unwrap()), "{ctx}");
        } else {
            assert_eq!(got, want, "{ctx}");
        }
    }

    #[test]
    fn incrbyfloat_table_from_glibc() {
        for &(a, b, bits, human) in ADD_CASES {
            let (pa, pb) = (LongDouble::parse(a.as_bytes()), LongDouble::parse(b.as_bytes()));
            let (Some(pa), Some(pb)) = (pa, pb) else {
                assert_eq!(human, "BAD", "{a} + {b}");
                continue;
            };
            let sum = pa.add(pb);
            assert_eq!(x87_hex(&sum), bits, "{a} + {b}");
            // Addition is commutative, including the sign of zero.
            assert_eq!(x87_hex(&pb.add(pa)), bits, "{b} + {a}");
            if human == "ERR" {
                assert!(!sum.is_finite(), "{a} + {b}");
            } else {
                assert!(sum.is_finite(), "{a} + {b}");
                let mut out = Vec::new();
                sum.write_human(&mut out);
                check_text(std::str::from_utf8(&out).unwrap(), human, &format!("{a} + {b}"));
            }
        }
    }

    #[test]
    fn string2ld_table_from_glibc() {
        for &(s, bits, human) in LD_CASES {
            let got = LongDouble::parse(s.as_bytes());
            if bits.is_empty() {
                assert!(got.is_none(), "{s:?}");
                continue;
            }
            let v = got.unwrap_or_else(|| panic!("{s:?} rejected"));
            assert_eq!(x87_hex(&v), bits, "{s:?}");
            let mut out = Vec::new();
            v.write_human(&mut out);
            check_text(std::str::from_utf8(&out).unwrap(), human, s);
        }
    }

    #[test]
    fn string2d_table_from_glibc() {
        for &(s, bits) in D_CASES {
            let got = parse_f64(s.as_bytes()).map(|v| format!("{:016x}", v.to_bits()));
            assert_eq!(got.as_deref().unwrap_or(""), bits, "{s:?}");
        }
    }

    #[test]
    fn g17_table_from_glibc() {
        for &(bits, text) in G17_CASES {
            let v = f64::from_bits(bits);
            assert_eq!(g17(v), text, "{bits:016x}");
            let mut out = Vec::new();
            write_d2string(&mut out, v);
            assert_eq!(out, text.as_bytes(), "{bits:016x}");
        }
    }

    #[test]
    fn g17_round_trips() {
        // %.17g always round-trips through strtod.
        let mut x = 0x0123_4567_89ab_cdefu64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if !v.is_finite() {
                continue;
            }
            let mut out = Vec::new();
            write_double(&mut out, v);
            assert_eq!(parse_f64(&out).map(f64::to_bits), Some(v.to_bits()), "{v:e}");
        }
    }

    // (a, b, x87 bits of a+b, ld2string(a+b, LD_STR_HUMAN) or ERR) from glibc/x87.
    const ADD_CASES: &[(&str, &str, &str, &str)] = &[
        ("10.5", "0.1", "4002a99999999999999a", "10.6"),
        ("0.1", "0.2", "3ffd999999999999999a", "0.3"),
        ("3.0e3", "0", "400abb80000000000000", "3000"),
        ("-0", "-0", "80000000000000000000", "0"),
        ("0", "-0", "00000000000000000000", "0"),
        ("10.5", "-10.5", "00000000000000000000", "0"),
        (
            "1e4000",
            "1",
            "73e6d1ba8323fe558c61",
            "LONG:4000:99999999999999999999:06648276349901340672",
        ),
        (
            "1e400",
            "1e-400",
            "452fda763fc8cb9ff9e6",
            "LONG:401:10000000000000000000:43732497430221946880",
        ),
        ("5.0e-4931", "5.0e-4931", "0005edf240a7ec18e59d", "0"),
        ("5.0e-4931", "-5.0e-4931", "00000000000000000000", "0"),
        ("inf", "-inf", "nan", "ERR"),
        ("inf", "1", "7fff8000000000000000", "ERR"),
        ("-inf", "-inf", "ffff8000000000000000", "ERR"),
        (
            "1.18973149535723176502e4932",
            "1.18973149535723176502e4932",
            "7fff8000000000000000",
            "ERR",
        ),
        (
            "1.18973149535723176502e4932",
            "-1e4932",
            "7ffca34d355a8e0424c8",
            "LONG:4932:18973149535723176501:81133973020103147520",
        ),
        ("1e17", "0.5", "4037b1a2bc2ec5000040", "100000000000000000.5"),
        ("1e17", "0.3", "4037b1a2bc2ec5000026", "100000000000000000.296875"),
        (
            "18446744073709551615",
            "1",
            "403f8000000000000000",
            "18446744073709551616",
        ),
        (
            "9223372036854775807",
            "1",
            "403e8000000000000000",
            "9223372036854775808",
        ),
        (
            "-9223372036854775808",
            "-1",
            "c03e8000000000000001",
            "-9223372036854775809",
        ),
        (
            "0.000003814697265625",
            "0",
            "3fed8000000000000000",
            "0.00000381469726562",
        ),
        (
            "0.000000000000000005",
            "0.000000000000000005",
            "3fc6b877aa3236a4b449",
            "0.00000000000000001",
        ),
        (
            "0.000000000000000015",
            "0",
            "3fc78a59bfa5a8fb8737",
            "0.00000000000000002",
        ),
        (
            "0.000000000000000025",
            "0",
            "3fc7e69594bec44de15b",
            "0.00000000000000002",
        ),
        (
            "-0.000000000000000025",
            "0",
            "bfc7e69594bec44de15b",
            "-0.00000000000000002",
        ),
        ("-1e-18", "0", "bfc39392ee8e921d5d07", "0"),
        ("1e-17", "1e-17", "3fc7b877aa3236a4b449", "0.00000000000000002"),
        ("123.456", "-123.455", "3ff583126e978d500000", "0.001"),
        ("0x1p-16445", "0x1p-16445", "00000000000000000002", "0"),
        ("0x1p-16445", "-0x1p-16445", "00000000000000000000", "0"),
        ("0x1.fffffffffffffffep-16383", "0x1p-16445", "00018000000000000001", "0"),
        ("0x1p64", "-0x1p-1", "403f8000000000000000", "18446744073709551616"),
        ("0x1p64", "0x1p0", "403f8000000000000000", "18446744073709551616"),
        ("0x1.0000000000000001p0", "-0x1p-64", "3ffeffffffffffffffff", "1"),
        ("1", "0x1p-64", "3fff8000000000000000", "1"),
        ("1", "0x1p-65", "3fff8000000000000000", "1"),
        ("1", "0x1.0000000000001p-64", "3fff8000000000000001", "1"),
        ("1.5", "2.25", "4000f000000000000000", "3.75"),
        (
            "99999999999999999999",
            "0.1",
            "4041ad78ebc5ac620000",
            "100000000000000000000",
        ),
        ("1e20", "-1e20", "00000000000000000000", "0"),
        ("0.1", "1e-30", "3ffbcccccccccccccccd", "0.1"),
        ("-0.1", "-0.2", "bffd999999999999999a", "-0.3"),
        (
            "3.14159265358979323846264338327950288",
            "2.71828182845904523536028747135266250",
            "4001bb84177d62120668",
            "5.85987448204883847",
        ),
        ("1e-4951", "0", "", "BAD"),
        ("0x1.8p-16446", "0", "00000000000000000001", "0"),
        ("4.5", "0", "40019000000000000000", "4.5"),
        ("0.5", "0.25", "3ffec000000000000000", "0.75"),
        ("7", "-7.00000000000000000001", "00000000000000000000", "0"),
        (
            "1e308",
            "1e308",
            "43ff8e679c2f5e44ff8f",
            "LONG:309:19999999999999999999:56510092687857156096",
        ),
        (
            "1.7976931348623157e308",
            "1.7976931348623157e308",
            "43fffffffffffffff7ac",
            "LONG:309:35953862697246313999:53604933726679072768",
        ),
        (
            "-580412.332146",
            "113194.197369935632729518",
            "c011e422445015e497b7",
            "-467218.13477606436728706",
        ),
        ("1.5e0", "7e-9", "3fffc000000f084a6b22", "1.500000007"),
        (
            "170110.6",
            "-572676.817839705232",
            "c011c490c6f88af937bd",
            "-402566.21783970523202356",
        ),
        ("0.3e16", "-2.25e4", "4032aa87bee53281c000", "2999999999977500"),
        ("1.5e-46", "1.5e-39", "3f7e82ab1f0338bac6ae", "0"),
        (
            "718968.16124906528630",
            "343086.7486257",
            "401381a537476c6bc2e2",
            "1062054.90987476528630395",
        ),
        (
            "0x1.4d3334955d46af78p-7865",
            "0x1.b52901a6ccaccdb2p-7888",
            "2146a6999bffd7a4fe89",
            "0",
        ),
        (
            "0x1.ce79793a67c9e2edp7999",
            "-0x1.29af48d9d59ce6cap7974",
            "5f3ee73cbc52c812bb01",
            "LONG:2409:15695788564008023603:19394081434188644352",
        ),
        (
            "398928.432463656018",
            "115157.0842873",
            "4011fb04b089394d08c5",
            "514085.51675095601800081",
        ),
        (
            "785624.78899430141900",
            "-125964.5899431662",
            "4012a10cc32f503e3ff5",
            "659660.1990511352190083",
        ),
        (
            "-309918.27668",
            "499555.543479",
            "4010b93151133c1ce6c0",
            "189637.26679899999999179",
        ),
        (
            "0x1.5ff527e03af2a080p8632",
            "-0x1.d8541c11a795e1d7p8608",
            "61b7affa9303f36b476c",
            "LONG:2599:42576795149322047918:78957625554955665408",
        ),
        (
            "-639632.451838258",
            "-829160.2228",
            "c013b34bc565a8be35ec",
            "-1468792.67463825799995902",
        ),
        (
            "592123.62539992505634212",
            "41356.03613979122754590",
            "40129aa87a95aaab671c",
            "633479.66153971628386898",
        ),
        ("1.5e-22", "-2.25e-44", "3fb6b556c0608c396185", "0"),
        (
            "0x1.993fd21b5aaa1c87p2274",
            "0x1.09cd75d167853d00p2249",
            "48e1cc9fe95020b2829e",
            "LONG:685:55713203102934112543:37636217905413619712",
        ),
        (
            "999354.404296",
            "-687847.0",
            "4011981a6ceffe2a3cea",
            "311507.404295999999988",
        ),
        ("0.3e-51", "-2.25e15", "c031ffcb9e57d4000000", "-2250000000000000"),
        (
            "-88440.79158",
            "-664710.97316932",
            "c012b7dffc3c69c8709d",
            "-753151.76474932000002127",
        ),
        (
            "548017.24288813",
            "-495625.36688134595731006",
            "400ecca7e041fb088998",
            "52391.87600678404268706",
        ),
        (
            "-602331.42",
            "-437489.098435125",
            "c012fddcc84b82a12f90",
            "-1039820.51843512499999633",
        ),
        (
            "460863.8437005329",
            "-835752.0556382100233",
            "c011b70d06c83186011d",
            "-374888.21193767712330214",
        ),
        (
            "-463299.061",
            "378851.15768684551483",
            "c00fa4eff39fc3f447bc",
            "-84447.90331315448517557",
        ),
        (
            "-930311.45914499",
            "-490174.7780941",
            "c013ad6631e5dd9ba710",
            "-1420486.23723909000000276",
        ),
        (
            "1.5e34",
            "1.5e-24",
            "4070b8e3a78112e814d5",
            "14999999999999999999905897266544640",
        ),
        (
            "975199.658398146319477",
            "-290136.009",
            "4012a7407a63ef4f8868",
            "685063.64939814631952686",
        ),
        (
            "-727999.36990015331064",
            "-615892.42614",
            "c013a40c9e5e4a4cc62d",
            "-1343891.79604015331062783",
        ),
        (
            "0x1.c32898583128fc49p10990",
            "-0x1.69e885e946a47b27p10935",
            "6aede1944c2c18947cba",
            "LONG:3309:36791000452631471376:94162928391830896640",
        ),
        (
            "123456789.987654321e-60",
            "7e32",
            "406c8a0cf7f326029eea",
            "699999999999999999986226039881728",
        ),
        ("0.3e14", "1.5e-59", "402bda475abf00000000", "30000000000000"),
        (
            "-107121.110313431244283",
            "-813359.5034",
            "c012e0ba09d1c52cc4f6",
            "-920480.61371343124426403",
        ),
        (
            "56829.74",
            "5628.953520583389672958",
            "400ef3fab18a90a0c2f0",
            "62458.69352058338967026",
        ),
        (
            "86099.400995226018584528",
            "-310238.8405",
            "c010dae2dc20d8a1abe8",
            "-224139.43950477398141174",
        ),
        (
            "333184.021766",
            "819327.865964135214105659",
            "40138cafff1a1241d358",
            "1152511.88773013521404209",
        ),
        (
            "-739482.4622240888",
            "-450005.36882",
            "c01391337ea5fa717771",
            "-1189487.83104408880001301",
        ),
        (
            "-89391.1507371743802",
            "-48450.582",
            "c010869c6ee52a7621b0",
            "-137841.73273717438019048",
        ),
        (
            "0x1.12060e6ef06174d5p6838",
            "0x1.e9019117cbf49b41p6796",
            "5ab589030737786dda9c",
            "LONG:2059:29693298494614276321:50985136003308584960",
        ),
        ("7e8", "-2.25e25", "c05394e47b8d681713e6", "-22499999999999999299551232"),
        (
            "419042.284716649",
            "-363889.0820432028344565",
            "400ed77133e2682f0c70",
            "55153.20267344616553373",
        ),
        (
            "854350.520287747",
            "320868.25929086892",
            "40138f75963c93b6a04c",
            "1175218.77957861591994515",
        ),
        ("0.3e-33", "-0.3e-45", "3f8fc7625ae3c6b83665", "0"),
        ("0.3e-18", "0.3e8", "4017e4e1c00000000000", "30000000"),
        (
            "-547991.133",
            "666681.2363512001763",
            "400fe7d10d3a9cb46138",
            "118690.10335120017629151",
        ),
        ("7e-4", "7e4", "400f88b80016f0068db9", "70000.00070000000000192"),
        (
            "-617282.696542927952777278",
            "21711.8797170731",
            "c01291672d11b7fcd1ec",
            "-595570.81682585485282289",
        ),
        (
            "-975677.6503218680129",
            "561816.2340500",
            "c011ca14ad5219616b86",
            "-413861.41627186801287053",
        ),
        ("1.5e-36", "-2.25e17", "c038c7d713b49da00000", "-225000000000000000"),
        (
            "0x1.05e8fbbba790e351p-2463",
            "0x1.c9ba5fa9ff0f082ap-2476",
            "366082fba4c752706de4",
            "0",
        ),
        (
            "0x1.db05bbba8a8c5792p-14595",
            "0x1.f2263bca77148c50p-14638",
            "06fced82dddd45654e2d",
            "0",
        ),
        (
            "-209282.722900204",
            "-258573.2024594353034619",
            "c011e471fd9c8bd17b18",
            "-467855.92535963930345133",
        ),
        (
            "174022.093576",
            "-245367.93368",
            "c00f8b58eb8887229e90",
            "-71345.84010399999999663",
        ),
        (
            "-126890.7348035",
            "-20470.1802034",
            "c0108fe83a8f7919c751",
            "-147360.91500689999999452",
        ),
        (
            "0x1.0225072322208bb5p12218",
            "-0x1.c1d5f6ea2b599166p12213",
            "6fb8f416576bd0c5bf29",
            "LONG:3678:92000924140577034118:77525729324132466688",
        ),
        (
            "7e35",
            "-2.25e18",
            "407686d0aa23731e8f12",
            "699999999999999997787343521818083328",
        ),
        (
            "-433943.631027123226194133",
            "747215.80979794948728785",
            "401198f705b87d9888a6",
            "313272.17877082626108631",
        ),
        (
            "0x1.73422574d909c5b1p14896",
            "0x1.68b44fbe5ab76887p14832",
            "7a2fb9a112ba6c84e2d9",
            "LONG:4485:20148917347432479167:64028326398893490176",
        ),
        (
            "0.3e29",
            "-0.3e-44",
            "405dc1ded63574de0e46",
            "29999999999999999999194693632",
        ),
        (
            "359007.723940874",
            "-963084.062984812689",
            "c012937ac56cb9564939",
            "-604076.33904393868903071",
        ),
        (
            "123456789.987654321e-13",
            "-2.25e-41",
            "3feecf20499ca79cb495",
            "0.00001234567899877",
        ),
        (
            "0x1.f3d9cf02eb7ba303p-9698",
            "0x1.7967f196ce815622p-9746",
            "1a1df9ece78175be8e36",
            "0",
        ),
    ];
    // (input, x87 bits or "" if string2ld rejects it, human text) from glibc.
    const LD_CASES: &[(&str, &str, &str)] = &[
        ("0", "00000000000000000000", "0"),
        ("-0", "80000000000000000000", "0"),
        ("+0", "00000000000000000000", "0"),
        ("1", "3fff8000000000000000", "1"),
        ("10.5", "4002a800000000000000", "10.5"),
        ("0.1", "3ffbcccccccccccccccd", "0.1"),
        ("-0.1", "bffbcccccccccccccccd", "-0.1"),
        ("3.0e3", "400abb80000000000000", "3000"),
        (
            "1e4000",
            "73e6d1ba8323fe558c61",
            "LONG:4000:99999999999999999999:06648276349901340672",
        ),
        (
            "-1e4000",
            "f3e6d1ba8323fe558c61",
            "LONG:4001:-9999999999999999999:06648276349901340672",
        ),
        ("5.0e-4931", "0004edf240a7ec18e59d", "0"),
        ("3.6e-4951", "00000000000000000001", "0"),
        ("1.8e-4951", "", ""),
        ("1.83e-4951", "00000000000000000001", "0"),
        ("1e-4951", "", ""),
        ("1e-5000", "", ""),
        ("1e5000", "", ""),
        (
            "1.18973149535723176502e4932",
            "7ffeffffffffffffffff",
            "LONG:4933:11897314953572317650:19552086811989770240",
        ),
        ("1.18973149535723176509e4932", "", ""),
        ("3.3621031431120935063e-4932", "00018000000000000000", "0"),
        ("inf", "7fff8000000000000000", "inf"),
        ("-inf", "ffff8000000000000000", "-inf"),
        ("+Infinity", "7fff8000000000000000", "inf"),
        ("nan", "", ""),
        ("-nan", "", ""),
        ("nan(1)", "", ""),
        (" 1", "", ""),
        ("1 ", "", ""),
        ("1\0", "", ""),
        ("\0", "", ""),
        ("", "", ""),
        (".5", "3ffe8000000000000000", "0.5"),
        ("5.", "4001a000000000000000", "5"),
        (".", "", ""),
        (" ", "", ""),
        ("1e", "", ""),
        ("1e+", "", ""),
        ("0x", "", ""),
        ("0x1p", "", ""),
        ("0x1.8p1", "4000c000000000000000", "3"),
        ("0X.8P-1", "3ffd8000000000000000", "0.25"),
        ("0x1p-16445", "00000000000000000001", "0"),
        ("0x1p-16446", "", ""),
        ("0x1.8p-16446", "00000000000000000001", "0"),
        ("0x1.0000000000000001p-16446", "", ""),
        ("0x1.ffffffffffffffffp16383", "", ""),
        (
            "0x1.fffffffffffffffe8p16383",
            "7ffeffffffffffffffff",
            "LONG:4933:11897314953572317650:19552086811989770240",
        ),
        ("0x1.144dA96eEb063D89p-16385", "00001144da96eeb063d8", "0"),
        ("0x1.144dA96eEb063D8ap-16385", "00001144da96eeb063d9", "0"),
        ("18446744073709551617", "403f8000000000000000", "18446744073709551616"),
        ("18446744073709551616.5", "403f8000000000000000", "18446744073709551616"),
        ("36893488147419103233", "40408000000000000000", "36893488147419103232"),
        (
            "1.00000000000000000002710505431213761085018632002174854278564453125",
            "3fff8000000000000000",
            "1",
        ),
        (
            "1.000000000000000000027105054312137610850186320021748542785644531250000000001",
            "3fff8000000000000000",
            "1",
        ),
        ("0.000003814697265625", "3fed8000000000000000", "0.00000381469726562"),
        ("1e-20", "3fbcbce5086492111aeb", "0"),
        (
            "123456789012345678901234567890",
            "405fc77487fb61b9f077",
            "123456789012345678899921813504",
        ),
        ("-9223372036854775808", "c03e8000000000000000", "-9223372036854775808"),
        ("0e-99999", "00000000000000000000", "0"),
        ("0x0p99999", "00000000000000000000", "0"),
        ("00000.00000e99999999999999999999", "00000000000000000000", "0"),
        ("1e99999999999999999999", "", ""),
        ("1e-99999999999999999999", "", ""),
        ("infinity", "7fff8000000000000000", "inf"),
        ("infin", "", ""),
        ("1,5", "", ""),
        ("--1", "", ""),
        ("+-1", "", ""),
        (
            "692396411157238116.8473859e2113",
            "5ba5b4d2e12fb796e4a9",
            "LONG:2131:69239641115723811684:61698587224394694656",
        ),
        (
            "-723267.456519803788076e3747",
            "f0b1d41ee2d7a35b9f72",
            "LONG:3754:-7232674565198037880:72149864919534141440",
        ),
        (
            "1796703.1386223e170",
            "4248b59c0f9700c0de51",
            "LONG:177:17967031386222999999:38489365746314903552",
        ),
        ("-519970368620585345137.759620198e-4237", "8948e00bdc26352fb8f6", "0"),
        (
            "-47007224650349799.603917823275178179e-2578",
            "9ec2af3accc4c5385cb1",
            "0",
        ),
        (
            "26334220445736794.870e1102",
            "4e829ef6930703debdb7",
            "LONG:1119:26334220445736794870:16892144365118423040",
        ),
        (
            "250026805866531592921.8e809",
            "4ac29314e6e67faa50d7",
            "LONG:830:25002680586653159293:38183468865262977024",
        ),
        (
            "-54.21304181e2200",
            "dc91803607690882e895",
            "LONG:2203:-5421304181000000000:96663610603669028864",
        ),
        (
            "8173225158.61397258e4635",
            "7c4585e59781acffa39b",
            "LONG:4645:81732251586139725799:85171855838293262336",
        ),
        (
            "-1902901358783967.37954e2397",
            "df4cab1bb75355231038",
            "LONG:2414:-1902901358783967379:01731480620849168384",
        ),
        (
            "9.5e1495",
            "5368b8e0c16f8a272a17",
            "LONG:1496:94999999999999999999:73656600588877561856",
        ),
        ("-44129015.593236230900506745e-1805", "a8ac9f3c23d50e6afa3b", "0"),
        ("39431500119906.38919e-868", "34e8d46d77bb0e5de300", "0"),
        ("-962463746745799.3782539864784445e-1633", "ab0085e998181f0a2a58", "0"),
        ("-414046.937162617973008798930e-3206", "9677bc70adca372bfa0d", "0"),
        ("78394345961.172e-1620", "2b1dcb2a8e509976fd2d", "0"),
        (
            "028883524205541138546.35464819615907815226e2674",
            "62f2b2d999a63d4a1071",
            "LONG:2694:28883524205541138547:15984902161058234368",
        ),
        ("-627.657963974119274e-2187", "a3a796dcd282ffb77c0b", "0"),
        (
            "-610940019006649561.27167320704010620e1573",
            "d4a3b21e973a142fd62c",
            "LONG:1592:-6109400190066495612:32949324914694815744",
        ),
        ("33584918400.2590779827e-3369", "146aa7e2f492de1e9cb9", "0"),
        (
            "64.17635e382",
            "44f9fc903e786f8f3c92",
            "LONG:384:64176349999999999998:96198929792399048704",
        ),
        ("439600.8189599002544251126e-477", "39e191a07e010888d946", "0"),
        (
            "347802826450682866.312468689135e1622",
            "5545ad7477684012de6f",
            "LONG:1640:34780282645068286630:57608169163730190336",
        ),
        ("4339.997860884301e-1971", "2677bd203ee593078fbc", "0"),
        (
            "50534637302613753.65863220474193408363e-3610",
            "115ea0a42ff5b958c6cd",
            "0",
        ),
        (
            "-8721387.63e4296",
            "f7d5855d197a343b08aa",
            "LONG:4304:-8721387630000000000:72255644020177371136",
        ),
        ("-711255077536.7661481e-2786", "9bffb283e935334d3d3c", "0"),
        ("925.9505128330e-4282", "0878a421199e07a80151", "0"),
        (
            "-9626793441013779.506604506734650245e1593",
            "d4dff3710cbc0e9f6810",
            "LONG:1610:-9626793441013779506:51749521259650613248",
        ),
        (
            "-36715.7285572020953e1653",
            "d5819ed1fec0c249a8a9",
            "LONG:1659:-3671572855720209530:96018390674619498496",
        ),
        ("1541042494.17994368020572e-3156", "1729b70ffc4f50846fd4", "0"),
        ("70.2948101558234291e-660", "3774caa4dd2cef350c90", "0"),
        ("-0380821503160815607.41e-4154", "8a528a639b5b18495d90", "0"),
        ("-7335.280483e-2071", "a52c8bd50554b46ae23f", "0"),
        (
            "-78019583356631085152.5854990230395389e4050",
            "f4ceed157feb73fc29a9",
            "LONG:4071:-7801958335663108515:84352472390006996992",
        ),
        (
            "367485474678549334960.467027368378456e2196",
            "5cc29a615fd5efd961b8",
            "LONG:2217:36748547467854933495:10604513167850602496",
        ),
        ("-232868798271.87419e-3961", "8cbec27d1b995dbc6a79", "0"),
        (
            "-68789719241982545303.6395e278",
            "c3dca84b2e4dcc08743b",
            "LONG:299:-6878971924198254530:37584013753321521152",
        ),
        (
            "-8291166542065304530.287952172e4150",
            "f617e6616642eed23aa2",
            "LONG:4170:-8291166542065304530:51865620553238839296",
        ),
        (
            "6612.171278484889665631278e4343",
            "7866e2b28d5b3cf1f7d3",
            "LONG:4347:66121712784848896657:28749665228250152960",
        ),
    ];
    // (input, f64 bits or "" if string2d rejects it) from glibc strtod.
    const D_CASES: &[(&str, &str)] = &[
        ("0", "0000000000000000"),
        ("-0", "8000000000000000"),
        ("1", "3ff0000000000000"),
        ("0.1", "3fb999999999999a"),
        ("-1.5", "bff8000000000000"),
        ("+1.5", "3ff8000000000000"),
        (".5", "3fe0000000000000"),
        ("5.", "4014000000000000"),
        ("1e3", "408f400000000000"),
        ("1E+3", "408f400000000000"),
        ("inf", "7ff0000000000000"),
        ("-inf", "fff0000000000000"),
        ("+inf", "7ff0000000000000"),
        ("INFINITY", "7ff0000000000000"),
        ("infinit", ""),
        ("nan", ""),
        ("-nan", ""),
        ("NaN(abc)", ""),
        (" 1", ""),
        ("1 ", ""),
        ("\t1", ""),
        ("", ""),
        ("1\0", ""),
        ("0x10", "4030000000000000"),
        ("0X1P-2", "3fd0000000000000"),
        ("0x.8", "3fe0000000000000"),
        ("0x1.", "3ff0000000000000"),
        ("-0x1.8p1", "c008000000000000"),
        ("0x", ""),
        ("0x.", ""),
        ("0xp1", ""),
        ("0x1p", ""),
        ("1e", ""),
        ("1e+", ""),
        ("e1", ""),
        (".", ""),
        ("0e-99999", "0000000000000000"),
        ("0x0p99999999999999999999", "0000000000000000"),
        ("1e308", "7fe1ccf385ebc8a0"),
        ("1e309", ""),
        ("-1e309", ""),
        ("1.7976931348623157e308", "7fefffffffffffff"),
        ("1.7976931348623158e308", "7fefffffffffffff"),
        ("1.797693134862315807e308", "7fefffffffffffff"),
        ("2.2250738585072014e-308", "0010000000000000"),
        ("2.2250738585072011e-308", "000fffffffffffff"),
        ("4.9406564584124654e-324", "0000000000000001"),
        ("2.4703282292062327e-324", ""),
        ("2.4703282292062328e-324", "0000000000000001"),
        ("1e-400", ""),
        ("4e-320", "0000000000001fa0"),
        ("0x1p-1074", "0000000000000001"),
        ("0x1p-1075", ""),
        ("0x1.0000000000001p-1075", "0000000000000001"),
        ("0x1p1024", ""),
        ("0x1.fffffffffffff8p1023", ""),
        ("0x1.fffffffffffff7ffffp1023", "7fefffffffffffff"),
        ("0x1.00000000000018p-1023", "0008000000000000"),
        ("0x1.0000000000001cp-1023", "0008000000000001"),
        ("0x1.00000000000018p-1030", "0000100000000000"),
        ("9007199254740993", "4340000000000000"),
        ("9007199254740993.0000000000001", "4340000000000001"),
        (
            "1.00000000000000011102230246251565404236316680908203125",
            "3ff0000000000000",
        ),
        (
            "1.00000000000000011102230246251565404236316680908203125001",
            "3ff0000000000001",
        ),
        ("1e23", "44b52d02c7e14af6"),
        ("8.98846567431158e307", "7fe0000000000000"),
        ("123456789012345678901234567890e-10", "43e56a95319d63e1"),
        ("89354724.8775043e-215", "14f25c2e120e505d"),
        ("-2613.68408371221893e-199", "9753899d556d8cd3"),
        ("-9507845727.9249e114", "d9acc400551ce501"),
        ("8123748848396073.e244", "75e52268f6c6570e"),
        ("00.736e292", "7c8799e0cfd920ed"),
        ("-111.79e299", "fe70b1568434edd2"),
        ("-745684967.000846917e265", "f8cb91794dc9fde9"),
        ("0891368.995e36", "48a476feffcb3498"),
        ("-1202151996584589.706421e-186", "9c729542809fd375"),
        ("6.8e-249", "0c6857d3537caa70"),
        ("-7131186953531.5542629926803610e10", "c4ae33a5fcb7c897"),
        ("-40317416.01299e242", "f3c205078db22867"),
        ("011590609624301.e43", "4b92e876e5179b70"),
        ("776.5372170e-289", "0487a61447901912"),
        ("-959314.6925834103787001e288", "fcf80868fbe07921"),
        ("791494202.9792737340942046e186", "6865af5fc266cf14"),
        ("-617279.157673e-287", "858caf3c81eff0ef"),
        ("-33589.36783e-330", ""),
        ("4811268.0818518184619e-9", "3f73b4faf1057f69"),
        ("875441608329.510086008962054760e-312", "01a2c2c801da759a"),
        ("-3315521088.33486278e-145", "a3ced897f58d756b"),
        ("8959977580737610800.364089143225356e56", "4f7fb1de3f3d69aa"),
        ("-5378540776.521649506965e-4", "c12069fc27c2064a"),
        ("-4974351013.0966766e141", "df38506a406c4b72"),
        ("-287732096229.1938894469000599e-123", "a8c6249c65346b5e"),
        ("-39356518116296.41158124e-165", "a0807d7a22477024"),
        ("-9792869138899.7349077703506827e267", "fa11438211172bc8"),
        ("579843212113059692.1198284522e202", "6d906d13101495a4"),
        ("-4716408274040871442.50806209034531e-17", "c0479500a9c9f25e"),
        ("-4219.8522997641883959e-156", "a04c4a1ba90f004f"),
    ];
    // (f64 bits, printf("%.17g")) from glibc.
    const G17_CASES: &[(u64, &str)] = &[
        (0x3fb999999999999a, "0.10000000000000001"),
        (0x3fc999999999999a, "0.20000000000000001"),
        (0x3fd3333333333333, "0.29999999999999999"),
        (0x3fd5555555555555, "0.33333333333333331"),
        (0x3fe5555555555555, "0.66666666666666663"),
        (0x3ff0000000000000, "1"),
        (0xbff0000000000000, "-1"),
        (0x4341c37937e08000, "10000000000000000"),
        (0x4376345785d8a000, "1e+17"),
        (0x419d6f3454800000, "123456789.125"),
        (0x3f1a36e2eb1c432d, "0.0001"),
        (0x3ee4f8b588e368f1, "1.0000000000000001e-05"),
        (0x3fe0000000000000, "0.5"),
        (0x7fe1ccf385ebc8a0, "1e+308"),
        (0x0000000000000001, "4.9406564584124654e-324"),
        (0x0010000000000000, "2.2250738585072014e-308"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0x3e60000000000000, "2.9802322387695312e-08"),
        (0x3e68000000000000, "4.4703483581542969e-08"),
        (0x43e0000000000000, "9.2233720368547758e+18"),
        (0x43f0000000000000, "1.8446744073709552e+19"),
        (0x4340000000000001, "9007199254740994"),
        (0x4340000000000000, "9007199254740992"),
        (0x43e56a95319d63e1, "1.2345678901234567e+19"),
        (0x4480f0cf064dd592, "1e+22"),
        (0x44b52d02c7e14af6, "9.9999999999999992e+22"),
        (0x400921f9f01b866e, "3.1415899999999999"),
        (0x4004000000000000, "2.5"),
        (0xc004000000000000, "-2.5"),
        (0x3f201f31f46ed246, "0.00012300000000000001"),
        (0x4059000000000000, "100"),
        (0x430c6bf526340000, "1000000000000000"),
        (0x4330000000000000, "4503599627370496"),
        (0x4376345785d8a000, "1e+17"),
        (0xb02fd5be949ffc11, "-1.3746595077584633e-76"),
        (0xa5336f286257aa11, "-1.7523012211332855e-129"),
        (0x32185c93b7571755, "2.2590576003997725e-67"),
        (0xd2f642658bfae8a5, "-4.534312116587538e+91"),
        (0x638eb51fb8829bc0, "3.7084482812507603e+171"),
        (0x6566f7b3ad793357, "2.9782610390974043e+180"),
        (0xaeed1d4ea48fd125, "-1.1989477511357874e-82"),
        (0x8b33f2855aab10eb, "-1.0627933458189083e-254"),
        (0x3582ee050b9bdd49, "6.3243508110292173e-51"),
        (0x941e7e6ab8eadee9, "-9.0580525521106934e-212"),
        (0x28234df896a703f4, "2.4496943522430355e-115"),
        (0x231166032c1fa42a, "9.1313181857839766e-140"),
        (0xde3846960812d754, "-7.5782714944466325e+145"),
        (0xc259c531690e611d, "-442730128441.5174"),
        (0xb818f8c4cff6ed4a, "-1.8346346700438809e-38"),
        (0x415a3e9702cf7ba8, "6879836.0439137593"),
        (0x34dd3f15dc8100ad, "4.7710460728491171e-54"),
        (0xf81536f1ce5fcb0c, "-2.8018928783694316e+270"),
        (0xf3979ac6a28f5337, "-6.6016570631226242e+248"),
        (0xfd1432a5ba385835, "-3.2249332665345626e+294"),
        (0x437c0d0fd5499179, "1.2633057603099637e+17"),
        (0x2854b5adfb6650eb, "2.1023991420001383e-114"),
        (0x93769b686a9b8b17, "-6.5579368502555886e-215"),
        (0xb8ed59a2a58143a5, "-1.7664471787691942e-34"),
        (0x4d7cce921cc0393a, "1.8960765280301633e+65"),
        (0x6663127f0d0295aa, "1.6207995503816872e+185"),
        (0x39b7318af07a5d67, "1.1435291343450567e-30"),
        (0x5ae9ff472440e698, "9.0101988919839902e+129"),
        (0xafa3820cb4f6a8f9, "-3.2905162377515968e-79"),
        (0x0908cb19afe97c4b, "3.8445828780006698e-265"),
        (0x9f1ace213aa6a8f6, "-7.626429527852547e-159"),
        (0x48e429e139c758ec, "1.4051973375857445e+43"),
        (0xe641555df82cb65a, "-3.6825847467797932e+184"),
        (0xf540b345d55e57f1, "-6.2688832804880089e+256"),
        (0x384f2148deb35f36, "1.8296580242160886e-37"),
        (0x5e04f8225c15cf72, "8.182600201035787e+144"),
        (0x6a44e53836e89a33, "8.1891258012202477e+203"),
        (0x5fc00da1930dbae4, "1.6815535010860866e+153"),
        (0x3c37e63c42d1bc9b, "1.2955867395669571e-18"),
        (0xfa548185d5309e37, "-1.8611262182351962e+281"),
    ];

    #[test]
    fn never_panics_on_random_bytes() {
        let alphabet = b"0123456789abcdefxXpPeE.+-infatyINFATY() \t\n\0_9";
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let s: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 7 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            let _ = parse_i64(&s);
            let _ = strtod(&s);
            if let Some(v) = parse_f64(&s) {
                let mut out = Vec::new();
                write_double(&mut out, v);
                write_d2string(&mut out, v);
            }
            if let Some(v) = LongDouble::parse(&s) {
                let mut out = Vec::new();
                v.write_human(&mut out);
                v.add(v).write_human(&mut out);
            }
        }
    }
}
