//! The process's OOM-killer score (`oom-score-adj`, `oom-score-adj-values`),
//! as Redis sets it on Linux through `/proc/self/oom_score_adj`.
//!
//! When the setting is turned on, the score found in the file is kept as
//! the base; `relative` adds the class's value to it, `absolute` writes the
//! value itself (both clamped to the kernel's -1000..=1000). Turning the
//! setting off writes the base back. While it is off the file is never
//! touched, so a score set from outside stays.

use std::io;

const PROC_FILE: &str = "/proc/self/oom_score_adj";

/// Process classes of `oom-score-adj-values`, in its order. loopkv has no
/// background children (it saves without fork), so the third value, for
/// them, is never used.
#[derive(Debug, Clone, Copy)]
pub enum Class {
    Master = 0,
    Replica = 1,
}

/// What loopkv did to the process's score.
#[derive(Debug, Default)]
pub struct OomScore {
    /// The score before loopkv first changed it, while loopkv has it
    /// changed.
    base: Option<i64>,
}

impl OomScore {
    /// Brings the process's score in line with `mode` (`no`, `yes`,
    /// `relative`, `absolute`) and the three class `values`.
    pub fn apply(&mut self, mode: &[u8], values: &[u8], class: Class) -> io::Result<()> {
        let value = if mode == b"no" {
            match self.base.take() {
                Some(base) => base,
                None => return Ok(()),
            }
        } else {
            let base = match self.base {
                Some(base) => base,
                None => {
                    let text = std::fs::read_to_string(PROC_FILE)?;
                    let base = text.trim().parse().map_err(|_| io::Error::other("unreadable score"))?;
                    self.base = Some(base);
                    base
                }
            };
            let own = values
                .split(|&c| c == b' ')
                .filter(|w| !w.is_empty())
                .nth(class as usize)
                .and_then(crate::util::number::parse_i64)
                .unwrap_or(0);
            let score = if mode == b"absolute" { own } else { own + base };
            score.clamp(-1000, 1000)
        };
        std::fs::write(PROC_FILE, format!("{value}\n"))
    }
}
