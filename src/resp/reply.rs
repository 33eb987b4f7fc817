//! Reply writers: everything a command sends goes through [`Reply`], which
//! appends RESP2 or RESP3 to a connection's output buffer.
//!
//! A command only ever says *what* it replies (a map, a double, a null); the
//! protocol the client chose with HELLO decides *how*, exactly as Redis's
//! `addReply*` family does: RESP2 clients get flat arrays for maps, bulk
//! strings for doubles and verbatim strings, `:1`/`:0` for booleans and
//! `$-1`/`*-1` for nulls. Nothing here allocates except growing the buffer.
//!
//! The buffer is written to the socket by the event loop; `sent` marks how
//! much of it has already gone out.

use crate::util::number::{write_double, write_i64};

/// Smallest and largest size the cron gives a reply buffer (Redis's
/// PROTO_REPLY_MIN_BYTES and PROTO_REPLY_CHUNK_BYTES).
pub const REPLY_MIN_BYTES: usize = 1024;
pub const REPLY_CHUNK_BYTES: usize = 16 * 1024;

/// A connection's pending output and its protocol version.
#[derive(Debug)]
pub struct Reply {
    /// The size the buffer is kept at between replies (CLIENT LIST `rbs`);
    /// larger replies grow it for as long as they are pending. The cron
    /// adapts it to the client's peak, as Redis resizes its reply buffer.
    target: usize,
    /// Most output pending at one write since the last peak reset, at most
    /// `target` (CLIENT LIST `rbp`).
    peak: usize,
    peak_reset_at: u64,
    buf: Vec<u8>,
    /// Bytes of `buf` already written to the socket.
    sent: usize,
    resp3: bool,
    /// Error codes (first word of each error reply) since the last `take_errors`,
    /// for INFO errorstats.
    errors: Vec<Box<[u8]>>,
    /// Spans of `buf` holding push messages (Pub/Sub confirmations and
    /// messages, invalidations) written during the current command: CLIENT
    /// REPLY OFF / SKIP silences replies, never these (Redis's
    /// CLIENT_PUSHING).
    pushes: Vec<(usize, usize)>,
    /// Errors replied with `error_uncounted` since `take_errors`.
    uncounted: usize,
}

impl Default for Reply {
    fn default() -> Reply {
        Reply {
            target: REPLY_CHUNK_BYTES,
            peak: 0,
            peak_reset_at: 0,
            // Allocated at its kept size up front, as Redis allocates its
            // 16 KiB reply buffer with the client: output that fits costs
            // no new memory (so invalidations or replies sent while memory
            // is at `maxmemory` do not make eviction delete more keys).
            buf: Vec::with_capacity(REPLY_CHUNK_BYTES),
            sent: 0,
            resp3: false,
            errors: Vec::new(),
            pushes: Vec::new(),
            uncounted: 0,
        }
    }
}

impl Reply {
    pub fn new() -> Reply {
        Reply::default()
    }

    /// CLIENT LIST's `rbs` (the buffer's kept size) and `rbp` (its peak).
    pub fn size_and_peak(&self) -> (usize, usize) {
        (self.target, self.peak)
    }

    /// Records the output about to be written, for the peak.
    pub fn note_peak(&mut self) {
        self.peak = self.peak.max(self.pending().min(self.target));
    }

    /// Redis's `clientsCronResizeOutputBuffer`: a buffer whose peak stayed
    /// under half its size shrinks to the peak (at least 1 KiB); one that
    /// was filled doubles (up to 16 KiB). The peak restarts every
    /// `reset_ms` (None: never). An idle buffer larger than its size gives
    /// the rest back; one that is smaller grows only when output needs it.
    pub fn resize_cron(&mut self, now: u64, reset_ms: Option<u64>, resizing: bool) {
        if resizing {
            if self.target / 2 >= REPLY_MIN_BYTES && self.peak < self.target / 2 {
                self.target = REPLY_MIN_BYTES.max(self.peak + 1);
            } else if self.target < REPLY_CHUNK_BYTES && self.peak == self.target {
                self.target = REPLY_CHUNK_BYTES.min(self.target * 2);
            }
        }
        if let Some(reset) = reset_ms
            && now.saturating_sub(self.peak_reset_at) >= reset
        {
            self.peak = self.pending().min(self.target);
            self.peak_reset_at = now;
        }
        if self.buf.is_empty() && self.buf.capacity() > self.target {
            self.buf.shrink_to(self.target);
        }
    }

    pub fn resp3(&self) -> bool {
        self.resp3
    }

    pub fn set_resp3(&mut self, resp3: bool) {
        self.resp3 = resp3;
    }

    /// Bytes appended and not yet written.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.sent
    }

    /// Total length of the buffer, used to roll back a suppressed reply.
    pub fn mark(&self) -> usize {
        self.buf.len()
    }

    /// What was appended after `mark`.
    pub fn since(&self, mark: usize) -> &[u8] {
        self.buf.get(mark.max(self.sent)..).unwrap_or_default()
    }

    /// Drops everything appended after `mark` (CLIENT REPLY OFF / SKIP)
    /// except the push messages written by [`Reply::pushing`].
    pub fn truncate(&mut self, mark: usize) {
        let mark = mark.max(self.sent);
        let mut end = mark;
        let mut kept = std::mem::take(&mut self.pushes);
        kept.retain_mut(|(from, to)| {
            if *to <= mark {
                return true;
            }
            if *from < mark || *to > self.buf.len() || *from > *to {
                return false;
            }
            self.buf.copy_within(*from..*to, end);
            (*from, *to) = (end, end + (*to - *from));
            end = *to;
            true
        });
        self.pushes = kept;
        self.buf.truncate(end);
    }

    /// Writes a push message with `write`: it survives CLIENT REPLY OFF.
    pub fn pushing(&mut self, write: impl FnOnce(&mut Reply)) {
        let from = self.buf.len();
        write(self);
        self.pushes.push((from, self.buf.len()));
    }

    /// The command is over: spans recorded by [`Reply::pushing`] are
    /// forgotten.
    pub fn end_command(&mut self) {
        if !self.pushes.is_empty() {
            self.pushes.clear();
        }
    }

    /// The bytes still to be written.
    pub fn unsent(&self) -> &[u8] {
        &self.buf[self.sent..]
    }

    /// Records that `n` more bytes went out; resets the buffer once all have,
    /// and gives back what a large reply grew it by beyond its kept size
    /// (Redis frees its reply list once written).
    pub fn advance(&mut self, n: usize) {
        self.sent += n;
        if self.sent == self.buf.len() {
            self.buf.clear();
            self.sent = 0;
            if self.buf.capacity() > self.target {
                self.buf.shrink_to(self.target);
            }
        }
    }

    /// Bytes the buffer holds in memory (for CLIENT LIST omem / limits).
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Error codes recorded since the last call.
    pub fn take_errors(&mut self) -> impl Iterator<Item = Box<[u8]>> + '_ {
        self.uncounted = 0;
        self.errors.drain(..)
    }

    /// An error was replied since `take_errors` (the command failed).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.uncounted > 0
    }

    /// An error reply already counted in the error statistics where it
    /// arose (a script returning the error of a command it called: Redis's
    /// ERR_REPLY_FLAG_NO_STATS_UPDATE). The command still counts as failed.
    pub fn error_uncounted(&mut self, msg: &[u8]) {
        self.error(msg);
        self.errors.pop();
        self.uncounted += 1;
    }

    // ---- raw building blocks -------------------------------------------------

    /// Appends bytes verbatim (pre-encoded protocol, e.g. MONITOR lines).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn header(&mut self, prefix: u8, n: i64) {
        self.buf.push(prefix);
        write_i64(&mut self.buf, n);
        self.buf.extend_from_slice(b"\r\n");
    }

    // ---- simple types ------------------------------------------------------------

    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// A status reply: `+text`. The text must not contain CR or LF.
    pub fn simple(&mut self, text: &[u8]) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(text);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply. `msg` includes the code (`ERR ...`, `WRONGTYPE ...`);
    /// CR and LF are replaced by spaces, as Redis's `addReplyErrorLength` does.
    pub fn error(&mut self, msg: &[u8]) {
        let code_end = msg.iter().position(|&c| c == b' ').unwrap_or(msg.len());
        self.errors.push(msg[..code_end].into());
        self.buf.push(b'-');
        self.buf
            .extend(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply built with `format!` arguments (error paths only).
    pub fn error_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let msg = std::fmt::format(args);
        self.error(msg.as_bytes());
    }

    pub fn int(&mut self, n: i64) {
        match n {
            0 => self.buf.extend_from_slice(b":0\r\n"),
            1 => self.buf.extend_from_slice(b":1\r\n"),
            _ => self.header(b':', n),
        }
    }

    pub fn bulk(&mut self, data: &[u8]) {
        self.header(b'$', data.len() as i64);
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string holding the decimal text of `n`.
    pub fn bulk_i64(&mut self, n: i64) {
        let mut digits = [0u8; 20];
        let len = crate::util::number::format_i64(&mut digits, n);
        self.bulk(&digits[..len]);
    }

    /// A null bulk string (`$-1` in RESP2, `_` in RESP3).
    pub fn null(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"$-1\r\n");
        }
    }

    /// A null array (`*-1` in RESP2, `_` in RESP3).
    pub fn null_array(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"*-1\r\n");
        }
    }

    pub fn double(&mut self, v: f64) {
        if self.resp3 {
            self.buf.push(b',');
            write_double(&mut self.buf, v);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            let mut text = Vec::with_capacity(32);
            write_double(&mut text, v);
            self.bulk(&text);
        }
    }

    /// A double already formatted (`addReplyHumanLongDouble`): a RESP3
    /// double, a bulk string in RESP2.
    pub fn double_text(&mut self, text: &[u8]) {
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(text);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    pub fn bool(&mut self, v: bool) {
        let bytes: &[u8] = match (self.resp3, v) {
            (true, true) => b"#t\r\n",
            (true, false) => b"#f\r\n",
            (false, true) => b":1\r\n",
            (false, false) => b":0\r\n",
        };
        self.buf.extend_from_slice(bytes);
    }

    /// A verbatim string (`=len\r\ntxt:...` in RESP3, a bulk string in RESP2).
    /// `format` is the three-letter type, e.g. `txt`.
    pub fn verbatim(&mut self, format: &[u8; 3], text: &[u8]) {
        if self.resp3 {
            self.header(b'=', text.len() as i64 + 4);
            self.buf.extend_from_slice(format);
            self.buf.push(b':');
            self.buf.extend_from_slice(text);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    /// A big number (`(digits` in RESP3, a bulk string in RESP2).
    pub fn big_number(&mut self, digits: &[u8]) {
        if self.resp3 {
            self.buf.push(b'(');
            self.buf.extend_from_slice(digits);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(digits);
        }
    }

    // ---- aggregates ---------------------------------------------------------------

    pub fn array(&mut self, n: usize) {
        self.header(b'*', n as i64);
    }

    /// A map of `n` pairs (`%n` in RESP3, an array of 2n in RESP2).
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'%', n as i64);
        } else {
            self.header(b'*', 2 * n as i64);
        }
    }

    /// A set of `n` members (`~n` in RESP3, an array in RESP2).
    pub fn set(&mut self, n: usize) {
        self.header(if self.resp3 { b'~' } else { b'*' }, n as i64);
    }

    /// A push message of `n` elements (`>n` in RESP3, an array in RESP2).
    pub fn push(&mut self, n: usize) {
        self.header(if self.resp3 { b'>' } else { b'*' }, n as i64);
    }

    /// Starts an aggregate whose length is not known yet; finish it with
    /// [`Reply::end_array`]. Returns the position to pass there.
    pub fn begin_deferred(&self) -> usize {
        self.buf.len()
    }

    /// Inserts the header of an array of `n` elements at `at`.
    pub fn end_array(&mut self, at: usize, n: usize) {
        self.insert_header(at, b'*', n as i64);
    }

    /// Inserts the header of a map of `n` pairs at `at`.
    pub fn end_map(&mut self, at: usize, n: usize) {
        if self.resp3 {
            self.insert_header(at, b'%', n as i64);
        } else {
            self.insert_header(at, b'*', 2 * n as i64);
        }
    }

    /// Inserts the header of a set of `n` members at `at`.
    pub fn end_set(&mut self, at: usize, n: usize) {
        self.insert_header(at, if self.resp3 { b'~' } else { b'*' }, n as i64);
    }

    fn insert_header(&mut self, at: usize, prefix: u8, n: i64) {
        let mut header = Vec::with_capacity(24);
        header.push(prefix);
        write_i64(&mut header, n);
        header.extend_from_slice(b"\r\n");
        self.buf.splice(at..at, header);
    }

    // ---- helpers shared by many commands -------------------------------------

    /// A bulk string, or null when absent.
    pub fn bulk_or_null(&mut self, data: Option<&[u8]>) {
        match data {
            Some(d) => self.bulk(d),
            None => self.null(),
        }
    }

    /// A map reply from (field, value) pairs of strings.
    pub fn string_map(&mut self, pairs: &[(&[u8], &[u8])]) {
        self.map(pairs.len());
        for (k, v) in pairs {
            self.bulk(k);
            self.bulk(v);
        }
    }

    /// Redis's shared error for a syntax problem.
    pub fn syntax_error(&mut self) {
        self.error(b"ERR syntax error");
    }

    pub fn not_integer(&mut self) {
        self.error(b"ERR value is not an integer or out of range");
    }

    pub fn wrong_type(&mut self) {
        self.error(b"WRONGTYPE Operation against a key holding the wrong kind of value");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(f: impl Fn(&mut Reply)) -> (String, String) {
        let mut r2 = Reply::new();
        f(&mut r2);
        let mut r3 = Reply::new();
        r3.set_resp3(true);
        f(&mut r3);
        (
            String::from_utf8(r2.unsent().to_vec()).unwrap(),
            String::from_utf8(r3.unsent().to_vec()).unwrap(),
        )
    }

    #[test]
    fn scalar_forms() {
        assert_eq!(both(|r| r.null()), ("$-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(|r| r.null_array()), ("*-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(|r| r.bool(true)), (":1\r\n".into(), "#t\r\n".into()));
        assert_eq!(both(|r| r.bool(false)), (":0\r\n".into(), "#f\r\n".into()));
        assert_eq!(both(|r| r.double(1.5)), ("$3\r\n1.5\r\n".into(), ",1.5\r\n".into()));
        assert_eq!(
            both(|r| r.double(f64::INFINITY)),
            ("$3\r\ninf\r\n".into(), ",inf\r\n".into())
        );
        assert_eq!(
            both(|r| r.verbatim(b"txt", b"hi")),
            ("$2\r\nhi\r\n".into(), "=6\r\ntxt:hi\r\n".into())
        );
        assert_eq!(
            both(|r| r.big_number(b"123")),
            ("$3\r\n123\r\n".into(), "(123\r\n".into())
        );
        assert_eq!(both(|r| r.int(-42)), (":-42\r\n".into(), ":-42\r\n".into()));
        assert_eq!(both(|r| r.bulk(b"")), ("$0\r\n\r\n".into(), "$0\r\n\r\n".into()));
        assert_eq!(both(|r| r.bulk_i64(-7)), ("$2\r\n-7\r\n".into(), "$2\r\n-7\r\n".into()));
    }

    #[test]
    fn aggregate_forms() {
        assert_eq!(both(|r| r.map(2)), ("*4\r\n".into(), "%2\r\n".into()));
        assert_eq!(both(|r| r.set(3)), ("*3\r\n".into(), "~3\r\n".into()));
        assert_eq!(both(|r| r.push(3)), ("*3\r\n".into(), ">3\r\n".into()));
        let deferred = |r: &mut Reply| {
            r.simple(b"x");
            let at = r.begin_deferred();
            r.bulk(b"a");
            r.end_map(at, 1);
        };
        assert_eq!(
            both(deferred),
            ("+x\r\n*2\r\n$1\r\na\r\n".into(), "+x\r\n%1\r\n$1\r\na\r\n".into())
        );
    }

    #[test]
    fn errors_are_one_line_and_counted() {
        let mut r = Reply::new();
        r.error(b"ERR bad\r\nthing");
        assert_eq!(r.unsent(), b"-ERR bad  thing\r\n");
        let codes: Vec<_> = r.take_errors().collect();
        assert_eq!(codes, vec![Box::from(&b"ERR"[..])]);
    }

    #[test]
    fn advance_and_truncate() {
        let mut r = Reply::new();
        r.ok();
        let mark = r.mark();
        r.bulk(b"dropped");
        r.truncate(mark);
        assert_eq!(r.unsent(), b"+OK\r\n");
        r.advance(3);
        assert_eq!(r.unsent(), b"\r\n");
        r.advance(2);
        assert_eq!(r.pending(), 0);
    }
}
