//! The per-command latency histogram behind INFO latencystats, with the
//! layout of the HdrHistogram Redis 7.0 uses for it (`hdr_init(1,
//! 1000000000, 2)`: values 1 ns to 1 s, two significant figures), so that
//! percentiles come out as Redis's do: a value is reported as the highest
//! value its bucket stands for (1000 ns reads back as 1003 ns).

/// 2 significant figures: single-unit resolution up to 200, so 256
/// sub-buckets, half of them per bucket after the first.
const SUB_BUCKET_COUNT_MAGNITUDE: u32 = 8;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = SUB_BUCKET_COUNT_MAGNITUDE - 1;
const SUB_BUCKET_COUNT: i64 = 1 << SUB_BUCKET_COUNT_MAGNITUDE;
const SUB_BUCKET_HALF_COUNT: i64 = SUB_BUCKET_COUNT / 2;
const SUB_BUCKET_MASK: i64 = SUB_BUCKET_COUNT - 1;
/// Buckets needed to cover 1e9 with 256 sub-buckets (256 << 22 > 1e9).
const BUCKET_COUNT: usize = 23;
const COUNTS_LEN: usize = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT as usize;

/// Values recorded are clamped to this range (Redis's
/// `LATENCY_HISTOGRAM_LOWEST_VALUE` / `_HIGHEST_VALUE`, in ns).
pub const LOWEST: i64 = 1;
pub const HIGHEST: i64 = 1_000_000_000;

/// Only the buckets that were hit are stored, as (index, count) sorted by
/// index: a command's latencies fall in a few dozen buckets, so this takes
/// hundreds of bytes where Redis's dense array takes 24 KiB per command.
#[derive(Clone)]
pub struct Hdr {
    counts: Vec<(u16, u64)>,
    total: u64,
}

impl Default for Hdr {
    fn default() -> Self {
        Hdr::new()
    }
}

fn bucket_index(value: i64) -> u32 {
    let pow2ceiling = 64 - (value | SUB_BUCKET_MASK).leading_zeros();
    pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1)
}

fn sub_bucket_index(value: i64, bucket: u32) -> i64 {
    value >> bucket
}

fn counts_index(value: i64) -> usize {
    let bucket = bucket_index(value);
    let sub = sub_bucket_index(value, bucket);
    let base = ((bucket as i64) + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    (base + sub - SUB_BUCKET_HALF_COUNT) as usize
}

fn value_at_index(index: usize) -> i64 {
    let mut bucket = (index as i64 >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
    let mut sub = (index as i64 & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
    if bucket < 0 {
        sub -= SUB_BUCKET_HALF_COUNT;
        bucket = 0;
    }
    sub << bucket
}

fn lowest_equivalent(value: i64) -> i64 {
    let bucket = bucket_index(value);
    sub_bucket_index(value, bucket) << bucket
}

fn highest_equivalent(value: i64) -> i64 {
    let bucket = bucket_index(value);
    let sub = sub_bucket_index(value, bucket);
    let adjusted = if sub >= SUB_BUCKET_COUNT { bucket + 1 } else { bucket };
    lowest_equivalent(value) + (1i64 << adjusted) - 1
}

impl Hdr {
    pub fn new() -> Hdr {
        Hdr {
            counts: Vec::new(),
            total: 0,
        }
    }

    /// Records one value, clamped to [`LOWEST`]..=[`HIGHEST`].
    pub fn record(&mut self, value: i64) {
        let i = counts_index(value.clamp(LOWEST, HIGHEST));
        debug_assert!(i < COUNTS_LEN);
        match self.counts.binary_search_by_key(&(i as u16), |&(at, _)| at) {
            Ok(pos) => self.counts[pos].1 += 1,
            Err(pos) => self.counts.insert(pos, (i as u16, 1)),
        }
        self.total += 1;
    }

    /// `hdr_value_at_percentile`: the highest value equivalent to the one
    /// at `percentile` (the lowest for 0); 0 when nothing was recorded.
    pub fn value_at_percentile(&self, percentile: f64) -> i64 {
        let requested = percentile.min(100.0);
        let wanted = (((requested / 100.0) * self.total as f64) + 0.5) as i64;
        let wanted = wanted.max(1) as u64;
        let mut seen = 0;
        let mut value = 0;
        for &(i, c) in &self.counts {
            seen += c;
            if seen >= wanted {
                value = value_at_index(i as usize);
                break;
            }
        }
        if percentile == 0.0 {
            lowest_equivalent(value)
        } else {
            highest_equivalent(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_read_back_as_redis_reports_them() {
        let mut h = Hdr::new();
        // 1 us recorded as 1000 ns: Redis shows p50=1.003.
        h.record(1000);
        assert_eq!(h.value_at_percentile(50.0), 1003);
        // Single-unit resolution below 256.
        let mut h = Hdr::new();
        h.record(100);
        assert_eq!(h.value_at_percentile(99.9), 100);
        // p50 of 1, 2, 3, 4 ms.
        let mut h = Hdr::new();
        for ms in 1..=4 {
            h.record(ms * 1_000_000);
        }
        assert_eq!(h.value_at_percentile(50.0), 2_007_039);
        assert_eq!(h.value_at_percentile(100.0), 4_014_079);
        // Out of range values are clamped, never lost.
        let mut h = Hdr::new();
        h.record(5_000_000_000);
        assert_eq!(h.value_at_percentile(50.0), highest_equivalent(HIGHEST));
    }
}
