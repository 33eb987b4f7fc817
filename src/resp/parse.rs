//! The request parser: RESP multibulk frames and inline commands, exactly as
//! Redis's `processMultibulkBuffer` and `processInlineBuffer` read them.
//!
//! The parser owns no data. It is fed the unconsumed part of a connection's
//! read buffer (the current frame starts at offset 0) and records each
//! argument as a range into that buffer, so nothing is copied before the
//! command runs. It is resumable: when a frame is incomplete it remembers how
//! far it got (the scan position, how many arguments are still due, the
//! length of the bulk being received) and the next call continues from
//! there, so a partial frame is never rescanned. Bulk payloads are skipped by
//! length; header lines are found with `memchr`.
//!
//! Invariants: ranges in `args()` are relative to the frame start and valid
//! until the next call to `parse`; `Status::Command { len }` and
//! `Status::Empty { len }` never report more bytes than the buffer holds.

use std::fmt;
use std::ops::Range;

use crate::util::number::parse_i64;
use crate::util::splitargs::split_args_in_place;

/// Longest inline command, and longest multibulk/bulk header line, that is
/// accepted before the client is told its request is too big
/// (Redis's `PROTO_INLINE_MAX_SIZE`).
pub const INLINE_MAX: usize = 64 * 1024;

/// Largest multibulk count accepted (Redis rejects counts above `INT_MAX`).
pub const MULTIBULK_MAX: i64 = i32::MAX as i64;

/// A request the client must be told about before its connection closes.
/// `Display` gives Redis's exact message, without the leading `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    InvalidMultibulkLength,
    InvalidBulkLength,
    ExpectedDollar(u8),
    TooBigMultibulkCount,
    TooBigBulkCount,
    TooBigInline,
    UnbalancedQuotes,
    UnauthenticatedMultibulkLength,
    UnauthenticatedBulkLength,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ERR Protocol error: ")?;
        match self {
            ProtocolError::InvalidMultibulkLength => f.write_str("invalid multibulk length"),
            ProtocolError::InvalidBulkLength => f.write_str("invalid bulk length"),
            ProtocolError::ExpectedDollar(c) => {
                write!(f, "expected '$', got '{}'", char::from(*c))
            }
            ProtocolError::TooBigMultibulkCount => f.write_str("too big mbulk count string"),
            ProtocolError::TooBigBulkCount => f.write_str("too big bulk count string"),
            ProtocolError::TooBigInline => f.write_str("too big inline request"),
            ProtocolError::UnbalancedQuotes => f.write_str("unbalanced quotes in request"),
            ProtocolError::UnauthenticatedMultibulkLength => f.write_str("unauthenticated multibulk length"),
            ProtocolError::UnauthenticatedBulkLength => f.write_str("unauthenticated bulk length"),
        }
    }
}

/// What one call to [`Parser::parse`] found at the start of the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// More bytes are needed; the progress made so far is kept.
    Incomplete,
    /// A complete command of `len` bytes; its arguments are in `args()`.
    Command { len: usize },
    /// `len` bytes held no command (an empty inline line, `*0`, `*-1`).
    Empty { len: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// At the start of a frame.
    Frame,
    /// Inside a multibulk frame, `left` arguments still due; at a `$` header.
    BulkHeader { left: usize },
    /// Inside a bulk payload of `len` bytes (plus CRLF) starting at `start`.
    BulkBody { left: usize, start: usize, len: usize },
}

/// Span table capacity a parser keeps between commands.
const ARGS_KEPT: usize = 1024;

/// Resumable request parser; one per connection.
#[derive(Debug)]
pub struct Parser {
    /// Scan position within the current frame.
    pos: usize,
    want: Want,
    /// Argument ranges of the current frame, relative to its start.
    args: Vec<Range<usize>>,
    /// `proto-max-bulk-len`: the largest bulk accepted.
    max_bulk: i64,
    /// Redis refuses counts and lengths above 10 before AUTH.
    unauthenticated: bool,
}

impl Parser {
    pub fn new(max_bulk: i64) -> Parser {
        Parser {
            pos: 0,
            want: Want::Frame,
            args: Vec::new(),
            max_bulk,
            unauthenticated: false,
        }
    }

    /// Arguments of the last complete command, as ranges into its frame.
    pub fn args(&self) -> &[Range<usize>] {
        &self.args
    }

    pub fn set_max_bulk(&mut self, max_bulk: i64) {
        self.max_bulk = max_bulk;
    }

    /// While set, multibulk counts above 10 and bulk lengths above 16384
    /// are refused, as Redis does for a client that still has to
    /// authenticate.
    pub fn set_unauthenticated(&mut self, unauthenticated: bool) {
        self.unauthenticated = unauthenticated;
    }

    /// Bytes the current frame needs at least before it can progress (a
    /// hint for sizing the read buffer for large bulks); 0 when unknown.
    pub fn bytes_wanted(&self) -> usize {
        match self.want {
            Want::BulkBody { start, len, .. } => (start + len + 2).saturating_sub(self.pos),
            _ => 0,
        }
    }

    /// Where the bulk being received starts in the frame, if it is a big
    /// one (Redis's PROTO_MBULK_BIG_ARG, 32 KiB): Redis drops the bytes
    /// before such a bulk from its query buffer, so CLIENT LIST's `qbuf`
    /// counts from there.
    pub fn big_bulk_start(&self) -> Option<usize> {
        match self.want {
            Want::BulkBody { start, len, .. } if len >= 32 * 1024 => Some(start),
            _ => None,
        }
    }

    /// True while a frame has been started but not finished.
    pub fn in_frame(&self) -> bool {
        self.want != Want::Frame || self.pos != 0
    }

    /// Parses the frame at the start of `buf`, continuing where the previous
    /// call stopped. `buf` must begin at the same frame start as before and
    /// hold at least the bytes seen last time. Inline commands are unescaped
    /// in place, so `buf` is mutable.
    pub fn parse(&mut self, buf: &mut [u8]) -> Result<Status, ProtocolError> {
        if self.want == Want::Frame && self.pos == 0 {
            self.args.clear();
            // A command with very many arguments does not keep its span
            // table for the connection's life (Redis frees argv too).
            if self.args.capacity() > ARGS_KEPT {
                self.args = Vec::new();
            }
            match buf.first() {
                None => return Ok(Status::Incomplete),
                Some(b'*') => {}
                Some(_) => return self.parse_inline(buf),
            }
        }
        self.parse_multibulk(buf)
    }

    fn finish(&mut self, status: Status) -> Result<Status, ProtocolError> {
        self.pos = 0;
        self.want = Want::Frame;
        Ok(status)
    }

    fn parse_inline(&mut self, buf: &mut [u8]) -> Result<Status, ProtocolError> {
        let Some(nl) = memchr::memchr(b'\n', buf) else {
            if buf.len() > INLINE_MAX {
                return Err(ProtocolError::TooBigInline);
            }
            return Ok(Status::Incomplete);
        };
        let end = if nl > 0 && buf[nl - 1] == b'\r' { nl - 1 } else { nl };
        if !split_args_in_place(&mut buf[..end], &mut self.args) {
            return Err(ProtocolError::UnbalancedQuotes);
        }
        let len = nl + 1;
        if self.args.is_empty() {
            self.finish(Status::Empty { len })
        } else {
            self.finish(Status::Command { len })
        }
    }

    /// Reads the header line at `self.pos` (after its type byte), as Redis
    /// does: up to the next `\r`, which must be followed by one more byte
    /// (taken to be `\n`). Returns the number and advances past the line.
    fn header(&mut self, buf: &[u8], too_big: ProtocolError) -> Result<Option<(i64, bool)>, ProtocolError> {
        let from = self.pos + 1;
        let Some(cr) = buf.get(from..).and_then(|rest| memchr::memchr(b'\r', rest)) else {
            if buf.len() - self.pos > INLINE_MAX {
                return Err(too_big);
            }
            return Ok(None);
        };
        let cr = from + cr;
        if cr + 1 >= buf.len() {
            return Ok(None);
        }
        let parsed = parse_i64(&buf[from..cr]);
        self.pos = cr + 2;
        Ok(Some((parsed.unwrap_or(0), parsed.is_some())))
    }

    fn parse_multibulk(&mut self, buf: &mut [u8]) -> Result<Status, ProtocolError> {
        loop {
            match self.want {
                Want::Frame => {
                    let Some((n, ok)) = self.header(buf, ProtocolError::TooBigMultibulkCount)? else {
                        return Ok(Status::Incomplete);
                    };
                    if !ok || n > MULTIBULK_MAX {
                        return Err(ProtocolError::InvalidMultibulkLength);
                    }
                    if self.unauthenticated && n > 10 {
                        return Err(ProtocolError::UnauthenticatedMultibulkLength);
                    }
                    if n <= 0 {
                        let len = self.pos;
                        return self.finish(Status::Empty { len });
                    }
                    // Reserve modestly: the count is client-controlled.
                    self.args.reserve((n as usize).min(1024));
                    self.want = Want::BulkHeader { left: n as usize };
                }
                Want::BulkHeader { left } => {
                    let Some(&c) = buf.get(self.pos) else {
                        return Ok(Status::Incomplete);
                    };
                    if c != b'$' {
                        // Redis only complains once the header line is complete.
                        match memchr::memchr(b'\r', &buf[self.pos..]) {
                            Some(cr) if self.pos + cr + 1 < buf.len() => {
                                return Err(ProtocolError::ExpectedDollar(c));
                            }
                            Some(_) => return Ok(Status::Incomplete),
                            None if buf.len() - self.pos > INLINE_MAX => {
                                return Err(ProtocolError::TooBigBulkCount);
                            }
                            None => return Ok(Status::Incomplete),
                        }
                    }
                    let Some((n, ok)) = self.header(buf, ProtocolError::TooBigBulkCount)? else {
                        return Ok(Status::Incomplete);
                    };
                    if !ok || n < 0 || n > self.max_bulk {
                        return Err(ProtocolError::InvalidBulkLength);
                    }
                    if self.unauthenticated && n > 16384 {
                        return Err(ProtocolError::UnauthenticatedBulkLength);
                    }
                    self.want = Want::BulkBody {
                        left,
                        start: self.pos,
                        len: n as usize,
                    };
                }
                Want::BulkBody { left, start, len } => {
                    // Redis skips the two bytes after the payload unchecked.
                    let end = start + len + 2;
                    if buf.len() < end {
                        // Nothing to rescan: remember we are inside the body.
                        self.pos = buf.len().max(start);
                        return Ok(Status::Incomplete);
                    }
                    self.args.push(start..start + len);
                    self.pos = end;
                    if left == 1 {
                        let len = self.pos;
                        return self.finish(Status::Command { len });
                    }
                    self.want = Want::BulkHeader { left: left - 1 };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ProtocolError> {
        let mut buf = input.to_vec();
        let mut p = Parser::new(512 * 1024 * 1024);
        let mut at = 0;
        let mut out = Vec::new();
        loop {
            match p.parse(&mut buf[at..])? {
                Status::Incomplete => return Ok(out),
                Status::Empty { len } => at += len,
                Status::Command { len } => {
                    let frame = &buf[at..at + len];
                    out.push(p.args().iter().map(|r| frame[r.clone()].to_vec()).collect());
                    at += len;
                }
            }
        }
    }

    fn args(list: &[&str]) -> Vec<Vec<u8>> {
        list.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn a_huge_command_does_not_keep_its_span_table() {
        let mut big = b"*5001\r\n$4\r\nSADD\r\n".to_vec();
        for _ in 0..5000 {
            big.extend_from_slice(b"$1\r\nx\r\n");
        }
        let mut p = Parser::new(512 * 1024 * 1024);
        assert!(matches!(p.parse(&mut big), Ok(Status::Command { .. })));
        assert_eq!(p.args().len(), 5001);
        let mut small = b"*1\r\n$4\r\nPING\r\n".to_vec();
        assert!(matches!(p.parse(&mut small), Ok(Status::Command { .. })));
        assert!(p.args.capacity() <= ARGS_KEPT, "{}", p.args.capacity());
    }

    #[test]
    fn multibulk() {
        let got = parse_all(b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$0\r\n\r\n").unwrap();
        assert_eq!(got, vec![args(&["SET", "a", ""])]);
    }

    #[test]
    fn pipelined_and_empty_frames() {
        let got = parse_all(b"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\nPING\r\n\r\n*1\r\n$4\r\nPING\r\n").unwrap();
        assert_eq!(got, vec![args(&["PING"]), args(&["PING"]), args(&["PING"])]);
    }

    #[test]
    fn inline_quoting() {
        let got = parse_all(b"SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n").unwrap();
        assert_eq!(got, vec![args(&["SET", "a b", "c'd", "A\n"])]);
        let got = parse_all(b"  PING  \n").unwrap();
        assert_eq!(got, vec![args(&["PING"])]);
    }

    #[test]
    fn every_prefix_is_incomplete() {
        let frame = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n";
        for cut in 0..frame.len() {
            let mut buf = frame[..cut].to_vec();
            let mut p = Parser::new(1 << 20);
            assert_eq!(p.parse(&mut buf), Ok(Status::Incomplete), "prefix {cut}");
        }
        let inline = b"SET a \"b c\"\r\n";
        for cut in 0..inline.len() - 1 {
            let mut buf = inline[..cut].to_vec();
            let mut p = Parser::new(1 << 20);
            assert_eq!(p.parse(&mut buf), Ok(Status::Incomplete), "prefix {cut}");
        }
    }

    #[test]
    fn split_reads_resume() {
        let frame = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n";
        for step in 1..frame.len() {
            let mut p = Parser::new(1 << 20);
            let mut buf = Vec::new();
            let mut done = None;
            for chunk in frame.chunks(step) {
                buf.extend_from_slice(chunk);
                if let Status::Command { len } = p.parse(&mut buf).unwrap() {
                    done = Some(len);
                }
            }
            assert_eq!(done, Some(frame.len()), "step {step}");
            let got: Vec<&[u8]> = p.args().iter().map(|r| &buf[r.clone()]).collect();
            assert_eq!(got, vec![&b"SET"[..], b"key", b"0123456789"]);
        }
    }

    #[test]
    fn protocol_errors() {
        let err = |input: &[u8]| parse_all(input).unwrap_err().to_string();
        assert_eq!(err(b"*x\r\n"), "ERR Protocol error: invalid multibulk length");
        assert_eq!(err(b"*3000000000\r\n"), "ERR Protocol error: invalid multibulk length");
        assert_eq!(err(b"*1\r\n$-1\r\n"), "ERR Protocol error: invalid bulk length");
        assert_eq!(err(b"*1\r\n$abc\r\n"), "ERR Protocol error: invalid bulk length");
        assert_eq!(err(b"*1\r\nfoo\r\n"), "ERR Protocol error: expected '$', got 'f'");
        assert_eq!(err(b"SET \"a\r\n"), "ERR Protocol error: unbalanced quotes in request");
        let long = vec![b'a'; INLINE_MAX + 1];
        assert_eq!(err(&long), "ERR Protocol error: too big inline request");
        let mut long = b"*".to_vec();
        long.extend(vec![b'1'; INLINE_MAX + 1]);
        assert_eq!(err(&long), "ERR Protocol error: too big mbulk count string");
        let mut p = Parser::new(10);
        assert_eq!(
            p.parse(&mut b"*1\r\n$11\r\n".to_vec()),
            Err(ProtocolError::InvalidBulkLength)
        );
    }

    #[test]
    fn prefix_parses_the_same_as_whole() {
        let input = b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
        let whole = parse_all(input).unwrap();
        for cut in 0..input.len() {
            let part = parse_all(&input[..cut]).unwrap();
            assert!(part.len() <= whole.len());
            assert_eq!(part[..], whole[..part.len()]);
        }
    }
}
