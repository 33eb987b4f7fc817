//! Redis's number parsing and formatting, byte for byte as Redis 7.0.15 does
//! it on x86-64 Linux with glibc.
//!
//! Every public item names the Redis routine it reproduces:
//!
//! | here | Redis 7.0.15 | used by |
//! |---|---|---|
//! | [`parse_i64`] | `string2ll` (util.c) | `getLongLongFromObject` (object.c): INCR, INCRBY, SETRANGE offsets, ... |
//! | [`parse_long`] | `string2l` (util.c) | `getLongFromObject` |
//! | [`write_i64`], [`write_u64`], [`i64_len`], [`u64_len`] | `ll2string`, `ull2string`, `sdigits10`, `digits10` | integer replies, INCR results |
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
        let mut b = Big { l: vec![v as u32, (v >> 32) as u32] };
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
    fn to_decimal(mut self) -> Vec<u8> {
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
            let x = (0..128u64).rev().fold(0u128, |x, j| (x << 1) | u128::from(self.bit(sh + j)));
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

const F64_FMT: FloatFormat =
    FloatFormat { prec: 53, min_e: -1074, max_top: 1023, min_m: -326, max_m: 311 };
const X87_FMT: FloatFormat =
    FloatFormat { prec: 64, min_e: -16445, max_top: 16383, min_m: -4953, max_m: 4935 };

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
    Conv::Finite { mant: mant as u64, exp: ulp, erange: tiny && inexact }
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
    Dec { int: &'a [u8], frac: &'a [u8], exp: i64 },
    Hex { int: &'a [u8], frac: &'a [u8], exp: i64 },
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
    let is_digit = move |c: u8| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() };
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
    if s.get(j).is_some_and(|&c| c | 0x20 == marker) {
        if let Some((e, n)) = scan_exponent(&s[j + 1..]) {
            exp = e;
            j += 1 + n;
        }
    }
    Some((int, frac, exp, j))
}

// The longest prefix of `s` that glibc's strtod/strtold would convert; None
// when no conversion is performed. A NUL byte simply ends the number.
fn scan(s: &[u8]) -> Option<Scan<'_>> {
    let mut i = count_while(s, is_c_space);
    let mut neg = false;
    if let Some(&c) = s.get(i) {
        if c == b'+' || c == b'-' {
            neg = c == b'-';
            i += 1;
        }
    }
    let r = &s[i..];
    if starts_with_ci(r, b"inf") {
        let len = if starts_with_ci(r, b"infinity") { 8 } else { 3 };
        return Some(Scan { neg, body: Body::Inf, end: i + len });
    }
    if starts_with_ci(r, b"nan") {
        let mut len = 3;
        if r.get(3) == Some(&b'(') {
            let n = count_while(&r[4..], |c| c.is_ascii_alphanumeric() || c == b'_');
            if r.get(4 + n) == Some(&b')') {
                len = 5 + n;
            }
        }
        return Some(Scan { neg, body: Body::Nan, end: i + len });
    }
    if r.len() >= 2 && r[0] == b'0' && r[1] | 0x20 == b'x' {
        if let Some((int, frac, exp, len)) = scan_mantissa(&r[2..], true) {
            return Some(Scan { neg, body: Body::Hex { int, frac, exp }, end: i + 2 + len });
        }
    }
    let (int, frac, exp, len) = scan_mantissa(r, false)?;
    Some(Scan { neg, body: Body::Dec { int, frac, exp }, end: i + len })
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
        std::str::from_utf8(&buf[..len]).ok().and_then(|t| t.parse::<f64>().ok())
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
        return Strtod { value: 0.0, consumed: 0, erange: false };
    };
    let (mag, erange) = match sc.body {
        Body::Inf => (f64::INFINITY, false),
        Body::Nan => (f64::NAN, false),
        Body::Dec { int, frac, exp } => dec_to_f64(int, frac, exp),
        Body::Hex { int, frac, exp } => conv_to_f64(hex_to_conv(int, frac, exp, F64_FMT)),
    };
    let value = if sc.neg { -mag } else { mag };
    Strtod { value, consumed: sc.end, erange }
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
    if r.consumed != s.len()
        || (r.erange && (r.value.is_infinite() || r.value == 0.0))
        || r.value.is_nan()
    {
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
        Collector { d: [0; 40], len: 0, want: want.min(39), round: 0, have_round: false, sticky: false }
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
            let ds = b.to_decimal();
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
    let (m, e) = if be == 0 { (frac, -1074) } else { (frac | (1u64 << 52), be - 1075) };
    let mut digits = [0u8; 40];
    let x = sig_digits(m, e, 17, &mut digits);
    format_g(out, &digits[..17], x);
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
    } else if v > -4_503_599_627_370_495.0 && v < 4_503_599_627_370_496.0 && v == (v as i64) as f64
    {
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
    pub const ZERO: LongDouble = LongDouble { neg: false, class: Class::Zero, mant: 0, exp: 0 };

    const NAN: LongDouble = LongDouble { neg: false, class: Class::Nan, mant: 0, exp: 0 };

    fn inf(neg: bool) -> LongDouble {
        LongDouble { neg, class: Class::Inf, mant: 0, exp: 0 }
    }

    fn from_conv(neg: bool, c: Conv) -> LongDouble {
        match c {
            Conv::Zero { .. } => LongDouble { neg, ..LongDouble::ZERO },
            Conv::Overflow => LongDouble::inf(neg),
            Conv::Finite { mant, exp, .. } => {
                LongDouble { neg, class: Class::Finite, mant, exp: exp as i32 }
            }
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
        LongDouble { neg: v < 0, class: Class::Finite, mant: m << lz, exp: -(lz as i32) }
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
            (Zero, Zero) => return LongDouble { neg: self.neg && other.neg, ..LongDouble::ZERO },
            (Zero, _) => return other,
            (_, Zero) => return self,
            (Finite, Finite) => {}
        }
        let (a, b) = if self.mag_cmp(&other) == Ordering::Less { (other, self) } else { (self, other) };
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
                push_digits(out, &b.to_decimal());
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
            "", "+1", " 1", "1 ", "01", "-0", "-", "00", "-01", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "99999999999999999999",
            "1a", "a1", "1.0", "1e3", "0x10", "\u{0}", "1\u{0}", "--1",
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
            "", " 1", "1 ", "\t1", "nan", "-nan", "NaN(123)", "1e", "1e+", "e1", ".", "-", "+",
            "0x", "0x.", "0xp1", "0x1p", "1x", "infin", "infinit", "1e309", "-1e309",
            "1e-400", "0x1p-1080", "0x1p1024", "1\u{0}", "1,5", "1..2", "--1", "+-1",
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
        for s in ["", " 1", "1 ", "nan", "1e5000", "-1e5000", "1e-5000", "abc", "1\u{0}", "\u{0}"] {
            assert!(LongDouble::parse(s.as_bytes()).is_none(), "{s:?}");
        }
        assert!(LongDouble::parse(&vec![b'1'; MAX_LONG_DOUBLE_CHARS]).is_none());
        let mut long = b"0.".to_vec();
        long.resize(MAX_LONG_DOUBLE_CHARS - 1, b'3');
        assert_eq!(LongDouble::parse(&long).map(|v| v.to_x87_bits()), Some((0x3ffd, 0xaaaa_aaaa_aaaa_aaab)));
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
                    if r % 7 == 0 { (r >> 8) as u8 } else { alphabet[(r >> 8) as usize % alphabet.len()] }
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
