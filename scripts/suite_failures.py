#!/usr/bin/env python3
"""Lists every test of Redis's suite that loopkv fails, with the feature it
needs, from run.sh result directories (their failed_tests.txt).

Usage: scripts/suite_failures.py EXTERNAL_DIR INTERNAL_DIR > tests/redis-suite-failures.md

A test is put under the first feature whose pattern its error message
matches; a few tests fail only because an earlier test that needs a
feature left state behind, and are named in CASCADES with that cause.
"""

import re
import sys

FEATURES = [
    ("A forked child (loopkv saves without fork)", r"child process exited abnormally|get_child_pid|child sending info|has child process|bg_unlink"),
    ("Replication (issue 12)", r"replication_stream|SYNC|replicaof|REPLICAOF|slaveof|on slave|--replica|Connecting as a replica|pid\" not known|replicated to replica|on replica|read only replica|REPLCONF|replication to replica"),
    ("Streams", r"(?i)xadd|xgroup|xread|stream"),
    ("Crash on corrupt input (loopkv validates every payload)", r"ASSERTION FAILED|Bad data format"),
    ("CLUSTER", r"CLUSTER RESET"),
    ("Scripting and functions (issue 10)", r"(?i)\beval|evalsha|eval_ro|'script'|FUNCTION HELP|scripts|Lua|NOSCRIPT"),
    ("Eviction (issue 11)", r"maxmemory|evict"),
    ("ACL users", r"(?i)'acl'"),
    ("MIGRATE", r"(?i)migrate"),
    ("HyperLogLog", r"(?i)pfadd"),
    ("CLUSTER", r"cluster\|help"),
    ("DEBUG CONFIG-REWRITE-FORCE-ALL (needs every directive's rewrite rules)", r"config-rewrite-force-all"),
    ("Redis's C function names in a stack trace (loopkv's trace names its own Rust functions)", r"debugCommand"),
    ("Crash reports and the watchdog", r"(?i)watchdog|STACK TRACE"),
    ("Timing: the diskless rdb-pipe drop tests race the transfer", r"rdb pipe"),
    ("Big frees on the lazy-free thread (the expire cycle never stalls, so records no expire-cycle latency)", r"expire-cycle"),
]

# Tests that fail because an earlier test needing a feature left state
# behind (a client inside MULTI, keys, a tracking client).
CASCADES = {
    "MOVE basic usage": "Streams (the two COPY stream tests before it fail and leave their keys in the database)",
    "Keyspace notifications: new key test": "Eviction (issue 11) (the evicted-events test before it leaves its key)",
    "Tracking info is correct": "Scripting and functions (issue 10) (a script test before it leaves a tracking client)",
    "EXEC with only read commands should not be rejected when OOM": "Replication (issue 12) (the REPLICAOF test before it leaves the client inside MULTI)",
    "EXEC with at least one use-memory command should fail": "Replication (issue 12) (same MULTI left open)",
    "MULTI with SAVE": "Replication (issue 12) (same MULTI left open)",
    "MULTI with SHUTDOWN": "Replication (issue 12) (same MULTI left open)",
    "MULTI with config error": "Replication (issue 12) (same MULTI left open)",
    "Flushall while watching several keys by one client": "Replication (issue 12) (same MULTI left open)",
    "MIGRATE command is marked with movablekeys": "MIGRATE",
    "Process title set as expected": "proc-title-template: loopkv does not rewrite its argv memory to change /proc/PID/cmdline",
    "XREAD command is marked with movablekeys": "Streams",
    "EVAL command is marked with movablekeys": "Scripting and functions (issue 10)",
    "COMMAND LIST FILTERBY ACLCAT - list all commands/subcommands": "Scripting and functions (issue 10) (EVAL is listed)",
    "COMMAND LIST FILTERBY PATTERN - list all commands/subcommands": "CLUSTER (cluster|help is listed)",
    "EXEC and script timeout": "Scripting and functions (issue 10)",
    "just EXEC and script timeout": "Scripting and functions (issue 10)",
    "Test scripts are blocked by pause RO": "Scripting and functions (issue 10)",
    "For all replicated TTL-related commands, absolute expire times are identical on primary and replica": "Replication (issue 12)",
    "MULTI with BGREWRITEAOF": "A forked child (waits for INFO total_forks to rise)",
    "MULTI with config set appendonly": "A forked child (waits for INFO total_forks to rise)",
    "errorstats: failed call within LUA": "Streams (the script calls XGROUP)",
    "FUNCTION - test replication to replica on rdb phase info command": "Replication (issue 12)",
    "AOF rewrite doesn't open new aof when AOF turn off": "A forked child (the skipped test that kills the rewrite child leaves the manifest at another sequence)",
    "AOF enable/disable auto gc": "A forked child (manifest left by the skipped child-killing test)",
    "AOF can produce consecutive sequence number after reload": "A forked child (manifest left by the skipped child-killing test)",
    "AOF enable during BGSAVE will not write data util AOFRW finish": "A forked child (manifest left by the skipped child-killing test)",
    "AOF will trigger limit when AOFRW fails many times": "A forked child (manifest left by the skipped child-killing test)",
    "corrupt payload: listpack too long entry len": "Crash on corrupt input (Redis asserts on it; loopkv refuses the payload)",
    "corrupt payload: listpack very long entry len": "Crash on corrupt input (Redis asserts on it; loopkv refuses the payload)",
    "corrupt payload: fuzzer findings - gcc asan reports false leak on assert": "Crash on corrupt input (Redis asserts on it; loopkv refuses the payload)",
}


def classify(name, reason):
    if name in CASCADES:
        return CASCADES[name]
    # The harness's "(context: type eval line N ...)" is not about EVAL.
    reason = reason.split("(context:")[0]
    for feature, pattern in FEATURES:
        if re.search(pattern, reason) or re.search(pattern, name):
            return feature
    return "Not classified: " + reason[:160]


def read(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append(parts[:3])
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = [
        "# Redis 7.0.15 suite: the tests loopkv fails, and what each needs",
        "",
        "Generated by `scripts/suite_failures.py` from the last run of the units in",
        "`tests/redis-suite.tsv` (see README, \"Redis's own test suite\").",
        "",
    ]
    for mode, directory in (("external", sys.argv[1]), ("internal", sys.argv[2])):
        out.append("## %s mode" % mode.capitalize())
        out.append("")
        out.append("| unit | test | needs |")
        out.append("|---|---|---|")
        seen = set()
        for unit, name, reason in read(directory + "/failed_tests.txt"):
            if (unit, name) in seen:
                continue
            seen.add((unit, name))
            needs = classify(name, reason).replace("|", "\\|")
            out.append("| %s | %s | %s |" % (unit, name.replace("|", "\\|"), needs))
        out.append("")
    print("\n".join(out))


main()
