//! `math.random` and `math.randomseed` as Redis gives them to scripts: the
//! POSIX `lrand48` generator (48-bit linear congruential, multiplier
//! 0x5DEECE66D, increment 11), with its state kept per Lua state and
//! starting where Redis's does, so a script draws the same numbers on
//! loopkv as on Redis.

use std::cell::Cell;

use mlua::{MultiValue, Value};

/// The state before any seed: POSIX's default for `lrand48`.
pub const INITIAL: u64 = 0x1234_ABCD_330E;

const MULTIPLIER: u64 = 0x5_DEEC_E66D;
const INCREMENT: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;
/// The largest value `lrand48` returns plus one... minus one: Redis
/// divides by `INT32_MAX`.
const MAX: u64 = i32::MAX as u64;

/// The state `srand48(seed)` sets.
pub fn seed(seed: i32) -> u64 {
    ((seed as u32 as u64) << 16) | 0x330E
}

fn next(state: &Cell<u64>) -> u64 {
    let x = state.get().wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT) & MASK;
    state.set(x);
    x >> 17
}

/// `math.random()`, `math.random(u)`, `math.random(l, u)`.
pub fn random(state: &Cell<u64>, args: MultiValue) -> Result<f64, String> {
    let r = (next(state) % MAX) as f64 / MAX as f64;
    let int = |i: usize| -> Result<f64, String> {
        match args.get(i) {
            Some(Value::Integer(n)) => Ok(*n as i32 as f64),
            Some(Value::Number(n)) => Ok(*n as i32 as f64),
            Some(Value::String(s)) => std::str::from_utf8(&s.as_bytes())
                .ok()
                .and_then(|t| t.trim().parse::<f64>().ok())
                .map(|n| n as i32 as f64)
                .ok_or_else(|| bad_argument(i + 1, "number expected, got string")),
            Some(other) => Err(bad_argument(
                i + 1,
                &format!("number expected, got {}", other.type_name()),
            )),
            None => Err(bad_argument(i + 1, "number expected, got no value")),
        }
    };
    match args.len() {
        0 => Ok(r),
        1 => {
            let u = int(0)?;
            if u < 1.0 {
                return Err(bad_argument(1, "interval is empty"));
            }
            Ok((r * u).floor() + 1.0)
        }
        2 => {
            let (l, u) = (int(0)?, int(1)?);
            if l > u {
                return Err(bad_argument(2, "interval is empty"));
            }
            Ok((r * (u - l + 1.0)).floor() + l)
        }
        _ => Err("wrong number of arguments".into()),
    }
}

fn bad_argument(n: usize, what: &str) -> String {
    format!("bad argument #{n} to 'random' ({what})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_draws_are_posix_lrand48s() {
        // lrand48() after no srand48, and after srand48(7), as glibc gives.
        let s = Cell::new(INITIAL);
        let r = (next(&s) % MAX) as f64 / MAX as f64;
        assert_eq!((r * 100.0).floor() + 1.0, 40.0);
        let s = Cell::new(seed(7));
        let r = (next(&s) % MAX) as f64 / MAX as f64;
        assert_eq!((r * 100.0).floor() + 1.0, 27.0);
    }
}
