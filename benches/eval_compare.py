#!/usr/bin/env python3
"""EVALSHA throughput and server CPU per call: loopkv against redis-server.

Usage: benches/eval_compare.py [--rounds N] [--requests N] [--loopkv PATH]

Each round starts both servers fresh (loopback, no persistence), loads the
two scripts of issue 10's target with SCRIPT LOAD, and runs redis-benchmark
(50 clients) on each server back to back for every workload:

  INCR_P1, INCR_P16     EVALSHA of `return redis.call('incr', KEYS[1])`
  HSET10_P1, HSET10_P16 EVALSHA of a script doing 10 HSETs on KEYS[1]

It prints, per workload, the median requests/s of each server, the ratio
loopkv/redis, and the server CPU time per call (user+system from
/proc/PID/stat across the run, divided by the requests) and its ratio.
Medians over rounds: the machine is noisy.
"""

import argparse
import os
import socket
import statistics
import subprocess
import time

INCR = "return redis.call('incr', KEYS[1])"
HSET10 = "for i = 1, 10 do redis.call('hset', KEYS[1], 'f' .. i, ARGV[1]) end return 10"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True).stdout.strip()


def start(cmd, port):
    proc = subprocess.Popen(cmd + ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if cli(port, "ping") == "PONG":
            return proc
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{cmd[0]} did not start")


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def bench(port, pid, sha, key, pipeline, requests):
    before = cpu_ticks(pid)
    out = subprocess.run(
        ["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-P", str(pipeline), "-q",
         "evalsha", sha, "1", key, "v"],
        capture_output=True, text=True)
    out = out.stdout + out.stderr
    cpu = (cpu_ticks(pid) - before) / os.sysconf("SC_CLK_TCK")
    lines = [x for x in out.replace("\r", "\n").splitlines() if "requests per second" in x]
    if not lines:
        raise SystemExit(f"redis-benchmark on port {port} gave no figure: {out[-300:]!r}")
    line = lines[-1]
    rps = float(line.split(" requests per second")[0].rsplit(" ", 1)[1].replace(",", ""))
    return rps, cpu * 1e6 / requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--loopkv", default="target/release/loopkv")
    a = ap.parse_args()
    servers = {"loopkv": [a.loopkv], "redis": ["redis-server"]}
    workloads = [("INCR_P1", INCR, 1), ("INCR_P16", INCR, 16), ("HSET10_P1", HSET10, 1), ("HSET10_P16", HSET10, 16)]
    results = {(w, s): [] for w, _, _ in workloads for s in servers}
    for r in range(a.rounds):
        for name, cmd in servers.items():
            port = free_port()
            proc = start(cmd, port)
            try:
                for w, body, pipeline in workloads:
                    sha = cli(port, "script", "load", body)
                    n = a.requests * (4 if pipeline > 1 else 1)
                    results[(w, name)].append(bench(port, proc.pid, sha, "bench:" + w, pipeline, n))
            finally:
                proc.terminate()
                proc.wait()
        print(f"round {r + 1}/{a.rounds} done", flush=True)
    print(f"{'workload':<12} {'loopkv rps':>11} {'redis rps':>11} {'rps ratio':>9} "
          f"{'loopkv us/call':>14} {'redis us/call':>13} {'cpu ratio':>9}")
    for w, _, _ in workloads:
        lr = statistics.median(x[0] for x in results[(w, "loopkv")])
        rr = statistics.median(x[0] for x in results[(w, "redis")])
        lc = statistics.median(x[1] for x in results[(w, "loopkv")])
        rc = statistics.median(x[1] for x in results[(w, "redis")])
        print(f"{w:<12} {lr:>11.0f} {rr:>11.0f} {lr / rr:>9.2f} {lc:>14.2f} {rc:>13.2f} {lc / rc:>9.2f}")


if __name__ == "__main__":
    main()
