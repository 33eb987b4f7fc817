//! The AOF manifest: which files of the append-only directory make up
//! the dataset, in Redis 7.0's format (`<appendfilename>.manifest`):
//!
//! ```text
//! file appendonly.aof.2.base.rdb seq 2 type b
//! file appendonly.aof.1.incr.aof seq 1 type h
//! file appendonly.aof.2.incr.aof seq 2 type i
//! ```
//!
//! One base (`b`), history files waiting to be removed (`h`) and the
//! incremental files (`i`) in the order they were written. The manifest
//! is replaced atomically: written to `temp-<name>`, synced, renamed,
//! and the directory synced.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use crate::command::monitor::quote_into;

/// Longest line a manifest may have (Redis's `MANIFEST_MAX_LINE`).
const MAX_LINE: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Base,
    History,
    Incr,
}

impl FileType {
    fn letter(self) -> u8 {
        match self {
            FileType::Base => b'b',
            FileType::History => b'h',
            FileType::Incr => b'i',
        }
    }
}

/// One file the manifest lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    pub name: Vec<u8>,
    pub seq: i64,
    pub kind: FileType,
}

/// The files of the append-only directory, and the sequence numbers the
/// next base and incremental files take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFile>,
    pub history: Vec<AofFile>,
    pub incrs: Vec<AofFile>,
    pub base_seq: i64,
    pub incr_seq: i64,
    /// Changed since it was last written.
    pub dirty: bool,
}

/// Why a manifest was refused, in Redis's words, with the line it
/// stopped at (1-based) and that line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub text: Option<String>,
    pub why: &'static str,
}

impl Manifest {
    /// Parses a manifest's contents as `aofLoadManifestFromFile` does:
    /// `#` lines are comments, each other line holds key/value pairs
    /// (`file`, `seq`, `type`; unknown keys are ignored, at least six
    /// words), names must be plain file names, incremental sequence
    /// numbers must grow.
    pub fn parse(text: &[u8]) -> Result<Manifest, ParseError> {
        let mut m = Manifest::default();
        if text.is_empty() {
            return Err(ParseError {
                line: 0,
                text: None,
                why: "Found an empty AOF manifest",
            });
        }
        let mut max_seq = 0;
        let mut rest = text;
        let mut linenum = 0;
        while !rest.is_empty() {
            let (raw, next, complete) = match memchr::memchr(b'\n', rest) {
                Some(at) if at < MAX_LINE => (&rest[..=at], &rest[at + 1..], true),
                _ if rest.len() <= MAX_LINE => (rest, &rest[rest.len()..], false),
                _ => (&rest[..MAX_LINE], &rest[MAX_LINE..], false),
            };
            rest = next;
            linenum += 1;
            if raw.first() == Some(&b'#') {
                continue;
            }
            let trimmed = trim(raw);
            let err = |why| ParseError {
                line: linenum,
                text: Some(String::from_utf8_lossy(trimmed).into_owned()),
                why,
            };
            if !complete {
                return Err(err("The AOF manifest file contains too long line"));
            }
            if trimmed.is_empty() {
                return Err(err("Invalid AOF manifest file format"));
            }
            let words = match crate::util::splitargs::split_args(trimmed) {
                Some(w) if w.len() >= 6 && w.len() % 2 == 0 => w,
                _ => return Err(err("Invalid AOF manifest file format")),
            };
            let (mut name, mut seq, mut kind) = (None, 0i64, None);
            for pair in words.chunks_exact(2) {
                if pair[0].eq_ignore_ascii_case(b"file") {
                    if pair[1].contains(&b'/') {
                        return Err(err("File can't be a path, just a filename"));
                    }
                    name = Some(pair[1].clone());
                } else if pair[0].eq_ignore_ascii_case(b"seq") {
                    seq = atoll(&pair[1]);
                } else if pair[0].eq_ignore_ascii_case(b"type") {
                    kind = pair[1].first().copied();
                }
            }
            let (Some(name), Some(kind)) = (name, kind) else {
                return Err(err("Invalid AOF manifest file format"));
            };
            if seq == 0 || kind == 0 || name.is_empty() {
                return Err(err("Invalid AOF manifest file format"));
            }
            match kind {
                b'b' => {
                    if m.base.is_some() {
                        return Err(err("Found duplicate base file information"));
                    }
                    m.base = Some(AofFile {
                        name,
                        seq,
                        kind: FileType::Base,
                    });
                    m.base_seq = seq;
                }
                b'h' => m.history.push(AofFile {
                    name,
                    seq,
                    kind: FileType::History,
                }),
                b'i' => {
                    if seq <= max_seq {
                        return Err(err("Found a non-monotonic sequence number"));
                    }
                    m.incrs.push(AofFile {
                        name,
                        seq,
                        kind: FileType::Incr,
                    });
                    m.incr_seq = seq;
                    max_seq = seq;
                }
                _ => return Err(err("Unknown AOF file type")),
            }
        }
        if linenum == 0 {
            return Err(ParseError {
                line: 0,
                text: None,
                why: "Found an empty AOF manifest",
            });
        }
        Ok(m)
    }

    /// The manifest's text: the base, then history, then incremental
    /// files, one `file <name> seq <n> type <t>` line each.
    pub fn format(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let all = self.base.iter().chain(&self.history).chain(&self.incrs);
        for f in all {
            out.extend_from_slice(b"file ");
            if needs_repr(&f.name) {
                quote_into(&mut out, &f.name);
            } else {
                out.extend_from_slice(&f.name);
            }
            out.extend_from_slice(format!(" seq {} type {}\n", f.seq, f.kind.letter() as char).as_bytes());
        }
        out
    }

    /// Whether it lists no base and no incremental file.
    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.incrs.is_empty()
    }

    /// Names a new base (`<prefix>.<seq>.base.rdb` or `.aof`), making
    /// the current base history (`getNewBaseFileNameAndMarkPreAsHistory`).
    pub fn new_base(&mut self, prefix: &[u8], rdb: bool) -> Vec<u8> {
        if let Some(mut old) = self.base.take() {
            old.kind = FileType::History;
            self.history.insert(0, old);
        }
        self.base_seq += 1;
        let mut name = prefix.to_vec();
        name.extend_from_slice(format!(".{}.base.{}", self.base_seq, if rdb { "rdb" } else { "aof" }).as_bytes());
        self.base = Some(AofFile {
            name: name.clone(),
            seq: self.base_seq,
            kind: FileType::Base,
        });
        self.dirty = true;
        name
    }

    /// Names and lists a new incremental file (`<prefix>.<seq>.incr.aof`).
    pub fn new_incr(&mut self, prefix: &[u8]) -> Vec<u8> {
        self.incr_seq += 1;
        let mut name = prefix.to_vec();
        name.extend_from_slice(format!(".{}.incr.aof", self.incr_seq).as_bytes());
        self.incrs.push(AofFile {
            name: name.clone(),
            seq: self.incr_seq,
            kind: FileType::Incr,
        });
        self.dirty = true;
        name
    }

    /// After a rewrite: every incremental file but the one being written
    /// (`keep_last`) becomes history (`markRewrittenIncrAofAsHistory`).
    pub fn incrs_to_history(&mut self, keep_last: bool) {
        let keep = usize::from(keep_last && !self.incrs.is_empty());
        let cut = self.incrs.len() - keep;
        for mut f in self.incrs.drain(..cut) {
            f.kind = FileType::History;
            self.history.insert(0, f);
        }
        self.dirty = true;
    }

    /// Writes the manifest to `dir/<name>` atomically (temp file, fsync,
    /// rename, directory fsync), logging failures as Redis does.
    pub fn persist(&mut self, dir: &Path, name: &[u8]) -> io::Result<()> {
        use std::os::unix::ffi::OsStrExt;
        let mut temp_name = b"temp-".to_vec();
        temp_name.extend_from_slice(name);
        let temp = dir.join(std::ffi::OsStr::from_bytes(&temp_name));
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        let shown = |p: &Path| p.display().to_string();
        let mut file = File::create(&temp).inspect_err(|e| {
            log::warn!(
                "Can't open the AOF manifest file {}: {}",
                shown(&temp),
                crate::config::io_reason(e)
            )
        })?;
        file.write_all(&self.format()).inspect_err(|e| {
            log::warn!(
                "Error trying to write the temporary AOF manifest file {}: {}",
                shown(&temp),
                crate::config::io_reason(e)
            )
        })?;
        file.sync_all().inspect_err(|e| {
            log::warn!(
                "Fail to fsync the temp AOF file {}: {}.",
                shown(&temp),
                crate::config::io_reason(e)
            )
        })?;
        std::fs::rename(&temp, &path).inspect_err(|e| {
            log::warn!(
                "Error trying to rename the temporary AOF manifest file {} into {}: {}",
                shown(&temp),
                shown(&path),
                crate::config::io_reason(e)
            )
        })?;
        sync_dir(dir).inspect_err(|e| {
            log::warn!(
                "Fail to fsync AOF directory {}: {}.",
                shown(dir),
                crate::config::io_reason(e)
            )
        })?;
        self.dirty = false;
        Ok(())
    }
}

/// Syncs a directory, so a rename in it survives a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// `sdstrim(line, " \t\r\n")`.
fn trim(s: &[u8]) -> &[u8] {
    let junk = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = s.iter().position(|c| !junk(c)).unwrap_or(s.len());
    let end = s.iter().rposition(|c| !junk(c)).map_or(start, |e| e + 1);
    &s[start..end]
}

/// C's `atoll`: leading blanks, a sign, digits; anything else stops it.
fn atoll(s: &[u8]) -> i64 {
    let s = &s[s.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
    }
    if neg { n.wrapping_neg() } else { n }
}

/// `sdsneedsrepr`: the name must be quoted in the manifest.
fn needs_repr(s: &[u8]) -> bool {
    s.iter()
        .any(|&c| matches!(c, b'\\' | b'"' | b'\n' | b'\r' | b'\t' | 0x07 | 0x08) || !c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_naming() {
        let mut m = Manifest::default();
        assert_eq!(m.new_base(b"appendonly.aof", true), b"appendonly.aof.1.base.rdb");
        assert_eq!(m.new_incr(b"appendonly.aof"), b"appendonly.aof.1.incr.aof");
        m.new_incr(b"appendonly.aof");
        m.new_base(b"appendonly.aof", false);
        m.incrs_to_history(true);
        let text = m.format();
        assert_eq!(
            text,
            b"file appendonly.aof.2.base.aof seq 2 type b\n\
              file appendonly.aof.1.incr.aof seq 1 type h\n\
              file appendonly.aof.1.base.rdb seq 1 type h\n\
              file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        let back = Manifest::parse(&text).unwrap();
        assert_eq!((back.base_seq, back.incr_seq), (2, 2));
        assert_eq!(back.format(), text);
    }

    #[test]
    fn quoted_names() {
        let mut m = Manifest::default();
        m.new_base(b"my file", true);
        assert_eq!(m.format(), b"file \"my file.1.base.rdb\" seq 1 type b\n");
        assert_eq!(
            Manifest::parse(&m.format()).unwrap().base.unwrap().name,
            b"my file.1.base.rdb"
        );
    }

    #[test]
    fn errors_as_redis_words_them() {
        let why = |t: &[u8]| Manifest::parse(t).unwrap_err().why;
        assert_eq!(why(b""), "Found an empty AOF manifest");
        assert_eq!(why(b"\n"), "Invalid AOF manifest file format");
        assert_eq!(why(b"file a seq 1\n"), "Invalid AOF manifest file format");
        assert_eq!(why(b"file a seq 1 type x\n"), "Unknown AOF file type");
        assert_eq!(why(b"file a/b seq 1 type b\n"), "File can't be a path, just a filename");
        assert_eq!(
            why(b"file a seq 1 type b\nfile b seq 2 type b\n"),
            "Found duplicate base file information"
        );
        assert_eq!(
            why(b"file a seq 2 type i\nfile b seq 2 type i\n"),
            "Found a non-monotonic sequence number"
        );
        assert_eq!(
            why(b"file a seq 1 type b"),
            "The AOF manifest file contains too long line"
        );
        let long = [b"file ".as_slice(), &[b'a'; 1100], b" seq 1 type b\n"].concat();
        assert_eq!(why(&long), "The AOF manifest file contains too long line");
        // Comments and unknown keys are fine.
        assert!(Manifest::parse(b"# hi\nfile a seq 1 type b extra 1\n").is_ok());
    }
}
