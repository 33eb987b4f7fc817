//! Redis's glob-style matcher: a byte-exact port of `stringmatchlen()` from
//! Redis 7.0.15 `src/util.c`.
//!
//! This is the one matcher behind every pattern Redis accepts from clients:
//! `KEYS`, `SCAN ... MATCH`, `CONFIG GET`, `PSUBSCRIBE` delivery,
//! `PUBSUB CHANNELS`, ACL key/channel patterns, `COMMAND LIST FILTERBY
//! PATTERN` and `FUNCTION LIST LIBRARYNAME` (the last two with `nocase`).
//!
//! Syntax (bytes, not characters):
//!
//! * `*` any run of bytes (runs of `*` collapse into one), `?` exactly one byte;
//! * `[abc]` a set, `[^abc]` its complement, `[a-z]` an inclusive range (a
//!   reversed range `[z-a]` is swapped), `\x` inside a set is a literal `x`;
//! * `\x` outside a set is a literal `x`; a trailing lone `\` is a literal `\`;
//! * everything else is literal, compared case-insensitively (ASCII only)
//!   when `nocase` is set.
//!
//! C quirks that are reproduced on purpose, because clients can observe them:
//!
//! * The main loop only runs while both pattern and subject are non-empty, so
//!   `string_match(b"*", b"", _)` is **false**. Redis's `KEYS` and `SCAN`
//!   special-case the exact pattern `*` before calling the matcher; callers
//!   must do the same to return the empty key.
//! * An unterminated set ends at the end of the pattern: `[abc` behaves like
//!   `[abc]`, and `[^` (nothing to exclude) matches any one byte.
//! * `[a-]` is the range `a`..`]` (the closing bracket is taken as the range
//!   end, exactly as the C length check allows).
//! * An escaped byte inside a set is compared case-sensitively even when
//!   `nocase` is set.
//! * Range bounds and the subject byte are compared as C `char`, which is
//!   signed on every platform Redis ships for: bytes `0x80..=0xFF` sort below
//!   `0x00`, so `[a-\xff]` means `\xff..=a`. With `nocase` they also go
//!   through glibc's `tolower()`, which maps `-128..=-2` to `128..=254` and
//!   leaves `-1` (`0xFF`, which is `EOF`) alone. See `c_tolower`.
//!
//! Protection against exponential backtracking, as in 7.0.15:
//!
//! * `skipLongerMatches`: once the rest of the pattern after a `*` has failed
//!   to match at every remaining position of the subject, no enclosing `*`
//!   can do better by consuming more bytes, so the whole search stops. This
//!   makes `a*a*a*...*b` against `aaaa...` polynomial instead of exponential.
//! * A recursion limit: a `*` nested more than 1000 levels deep fails to
//!   match (`nesting > 1000`). This is the CVE-2024-31228 fix, carried by the
//!   Debian 7.0.15 build used as the reference (and by upstream 6.2.16,
//!   7.2.6, 7.4.1); the upstream 7.0.15 tarball predates it. It also bounds
//!   the Rust stack depth, so no pattern can overflow the stack.

/// Deepest `*` recursion allowed before a branch is declared a non-match
/// (Redis: `if (nesting > 1000) return 0;`).
const MAX_NESTING: u32 = 1000;

/// Number of random cases `DEBUG STRINGMATCH-TEST` runs in Redis
/// (`int cycles = 10000000;` in `stringmatchlen_fuzz_test`).
pub const STRINGMATCH_FUZZ_CYCLES: u32 = 10_000_000;

/// Glob-match `string` against `pattern`, as Redis's
/// `stringmatchlen(pattern, plen, string, slen, nocase)`.
///
/// Contract: total (never panics, for any bytes), allocation-free, recursion
/// depth bounded by `MAX_NESTING`; returns exactly what Redis 7.0.15 returns,
/// including the quirks listed in the module docs.
#[must_use]
pub fn string_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer_matches = false;
    match_impl(pattern, string, nocase, &mut skip_longer_matches, 0)
}

/// The byte at `i`, or 0 past the end: Redis patterns and subjects are sds
/// strings, so the C code's reads one past the logical length see the NUL
/// terminator. Every such read is reproduced through this helper.
#[inline]
fn byte_at(buf: &[u8], i: usize) -> u8 {
    buf.get(i).copied().unwrap_or(0)
}

/// A byte as the C code sees it in `int c = pattern[0];` (signed `char`).
#[inline]
fn c_char(b: u8) -> i32 {
    i32::from(i8::from_ne_bytes([b]))
}

/// glibc `tolower()` in the "C" locale (Redis only sets `LC_COLLATE`), applied
/// to a signed `char` value: `A..=Z` fold to `a..=z`; `-128..=-2` map to
/// `128..=254` (glibc's table is indexed by the signed value and returns the
/// unsigned one); `-1` is `EOF` and is returned unchanged; the rest is
/// unchanged.
#[inline]
fn c_tolower(c: i32) -> i32 {
    match c {
        -128..=-2 => c + 256,
        0x41..=0x5A => c + 0x20,
        _ => c,
    }
}

/// Literal byte comparison of the `default:` branch and of a set member.
#[inline]
fn same_byte(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        c_tolower(c_char(a)) == c_tolower(c_char(b))
    } else {
        a == b
    }
}

/// Port of `stringmatchlen_impl`: `p`/`s` are the C `pattern`/`string`
/// cursors, and `pattern.len() - p` / `string.len() - s` the C
/// `patternLen`/`stringLen` (invariant: `p <= pattern.len()`,
/// `s <= string.len()`). `skip_longer_matches` is shared by the whole
/// recursion; `nesting` is the number of enclosing `*`.
fn match_impl(pattern: &[u8], string: &[u8], nocase: bool, skip_longer_matches: &mut bool, nesting: u32) -> bool {
    // Protection against abusive patterns.
    if nesting > MAX_NESTING {
        return false;
    }
    let mut p = 0usize;
    let mut s = 0usize;

    while p < pattern.len() && s < string.len() {
        match byte_at(pattern, p) {
            b'*' => {
                while p < pattern.len() && byte_at(pattern, p + 1) == b'*' {
                    p += 1;
                }
                if pattern.len() - p == 1 {
                    return true;
                }
                let rest = pattern.get(p + 1..).unwrap_or_default();
                while s < string.len() {
                    let sub = string.get(s..).unwrap_or_default();
                    if match_impl(rest, sub, nocase, skip_longer_matches, nesting + 1) {
                        return true;
                    }
                    if *skip_longer_matches {
                        return false;
                    }
                    s += 1;
                }
                // The rest of the pattern matches nowhere in the rest of the
                // subject, so no enclosing '*' can help by matching longer.
                *skip_longer_matches = true;
                return false;
            }
            b'?' => s += 1,
            b'[' => {
                let c = byte_at(string, s);
                p += 1;
                let not = byte_at(pattern, p) == b'^';
                if not {
                    p += 1;
                }
                let mut matched = false;
                loop {
                    let rem = pattern.len() - p;
                    let pc = byte_at(pattern, p);
                    if pc == b'\\' && rem >= 2 {
                        p += 1;
                        // Escaped set member: always case-sensitive.
                        if byte_at(pattern, p) == c {
                            matched = true;
                        }
                    } else if pc == b']' {
                        break;
                    } else if rem == 0 {
                        // Unterminated set: step back onto the last byte so
                        // the common `p += 1` below lands on the end.
                        p -= 1;
                        break;
                    } else if rem >= 3 && byte_at(pattern, p + 1) == b'-' {
                        let mut start = c_char(pc);
                        let mut end = c_char(byte_at(pattern, p + 2));
                        let mut ch = c_char(c);
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = c_tolower(start);
                            end = c_tolower(end);
                            ch = c_tolower(ch);
                        }
                        p += 2;
                        if ch >= start && ch <= end {
                            matched = true;
                        }
                    } else if same_byte(pc, c, nocase) {
                        matched = true;
                    }
                    p += 1;
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                s += 1;
            }
            first => {
                // `\x` is a literal x; a trailing lone `\` is a literal `\`.
                if first == b'\\' && pattern.len() - p >= 2 {
                    p += 1;
                }
                if !same_byte(byte_at(pattern, p), byte_at(string, s), nocase) {
                    return false;
                }
                s += 1;
            }
        }
        p += 1;
        if s == string.len() {
            while byte_at(pattern, p) == b'*' {
                p += 1;
            }
            break;
        }
    }
    p == pattern.len() && s == string.len()
}

/// Port of `stringmatchlen_fuzz_test()`, run by `DEBUG STRINGMATCH-TEST`:
/// `cycles` times, match a random pattern against a random subject (each
/// 0..=31 bytes of 0..=127, case-sensitive) and return how many matched.
/// Its only purpose is to not crash; Redis discards the count and replies
/// `+Apparently Redis did not crash: test passed`. Redis uses libc `rand()`;
/// this uses a xorshift generator seeded with `seed`, so the count differs.
#[must_use]
pub fn string_match_fuzz_test(cycles: u32, seed: u64) -> u32 {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut string = [0u8; 32];
    let mut pattern = [0u8; 32];
    let mut total_matches = 0u32;
    for _ in 0..cycles {
        let slen = (next() % 32) as usize;
        let plen = (next() % 32) as usize;
        for b in string.iter_mut().take(slen) {
            *b = (next() % 128) as u8;
        }
        for b in pattern.iter_mut().take(plen) {
            *b = (next() % 128) as u8;
        }
        let pat = pattern.get(..plen).unwrap_or_default();
        let subject = string.get(..slen).unwrap_or_default();
        if string_match(pat, subject, false) {
            total_matches += 1;
        }
    }
    total_matches
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn m(p: &[u8], s: &[u8]) -> bool {
        string_match(p, s, false)
    }

    fn mi(p: &[u8], s: &[u8]) -> bool {
        string_match(p, s, true)
    }

    /// tests/unit/keyspace.tcl "KEYS with pattern".
    #[test]
    fn keyspace_tcl_keys_with_pattern() {
        let keys: [&[u8]; 6] = [b"key_x", b"key_y", b"key_z", b"foo_a", b"foo_b", b"foo_c"];
        let hits: Vec<&[u8]> = keys.iter().copied().filter(|k| m(b"foo*", k)).collect();
        assert_eq!(hits, vec![&b"foo_a"[..], b"foo_b", b"foo_c"]);
    }

    /// tests/unit/keyspace.tcl "Regression for pattern matching long nested loops".
    #[test]
    fn keyspace_tcl_long_nested_loops() {
        let t = Instant::now();
        assert!(!m(b"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", &[b'a'; 40]));
        assert!(t.elapsed() < Duration::from_secs(1));
    }

    /// Debian's CVE-2024-31228 patch test: "Regression for pattern matching
    /// very long nested loops" (`KEYS [string repeat "*?" 50000]` against a
    /// 50000-byte key returns nothing, quickly, without blowing the stack).
    #[test]
    fn keyspace_tcl_very_long_nested_loops() {
        let pattern = b"*?".repeat(50_000);
        let key = vec![b'a'; 50_000];
        let t = Instant::now();
        assert!(!m(&pattern, &key));
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn nesting_limit_is_1000_stars() {
        // 1000 nested '*' are fine, the 1001st recursion level fails.
        let ok = b"*a".repeat(1000);
        assert!(m(&ok, &[b'a'; 1000]));
        let too_deep = b"*a".repeat(1001);
        assert!(!m(&too_deep, &[b'a'; 1001]));
        assert!(m(&b"*a".repeat(1001)[1..], &[b'a'; 1001]));
    }

    #[test]
    fn pathological_patterns_finish_fast() {
        let t = Instant::now();
        let p = [b"a*".repeat(30), b"b".to_vec()].concat();
        assert!(!m(&p, &[b'a'; 5000]));
        let p = b"*a".repeat(500);
        assert!(!m(&[p.as_slice(), b"b"].concat(), &[b'a'; 5000]));
        assert!(!m(&b"*?".repeat(2000), &[b'x'; 1999]));
        assert!(!m(&[b"*".repeat(100_000).as_slice(), b"x"].concat(), &[b'y'; 10_000]));
        assert!(m(&b"*".repeat(100_000), b"anything"));
        assert!(!mi(&[b"A*".repeat(40).as_slice(), b"?b"].concat(), &[b'a'; 3000]));
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn empty_pattern_and_string() {
        assert!(m(b"", b""));
        assert!(!m(b"", b"a"));
        // The loop never runs on an empty subject: only "" matches "".
        assert!(!m(b"*", b""));
        assert!(!m(b"**", b""));
        assert!(!m(b"?", b""));
        assert!(!m(b"[a]", b""));
        assert!(!m(b"\\", b""));
        assert!(!mi(b"*", b""));
    }

    #[test]
    fn star() {
        assert!(m(b"*", b"a"));
        assert!(m(b"*", b"hello world"));
        assert!(m(b"h*o", b"hello"));
        assert!(m(b"h*o", b"ho"));
        assert!(!m(b"h*o", b"hellox"));
        assert!(m(b"*llo", b"hello"));
        assert!(m(b"he*", b"he"));
        assert!(m(b"he**", b"he"));
        assert!(m(b"he*****", b"hello"));
        assert!(m(b"***llo", b"hello"));
        assert!(m(b"a*b*c", b"aXXbYYc"));
        assert!(m(b"a*b*c", b"abc"));
        assert!(!m(b"a*b*c", b"acb"));
        assert!(m(b"*a*", b"bab"));
        assert!(!m(b"*a*", b"bbb"));
        assert!(m(b"user:*:session", b"user:1234:session"));
        assert!(m(b"*.png", b"cdn/eu/assets/logo.png"));
        assert!(m(b"*/*", b"a/b"));
        assert!(m(b"*\0*", b"a\0b"));
        // Trailing stars after the subject is consumed.
        assert!(m(b"abc***", b"abc"));
        assert!(!m(b"abc**x", b"abc"));
    }

    #[test]
    fn question_mark() {
        assert!(m(b"?", b"a"));
        assert!(!m(b"?", b"ab"));
        assert!(m(b"h?llo", b"hello"));
        assert!(m(b"h?llo", b"hallo"));
        assert!(!m(b"h?llo", b"hllo"));
        assert!(m(b"??", b"\xff\x00"));
        assert!(m(b"?*", b"a"));
        assert!(!m(b"?*?", b"a"));
    }

    #[test]
    fn sets() {
        assert!(m(b"h[ae]llo", b"hello"));
        assert!(m(b"h[ae]llo", b"hallo"));
        assert!(!m(b"h[ae]llo", b"hillo"));
        assert!(m(b"h[^e]llo", b"hallo"));
        assert!(!m(b"h[^e]llo", b"hello"));
        assert!(m(b"h[a-b]llo", b"hbllo"));
        assert!(!m(b"h[a-b]llo", b"hcllo"));
        assert!(m(b"[a-z0-9_]", b"_"));
        assert!(m(b"[a-z0-9_]", b"5"));
        assert!(!m(b"[a-z0-9_]", b"-"));
        assert!(m(b"[^a-z]", b"A"));
        assert!(!m(b"[^a-z]", b"q"));
        // "[]" is an empty set: matches nothing; "[^]" matches any byte.
        assert!(!m(b"[]", b"a"));
        assert!(!m(b"[]", b"]"));
        assert!(m(b"[^]", b"a"));
        assert!(m(b"[^]", b"]"));
        // So "[]]" is the empty set followed by a literal ']'.
        assert!(!m(b"[]]", b"]"));
        assert!(!m(b"[]]", b"]]"));
        // A literal '^' not at the start is a member.
        assert!(m(b"[a^]", b"^"));
        // '-' at the start (no left bound) is a member.
        assert!(m(b"[-a]", b"-"));
        // Set followed by more pattern.
        assert!(m(b"[ab][cd]", b"bc"));
        assert!(!m(b"[ab][cd]", b"bb"));
        assert!(m(b"x[ab]*", b"xa123"));
    }

    #[test]
    fn reversed_and_odd_ranges() {
        assert!(m(b"[z-a]", b"m"));
        assert!(m(b"[z-a]", b"a"));
        assert!(m(b"[z-a]", b"z"));
        assert!(!m(b"[z-a]", b"A"));
        assert!(m(b"[9-0]", b"5"));
        // "[a-]": the ']' is taken as the range end, set is unterminated.
        assert!(m(b"[a-]", b"a"));
        assert!(m(b"[a-]", b"_"));
        assert!(m(b"[a-]", b"]"));
        assert!(!m(b"[a-]", b"b"));
        assert!(!m(b"[a-]", b"-"));
        // "[a-]x": after the range, 'x' is still inside the (unterminated) set.
        assert!(m(b"[a-]x", b"x"));
        assert!(!m(b"[a-]x", b"ax"));
        // Ranges are compared as signed C chars.
        assert!(m(b"[\x80-\xff]", b"\x90"));
        assert!(!m(b"[\x80-\xff]", b"a"));
        assert!(m(b"[a-\xff]", b"\xff"));
        assert!(m(b"[a-\xff]", b"0"));
        assert!(m(b"[a-\xff]", b"\x00"));
        assert!(!m(b"[a-\xff]", b"b"));
        assert!(!m(b"[a-\xff]", b"\x80"));
        assert!(m(b"[\x00-\x7f]", b"\x7f"));
        assert!(!m(b"[\x00-\x7f]", b"\x80"));
    }

    #[test]
    fn unterminated_sets() {
        assert!(m(b"[abc", b"a"));
        assert!(m(b"[abc", b"c"));
        assert!(!m(b"[abc", b"d"));
        assert!(!m(b"[abc", b"ab"));
        assert!(!m(b"[", b"a"));
        assert!(!m(b"[", b"["));
        assert!(m(b"[^", b"a"));
        assert!(m(b"[^", b"^"));
        assert!(!m(b"[^a", b"a"));
        assert!(m(b"[^a", b"b"));
        assert!(!m(b"a[", b"a"));
        assert!(!m(b"a[", b"ab"));
        assert!(m(b"a[b", b"ab"));
        assert!(m(b"[a-c", b"b"));
        // "[a-": too short for a range; 'a' and '-' are members.
        assert!(m(b"[a-", b"-"));
        assert!(m(b"[a-", b"a"));
        assert!(!m(b"[a-", b"b"));
    }

    #[test]
    fn escapes_outside_sets() {
        assert!(m(b"\\*", b"*"));
        assert!(!m(b"\\*", b"a"));
        assert!(m(b"\\?", b"?"));
        assert!(!m(b"\\?", b"a"));
        assert!(m(b"\\[a]", b"[a]"));
        assert!(m(b"\\a", b"a"));
        assert!(m(b"\\\\", b"\\"));
        assert!(m(b"a\\*b", b"a*b"));
        assert!(!m(b"a\\*b", b"axb"));
        assert!(m(b"*\\*", b"abc*"));
        // Trailing lone backslash is a literal backslash.
        assert!(m(b"\\", b"\\"));
        assert!(m(b"a\\", b"a\\"));
        assert!(!m(b"a\\", b"a"));
        assert!(!m(b"a\\", b"ab"));
        // Escaped letters still fold under nocase outside sets.
        assert!(mi(b"\\A", b"a"));
    }

    #[test]
    fn escapes_inside_sets() {
        assert!(m(b"[\\]]", b"]"));
        assert!(m(b"[\\]a]", b"a"));
        assert!(m(b"[\\^]", b"^"));
        assert!(!m(b"[\\^]", b"a"));
        assert!(m(b"[^\\]]", b"a"));
        assert!(!m(b"[^\\]]", b"]"));
        assert!(m(b"[\\-a]", b"-"));
        assert!(m(b"[\\\\]", b"\\"));
        assert!(m(b"[\\*]", b"*"));
        // A backslash that is the last pattern byte is itself a member.
        assert!(m(b"[\\", b"\\"));
        assert!(!m(b"[\\", b"a"));
        // The escaped member is compared case-sensitively even with nocase.
        assert!(!mi(b"[\\A]", b"a"));
        assert!(mi(b"[\\A]", b"A"));
        assert!(mi(b"[A]", b"a"));
    }

    #[test]
    fn nocase() {
        assert!(mi(b"HELLO", b"hello"));
        assert!(mi(b"hello", b"HeLLo"));
        assert!(!m(b"HELLO", b"hello"));
        assert!(mi(b"h*O", b"HELLO"));
        assert!(mi(b"[A-Z]", b"q"));
        assert!(mi(b"[a-z]", b"Q"));
        assert!(!m(b"[a-z]", b"Q"));
        assert!(mi(b"[^A]", b"b"));
        assert!(!mi(b"[^A]", b"a"));
        assert!(mi(b"maxmemory*", b"MAXMEMORY-POLICY"));
        // Only ASCII folds.
        assert!(!mi(b"\xc0", b"\xe0"));
        assert!(mi(b"\xc0", b"\xc0"));
        // Range bounds are folded after ordering: [Z-a] is 90..=97 without
        // nocase, but 122..=97 (empty) with it.
        assert!(!mi(b"[Z-a]", b"_"));
        assert!(m(b"[Z-a]", b"_"));
        // High bytes: 0x80..=0xFE fold to 128..=254 but 0xFF stays -1.
        assert!(mi(b"[\x80-\xfe]", b"\x90"));
        assert!(!mi(b"[\x80-\xff]", b"\x90"));
        assert!(m(b"[\x80-\xff]", b"\x90"));
        assert!(!mi(b"[\x80-\xff]", b"\xff"));
    }

    #[test]
    fn binary_bytes() {
        assert!(m(b"\x00", b"\x00"));
        assert!(!m(b"\x00", b"0"));
        assert!(m(b"a\x00*", b"a\x00bc"));
        assert!(m(b"[\x00]", b"\x00"));
        assert!(m(b"\xff*", b"\xff\xfe"));
    }

    #[test]
    fn c_tolower_matches_glibc_c_locale() {
        assert_eq!(c_tolower(c_char(b'A')), i32::from(b'a'));
        assert_eq!(c_tolower(c_char(b'Z')), i32::from(b'z'));
        assert_eq!(c_tolower(c_char(b'[')), i32::from(b'['));
        assert_eq!(c_tolower(c_char(0x80)), 128);
        assert_eq!(c_tolower(c_char(0xfe)), 254);
        assert_eq!(c_tolower(c_char(0xff)), -1);
    }

    #[test]
    fn never_panics_on_random_input() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"ab*?[]^-\\\x00\xff\x80A";
        for _ in 0..200_000 {
            let plen = (next() % 12) as usize;
            let slen = (next() % 8) as usize;
            let p: Vec<u8> = (0..plen)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let s: Vec<u8> = (0..slen)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let _ = string_match(&p, &s, next() % 2 == 0);
        }
    }

    #[test]
    fn fuzz_test_runs() {
        let n = string_match_fuzz_test(20_000, 42);
        assert!(n > 0 && n < 20_000);
    }
}
