//! The `loopkv` binary: started as redis-server is — `loopkv [config-file]
//! [--directive value ...]` — it builds a `Config`, sets up logging and
//! runs the server on this thread until SHUTDOWN.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use loopkv::config::StartupError;
use loopkv::{Config, Server};

/// Counts bytes in use for INFO's `used_memory` and `maxmemory`.
#[global_allocator]
static ALLOCATOR: loopkv::memory::Counting = loopkv::memory::Counting;

fn usage() -> String {
    format!(
        "Usage: loopkv [/path/to/redis.conf] [options]\n       \
         loopkv - (read config from stdin)\n       \
         loopkv -v or --version\n       \
         loopkv -h or --help\n\n\
         Examples:\n       \
         loopkv (run the server with default config)\n       \
         loopkv /etc/redis/6379.conf\n       \
         loopkv --port 7777\n       \
         loopkv --port 7777 --bind 127.0.0.1 ::1 --save \"\"\n       \
         loopkv /etc/myredis.conf --loglevel verbose\n\n\
         Every --name value is the configuration directive of the same name.\n\
         loopkv {} (Redis {} compatible)\n",
        env!("CARGO_PKG_VERSION"),
        loopkv::REDIS_VERSION
    )
}

/// The command line's `--name value ...` options as config text, one
/// directive per line, built as redis-server builds it: an argument
/// starting with `--` names a directive, unless the directive before it
/// has no value yet (then it is that value: `--port --bla` sets port to
/// "--bla"); `"--name value"` in one argument carries its own value; a
/// bare `--save` gets an empty value; any other argument is added to the
/// current line (`loopkv file.conf loglevel verbose` sets loglevel, as
/// Redis's "wrong usage that we support anyway").
fn options_text(args: &[String]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let mut has_value = true;
    for (i, arg) in args.iter().enumerate() {
        match arg.strip_prefix("--") {
            Some(name) if has_value => {
                if !out.is_empty() {
                    out.push(b'\n');
                }
                out.extend_from_slice(name.as_bytes());
                out.push(b' ');
                let words = loopkv::util::splitargs::split_args(arg.as_bytes()).map_or(1, |w| w.len());
                has_value = words != 1;
                let next_is_option = args.get(i + 1).is_some_and(|a| a.starts_with("--"));
                if !has_value && name.eq_ignore_ascii_case("save") && (next_is_option || i + 1 == args.len()) {
                    out.extend_from_slice(b"\"\"");
                    has_value = true;
                }
            }
            _ => {
                // Quoted as Redis's `sdscatrepr`, so it reads back as one argument.
                loopkv::command::monitor::quote_into(&mut out, arg.as_bytes());
                out.push(b' ');
                has_value = true;
            }
        }
    }
    out
}

fn load(args: &[String]) -> Result<Config, StartupError> {
    let mut config = Config::default();
    let (mut file, mut stdin) = (None, None);
    let mut rest = args;
    if let Some(first) = args.first() {
        if first == "-" {
            let mut text = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut text);
            stdin = Some(text);
            rest = &args[1..];
        } else if !first.starts_with("--") {
            file = Some(Path::new(first));
            rest = &args[1..];
        }
    }
    let options = options_text(rest);
    config.load_startup(file, stdin.as_deref(), &options)?;
    config.check_supported()?;
    Ok(config)
}

/// Logging in Redis's format: `pid:M 26 Nov 2026 19:40:01.123 * message`.
fn init_logging(config: &Config) -> Result<(), String> {
    let mut builder = env_logger::Builder::new();
    builder.filter_level(config.loglevel());
    if std::env::var_os("RUST_LOG").is_some() {
        builder.parse_default_env();
    }
    builder.format(move |buf, record| {
        let mark = match record.level() {
            log::Level::Error | log::Level::Warn => '#',
            log::Level::Info => '*',
            log::Level::Debug => '-',
            log::Level::Trace => '.',
        };
        writeln!(buf, "{}{}", loopkv::util::logline::prefix(mark), record.args())
    });
    let logfile = String::from_utf8_lossy(config.value("logfile")).into_owned();
    if !logfile.is_empty() {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&logfile)
            .map_err(|e| format!("Can't open the log file: {e}"))?;
        builder.target(env_logger::Target::Pipe(Box::new(file)));
    } else {
        // As Redis: `logfile ""` is standard output.
        builder.target(env_logger::Target::Stdout);
    }
    builder.try_init().map_err(|e| e.to_string())
}

/// Turns off glibc malloc's fastbins (`mallopt(M_MXFAST, 0)`). Freed small
/// chunks pile up in fastbins uncoalesced, and the next large allocation
/// coalesces all of them at once (`malloc_consolidate`): with a million
/// keys expiring over ten seconds, one such call stalled the event loop for
/// ~230 ms and made expired notifications that late (measured with
/// `benches/expire_lag.rs`: p99 138-203 ms with fastbins, 3.8 ms without).
/// Small allocations still go through glibc's per-thread cache first.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn disable_fastbins() {
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    const M_MXFAST: std::ffi::c_int = 1;
    // SAFETY: `mallopt` is glibc's documented tuning call with plain integer
    // arguments; it is called once, before the server allocates anything
    // significant and before any other thread exists.
    unsafe {
        mallopt(M_MXFAST, 0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn disable_fastbins() {}

/// The start-up banner (`always-show-logo yes`): version, mode, port and
/// PID, one per line, as tools that start Redis look for (` PID: <pid>`).
fn banner(port: u16) -> String {
    format!(
        "\n\
         \x20   __                          __\n\
         \x20  / /___  ____  ____  / /____   __   loopkv {} (Redis {} compatible) {} bit\n\
         \x20 / / __ \\/ __ \\/ __ \\/ //_/ | / /\n\
         \x20/ / /_/ / /_/ / /_/ / ,<  | |/ /    Running in standalone mode\n\
         /_/\\____/\\____/ .___/_/|_| |___/     Port: {port}\n\
         \x20            /_/                     PID: {}\n",
        env!("CARGO_PKG_VERSION"),
        loopkv::REDIS_VERSION,
        usize::BITS,
        std::process::id()
    )
}

fn main() -> ExitCode {
    disable_fastbins();
    loopkv::memory::start_tracking();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some("-v" | "--version") => {
            println!(
                "loopkv v={} (Redis {} compatible)",
                env!("CARGO_PKG_VERSION"),
                loopkv::REDIS_VERSION
            );
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let config = match load(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = init_logging(&config) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    #[cfg(unix)]
    {
        let logfile = String::from_utf8_lossy(config.value("logfile")).into_owned();
        if let Err(e) = loopkv::crash::install(&logfile) {
            log::warn!("Can't set up crash reports: {e}");
        }
        loopkv::crash::set_enabled(config.value("crash-log-enabled") == b"yes");
    }
    let dir = String::from_utf8_lossy(config.value("dir")).into_owned();
    if !dir.is_empty()
        && let Err(e) = std::env::set_current_dir(&dir)
    {
        log::error!("Can't chdir to '{dir}': {e}");
        return ExitCode::from(1);
    }
    let pidfile = String::from_utf8_lossy(config.value("pidfile")).into_owned();
    // Redis draws its logo when asked to, or when a person is watching.
    let show_logo = config.value("always-show-logo") == b"yes"
        || (config.value("logfile").is_empty() && std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let port = config.port;
    let server = match Server::bind(config) {
        Ok(s) => s,
        Err(e) => {
            log::error!("{e}");
            return ExitCode::from(1);
        }
    };
    if !pidfile.is_empty()
        && let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id()))
    {
        log::warn!("Failed to write PID file: {e}");
    }
    let port = if port == 0 { server.local_addr().port() } else { port };
    if show_logo {
        log::info!("{}", banner(port));
    } else {
        log::info!("Running mode=standalone, port={port}.");
    }
    log::info!(
        "loopkv {} (Redis {} compatible) starting, port={port}, pid={}",
        env!("CARGO_PKG_VERSION"),
        loopkv::REDIS_VERSION,
        std::process::id()
    );
    #[cfg(unix)]
    if let Err(e) = server.handle_signals() {
        log::warn!("Can't handle SIGTERM and SIGINT: {e}");
    }
    let result = server.run();
    if let Err(e) = &result {
        // A failure to load the dataset ends here, its reason last (an
        // AOF's failure was logged where it happened).
        if !e.to_string().is_empty() {
            log::error!("{e}");
        }
        return ExitCode::from(1);
    }
    if !pidfile.is_empty() {
        log::info!("Removing the pid file.");
        let _ = std::fs::remove_file(&pidfile);
    }
    log::warn!("loopkv is now ready to exit, bye bye...");
    ExitCode::SUCCESS
}
