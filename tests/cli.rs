//! The `loopkv` binary: arguments and config files as redis-server takes
//! them, start-up errors, and SHUTDOWN ending the process.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_loopkv");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run loopkv");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn version_and_help() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("loopkv v="), "{out}");
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Usage: loopkv [/path/to/redis.conf] [options]"), "{out}");
}

#[test]
fn bad_arguments_stop_startup_with_exit_1() {
    let (code, _, err) = run(&["--port", "abc"]);
    assert_eq!(code, 1);
    assert!(err.contains("*** FATAL CONFIG FILE ERROR"), "{err}");
    assert!(err.contains(">>> 'port \"abc\"'"), "{err}");
    assert!(err.contains("argument couldn't be parsed into an integer"), "{err}");

    let (code, _, err) = run(&["--no-such-directive", "1"]);
    assert_eq!(code, 1);
    assert!(err.contains("Bad directive or wrong number of arguments"), "{err}");

    let (code, _, err) = run(&["--cluster-enabled", "yes"]);
    assert_eq!(code, 1);
    assert!(err.contains("not supported yet"), "{err}");

    let (code, _, err) = run(&["/nonexistent/loopkv.conf"]);
    assert_eq!(code, 1);
    assert!(err.contains("can't open config file"), "{err}");
}

/// Options become config lines as redis-server builds them (values
/// quoted; a `--word` right after a directive with no value is that
/// value; `"--name value"` in one argument), with Redis's errors and line
/// numbers (the options start at line 2). Each checked against
/// redis-server 7.0.15.
#[test]
fn command_line_options_are_read_as_redis_reads_them() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--port"], "line 2\n>>> 'port'\n", "wrong number of arguments"),
        (
            &["--port", "6380", "--loglevel"],
            "line 3\n>>> 'loglevel'\n",
            "wrong number of arguments",
        ),
        (
            &["--port", "6379", "6380"],
            ">>> 'port \"6379\" \"6380\"'\n",
            "wrong number of arguments",
        ),
        (
            &["--port", "--loglevel", "verbose"],
            ">>> 'port \"--loglevel\" \"verbose\"'\n",
            "wrong number of arguments",
        ),
        (
            &["--port", "--bla", "--loglevel", "verbose"],
            ">>> 'port \"--bla\"'\n",
            "argument couldn't be parsed into an integer",
        ),
        (
            &["--logfile", "--my--log--file", "--loglevel", "--bla"],
            ">>> 'loglevel \"--bla\"'\n",
            "argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
        (
            &["--shutdown-on-sigint", "now force", "--shutdown-on-sigterm"],
            "line 3\n>>> 'shutdown-on-sigterm'\n",
            "argument(s) must be one of the following",
        ),
        (
            &["--replicaof", "127.0.0.1", "abc"],
            ">>> 'replicaof \"127.0.0.1\" \"abc\"'\n",
            "Invalid master port",
        ),
        (
            &["--replicaof", "--127.0.0.1", "--abc"],
            ">>> 'replicaof \"--127.0.0.1\"'\n",
            "wrong number of arguments",
        ),
        // A bare --save before another option is `save ""`.
        (
            &["--save", "--port", "7000", "--loglevel", "bad"],
            "line 4\n>>> 'loglevel \"bad\"'\n",
            "must be one of",
        ),
        (
            &["--maxclients 0"],
            ">>> 'maxclients 0'\n",
            "argument must be between 1 and",
        ),
    ];
    for (args, at, reason) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 1, "{args:?}");
        assert!(err.contains(at) && err.contains(reason), "{args:?}: {err}");
    }
}

#[test]
fn config_file_errors_name_file_and_line() {
    let dir = std::env::temp_dir().join(format!("loopkv-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.conf");
    std::fs::write(&path, "# comment\nport 7000\nmaxclients -5\n").unwrap();
    let (code, _, err) = run(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("at line 3"), "{err}");
    assert!(err.contains(">>> 'maxclients -5'"), "{err}");
    assert!(
        err.contains("argument must be between 1 and 4294967295 inclusive"),
        "{err}"
    );
    // Words after the file without `--` are read as a directive, as
    // redis-server reads them ("wrong usage that we support anyway").
    let path = dir.join("ok.conf");
    std::fs::write(&path, "port 7000\n").unwrap();
    let (code, _, err) = run(&[path.to_str().unwrap(), "loglevel", "bad", "--maxmemory 1mb"]);
    assert_eq!(code, 1);
    assert!(err.contains("at line 3\n>>> '\"loglevel\" \"bad\"'\n"), "{err}");
    assert!(err.contains("must be one of the following"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The port a started loopkv logs (`port=N`), and the rest of its output.
fn port_of(child: &mut std::process::Child) -> (u16, std::io::Lines<BufReader<std::process::ChildStdout>>) {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("a start-up line").unwrap();
        if let Some(rest) = line.split("port=").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return (digits.parse().unwrap(), lines);
        }
    }
}

/// Reads one RESP reply line-wise (enough for simple, integer and bulk replies).
fn reply(stream: &mut TcpStream) -> String {
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn config_file_with_include_then_shutdown() {
    let dir = std::env::temp_dir().join(format!("loopkv-cli-inc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let included = dir.join("extra.conf");
    std::fs::write(&included, "requirepass \"s3cret word\"\n").unwrap();
    let main = dir.join("main.conf");
    std::fs::write(
        &main,
        format!(
            "bind 127.0.0.1\nport 0\nsave \"\"\ninclude {}\nrename-command flushdb badger\nrename-command DEBUG \"\"\n",
            included.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(BIN)
        .arg(main.to_str().unwrap())
        .args(["--timeout", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (port, _lines) = port_of(&mut child);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"PING\r\n").unwrap();
    assert_eq!(reply(&mut s), "-NOAUTH Authentication required.\r\n");
    s.write_all(b"AUTH \"s3cret word\"\r\n").unwrap();
    assert_eq!(reply(&mut s), "+OK\r\n");
    s.write_all(b"CONFIG GET timeout\r\n").unwrap();
    assert_eq!(reply(&mut s), "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n");
    // rename-command: the old names are unknown, the new one works, and
    // CONFIG REWRITE keeps the lines.
    s.write_all(b"FLUSHDB\r\n").unwrap();
    assert_eq!(
        reply(&mut s),
        "-ERR unknown command 'FLUSHDB', with args beginning with: \r\n"
    );
    s.write_all(b"DEBUG SLEEP 0\r\n").unwrap();
    assert_eq!(
        reply(&mut s),
        "-ERR unknown command 'DEBUG', with args beginning with: 'SLEEP' '0' \r\n"
    );
    s.write_all(b"BADGER\r\n").unwrap();
    assert_eq!(reply(&mut s), "+OK\r\n");
    s.write_all(b"CONFIG REWRITE\r\n").unwrap();
    assert_eq!(reply(&mut s), "+OK\r\n");
    let text = std::fs::read_to_string(&main).unwrap();
    assert!(text.contains("rename-command flushdb badger\n"), "{text}");
    s.write_all(b"SHUTDOWN\r\n").unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(rest.is_empty(), "SHUTDOWN sends no reply");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    std::fs::remove_dir_all(&dir).ok();
}

/// Debian's stock /etc/redis/redis.conf loads (with `--daemonize no`, as
/// daemonizing is not supported) when the redis-server package is installed.
#[test]
fn stock_redis_conf_loads() {
    let stock = std::path::Path::new("/etc/redis/redis.conf");
    if !stock.exists() {
        eprintln!("stock redis.conf test NOT RUN: /etc/redis/redis.conf not found");
        return;
    }
    let dir = std::env::temp_dir().join(format!("loopkv-cli-stock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(BIN)
        .arg(stock)
        .args([
            "--daemonize",
            "no",
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--logfile",
            "",
            "--pidfile",
            "",
        ])
        .args(["--dir", dir.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (port, _lines) = port_of(&mut child);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"CONFIG GET tcp-keepalive\r\n").unwrap();
    assert_eq!(reply(&mut s), "*2\r\n$13\r\ntcp-keepalive\r\n$3\r\n300\r\n");
    s.write_all(b"SHUTDOWN\r\n").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    std::fs::remove_dir_all(&dir).ok();
}

/// SIGTERM schedules a shutdown that the next cron run carries out, as
/// redis-server's: SHUTDOWN ABORT cancels it before (here the cron is
/// paused), and a later SIGTERM ends the process with exit code 0, the
/// pid file removed and Redis's log lines.
#[test]
fn sigterm_shuts_down_unless_aborted() {
    let dir = std::env::temp_dir().join(format!("loopkv-cli-sig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pidfile = dir.join("loopkv.pid");
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--enable-debug-command",
            "yes",
        ])
        .args(["--pidfile", pidfile.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (port, lines) = port_of(&mut child);
    let kill = |sig: &str| {
        let ok = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    };
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"SHUTDOWN ABORT\r\n").unwrap();
    assert_eq!(reply(&mut s), "-ERR No shutdown in progress.\r\n");
    s.write_all(b"DEBUG PAUSE-CRON 1\r\n").unwrap();
    assert_eq!(reply(&mut s), "+OK\r\n");
    kill("-TERM");
    // The handler only records the signal; wait until the loop has seen it.
    let mut aborted = false;
    for _ in 0..100 {
        s.write_all(b"SHUTDOWN ABORT\r\n").unwrap();
        if reply(&mut s) == "+OK\r\n" {
            aborted = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(aborted, "SHUTDOWN ABORT never saw the SIGTERM");
    s.write_all(b"DEBUG PAUSE-CRON 0\r\n").unwrap();
    assert_eq!(reply(&mut s), "+OK\r\n");
    s.write_all(b"PING\r\n").unwrap();
    assert_eq!(reply(&mut s), "+PONG\r\n");
    assert!(pidfile.exists());
    kill("-TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let log: Vec<String> = lines.map_while(Result::ok).collect();
    let log = log.join("\n");
    for line in [
        "# Received SIGTERM scheduling shutdown...",
        "# Shutdown manually aborted.",
        "# User requested shutdown...",
        "* Removing the pid file.",
        "ready to exit, bye bye...",
    ] {
        assert!(log.contains(line), "{line} in {log}");
    }
    assert!(!pidfile.exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// SIGTERM with save points set saves the dataset before exiting, and the
/// next start loads it; a damaged file then stops the start-up with exit
/// code 1 and Redis's last log line.
#[test]
fn sigterm_saves_and_a_damaged_file_stops_the_start() {
    let dir = std::env::temp_dir().join(format!("loopkv-cli-save-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let start = || {
        Command::new(BIN)
            .args(["--port", "0", "--bind", "127.0.0.1", "--save", "3600 1"])
            .args(["--dir", dir.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = start();
    let (port, lines) = port_of(&mut child);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"SET kept yes\r\n").unwrap();
    assert_eq!(reply(&mut s), "+OK\r\n");
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let log = lines.map_while(Result::ok).collect::<Vec<_>>().join("\n");
    for line in ["Saving the final RDB snapshot before exiting.", "DB saved on disk"] {
        assert!(log.contains(line), "{line} in {log}");
    }
    let mut child = start();
    let (port, lines) = port_of(&mut child);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET kept\r\n").unwrap();
    assert_eq!(reply(&mut s), "$3\r\nyes\r\n");
    s.write_all(b"SHUTDOWN NOSAVE\r\n").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    drop(lines);
    // Damage the file: the next start fails.
    let path = dir.join("dump.rdb");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n - 8..].copy_from_slice(b"foobar00");
    std::fs::write(&path, &bytes).unwrap();
    let mut child = start();
    let out = std::io::read_to_string(child.stdout.take().unwrap()).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    assert!(out.contains("RDB CRC error"), "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.ends_with("Terminating server after rdb file reading failure."),
        "{last}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
