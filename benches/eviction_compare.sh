#!/usr/bin/env bash
# Hit ratio and keys held at the same maxmemory, loopkv against
# redis-server, for allkeys-lru and allkeys-lfu on the Zipf and scan
# workloads of benches/eviction_hits.rs. Each run starts both servers
# fresh on loopback ports and stops them by PID.
#
#   benches/eviction_compare.sh [extra eviction_hits options, e.g. --requests 5000000]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bench eviction_hits >/dev/null 2>&1 || cargo build --release --benches
bench=$(ls -t target/release/deps/eviction_hits-* | grep -v '\.d$' | head -1)
cargo build --release >/dev/null
port_a=7311
port_b=7312
for workload in zipf scan; do
    for policy in allkeys-lru allkeys-lfu; do
        target/release/loopkv --port $port_a --bind 127.0.0.1 --save '' >/dev/null 2>&1 &
        pid_a=$!
        redis-server --port $port_b --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
        pid_b=$!
        sleep 0.5
        for port in $port_a $port_b; do
            name=loopkv
            [ "$port" = "$port_b" ] && name=redis
            printf '%-7s ' "$name"
            "$bench" --port "$port" --workload "$workload" --policy "$policy" "$@"
        done
        kill "$pid_a" "$pid_b"
        wait "$pid_a" "$pid_b" 2>/dev/null || true
    done
done
