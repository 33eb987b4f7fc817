//! LATENCY: the latency monitor's events (samples over
//! `latency-monitor-threshold`, kept by `State::latency_sample`), its
//! DOCTOR report and GRAPH sparkline, and the per-command latency
//! histograms (Redis's `latency.c` and `sparkline.c`, user side).

use super::server::reply_help;
use super::{Args, Ctx};
use crate::server::state::LatencyEvent;

/// `LATENCY LATEST`
pub fn latency_latest(ctx: &mut Ctx, _args: &Args) {
    let mut events: Vec<(&'static str, (u64, u64), u64)> = ctx
        .st
        .latency
        .iter()
        .filter_map(|(name, e)| e.samples.last().map(|&last| (*name, last, e.max)))
        .collect();
    events.sort();
    ctx.reply.array(events.len());
    for (name, (ts, ms), max) in events {
        ctx.reply.array(4);
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.int(ts as i64);
        ctx.reply.int(ms as i64);
        ctx.reply.int(max as i64);
    }
}

/// `LATENCY HISTORY event`
pub fn latency_history(ctx: &mut Ctx, args: &Args) {
    let name = String::from_utf8_lossy(&args[2]).into_owned();
    let samples = ctx
        .st
        .latency
        .get(name.as_str())
        .map(|e| e.samples.clone())
        .unwrap_or_default();
    ctx.reply.array(samples.len());
    for (ts, ms) in samples {
        ctx.reply.array(2);
        ctx.reply.int(ts as i64);
        ctx.reply.int(ms as i64);
    }
}

/// `LATENCY RESET [event ...]`
pub fn latency_reset(ctx: &mut Ctx, args: &Args) {
    let n = if args.len() == 2 {
        let n = ctx.st.latency.len();
        ctx.st.latency.clear();
        n
    } else {
        let mut n = 0;
        for name in args.iter().skip(2) {
            let name = String::from_utf8_lossy(name);
            if ctx.st.latency.remove(name.as_ref()).is_some() {
                n += 1;
            }
        }
        n
    };
    ctx.reply.int(n as i64);
}

/// `LATENCY HISTOGRAM [command ...]`: per-command call counts by latency,
/// cumulative at power-of-two microsecond boundaries.
pub fn latency_histogram(ctx: &mut Ctx, args: &Args) {
    let table = ctx.st.commands;
    // A container command named brings its subcommands along.
    let wanted: Vec<usize> = if args.len() == 2 {
        (0..table.len()).collect()
    } else {
        args.iter()
            .skip(2)
            .filter_map(|n| table.lookup_full(n))
            .flat_map(|idx| std::iter::once(idx).chain(table.subcommands(idx)))
            .collect()
    };
    let list: Vec<usize> = wanted.into_iter().filter(|&i| ctx.st.cmdstats[i].calls > 0).collect();
    ctx.reply.map(list.len());
    for idx in list {
        let stat = ctx.st.cmdstats[idx];
        let hist = ctx.st.histograms.get(idx).copied().unwrap_or([0; 40]);
        ctx.reply.bulk(table.full_name(idx).as_bytes());
        ctx.reply.map(2);
        ctx.reply.bulk(b"calls");
        ctx.reply.int(stat.calls as i64);
        ctx.reply.bulk(b"histogram_usec");
        let mut points = Vec::new();
        let mut cumulative = 0;
        for (bucket, &count) in hist.iter().enumerate() {
            if count > 0 {
                cumulative += count;
                points.push((1u64 << bucket, cumulative));
            }
        }
        ctx.reply.map(points.len());
        for (us, count) in points {
            ctx.reply.int(us as i64);
            ctx.reply.int(count as i64);
        }
    }
}

/// `LATENCY HELP`
pub fn latency_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "LATENCY",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    );
}

/// `LATENCY DOCTOR`: a report in words on every event seen, with advice.
pub fn latency_doctor(ctx: &mut Ctx, _args: &Args) {
    let now = crate::server::now_ms() / 1000;
    let mut events: Vec<(&'static str, &LatencyEvent)> = ctx.st.latency.iter().map(|(n, e)| (*n, e)).collect();
    events.sort_by_key(|(name, _)| *name);
    let report = doctor_report(
        &events,
        now,
        ctx.st.config.latency_threshold_ms,
        ctx.st.config.slowlog_slower_than,
        ctx.st.config.hz,
    );
    ctx.reply.verbatim(b"txt", report.as_bytes());
}

/// `LATENCY GRAPH event`: the event's samples as an ASCII sparkline.
pub fn latency_graph(ctx: &mut Ctx, args: &Args) {
    let now = crate::server::now_ms() / 1000;
    let name = String::from_utf8_lossy(&args[2]);
    let Some(event) = ctx.st.latency.get(name.as_ref()).filter(|e| !e.samples.is_empty()) else {
        ctx.reply
            .error_fmt(format_args!("ERR No samples available for event '{name}'"));
        return;
    };
    let graph = graph(&name, event, now);
    ctx.reply.verbatim(b"txt", graph.as_bytes());
}

/// What DOCTOR says about one event's samples.
struct Analysis {
    samples: u64,
    avg: u64,
    /// Mean absolute deviation from `avg`.
    mad: u64,
    /// Seconds from the oldest sample to now (at least 1).
    period: u64,
}

fn analyze(event: &LatencyEvent, now: u64) -> Analysis {
    let samples = event.samples.len() as u64;
    let sum: u64 = event.samples.iter().map(|&(_, ms)| ms).sum();
    let avg = sum.checked_div(samples).unwrap_or(0);
    let oldest = event.samples.iter().map(|&(t, _)| t).min().unwrap_or(now);
    let deviation: u64 = event.samples.iter().map(|&(_, ms)| ms.abs_diff(avg)).sum();
    Analysis {
        samples,
        avg,
        mad: deviation.checked_div(samples).unwrap_or(0),
        period: now.saturating_sub(oldest).max(1),
    }
}

/// The pieces of advice DOCTOR can give, in the order it gives them.
#[derive(Default)]
struct Advice {
    slowlog_enable: bool,
    slowlog_tune: bool,
    slowlog_inspect: bool,
    scheduler: bool,
    hz: bool,
    large_objects: bool,
}

/// Redis's LATENCY DOCTOR text for `events`, given the latency monitor's
/// threshold (ms), `slowlog-log-slower-than` (µs) and `hz`.
fn doctor_report(events: &[(&str, &LatencyEvent)], now: u64, threshold_ms: u64, slowlog_us: i64, hz: u64) -> String {
    use std::fmt::Write as _;
    if threshold_ms == 0 && events.is_empty() {
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. \
                You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. \
                If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
            .to_string();
    }
    if events.is_empty() {
        return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. \
                I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
            .to_string();
    }
    let mut report = String::from(
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n",
    );
    let mut advice = Advice::default();
    for (i, (name, event)) in events.iter().enumerate() {
        let a = analyze(event, now);
        let _ = writeln!(
            report,
            "{}. {name}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2} sec). Worst all time event {}ms.",
            i + 1,
            a.samples,
            a.avg,
            a.mad,
            a.period as f64 / a.samples as f64,
            event.max
        );
        match *name {
            "command" => {
                if slowlog_us == 0 {
                    advice.slowlog_enable = true;
                } else if slowlog_us / 1000 > threshold_ms as i64 {
                    advice.slowlog_tune = true;
                }
                advice.slowlog_inspect = true;
                advice.large_objects = true;
            }
            "fast-command" => advice.scheduler = true,
            "expire-cycle" => {
                advice.hz = true;
                advice.large_objects = true;
            }
            "eviction-cycle" => advice.large_objects = true,
            _ => {}
        }
    }
    let lines = [
        (
            advice.slowlog_enable,
            format!(
                "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.",
                threshold_ms * 1000
            ),
        ),
        (
            advice.slowlog_tune,
            format!(
                "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {}'.",
                threshold_ms * 1000
            ),
        ),
        (
            advice.slowlog_inspect,
            "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.".to_string(),
        ),
        (
            advice.scheduler,
            "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  \
             1) Lower the system load.\n  \
             2) Use a computer / VM just for Redis if you are running other software in the same system.\n  \
             3) Check if you have a \"noisy neighbour\" problem.\n  \
             4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  \
             5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.".to_string(),
        ),
        (
            advice.hz && hz < 100,
            "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.".to_string(),
        ),
        (
            advice.large_objects,
            "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.".to_string(),
        ),
    ];
    let given: Vec<&String> = lines.iter().filter(|(on, _)| *on).map(|(_, text)| text).collect();
    if given.is_empty() {
        report.push_str(
            "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n",
        );
    } else {
        report.push_str("\nI have a few advices for you:\n\n");
        for text in given {
            report.push_str(text);
            report.push('\n');
        }
    }
    report
}

/// Width of a GRAPH in columns, and its height in rows.
const GRAPH_COLUMNS: usize = 80;
const GRAPH_ROWS: usize = 4;

/// An event's samples as Redis's LATENCY GRAPH draws them: a title line,
/// a rule, then a sparkline of `GRAPH_ROWS` rows (three levels per row,
/// filled below the top) with each sample's age written downwards under
/// its column; past `GRAPH_COLUMNS` samples the sparkline wraps.
fn graph(name: &str, event: &LatencyEvent, now: u64) -> String {
    let values: Vec<u64> = event.samples.iter().map(|&(_, ms)| ms).collect();
    let (low, high) = (
        values.iter().copied().min().unwrap_or(0),
        values.iter().copied().max().unwrap_or(0),
    );
    let labels: Vec<String> = event
        .samples
        .iter()
        .map(|&(t, _)| {
            let age = now.saturating_sub(t);
            match age {
                0..60 => format!("{age}s"),
                60..3600 => format!("{}m", age / 60),
                3600..86400 => format!("{}h", age / 3600),
                _ => format!("{}d", age / 86400),
            }
        })
        .collect();
    let mut out = format!(
        "{name} - high {high} ms, low {low} ms (all time high {} ms)\n{}\n",
        event.max,
        "-".repeat(GRAPH_COLUMNS)
    );
    let mut start = 0;
    while start < values.len() {
        let end = (start + GRAPH_COLUMNS).min(values.len());
        if start != 0 {
            out.push('\n');
        }
        sparkline(&mut out, &values[start..end], &labels[start..end], low, high);
        start = end;
    }
    out
}

/// Draws one band of a sparkline: each value's level among
/// `GRAPH_ROWS * 3` steps between `low` and `high` (`_`, `o`, `#` from
/// the lowest third of a row up, `|` below the top), then one blank row
/// and the labels, one character per row.
fn sparkline(out: &mut String, values: &[u64], labels: &[String], low: u64, high: u64) {
    const LEVELS: [char; 3] = ['_', 'o', '#'];
    let steps = GRAPH_ROWS * LEVELS.len();
    let range = if high == low { 1.0 } else { (high - low) as f64 };
    let step_of = |v: u64| (((v - low) as f64 * steps as f64 / range) as usize).min(steps - 1);
    for row in 0..GRAPH_ROWS {
        // The lowest step this row draws.
        let base = (GRAPH_ROWS - row - 1) * LEVELS.len();
        for &v in values {
            let step = step_of(v);
            out.push(match step.checked_sub(base) {
                Some(i) if i < LEVELS.len() => LEVELS[i],
                Some(_) => '|',
                None => ' ',
            });
        }
        out.push('\n');
    }
    let tallest = labels.iter().map(String::len).max().unwrap_or(0);
    out.push_str(&" ".repeat(values.len()));
    out.push('\n');
    for line in 0..tallest {
        for label in labels {
            out.push(label.as_bytes().get(line).map_or(' ', |&c| char::from(c)));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(samples: &[(u64, u64)]) -> LatencyEvent {
        LatencyEvent {
            samples: samples.to_vec(),
            max: samples.iter().map(|s| s.1).max().unwrap_or(0),
        }
    }

    /// As redis-server 7.0.15 answers after one DEBUG SLEEP 0.2 with a
    /// 100 ms threshold.
    #[test]
    fn graph_of_one_sample() {
        let g = graph("command", &event(&[(1000, 200)]), 1000);
        assert_eq!(
            g,
            format!(
                "command - high 200 ms, low 200 ms (all time high 200 ms)\n{}\n \n \n \n_\n \n0\ns\n",
                "-".repeat(80)
            )
        );
    }

    #[test]
    fn graph_levels_and_labels() {
        let g = graph("command", &event(&[(880, 100), (940, 150), (1000, 400)]), 1000);
        let rows: Vec<&str> = g.lines().skip(2).collect();
        assert_eq!(rows, ["  #", "  |", "  |", "_#|", "   ", "210", "mms"]);
    }

    #[test]
    fn doctor_texts() {
        assert!(doctor_report(&[], 0, 0, 10000, 10).starts_with("I'm sorry, Dave"));
        assert!(doctor_report(&[], 0, 100, 10000, 10).starts_with("Dave, no latency spike"));
        let e = event(&[(999, 300), (1000, 500)]);
        let r = doctor_report(&[("command", &e)], 1000, 200, 10000, 10);
        assert!(r.contains(
            "1. command: 2 latency spikes (average 400ms, mean deviation 100ms, period 0.50 sec). Worst all time event 500ms.\n"
        ));
        assert!(r.contains("\nI have a few advices for you:\n\n- Check your Slow Log"));
    }
}
