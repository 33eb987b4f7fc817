//! Crash reports and the software watchdog, as Redis's `debug.c` has them.
//!
//! **Crash reports.** The binary calls [`install`]: the fatal signals
//! (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) and Rust panics then write a
//! bug report straight to the log's file descriptor (what happened, where,
//! and the stack trace), and the process ends by that signal (a panic by
//! SIGABRT), so a core is dumped where that is enabled. With
//! `crash-log-enabled no` the report keeps only its first lines, as Redis's.
//! A signal's handler only records the facts and the stack's return
//! addresses (a signal can interrupt `malloc`, so it must not allocate); a
//! reporter thread of its own resolves the symbols and writes the report
//! while the crashed thread waits, at most 10 s.
//!
//! **The watchdog** (`watchdog-period`, a hidden directive; the binary's
//! only, as SIGALRM is the process's): a thread
//! notices when the event loop's cron has not run for the period and
//! interrupts the loop's thread with SIGALRM. That handler only records the
//! stack's return addresses (no allocation, no lock); the watchdog thread
//! resolves them and logs `--- WATCHDOG TIMER EXPIRED ---` with the stack
//! trace, once per stall. The loop never waits for it.

#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::fs::File;
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// Where reports go: the log file, or a copy of standard output.
static SINK: OnceLock<File> = OnceLock::new();
/// `crash-log-enabled`.
static ENABLED: AtomicBool = AtomicBool::new(true);
/// Set by the first report; a crash while reporting just ends the process.
static REPORTING: AtomicBool = AtomicBool::new(false);

const FATAL: [c_int; 5] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL, libc::SIGABRT];
const MAX_FRAMES: usize = 100;
/// The main thread's alternate signal stack, for `fatal` after a stack
/// overflow (it captures the stack there; symbols are resolved elsewhere).
const ALT_STACK: usize = 256 << 10;
/// Under this much alternate stack (std gives its threads a few KiB),
/// `fatal` reports without the stack trace rather than overflow it.
const MIN_CAPTURE_STACK: usize = 64 << 10;
/// Set by `install`: the watchdog is the binary's, like the handlers.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the fatal-signal handlers and the panic hook, reporting to
/// `logfile` (standard output when empty). Called once by the binary, on
/// the thread that runs the loop, before other threads exist.
pub fn install(logfile: &str) -> std::io::Result<()> {
    let file = if logfile.is_empty() {
        use std::os::fd::AsFd;
        File::from(std::io::stdout().as_fd().try_clone_to_owned()?)
    } else {
        std::fs::OpenOptions::new().create(true).append(true).open(logfile)?
    };
    let _ = SINK.set(file);
    // The unwinder loads what it needs on first use: do it now, not in a
    // handler.
    backtrace::trace(|_| false);
    alternate_stack();
    start_reporter()?;
    for sig in FATAL {
        set_action(sig, fatal, libc::SA_NODEFER | libc::SA_RESETHAND | libc::SA_ONSTACK);
    }
    std::panic::set_hook(Box::new(panicked));
    INSTALLED.store(true, Ordering::SeqCst);
    Ok(())
}

/// `crash-log-enabled`: whether reports include the stack trace.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

fn set_action(sig: c_int, handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void), flags: c_int) {
    // SAFETY: a zeroed `sigaction` is a valid value (empty mask, no flags)
    // before the fields are set; `handler` has the three-argument
    // signature SA_SIGINFO asks for, and does only what is safe where it
    // runs (see each handler).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as usize;
        action.sa_flags = flags | libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(sig, &action, std::ptr::null_mut());
    }
}

/// Gives this thread an alternate signal stack, so a stack overflow is
/// reported too (the handler cannot run on the exhausted stack), with a
/// guard page below it.
fn alternate_stack() {
    const GUARD: usize = 4096;
    // SAFETY: an anonymous private mapping is requested and checked, its
    // lowest page made inaccessible; it is never unmapped, so the stack
    // stays valid for the thread's life.
    unsafe {
        let base = libc::mmap(
            std::ptr::null_mut(),
            ALT_STACK + GUARD,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if base == libc::MAP_FAILED {
            return;
        }
        libc::mprotect(base, GUARD, libc::PROT_NONE);
        let stack = libc::stack_t {
            ss_sp: base.cast::<u8>().add(GUARD).cast(),
            ss_flags: 0,
            ss_size: ALT_STACK,
        };
        libc::sigaltstack(&stack, std::ptr::null_mut());
    }
}

/// Whether this handler runs on an alternate stack too small to unwind on.
fn on_small_alt_stack() -> bool {
    // SAFETY: `sigaltstack` with a null new stack only reads the current
    // one into `current`, and is async-signal-safe.
    unsafe {
        let mut current: libc::stack_t = std::mem::zeroed();
        libc::sigaltstack(std::ptr::null(), &mut current) == 0
            && current.ss_flags & libc::SS_ONSTACK != 0
            && current.ss_size < MIN_CAPTURE_STACK
    }
}

/// DEBUG SEGFAULT: a real invalid access (a write to a read-only page), as
/// Redis's, so the report shows a genuine fault.
pub fn segfault() -> ! {
    // SAFETY: the write is meant to fault; the SIGSEGV handler (or the
    // default action) ends the process before it returns. If the mapping
    // failed, the process ends by SIGSEGV all the same.
    unsafe {
        let page = libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if page != libc::MAP_FAILED {
            std::ptr::write_volatile(page.cast::<u8>(), b'x');
        }
    }
    die(libc::SIGSEGV)
}

/// Ends the process by `sig` with its default action.
fn die(sig: c_int) -> ! {
    // SAFETY: restoring a default action and raising a signal are
    // async-signal-safe; `_exit` is the fallback if the signal is ignored.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
        libc::_exit(128 + sig)
    }
}

fn write_report(text: &str) {
    if let Some(mut sink) = SINK.get() {
        let _ = sink.write_all(text.as_bytes());
    }
}

/// A log line in the logger's format, with Redis's `#` (warning) mark.
fn line(out: &mut String, text: &str) {
    out.push_str(&crate::util::logline::prefix('#'));
    out.push_str(text);
    out.push('\n');
}

fn report_start(out: &mut String) {
    out.push_str("\n\n=== LOOPKV BUG REPORT START: Cut & paste starting from here ===\n");
}

fn report_end(out: &mut String) {
    out.push_str(
        "\n=== LOOPKV BUG REPORT END. Make sure to include from START to END. ===\n\n\
         \x20      Please report the crash with this log.\n\n",
    );
}

// What a fatal signal's handler leaves for the reporter thread.
static FAULT_SIGNAL: AtomicI32 = AtomicI32::new(0);
static FAULT_CODE: AtomicI32 = AtomicI32::new(0);
/// `si_addr`: the address a SIGSEGV or SIGBUS accessed.
static FAULT_ADDR: AtomicUsize = AtomicUsize::new(0);
/// `si_pid` and `si_uid`: who sent a signal from outside (SI_USER).
static FAULT_PID: AtomicI32 = AtomicI32::new(0);
static FAULT_UID: AtomicU32 = AtomicU32::new(0);
/// The instruction that faulted; 0 when the context does not say.
static FAULT_EIP: AtomicUsize = AtomicUsize::new(0);
static FAULT_FRAMES: [AtomicUsize; MAX_FRAMES] = [const { AtomicUsize::new(0) }; MAX_FRAMES];
static FAULT_FRAME_COUNT: AtomicUsize = AtomicUsize::new(0);
/// The write end of the reporter's socket; -1 until it runs.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// The reporter's thread (`pthread_self`), which must not wait for itself.
static REPORTER_THREAD: AtomicU64 = AtomicU64::new(0);
/// Set by the reporter once the report is written.
static REPORTED: AtomicBool = AtomicBool::new(false);
/// How long a crashed thread waits for its report before it ends anyway.
const REPORT_WAIT_MS: u32 = 10_000;

/// The handler of the fatal signals. A signal can arrive in the middle of
/// a `malloc` (a SIGABRT sent from outside does), so the handler only
/// records the facts and the stack, without allocating; the reporter
/// thread resolves and writes them. Then the signal's default action
/// (SA_RESETHAND has restored it already).
extern "C" fn fatal(sig: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd < 0 {
        die(sig);
    }
    if REPORTING.swap(true, Ordering::SeqCst) {
        // A second crash: the reporter's own ends the process by the first
        // signal; another thread's lets the first report finish.
        if is_reporter() {
            die(FAULT_SIGNAL.load(Ordering::SeqCst));
        }
        wait_for_report();
        die(sig);
    }
    let mut frames = [0usize; MAX_FRAMES];
    let n = if on_small_alt_stack() { 0 } else { capture(&mut frames) };
    // SAFETY: with SA_SIGINFO the kernel passes a valid `siginfo_t`.
    let (code, addr, pid, uid) = unsafe {
        let info = &*info;
        (info.si_code, info.si_addr(), info.si_pid(), info.si_uid())
    };
    FAULT_SIGNAL.store(sig, Ordering::Relaxed);
    FAULT_CODE.store(code, Ordering::Relaxed);
    FAULT_ADDR.store(addr as usize, Ordering::Relaxed);
    FAULT_PID.store(pid, Ordering::Relaxed);
    FAULT_UID.store(uid, Ordering::Relaxed);
    FAULT_EIP.store(instruction_pointer(context).unwrap_or(0), Ordering::Relaxed);
    for (slot, &ip) in FAULT_FRAMES.iter().zip(&frames[..n]) {
        slot.store(ip, Ordering::Relaxed);
    }
    FAULT_FRAME_COUNT.store(n, Ordering::SeqCst);
    // SAFETY: `write` is async-signal-safe; the byte lives on this stack
    // for the call.
    unsafe {
        libc::write(fd, [1u8].as_ptr().cast(), 1);
    }
    wait_for_report();
    die(sig);
}

fn is_reporter() -> bool {
    // SAFETY: `pthread_self` has no preconditions.
    REPORTER_THREAD.load(Ordering::SeqCst) == unsafe { libc::pthread_self() } as u64
}

/// Sleeps until the reporter has written its report, at most
/// `REPORT_WAIT_MS`.
fn wait_for_report() {
    let tick = libc::timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000,
    };
    for _ in 0..REPORT_WAIT_MS {
        if REPORTED.load(Ordering::SeqCst) {
            return;
        }
        // SAFETY: `nanosleep` is async-signal-safe; `tick` outlives it.
        unsafe {
            libc::nanosleep(&tick, std::ptr::null_mut());
        }
    }
}

/// Starts the thread that writes a fatal signal's report.
fn start_reporter() -> std::io::Result<()> {
    use std::io::Read;
    use std::os::fd::IntoRawFd;
    let (wake, mut wait) = std::os::unix::net::UnixStream::pair()?;
    std::thread::Builder::new().name("loopkv-crash".into()).spawn(move || {
        // SAFETY: `pthread_self` has no preconditions.
        REPORTER_THREAD.store(unsafe { libc::pthread_self() } as u64, Ordering::SeqCst);
        let mut byte = [0u8; 1];
        loop {
            match wait.read(&mut byte) {
                Ok(1) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                _ => return,
            }
        }
        write_report(&fault_report());
        REPORTED.store(true, Ordering::SeqCst);
    })?;
    WAKE_FD.store(wake.into_raw_fd(), Ordering::SeqCst);
    Ok(())
}

/// The report of the fault `fatal` recorded.
fn fault_report() -> String {
    let n = FAULT_FRAME_COUNT.load(Ordering::SeqCst);
    let sig = FAULT_SIGNAL.load(Ordering::Relaxed);
    let code = FAULT_CODE.load(Ordering::Relaxed);
    let (addr, eip) = (FAULT_ADDR.load(Ordering::Relaxed), FAULT_EIP.load(Ordering::Relaxed));
    let (pid, uid) = (FAULT_PID.load(Ordering::Relaxed), FAULT_UID.load(Ordering::Relaxed));
    let mut out = String::with_capacity(8192);
    report_start(&mut out);
    line(
        &mut out,
        &format!(
            "loopkv {} (Redis {} compatible) crashed by signal: {sig}, si_code: {code}",
            env!("CARGO_PKG_VERSION"),
            crate::REDIS_VERSION
        ),
    );
    if sig == libc::SIGSEGV || sig == libc::SIGBUS {
        line(&mut out, &format!("Accessing address: {addr:#x}"));
    }
    if code == libc::SI_USER && pid != -1 {
        line(&mut out, &format!("Killed by PID: {pid}, UID: {uid}"));
    }
    let eip = Some(eip).filter(|&e| e != 0);
    if let Some(eip) = eip {
        line(&mut out, &format!("Crashed running the instruction at: {eip:#x}"));
    }
    if ENABLED.load(Ordering::Relaxed) {
        let frames: Vec<usize> = FAULT_FRAMES[..n.min(MAX_FRAMES)]
            .iter()
            .map(|f| f.load(Ordering::Relaxed))
            .collect();
        stack_trace(&mut out, eip, &frames);
    }
    report_end(&mut out);
    out
}

/// The binary's panic hook: Redis's "Guru Meditation" report of a failed
/// assertion, then SIGABRT.
fn panicked(info: &std::panic::PanicHookInfo) {
    if REPORTING.swap(true, Ordering::SeqCst) {
        // Another thread's report goes first, whole (unless this is the
        // reporter, which cannot wait for itself).
        if !is_reporter() {
            wait_for_report();
        }
        write_report(&format!("\nPanicked while reporting a crash: {info}\n"));
        die(libc::SIGABRT);
    }
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "Box<dyn Any>".into());
    let place = info
        .location()
        .map_or_else(String::new, |l| format!(" #{}:{}", l.file(), l.line()));
    let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
    let mut out = String::with_capacity(8192);
    report_start(&mut out);
    line(&mut out, "------------------------------------------------");
    line(&mut out, "!!! Software Failure. Press left mouse button to continue");
    line(&mut out, &format!("Guru Meditation: {message}{place}"));
    line(&mut out, &format!("Thread: {thread}"));
    if ENABLED.load(Ordering::Relaxed) {
        let mut frames = [0usize; MAX_FRAMES];
        let n = capture(&mut frames);
        stack_trace(&mut out, None, &frames[..n]);
    }
    report_end(&mut out);
    write_report(&out);
    REPORTED.store(true, Ordering::SeqCst);
    die(libc::SIGABRT);
}

/// The return addresses of this thread's stack, innermost first, into
/// `frames`; returns how many. Allocates nothing.
fn capture(frames: &mut [usize]) -> usize {
    let mut n = 0;
    // SAFETY: on Linux the unwinder behind `trace_unsynchronized` is
    // libgcc's, which is thread-safe and, once warmed up by `install` or
    // `set_watchdog`, does not allocate. It finds unwind tables through
    // `dl_iterate_phdr`, which takes glibc's loader lock where glibc lacks
    // `_dl_find_object` (before 2.35): a signal that interrupts a `dlopen`
    // would wait for itself. Redis's `backtrace()` has the same exposure.
    unsafe {
        backtrace::trace_unsynchronized(|frame| {
            frames[n] = frame.ip() as usize;
            n += 1;
            n < frames.len()
        });
    }
    n
}

/// The program counter at the signal, from the handler's context.
fn instruction_pointer(context: *mut c_void) -> Option<usize> {
    if context.is_null() {
        return None;
    }
    // SAFETY: with SA_SIGINFO the third argument is the interrupted
    // thread's `ucontext_t`, valid while the handler runs.
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    unsafe {
        let uc = &*(context as *const libc::ucontext_t);
        Some(uc.uc_mcontext.gregs[libc::REG_RIP as usize] as usize)
    }
    #[cfg(all(target_os = "linux", target_arch = "aarch64"))]
    // SAFETY: as above.
    unsafe {
        let uc = &*(context as *const libc::ucontext_t);
        Some(uc.uc_mcontext.pc as usize)
    }
    #[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
    None
}

/// Redis's `------ STACK TRACE ------` section: the instruction that
/// crashed (when known), then the frames, this module's own left out.
fn stack_trace(out: &mut String, eip: Option<usize>, frames: &[usize]) {
    out.push_str("\n------ STACK TRACE ------\n");
    if let Some(eip) = eip {
        out.push_str("EIP:\n");
        describe(out, eip, true);
    }
    out.push_str("\nBacktrace:\n");
    // A signal's trace starts at the instruction it interrupted, which the
    // unwinder lists as the frame after the handler's and the kernel's.
    if let Some(at) = eip.and_then(|eip| frames.iter().position(|&ip| ip == eip)) {
        describe(out, frames[at], true);
        for &ip in frames[at + 1..].iter().filter(|&&ip| ip != 0) {
            describe(out, ip, false);
        }
        return;
    }
    let lines: Vec<String> = frames
        .iter()
        .filter(|&&ip| ip != 0)
        .map(|&ip| {
            let mut line = String::new();
            describe(&mut line, ip, false);
            line
        })
        .collect();
    // The report's own frames (and a panic's) come first: start after them.
    let start = lines
        .iter()
        .take(16)
        .rposition(|l| {
            let innermost = l.lines().next().unwrap_or("");
            REPORTING_FRAMES.iter().any(|f| innermost.contains(f))
        })
        .map_or(0, |i| i + 1);
    for line in &lines[start..] {
        out.push_str(line);
    }
}

/// Functions of the reporting itself, left out of the stack trace.
const REPORTING_FRAMES: [&str; 6] = [
    "loopkv::crash::",
    "backtrace::",
    "std::panicking::panic_",
    "rust_begin_unwind",
    "core::panicking::",
    "__rust_end_short_backtrace",
];

/// One frame: `symbol [0xaddress] file:line`, the parts known (a line
/// per function inlined there). `exact` is
/// for an instruction pointer; a return address is looked up one byte back
/// so the call, not the line after it, is named.
fn describe(out: &mut String, ip: usize, exact: bool) {
    use std::fmt::Write as _;
    let lookup = if exact { ip } else { ip.saturating_sub(1) };
    let mut named = false;
    // A frame with inlined calls resolves to several symbols, innermost
    // first: a line each.
    backtrace::resolve(lookup as *mut c_void, |symbol| {
        named = true;
        let name = symbol.name().map_or_else(|| "??".to_string(), |n| format!("{n:#}"));
        let _ = write!(out, "{name} [{ip:#x}]");
        if let (Some(file), Some(line)) = (symbol.filename(), symbol.lineno()) {
            let _ = write!(out, " {}:{line}", file.display());
        }
        out.push('\n');
    });
    if !named {
        let _ = writeln!(out, "?? [{ip:#x}]");
    }
}

// ---- The watchdog ----

/// `watchdog-period` in milliseconds; 0 is off.
static PERIOD_MS: AtomicU64 = AtomicU64::new(0);
/// When the loop's cron last ran, on `monotonic_ms`'s clock.
static LAST_CRON_MS: AtomicU64 = AtomicU64::new(0);
/// The loop's thread, which SIGALRM interrupts; 0 when none is watched.
static LOOP_THREAD: AtomicU64 = AtomicU64::new(0);
static WATCHDOG_STARTED: AtomicBool = AtomicBool::new(false);
/// The handshake with the SIGALRM handler.
static CAPTURE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
const ASKED: u8 = 1;
const TAKING: u8 = 2;
const TAKEN: u8 = 3;
static FRAMES: [AtomicUsize; MAX_FRAMES] = [const { AtomicUsize::new(0) }; MAX_FRAMES];
static FRAME_COUNT: AtomicUsize = AtomicUsize::new(0);
static ALARM_EIP: AtomicUsize = AtomicUsize::new(0);

/// Milliseconds on a clock that never steps (a wall-clock jump is not a
/// stall), from 1: the watchdog's 0 means "no stall reported yet".
fn monotonic_ms() -> u64 {
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

fn this_thread() -> u64 {
    // SAFETY: `pthread_self` has no preconditions.
    unsafe { libc::pthread_self() as u64 }
}

/// The loop's cron ran (or a loading slice did): it is not stalled.
pub fn heartbeat() {
    LAST_CRON_MS.store(monotonic_ms(), Ordering::Relaxed);
}

/// Applies `watchdog-period` (already clamped by the config), in the binary
/// only (`install` ran): SIGALRM is the process's. Called on the loop's
/// thread, which becomes the one watched until its `Watched` guard drops.
pub fn set_watchdog(period_ms: u64) {
    if !INSTALLED.load(Ordering::SeqCst) {
        return;
    }
    PERIOD_MS.store(period_ms, Ordering::Relaxed);
    if period_ms == 0 {
        return;
    }
    heartbeat();
    LOOP_THREAD.store(this_thread(), Ordering::SeqCst);
    if WATCHDOG_STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    set_action(libc::SIGALRM, alarm, libc::SA_RESTART);
    let started = std::thread::Builder::new().name("loopkv-watchdog".into()).spawn(watch);
    if let Err(e) = started {
        log::warn!("Can't start the watchdog thread: {e}");
        WATCHDOG_STARTED.store(false, Ordering::SeqCst);
    }
}

/// Held by the loop while it runs: when it ends, its thread is no longer
/// watched (it may be gone, and SIGALRM must not go to a thread that reused
/// its id).
pub struct Watched;

impl Drop for Watched {
    fn drop(&mut self) {
        if LOOP_THREAD.load(Ordering::SeqCst) == this_thread() {
            LOOP_THREAD.store(0, Ordering::SeqCst);
            PERIOD_MS.store(0, Ordering::SeqCst);
        }
    }
}

/// SIGALRM on the loop's thread: records the stack if the watchdog asked
/// (a SIGALRM sent from outside, or to another thread, records nothing).
extern "C" fn alarm(_sig: c_int, _info: *mut libc::siginfo_t, context: *mut c_void) {
    if LOOP_THREAD.load(Ordering::SeqCst) != this_thread()
        || CAPTURE
            .compare_exchange(ASKED, TAKING, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
    {
        return;
    }
    let mut frames = [0usize; MAX_FRAMES];
    let n = capture(&mut frames);
    for (slot, &ip) in FRAMES.iter().zip(&frames[..n]) {
        slot.store(ip, Ordering::Relaxed);
    }
    FRAME_COUNT.store(n, Ordering::Relaxed);
    ALARM_EIP.store(instruction_pointer(context).unwrap_or(0), Ordering::Relaxed);
    CAPTURE.store(TAKEN, Ordering::SeqCst);
}

/// The watchdog thread: once per stall (the same heartbeat seen for the
/// period), the loop's stack into the log.
fn watch() {
    let mut reported = 0;
    loop {
        let period = PERIOD_MS.load(Ordering::Relaxed);
        let thread = LOOP_THREAD.load(Ordering::SeqCst);
        // A crash being reported holds the loop on purpose.
        if period == 0 || thread == 0 || REPORTING.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        std::thread::sleep(Duration::from_millis((period / 4).clamp(1, 50)));
        let beat = LAST_CRON_MS.load(Ordering::Relaxed);
        if beat == reported || monotonic_ms().saturating_sub(beat) < period {
            continue;
        }
        reported = beat;
        CAPTURE.store(ASKED, Ordering::SeqCst);
        // SAFETY: `thread` is the loop's thread, which `Watched` takes out
        // of `LOOP_THREAD` before it can end.
        unsafe {
            libc::pthread_kill(thread as libc::pthread_t, libc::SIGALRM);
        }
        let mut waited = 0;
        while CAPTURE.load(Ordering::SeqCst) != TAKEN && waited < 1000 {
            std::thread::sleep(Duration::from_millis(1));
            waited += 1;
        }
        if CAPTURE.swap(IDLE, Ordering::SeqCst) != TAKEN {
            continue;
        }
        let n = FRAME_COUNT.load(Ordering::Relaxed);
        let frames: Vec<usize> = FRAMES[..n].iter().map(|f| f.load(Ordering::Relaxed)).collect();
        let eip = Some(ALARM_EIP.load(Ordering::Relaxed)).filter(|&e| e != 0);
        let mut out = String::new();
        stack_trace(&mut out, eip, &frames);
        log::warn!("\n--- WATCHDOG TIMER EXPIRED ---\n{out}");
        log::warn!("--------\n");
    }
}
