//! What the load tools in `benches/` share: a plain RESP connection to
//! the server under test (loopkv or redis-server) and a reproducible
//! random generator. Each tool includes this with `mod support;`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// Appends `args` as one RESP command.
pub fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// A connection to 127.0.0.1:`port`, written to directly and read
/// through a buffer.
pub struct Conn {
    pub out: TcpStream,
    pub input: BufReader<TcpStream>,
    line: Vec<u8>,
}

impl Conn {
    pub fn connect(port: u16) -> Conn {
        let out = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        out.set_nodelay(true).unwrap();
        let input = BufReader::with_capacity(1 << 20, out.try_clone().unwrap());
        Conn {
            out,
            input,
            line: Vec::new(),
        }
    }

    /// Reads `n` one-line replies (status, integer or error); panics on
    /// an error reply.
    pub fn read_lines(&mut self, n: u64) {
        for _ in 0..n {
            self.line.clear();
            self.input.read_until(b'\n', &mut self.line).expect("read");
            assert!(
                !self.line.is_empty() && self.line[0] != b'-',
                "server error: {}",
                String::from_utf8_lossy(&self.line)
            );
        }
    }

    /// Reads one reply that is a line or a bulk string; true if it was a
    /// non-null bulk string. Panics on an error reply.
    pub fn read_bulk(&mut self) -> bool {
        self.line.clear();
        self.input.read_until(b'\n', &mut self.line).expect("read");
        match self.line.first() {
            Some(b'$') => {
                let len: i64 = std::str::from_utf8(&self.line[1..self.line.len() - 2])
                    .unwrap()
                    .parse()
                    .unwrap();
                if len < 0 {
                    return false;
                }
                let mut body = vec![0u8; len as usize + 2];
                self.input.read_exact(&mut body).expect("read");
                true
            }
            Some(b'-') => panic!("server error: {}", String::from_utf8_lossy(&self.line)),
            _ => false,
        }
    }

    /// Sends one command and returns its reply's first line (a bulk
    /// reply's body is read and returned instead).
    pub fn command(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&mut out, args);
        self.out.write_all(&out).unwrap();
        let mut line = Vec::new();
        self.input.read_until(b'\n', &mut line).unwrap();
        if line[0] == b'$' {
            let len: i64 = std::str::from_utf8(&line[1..line.len() - 2]).unwrap().parse().unwrap();
            let mut body = vec![0u8; len.max(0) as usize + 2];
            if len >= 0 {
                self.input.read_exact(&mut body).unwrap();
            }
            body.truncate(len.max(0) as usize);
            return body;
        }
        line
    }

    /// One field of INFO `section`, "?" if absent.
    pub fn info_field(&mut self, section: &str, field: &str) -> String {
        let text = String::from_utf8(self.command(&[b"INFO", section.as_bytes()])).unwrap();
        let prefix = format!("{field}:");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or("?")
            .trim()
            .to_string()
    }
}

/// xorshift64*: a fast, reproducible generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
