//! The start of a log line in Redis's format:
//! `pid:M 26 Nov 2026 19:40:01.123 * ` (the mark is `#` for warnings, `*`
//! notices, `-` verbose, `.` debug). The binary's logger and the crash
//! reports (`crate::crash`) both write it.

/// `pid:M dd Mon yyyy hh:mm:ss.mmm <mark> ` for now.
pub fn prefix(mark: char) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let ms = crate::server::now_ms();
    let (secs, millis) = ((ms / 1000) as i64, ms % 1000);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    format!(
        "{}:M {d:02} {} {y} {:02}:{:02}:{:02}.{millis:03} {mark} ",
        std::process::id(),
        MONTHS[(m - 1) as usize],
        tod / 3600,
        tod / 60 % 60,
        tod % 60,
    )
}

/// Civil date from days since the epoch (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(20_795), (2026, 12, 8));
        assert_eq!(civil(-1), (1969, 12, 31));
    }
}
