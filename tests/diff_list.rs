//! Differential tier for lists: tests/diff/list.txt goes, as raw RESP, to
//! an embedded loopkv and to a real `redis-server` from PATH, once in
//! RESP2 and once after HELLO 3, and the raw reply bytes must be equal.
//! Every mismatch is collected and the test fails once with the list.
//!
//! Without redis-server on PATH the test says so and passes, unless
//! LOOPKV_REQUIRE_REDIS=1 (see `redis_or_skip`).

mod diff_support;

use diff_support::{Conn, Loopkv, Redis, esc, redis_or_skip, split_line};

const SCRIPT: &str = include_str!("diff/list.txt");

/// One connection to each server and the mismatches found so far.
struct Pair {
    rc: Conn,
    lc: Conn,
    mismatches: Vec<String>,
    compared: usize,
}

impl Pair {
    /// Sends `args` to both and compares the replies unless `compare` is
    /// false.
    fn run(&mut self, args: &[Vec<u8>], compare: bool) {
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let shown = args.iter().map(|a| esc(a)).collect::<Vec<_>>().join(" ");
        let r = self
            .rc
            .try_cmd(&refs)
            .map(|b| esc(&b))
            .unwrap_or_else(|e| format!("<{e}>"));
        let l = self
            .lc
            .try_cmd(&refs)
            .map(|b| esc(&b))
            .unwrap_or_else(|e| format!("<{e}>"));
        if compare {
            self.compared += 1;
            if r != l {
                self.mismatches
                    .push(format!("{shown}\n    redis : {r}\n    loopkv: {l}"));
            }
        }
    }

    /// Runs a script: one command a line, `#` comments, `skip> ` to send
    /// without comparing.
    fn script(&mut self, text: &str) {
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.strip_prefix("skip> ") {
                Some(rest) => self.run(&split_line(rest), false),
                None => self.run(&split_line(line), true),
            }
        }
    }
}

#[test]
fn list_commands_match_redis() {
    if !redis_or_skip("diff_list") {
        return;
    }
    let redis = Redis::start();
    let lk = Loopkv::start(&[("enable-debug-command", "yes")]);
    let mut p = Pair {
        rc: redis.conn(),
        lc: lk.conn(),
        mismatches: Vec::new(),
        compared: 0,
    };
    p.script(SCRIPT);
    p.script("skip> HELLO 3");
    p.script(SCRIPT);
    eprintln!(
        "[list] {} replies compared, {} mismatches",
        p.compared,
        p.mismatches.len()
    );
    assert!(
        p.mismatches.is_empty(),
        "{} mismatch(es) between redis-server and loopkv:\n{}",
        p.mismatches.len(),
        p.mismatches.join("\n")
    );
}
