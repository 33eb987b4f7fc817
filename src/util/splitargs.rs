//! Redis's `sdssplitargs()` (Redis 7.0.15 `src/sds.c`): the tokenizer for
//! inline commands (`processInlineBuffer`), config files and `CONFIG
//! REWRITE` round-trips, and redis-cli's prompt.
//!
//! Grammar, byte for byte as the C code:
//!
//! * Arguments are separated by runs of C `isspace` bytes (`' '`, `\t`, `\n`,
//!   `\v`, `\f`, `\r`). An unquoted argument, however, only ends at `' '`,
//!   `\t`, `\n`, `\r` or the end, so `\v` and `\f` inside one are kept.
//! * `"..."` understands `\n \r \t \b \a`, `\xHH` (exactly two hex digits,
//!   any case), and `\<any other byte>` is that byte (so `\\` and `\"`).
//!   A `\x` not followed by two hex digits is just `x`.
//! * `'...'` understands only `\'`; every other byte, backslashes included,
//!   is literal.
//! * A quote may open in the middle of an argument (`ab"c d"` is `abc d`),
//!   but a closing quote must be followed by whitespace or the end
//!   (`"a"b` is an error), and an unclosed quote is an error.
//! * `""` and `''` are empty arguments; an all-blank line has no arguments.
//! * The C function reads a NUL-terminated string, so the first NUL byte
//!   ends the input: nothing after it is seen (inside quotes this makes the
//!   quote unterminated, hence an error).

use std::ops::Range;

/// C `isspace()` in the "C" locale; bytes >= 0x80 are never space.
#[inline]
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Value of an ASCII hex digit (Redis `is_hex_digit`/`hex_digit_to_int`).
#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Split `line` into arguments exactly as `sdssplitargs()` does, without
/// allocating: each unescaped argument is written back into `line` (it is
/// never longer than the bytes it was parsed from, and arguments are
/// compacted left to right, so writes never overtake reads), and its range
/// within `line` is pushed to `out`, in order, after `out` is cleared.
///
/// Returns `true` on success (zero ranges for an empty or all-blank line).
/// Returns `false` where Redis returns NULL: an unterminated quote, or a
/// closing quote followed by something other than whitespace. On `false`,
/// `out` is cleared and `line` holds unspecified (partially unescaped) bytes.
/// Never panics.
#[must_use]
pub fn split_args_in_place(line: &mut [u8], out: &mut Vec<Range<usize>>) -> bool {
    out.clear();
    // The C input is a C string: it ends at the first NUL.
    let end = line.iter().position(|&b| b == 0).unwrap_or(line.len());
    // Byte at `i` as the C code reads it (`*p`, `*(p+1)`, ...): 0 at or past
    // the end. Reads are always at or after the read cursor, which is never
    // behind the write cursor, so they only ever see original input bytes.
    let at = |line: &[u8], i: usize| -> u8 { if i < end { line.get(i).copied().unwrap_or(0) } else { 0 } };
    let put = |line: &mut [u8], w: &mut usize, b: u8| {
        if let Some(slot) = line.get_mut(*w) {
            *slot = b;
        }
        *w += 1;
    };

    let mut r = 0usize; // read cursor (C `p`)
    let mut w = 0usize; // write cursor: end of the unescaped output so far
    loop {
        // Skip blanks.
        while is_c_space(at(line, r)) {
            r += 1;
        }
        if at(line, r) == 0 {
            return true;
        }
        // Get a token.
        let start = w;
        let mut inq = false; // in "double quotes"
        let mut insq = false; // in 'single quotes'
        let mut done = false;
        while !done {
            let c = at(line, r);
            if inq {
                let hex = if c == b'\\' && at(line, r + 1) == b'x' {
                    hex_value(at(line, r + 2)).zip(hex_value(at(line, r + 3)))
                } else {
                    None
                };
                if let Some((hi, lo)) = hex {
                    put(line, &mut w, hi * 16 + lo);
                    r += 3;
                } else if c == b'\\' && at(line, r + 1) != 0 {
                    r += 1;
                    let unescaped = match at(line, r) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    };
                    put(line, &mut w, unescaped);
                } else if c == b'"' {
                    // Closing quote must be followed by a space or nothing.
                    let next = at(line, r + 1);
                    if next != 0 && !is_c_space(next) {
                        out.clear();
                        return false;
                    }
                    done = true;
                } else if c == 0 {
                    // Unterminated quotes.
                    out.clear();
                    return false;
                } else {
                    put(line, &mut w, c);
                }
            } else if insq {
                if c == b'\\' && at(line, r + 1) == b'\'' {
                    r += 1;
                    put(line, &mut w, b'\'');
                } else if c == b'\'' {
                    // Closing quote must be followed by a space or nothing.
                    let next = at(line, r + 1);
                    if next != 0 && !is_c_space(next) {
                        out.clear();
                        return false;
                    }
                    done = true;
                } else if c == 0 {
                    // Unterminated quotes.
                    out.clear();
                    return false;
                } else {
                    put(line, &mut w, c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    _ => put(line, &mut w, c),
                }
            }
            if at(line, r) != 0 {
                r += 1;
            }
        }
        out.push(start..w);
    }
}

/// Owned convenience wrapper around [`split_args_in_place`] (for config
/// files and other cold paths): `None` on unbalanced quotes or a closing
/// quote not followed by whitespace, otherwise the unescaped arguments.
#[must_use]
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut buf = line.to_vec();
    let mut ranges = Vec::new();
    if !split_args_in_place(&mut buf, &mut ranges) {
        return None;
    }
    Some(
        ranges
            .into_iter()
            .map(|r| buf.get(r).unwrap_or_default().to_vec())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Option<Vec<Vec<u8>>> {
        split_args(line)
    }

    fn ok(line: &[u8], want: &[&[u8]]) {
        let got = split(line).unwrap_or_else(|| panic!("{:?} failed to split", line.escape_ascii().to_string()));
        let want: Vec<Vec<u8>> = want.iter().map(|a| a.to_vec()).collect();
        assert_eq!(got, want, "line {:?}", line.escape_ascii().to_string());
    }

    fn err(line: &[u8]) {
        assert_eq!(split(line), None, "line {:?}", line.escape_ascii().to_string());
    }

    #[test]
    fn plain_words() {
        ok(b"set foo bar", &[b"set", b"foo", b"bar"]);
        ok(b"PING", &[b"PING"]);
        ok(b"  set   foo\tbar  ", &[b"set", b"foo", b"bar"]);
        ok(b"a\r\nb\r\n", &[b"a", b"b"]);
        ok(b"\t\ta\t", &[b"a"]);
    }

    #[test]
    fn empty_and_blank_lines() {
        ok(b"", &[]);
        ok(b"   ", &[]);
        ok(b" \t\r\n\x0b\x0c ", &[]);
    }

    #[test]
    fn vertical_tab_and_form_feed_only_separate_between_args() {
        // isspace() skips them between arguments ...
        ok(b"\x0ba\x0c", &[b"a\x0c"]);
        ok(b"a \x0b b", &[b"a", b"b"]);
        // ... but an unquoted argument only ends at ' ', \t, \n, \r, NUL.
        ok(b"a\x0bb", &[b"a\x0bb"]);
        ok(b"a\x0cb c", &[b"a\x0cb", b"c"]);
        // A closing quote may be followed by any isspace() byte.
        ok(b"\"a\"\x0bb", &[b"a", b"b"]);
        ok(b"'a'\x0cb", &[b"a", b"b"]);
    }

    #[test]
    fn double_quote_escapes() {
        ok(b"\"\\n\"", &[b"\n"]);
        ok(b"\"\\r\"", &[b"\r"]);
        ok(b"\"\\t\"", &[b"\t"]);
        ok(b"\"\\b\"", &[b"\x08"]);
        ok(b"\"\\a\"", &[b"\x07"]);
        ok(b"\"\\\\\"", &[b"\\"]);
        ok(b"\"\\\"\"", &[b"\""]);
        ok(b"\"\\q\"", &[b"q"]);
        ok(b"\"\\'\"", &[b"'"]);
        ok(b"\"a\\nb\\tc\"", &[b"a\nb\tc"]);
        ok(b"\"newline are supported\\n\"", &[b"newline are supported\n"]);
    }

    #[test]
    fn hex_escapes() {
        ok(b"\"\\x41\"", &[b"A"]);
        ok(b"\"\\x4a\\x4A\"", &[b"JJ"]);
        ok(b"\"\\xff\\x00otherstuff\"", &[b"\xff\x00otherstuff"]);
        ok(b"\"\\x00\"", &[b"\x00"]);
        // Not two hex digits: "\x" is an ordinary escape for 'x'.
        ok(b"\"\\x4\"", &[b"x4"]);
        ok(b"\"\\xg1\"", &[b"xg1"]);
        ok(b"\"\\x\"", &[b"x"]);
        ok(b"\"\\x411\"", &[b"A1"]);
    }

    #[test]
    fn redis_doc_example() {
        ok(
            b"foo bar \"newline are supported\\n\" and \"\\xff\\x00otherstuff\"",
            &[
                b"foo",
                b"bar",
                b"newline are supported\n",
                b"and",
                b"\xff\x00otherstuff",
            ],
        );
    }

    #[test]
    fn single_quotes() {
        ok(b"'it\\'s'", &[b"it's"]);
        ok(b"'a b'", &[b"a b"]);
        ok(b"'\\n'", &[b"\\n"]);
        ok(b"'a\\\\b'", &[b"a\\\\b"]);
        // A backslash before the closing quote escapes it: unterminated.
        err(b"'\\\\'");
        ok(b"'\\x41'", &[b"\\x41"]);
        ok(b"'say \"hi\"'", &[b"say \"hi\""]);
        ok(b"\"it's\"", &[b"it's"]);
    }

    #[test]
    fn empty_quotes_give_empty_args() {
        ok(b"\"\"", &[b""]);
        ok(b"''", &[b""]);
        ok(b"set k \"\"", &[b"set", b"k", b""]);
        ok(b"\"\" '' \"\"", &[b"", b"", b""]);
    }

    #[test]
    fn quotes_inside_a_word() {
        ok(b"ab\"c d\"", &[b"abc d"]);
        ok(b"ab'c d' e", &[b"abc d", b"e"]);
        ok(b"a\"\"", &[b"a"]);
    }

    #[test]
    fn closing_quote_must_be_followed_by_space() {
        err(b"\"a\"b");
        err(b"'a'b");
        err(b"\"foo\"bar");
        err(b"\"a\"\"b\"");
        err(b"\"a\"'b'");
        ok(b"\"a\" b", &[b"a", b"b"]);
        ok(b"\"a\"\tb", &[b"a", b"b"]);
        ok(b"\"a\"\r\n", &[b"a"]);
    }

    #[test]
    fn unbalanced_quotes() {
        err(b"\"foo'");
        err(b"\"");
        err(b"'");
        err(b"set k \"abc");
        err(b"set k 'abc");
        err(b"\"abc\\\"");
        err(b"'abc\\'");
        // Backslash as the last byte inside quotes.
        err(b"\"abc\\");
        err(b"'abc\\");
    }

    #[test]
    fn nul_ends_the_input() {
        ok(b"a\0b", &[b"a"]);
        ok(b"a \0 b", &[b"a"]);
        ok(b"\0abc", &[]);
        err(b"\"a\0\"");
        err(b"'a\0'");
        ok(b"\"a\"\0b", &[b"a"]);
        // "\x00" is an escape, not a terminator.
        ok(b"\"\\x00\" b", &[b"\x00", b"b"]);
    }

    #[test]
    fn high_bytes_are_plain() {
        ok(b"\xa0a\x85 \xff", &[b"\xa0a\x85", b"\xff"]);
    }

    #[test]
    fn in_place_ranges_and_reuse() {
        let mut line = b"SET \"k\\x41y\" 'v\\'al'  x".to_vec();
        let mut out = vec![0..1, 5..9];
        assert!(split_args_in_place(&mut line, &mut out));
        let args: Vec<&[u8]> = out.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(args, vec![&b"SET"[..], b"kAy", b"v'al", b"x"]);
        assert_eq!(out, vec![0..3, 3..6, 6..10, 10..11]);

        // `out` is cleared on the next call, and on failure.
        let mut line2 = b"one".to_vec();
        assert!(split_args_in_place(&mut line2, &mut out));
        assert_eq!(out, vec![0..3]);
        let mut bad = b"a \"b".to_vec();
        assert!(!split_args_in_place(&mut bad, &mut out));
        assert!(out.is_empty());
        let mut empty: [u8; 0] = [];
        assert!(split_args_in_place(&mut empty, &mut out));
        assert!(out.is_empty());
    }

    #[test]
    fn unquoted_args_are_not_moved_without_escapes() {
        let mut line = b"get key".to_vec();
        let mut out = Vec::new();
        assert!(split_args_in_place(&mut line, &mut out));
        assert_eq!(out, vec![0..3, 3..6]);
        assert_eq!(&line[..6], b"getkey");
    }

    #[test]
    fn never_panics_and_never_overruns() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b" \t\"'\\xAf0a\x00\x0b\nnr";
        let mut out = Vec::new();
        for _ in 0..100_000 {
            let len = (next() % 16) as usize;
            let line: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let mut buf = line.clone();
            if split_args_in_place(&mut buf, &mut out) {
                let mut prev_end = 0;
                for r in &out {
                    assert!(r.start >= prev_end && r.start <= r.end && r.end <= line.len());
                    prev_end = r.end;
                }
            }
        }
    }
}
