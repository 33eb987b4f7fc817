#!/usr/bin/env python3
"""Master write throughput with and without replicas, loopkv against redis-server.

For each round, and for each server (loopkv's release binary, then
redis-server), a master is started alone and then with two replicas of
its own kind; `redis-benchmark -t set -P 16` runs against the master.
While replicas are attached, a probe measures replication lag: every
10 ms it writes a sequence number to the master and times how long the
first replica takes to show it.

Reports the median requests/s of each setup, the ratios the issue asks
about (loopkv with two replicas / without; loopkv / redis-server, both
with two replicas) and the probe's lag percentiles. On a machine with
fewer cores than processes the throughput ratio mostly measures CPU
sharing, so it also reports the master's own CPU time per SET (from
/proc/<pid>/stat, over the benchmark run): what replication costs the
master itself.

    cargo build --release
    python3 benches/replication_compare.py [--rounds 5] [--requests 300000]
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOOPKV = os.path.join(ROOT, "target", "release", "loopkv")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conn:
    """A minimal RESP client for INFO, SET and GET."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def cmd(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.reply()

    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        line = self.line()
        if line[:1] == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.s.recv(65536)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        return line


def start(kind, port, workdir, replicaof=None):
    d = tempfile.mkdtemp(dir=workdir)
    common = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--dir", d, "--repl-diskless-sync-delay", "0"]
    if replicaof:
        common += ["--replicaof", "127.0.0.1", str(replicaof)]
    exe = LOOPKV if kind == "loopkv" else "redis-server"
    proc = subprocess.Popen([exe] + common, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            if Conn(port).cmd("PING") == b"+PONG":
                return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{kind} did not start on {port}")


def info_field(port, section, field):
    text = Conn(port).cmd("INFO", section).decode()
    for l in text.splitlines():
        if l.startswith(field + ":"):
            return l.split(":", 1)[1]
    return None


def wait_synced(replica_ports):
    deadline = time.time() + 30
    while time.time() < deadline:
        if all(info_field(p, "replication", "master_link_status") == "up" for p in replica_ports):
            return
        time.sleep(0.05)
    raise RuntimeError("replicas did not sync")


def probe_lag(master, replica, stop, out):
    m, r = Conn(master), Conn(replica)
    seq = 0
    while not stop.is_set():
        seq += 1
        t0 = time.perf_counter()
        m.cmd("SET", "lag:probe", seq)
        while r.cmd("GET", "lag:probe") != str(seq).encode():
            if stop.is_set():
                return
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.01)


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(kind, replicas, requests, workdir):
    mport = free_port()
    procs = [start(kind, mport, workdir)]
    rports = []
    try:
        for _ in range(replicas):
            p = free_port()
            procs.append(start(kind, p, workdir, replicaof=mport))
            rports.append(p)
        if rports:
            wait_synced(rports)
        lags, stop = [], threading.Event()
        prober = None
        if rports:
            prober = threading.Thread(target=probe_lag, args=(mport, rports[0], stop, lags))
            prober.start()
        cpu0 = cpu_seconds(procs[0].pid)
        out = subprocess.run(
            ["redis-benchmark", "-p", str(mport), "-t", "set", "-P", "16", "-n", str(requests),
             "-c", "50", "-r", "100000", "--csv"],
            capture_output=True, text=True, timeout=300).stdout
        cpu = cpu_seconds(procs[0].pid) - cpu0
        stop.set()
        if prober:
            prober.join()
        rps = None
        for l in out.splitlines():
            cells = [c.strip('"') for c in l.split(",")]
            if cells and cells[0] == "SET":
                rps = float(cells[1])
        return rps, lags, cpu * 1e6 / requests
    finally:
        for p in procs:
            p.kill()
            p.wait()


def pct(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=300000)
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="loopkv-replbench-")
    results = {}
    cpus = {}
    lags = {}
    try:
        for r in range(args.rounds):
            for kind in ("loopkv", "redis-server"):
                for replicas in (0, 2):
                    rps, lag, us = run_once(kind, replicas, args.requests, workdir)
                    results.setdefault((kind, replicas), []).append(rps)
                    cpus.setdefault((kind, replicas), []).append(us)
                    lags.setdefault(kind, []).extend(lag)
                    print(f"round {r + 1}: {kind} with {replicas} replicas: {rps:.0f} SET/s, "
                          f"master CPU {us:.2f} us/SET", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    print()
    print("| server | replicas | median SET/s (-P 16, -c 50) | master CPU per SET (median) |")
    print("|---|---|---|---|")
    for (kind, replicas), v in sorted(med.items()):
        print(f"| {kind} | {replicas} | {v:.0f} | {cpu[(kind, replicas)]:.2f} us |")
    print()
    for kind in ("loopkv", "redis-server"):
        print(f"{kind} master CPU per SET, 2 replicas / none: {cpu[(kind, 2)] / cpu[(kind, 0)]:.2f}")
    print(f"loopkv with 2 replicas / without: {med[('loopkv', 2)] / med[('loopkv', 0)]:.2f}")
    print(f"redis-server with 2 replicas / without: {med[('redis-server', 2)] / med[('redis-server', 0)]:.2f}")
    print(f"loopkv / redis-server, both with 2 replicas: {med[('loopkv', 2)] / med[('redis-server', 2)]:.2f}")
    for kind, v in lags.items():
        print(f"{kind} replica lag (ms, {len(v)} probes): p50 {pct(v, 0.5):.2f}, p99 {pct(v, 0.99):.2f}, max {max(v):.2f}")


if __name__ == "__main__":
    main()
