//! Crash reports and the software watchdog (`loopkv::crash`), on the
//! binary: what the log shows and how the process ends.

mod diff_support;

use std::os::unix::process::ExitStatusExt;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diff_support::{Conn, scratch_dir, spawn_binary_logged};

struct Crashable {
    child: Child,
    conn: Conn,
    log: Arc<Mutex<String>>,
}

fn start(extra: &[&str]) -> Crashable {
    let dir = scratch_dir();
    let mut args = vec!["--enable-debug-command", "yes"];
    args.extend_from_slice(extra);
    let (child, port, log) = spawn_binary_logged(&dir, &args);
    let conn = Conn::connect(([127, 0, 0, 1], port).into());
    Crashable { child, conn, log }
}

impl Crashable {
    /// Waits for the process to end; returns the signal that ended it and
    /// its whole log.
    fn ended(mut self) -> (Option<i32>, String) {
        let status = self.child.wait().unwrap();
        // The log's reader thread sees the pipe close just after.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.log.lock().unwrap().contains("BUG REPORT END") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let log = self.log.lock().unwrap().clone();
        (status.signal(), log)
    }
}

impl Drop for Crashable {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn debug_segfault_logs_a_crash_report_and_ends_by_sigsegv() {
    let mut server = start(&[]);
    server.conn.send(&[b"DEBUG", b"SEGFAULT"]);
    assert!(server.conn.closed().0);
    let (signal, log) = server.ended();
    assert_eq!(signal, Some(11), "{log}");
    for want in [
        "=== LOOPKV BUG REPORT START: Cut & paste starting from here ===",
        "crashed by signal: 11, si_code: 2",
        "# Accessing address: 0x",
        "# Crashed running the instruction at: 0x",
        "------ STACK TRACE ------\nEIP:\n",
        "\nBacktrace:\n",
        "loopkv::command::debug::debug",
        "=== LOOPKV BUG REPORT END. Make sure to include from START to END. ===",
    ] {
        assert!(log.contains(want), "no {want:?} in:\n{log}");
    }
}

#[test]
fn a_sigabrt_from_outside_names_its_sender() {
    let server = start(&[]);
    let pid = server.child.id();
    let killed = std::process::Command::new("kill")
        .args(["-ABRT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (signal, log) = server.ended();
    assert_eq!(signal, Some(6), "{log}");
    assert!(log.contains("crashed by signal: 6, si_code: 0"), "{log}");
    assert!(log.contains("# Killed by PID: "), "{log}");
    assert!(log.contains("------ STACK TRACE ------"), "{log}");
}

#[test]
fn a_panic_logs_guru_meditation_and_ends_by_sigabrt() {
    let mut server = start(&[]);
    server.conn.send(&[b"DEBUG", b"PANIC"]);
    assert!(server.conn.closed().0);
    let (signal, log) = server.ended();
    assert_eq!(signal, Some(6), "{log}");
    for want in [
        "# !!! Software Failure. Press left mouse button to continue",
        "# Guru Meditation: DEBUG PANIC called at Unix time ",
        "src/command/debug.rs:",
        "# Thread: main",
        "------ STACK TRACE ------",
        "\nBacktrace:\nloopkv::command::debug::debug",
        "=== LOOPKV BUG REPORT END.",
    ] {
        assert!(log.contains(want), "no {want:?} in:\n{log}");
    }
    // A panic is reported once, not again for the SIGABRT that ends it.
    assert_eq!(log.matches("BUG REPORT START").count(), 1, "{log}");
}

#[test]
fn crash_log_disabled_keeps_the_first_lines_only() {
    let mut server = start(&[]);
    server.conn.expect("CONFIG SET crash-log-enabled no", b"+OK\r\n");
    server.conn.send(&[b"DEBUG", b"SEGFAULT"]);
    assert!(server.conn.closed().0);
    let (signal, log) = server.ended();
    assert_eq!(signal, Some(11), "{log}");
    assert!(log.contains("crashed by signal: 11"), "{log}");
    assert!(!log.contains("STACK TRACE"), "{log}");
}

#[test]
fn the_watchdog_logs_the_stalled_loop_s_stack_once_per_stall() {
    let mut server = start(&[]);
    // As Redis: under two cron periods (hz 10) the period is raised.
    server.conn.expect("CONFIG SET watchdog-period 50", b"+OK\r\n");
    server.conn.expect(
        "CONFIG GET watchdog-period",
        b"*2\r\n$15\r\nwatchdog-period\r\n$3\r\n200\r\n",
    );
    server.conn.expect("DEBUG SLEEP 1", b"+OK\r\n");
    server.conn.expect("PING", b"+PONG\r\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.log.lock().unwrap().contains("# --------") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let log = server.log.lock().unwrap().clone();
    assert_eq!(log.matches("--- WATCHDOG TIMER EXPIRED ---").count(), 1, "{log}");
    assert!(
        log.contains("--- WATCHDOG TIMER EXPIRED ---\n\n------ STACK TRACE ------\nEIP:\n"),
        "{log}"
    );
    assert!(log.contains("loopkv::command::debug::debug"), "{log}");
    // Turned off, a stall is not reported; the server lives on.
    server.conn.expect("CONFIG SET watchdog-period 0", b"+OK\r\n");
    server.conn.expect("DEBUG SLEEP 0.5", b"+OK\r\n");
    // A line logged after the stall: the log is read up to it.
    server.conn.expect("DEBUG LOG after-the-second-stall", b"+OK\r\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.log.lock().unwrap().contains("after-the-second-stall") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("after-the-second-stall"), "{log}");
    assert_eq!(log.matches("--- WATCHDOG TIMER EXPIRED ---").count(), 1, "{log}");
}

#[test]
fn a_slow_start_up_load_is_not_a_stall() {
    let dir = scratch_dir();
    let (child, port, log) = spawn_binary_logged(&dir, &["--enable-debug-command", "yes"]);
    let mut first = Crashable {
        child,
        conn: Conn::connect(([127, 0, 0, 1], port).into()),
        log,
    };
    first.conn.expect("DEBUG POPULATE 3000", b"+OK\r\n");
    first.conn.expect("SAVE", b"+OK\r\n");
    first.conn.send(&[b"SHUTDOWN", b"NOSAVE"]);
    assert!(first.conn.closed().0);
    first.child.wait().unwrap();
    // 3000 keys at 0.5 ms each: a load of about 1.5 s, in slices.
    let args = ["--key-load-delay", "500", "--watchdog-period", "200"];
    let (child, port, log) = spawn_binary_logged(&dir, &args);
    let mut server = Crashable {
        child,
        conn: Conn::connect(([127, 0, 0, 1], port).into()),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.log.lock().unwrap().contains("DB loaded from disk") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.conn.expect("DBSIZE", b":3000\r\n");
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("DB loaded from disk"), "{log}");
    assert!(!log.contains("WATCHDOG"), "{log}");
}
