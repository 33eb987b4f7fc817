#!/usr/bin/env bash
# Probe latency while the dataset grows, loopkv against redis-server, for
# every mode of benches/growth_stall.rs (10M keys, half with TTLs; a 5M
# member hash and sorted set; 2M Pub/Sub channels; 1M keys in the
# client-side caching table), each followed by a FLUSHALL. Each run starts
# its server fresh on a loopback port and stops it by PID.
#
#   benches/growth_stall.sh [extra growth_stall options, e.g. --keys 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bench growth_stall >/dev/null 2>&1 || cargo build --release --benches
bench=$(ls -t target/release/deps/growth_stall-* | grep -v '\.d$' | head -1)
cargo build --release >/dev/null
port=7313
for mode in keys collections channels tracking; do
    for name in loopkv redis; do
        if [ "$name" = loopkv ]; then
            target/release/loopkv --port $port --bind 127.0.0.1 --save '' >/dev/null 2>&1 &
        else
            redis-server --port $port --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
        fi
        pid=$!
        sleep 0.5
        echo "== $name"
        "$bench" --port $port --mode $mode --flush "$@"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    done
done
