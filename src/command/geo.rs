//! GEO commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS[_RO],
//! GEORADIUSBYMEMBER[_RO], GEOSEARCH and GEOSEARCHSTORE, as Redis 7.0
//! has them. A geo set is a sorted set whose scores are 52-bit geohashes
//! (26 bits of longitude and of latitude, interleaved); a search visits
//! the same nine geohash boxes Redis visits, in the same order, so
//! unsorted results come back in Redis's order too.

use super::table::{CommandDef, c, flags::*};
use super::zset::{limits, store_result, zadd, zset_ref};
use super::{Args, Ctx, notify};
use crate::db::Kind;
use crate::db::zset::{AddFlags, ZSet};
use crate::resp::reply::Reply;
use crate::util::number::{LongDouble, parse_f64, parse_i64};

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("geoadd", -5, WRITE | DENYOOM, (1, 1, 1), "geo", geoadd),
    c("geodist", -4, READONLY, (1, 1, 1), "geo", geodist),
    c("geohash", -2, READONLY, (1, 1, 1), "geo", geohash),
    c("geopos", -2, READONLY, (1, 1, 1), "geo", geopos),
    c("georadius", -6, WRITE | DENYOOM, (1, 1, 1), "geo", georadius),
    c("georadius_ro", -6, READONLY, (1, 1, 1), "geo", georadius_ro),
    c("georadiusbymember", -5, WRITE | DENYOOM, (1, 1, 1), "geo", georadiusbymember),
    c("georadiusbymember_ro", -5, READONLY, (1, 1, 1), "geo", georadiusbymember_ro),
    c("geosearch", -7, READONLY, (1, 1, 1), "geo", geosearch),
    c("geosearchstore", -8, WRITE | DENYOOM, (1, 2, 1), "geo", geosearchstore),
];

// ---- geohash ---------------------------------------------------------------------

const STEP_MAX: u32 = 26;
const LAT_MIN: f64 = -85.05112878;
const LAT_MAX: f64 = 85.05112878;
const LON_MIN: f64 = -180.0;
const LON_MAX: f64 = 180.0;
const EARTH_RADIUS_M: f64 = 6372797.560856;
const MERCATOR_MAX: f64 = 20037726.37;

/// A geohash of `step` bits per coordinate: longitude in the odd bits,
/// latitude in the even ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hash {
    bits: u64,
    step: u32,
}

impl Hash {
    /// The "no box" value a search area leaves out (Redis's GZERO).
    const ZERO: Hash = Hash { bits: 0, step: 0 };

    /// The box's scores in the set: `[min, max)`, as 52-bit values.
    fn score_range(self) -> (f64, f64) {
        let shift = 52 - self.step * 2;
        ((self.bits << shift) as f64, ((self.bits + 1) << shift) as f64)
    }

    /// Moves to the box `dx` columns east (longitude) and `dy` rows north.
    fn moved(self, dx: i8, dy: i8) -> Hash {
        let odd = 0xaaaa_aaaa_aaaa_aaaa_u64;
        let even = 0x5555_5555_5555_5555_u64;
        let width = 64 - self.step * 2;
        let shift = |part: u64, mask: u64, d: i8| -> u64 {
            // `other` fills the bits of the other coordinate with ones, so
            // the carry (or borrow) skips over them.
            let other = (!mask) >> width;
            let part = match d {
                0 => return part,
                1 => part.wrapping_add(other + 1),
                _ => (part | other).wrapping_sub(other + 1),
            };
            part & (mask >> width)
        };
        let x = shift(self.bits & odd, odd, dx);
        let y = shift(self.bits & even, even, dy);
        Hash {
            bits: x | y,
            step: self.step,
        }
    }
}

/// Spreads the low 32 bits of `v` over the even bits of the result.
fn spread(v: u32) -> u64 {
    let mut x = v as u64;
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// The inverse of [`spread`]: the even bits of `v`, packed.
fn squash(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    (x | (x >> 16)) as u32
}

/// A coordinate interval.
#[derive(Debug, Clone, Copy)]
struct Range {
    min: f64,
    max: f64,
}

const LON_RANGE: Range = Range {
    min: LON_MIN,
    max: LON_MAX,
};
const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};

/// Encodes a point at `step` bits per coordinate within the given ranges;
/// None outside them (or outside the Web Mercator limits).
fn encode(lon_range: Range, lat_range: Range, lon: f64, lat: f64, step: u32) -> Option<Hash> {
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return None;
    }
    if lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max {
        return None;
    }
    let cells = (1u64 << step) as f64;
    let lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min) * cells;
    let lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min) * cells;
    Some(Hash {
        bits: spread(lat_offset as u32) | (spread(lon_offset as u32) << 1),
        step,
    })
}

fn encode_wgs84(lon: f64, lat: f64, step: u32) -> Option<Hash> {
    encode(LON_RANGE, LAT_RANGE, lon, lat, step)
}

/// The box a hash stands for.
#[derive(Debug, Clone, Copy)]
struct Area {
    lon: Range,
    lat: Range,
}

fn decode(hash: Hash) -> Area {
    let cells = (1u64 << hash.step) as f64;
    let (lat_i, lon_i) = (squash(hash.bits) as f64, squash(hash.bits >> 1) as f64);
    let at = |r: Range, i: f64| r.min + (i / cells) * (r.max - r.min);
    Area {
        lat: Range {
            min: at(LAT_RANGE, lat_i),
            max: at(LAT_RANGE, lat_i + 1.0),
        },
        lon: Range {
            min: at(LON_RANGE, lon_i),
            max: at(LON_RANGE, lon_i + 1.0),
        },
    }
}

/// The point a stored score stands for: its box's centre, clamped.
fn score_to_point(score: f64) -> (f64, f64) {
    let area = decode(Hash {
        bits: score as u64,
        step: STEP_MAX,
    });
    let lon = ((area.lon.min + area.lon.max) / 2.0).clamp(LON_MIN, LON_MAX);
    let lat = ((area.lat.min + area.lat.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    (lon, lat)
}

fn deg_rad(d: f64) -> f64 {
    d * (std::f64::consts::PI / 180.0)
}

fn rad_deg(r: f64) -> f64 {
    r / (std::f64::consts::PI / 180.0)
}

fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_M * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// Haversine distance in meters, as Redis computes it.
fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let v = ((deg_rad(lon2) - deg_rad(lon1)) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let (lat1r, lat2r) = (deg_rad(lat1), deg_rad(lat2));
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

// ---- search shapes ----------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Extent {
    /// Radius, in the unit given.
    Radius(f64),
    /// Width and height, in the unit given.
    Box(f64, f64),
}

/// A search: its centre, extent and the unit's size in meters.
#[derive(Debug, Clone, Copy)]
struct Shape {
    lon: f64,
    lat: f64,
    extent: Extent,
    unit: f64,
}

impl Shape {
    /// The distance from the centre to (`lon`, `lat`) in meters, if the
    /// point is inside the shape.
    fn contains(&self, lon: f64, lat: f64) -> Option<f64> {
        match self.extent {
            Extent::Radius(r) => {
                let d = distance(self.lon, self.lat, lon, lat);
                (d <= r * self.unit).then_some(d)
            }
            Extent::Box(w, h) => {
                if lat_distance(lat, self.lat) > h * self.unit / 2.0 {
                    return None;
                }
                if distance(lon, lat, self.lon, lat) > w * self.unit / 2.0 {
                    return None;
                }
                Some(distance(self.lon, self.lat, lon, lat))
            }
        }
    }

    /// [min lon, min lat, max lon, max lat] around the shape.
    fn bounding_box(&self) -> [f64; 4] {
        let (half_w, half_h) = match self.extent {
            Extent::Radius(r) => (r, r),
            Extent::Box(w, h) => (w / 2.0, h / 2.0),
        };
        let (width, height) = (half_w * self.unit, half_h * self.unit);
        let lat_delta = rad_deg(height / EARTH_RADIUS_M);
        let lon_delta_top = rad_deg(width / EARTH_RADIUS_M / deg_rad(self.lat + lat_delta).cos());
        let lon_delta_bottom = rad_deg(width / EARTH_RADIUS_M / deg_rad(self.lat - lat_delta).cos());
        // The widest edge is the one nearer the equator.
        let lon_delta = if self.lat < 0.0 {
            lon_delta_bottom
        } else {
            lon_delta_top
        };
        [
            self.lon - lon_delta,
            self.lat - lat_delta,
            self.lon + lon_delta,
            self.lat + lat_delta,
        ]
    }

    /// The geohash boxes to scan, in Redis's order: the centre's box,
    /// then north, south, east, west, north-east, north-west, south-east,
    /// south-west; boxes the shape cannot reach are `Hash::ZERO`.
    fn boxes(&self) -> [Hash; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let radius = match self.extent {
            Extent::Radius(r) => r,
            Extent::Box(w, h) => ((w / 2.0) * (w / 2.0) + (h / 2.0) * (h / 2.0)).sqrt(),
        } * self.unit;
        let mut step = estimate_step(radius, self.lat);
        let at = |step| encode_wgs84(self.lon, self.lat, step).unwrap_or(Hash { bits: 0, step });
        let mut hash = at(step);
        // A neighbour too close to the shape's edge: one step coarser.
        let (n, s, e, w) = (hash.moved(0, 1), hash.moved(0, -1), hash.moved(1, 0), hash.moved(-1, 0));
        let decrease = decode(n).lat.max < max_lat
            || decode(s).lat.min > min_lat
            || decode(e).lon.max < max_lon
            || decode(w).lon.min > min_lon;
        if step > 1 && decrease {
            step -= 1;
            hash = at(step);
        }
        let area = decode(hash);
        let mut b = [
            hash,
            hash.moved(0, 1),
            hash.moved(0, -1),
            hash.moved(1, 0),
            hash.moved(-1, 0),
            hash.moved(1, 1),
            hash.moved(-1, 1),
            hash.moved(1, -1),
            hash.moved(-1, -1),
        ];
        // Leave out the boxes beyond the shape.
        if step >= 2 {
            let (north, south, east, west, ne, nw, se, sw) = (1, 2, 3, 4, 5, 6, 7, 8);
            if area.lat.min < min_lat {
                for i in [south, sw, se] {
                    b[i] = Hash::ZERO;
                }
            }
            if area.lat.max > max_lat {
                for i in [north, ne, nw] {
                    b[i] = Hash::ZERO;
                }
            }
            if area.lon.min < min_lon {
                for i in [west, sw, nw] {
                    b[i] = Hash::ZERO;
                }
            }
            if area.lon.max > max_lon {
                for i in [east, se, ne] {
                    b[i] = Hash::ZERO;
                }
            }
        }
        b
    }
}

/// The geohash precision whose boxes are about `meters` wide (coarser
/// towards the poles).
fn estimate_step(meters: f64, lat: f64) -> u32 {
    if meters == 0.0 {
        return STEP_MAX;
    }
    let (mut range, mut step) = (meters, 1i32);
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, STEP_MAX as i32) as u32
}

/// A member found by a search.
struct Found {
    member: Vec<u8>,
    dist: f64,
    score: f64,
    lon: f64,
    lat: f64,
}

/// The members of `z` inside `shape`, box by box; at most `limit` when
/// not 0 (ANY).
fn search(z: &ZSet, shape: &Shape, limit: usize) -> Vec<Found> {
    let mut found = Vec::new();
    let boxes = shape.boxes();
    let mut last: Option<Hash> = None;
    for hash in boxes {
        if hash == Hash::ZERO {
            continue;
        }
        // Huge radii make neighbours coincide: skip a repeat of the box
        // just scanned.
        if last == Some(hash) {
            continue;
        }
        if limit != 0 && found.len() >= limit {
            break;
        }
        let (min, max) = hash.score_range();
        let lo = z.partition(|s, _| s < min);
        let hi = z.partition(|s, _| s < max);
        for (member, score) in z.range(lo, hi) {
            let (lon, lat) = score_to_point(score);
            if let Some(dist) = shape.contains(lon, lat) {
                found.push(Found {
                    member: member.to_vec(),
                    dist,
                    score,
                    lon,
                    lat,
                });
                if limit != 0 && found.len() >= limit {
                    break;
                }
            }
        }
        last = Some(hash);
    }
    found
}

// ---- argument parsing ------------------------------------------------------------------

/// Parses a float argument, replying `msg` (or Redis's generic message).
fn float_arg(reply: &mut Reply, arg: &[u8], msg: &[u8]) -> Option<f64> {
    let v = parse_f64(arg);
    if v.is_none() {
        reply.error(msg);
    }
    v
}

/// Parses `lon lat` as GEOADD and the searches do.
fn lon_lat(reply: &mut Reply, lon: &[u8], lat: &[u8]) -> Option<(f64, f64)> {
    let lon = float_arg(reply, lon, b"ERR value is not a valid float")?;
    let lat = float_arg(reply, lat, b"ERR value is not a valid float")?;
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        reply.error_fmt(format_args!("ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"));
        return None;
    }
    Some((lon, lat))
}

/// A unit's size in meters.
fn unit_arg(reply: &mut Reply, arg: &[u8]) -> Option<f64> {
    let unit = match arg.to_ascii_lowercase().as_slice() {
        b"m" => 1.0,
        b"km" => 1000.0,
        b"ft" => 0.3048,
        b"mi" => 1609.34,
        _ => {
            reply.error(b"ERR unsupported unit provided. please use M, KM, FT, MI");
            return None;
        }
    };
    Some(unit)
}

/// `radius unit`.
fn radius_arg(reply: &mut Reply, radius: &[u8], unit: &[u8]) -> Option<(f64, f64)> {
    let r = float_arg(reply, radius, b"ERR need numeric radius")?;
    if r < 0.0 {
        reply.error(b"ERR radius cannot be negative");
        return None;
    }
    Some((r, unit_arg(reply, unit)?))
}

/// `width height unit`.
fn box_arg(reply: &mut Reply, width: &[u8], height: &[u8], unit: &[u8]) -> Option<(f64, f64, f64)> {
    let w = float_arg(reply, width, b"ERR need numeric width")?;
    let h = float_arg(reply, height, b"ERR need numeric height")?;
    if h < 0.0 || w < 0.0 {
        reply.error(b"ERR height or width cannot be negative");
        return None;
    }
    Some((w, h, unit_arg(reply, unit)?))
}

/// The position of `member` in the set at `id`.
fn member_point(ctx: &mut Ctx, id: u32, member: &[u8]) -> Option<(f64, f64)> {
    let score = zset_of(ctx, id).score(member)?;
    Some(score_to_point(score))
}

fn zset_of<'a>(ctx: &'a mut Ctx, id: u32) -> &'a ZSet {
    zset_ref(ctx.db(), id)
}

// ---- GEOADD, GEODIST, GEOHASH, GEOPOS ----------------------------------------------------

/// `GEOADD key [NX|XX] [CH] longitude latitude member [...]`: validated
/// here, then done by ZADD with the geohashes as scores (so notifications
/// and replies are ZADD's, as in Redis).
pub fn geoadd(ctx: &mut Ctx, args: &Args) {
    let (mut nx, mut xx) = (false, false);
    let mut at = 2;
    while at < args.len() {
        match args.get(at).to_ascii_lowercase().as_slice() {
            b"nx" => nx = true,
            b"xx" => xx = true,
            b"ch" => {}
            _ => break,
        }
        at += 1;
    }
    if !(args.len() - at).is_multiple_of(3) || (nx && xx) || at == args.len() {
        return ctx.reply.syntax_error();
    }
    let mut zargs: Vec<Vec<u8>> = vec![b"zadd".to_vec(), args[1].to_vec()];
    zargs.extend((2..at).map(|i| args[i].to_vec()));
    for i in (at..args.len()).step_by(3) {
        let Some((lon, lat)) = lon_lat(ctx.reply, &args[i], &args[i + 1]) else {
            return;
        };
        let hash = encode_wgs84(lon, lat, STEP_MAX).map_or(0, |h| h.bits);
        let mut score = Vec::new();
        crate::util::number::write_i64(&mut score, hash as i64);
        zargs.push(score);
        zargs.push(args[i + 2].to_vec());
    }
    let (frame, spans) = super::owned_frame(&zargs);
    zadd(ctx, &Args::new(&frame, &spans));
}

/// `GEODIST key member1 member2 [M|KM|FT|MI]`
pub fn geodist(ctx: &mut Ctx, args: &Args) {
    let unit = match args.len() {
        4 => 1.0,
        5 => match unit_arg(ctx.reply, &args[4]) {
            Some(u) => u,
            None => return,
        },
        _ => return ctx.reply.syntax_error(),
    };
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.null() };
    let (a, b) = (member_point(ctx, id, &args[2]), member_point(ctx, id, &args[3]));
    match (a, b) {
        (Some((lon1, lat1)), Some((lon2, lat2))) => reply_distance(ctx.reply, distance(lon1, lat1, lon2, lat2) / unit),
        _ => ctx.reply.null(),
    }
}

/// A distance as Redis 7.0.15 replies it (`fixedpoint_d2string` with 4
/// decimals): the value times 10^4 rounded to an integer (ties to even),
/// then written with exactly four decimals.
fn reply_distance(reply: &mut Reply, d: f64) {
    if d == 0.0 {
        return reply.bulk(b"0.0000");
    }
    let v = (d * 10000.0).round_ties_even() as i64;
    let sign = if v < 0 { "-" } else { "" };
    let v = v.unsigned_abs();
    reply.bulk(format!("{sign}{}.{:04}", v / 10000, v % 10000).as_bytes());
}

/// A coordinate as Redis replies it (`addReplyHumanLongDouble`).
fn reply_coordinate(reply: &mut Reply, v: f64) {
    let mut out = Vec::new();
    LongDouble::from_f64(v).write_human(&mut out);
    reply.double_text(&out);
}

/// `GEOHASH key [member ...]`: standard 11-character geohashes (the
/// position re-encoded with latitudes -90..90).
pub fn geohash(ctx: &mut Ctx, args: &Args) {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    ctx.reply.array(args.len() - 2);
    for i in 2..args.len() {
        let point = found.and_then(|id| member_point(ctx, id, &args[i]));
        let standard = Range { min: -90.0, max: 90.0 };
        let Some(hash) = point.and_then(|(lon, lat)| encode(LON_RANGE, standard, lon, lat, STEP_MAX)) else {
            ctx.reply.null();
            continue;
        };
        // 52 bits give ten characters; the eleventh is always '0'.
        let text: Vec<u8> = (0..11)
            .map(|i| match i {
                10 => ALPHABET[0],
                _ => ALPHABET[((hash.bits >> (52 - (i + 1) * 5)) & 0x1f) as usize],
            })
            .collect();
        ctx.reply.bulk(&text);
    }
}

/// `GEOPOS key [member ...]`
pub fn geopos(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    ctx.reply.array(args.len() - 2);
    for i in 2..args.len() {
        match found.and_then(|id| member_point(ctx, id, &args[i])) {
            Some((lon, lat)) => {
                ctx.reply.array(2);
                reply_coordinate(ctx.reply, lon);
                reply_coordinate(ctx.reply, lat);
            }
            None => ctx.reply.null_array(),
        }
    }
}

// ---- searches --------------------------------------------------------------------

/// Which search command runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// GEORADIUS[_RO] key lon lat radius unit
    Radius { store: bool },
    /// GEORADIUSBYMEMBER[_RO] key member radius unit
    ByMember { store: bool },
    /// GEOSEARCH key ...
    Search,
    /// GEOSEARCHSTORE dst src ...
    SearchStore,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    None,
    Asc,
    Desc,
}

pub fn georadius(ctx: &mut Ctx, args: &Args) {
    search_generic(ctx, args, Form::Radius { store: true });
}

pub fn georadius_ro(ctx: &mut Ctx, args: &Args) {
    search_generic(ctx, args, Form::Radius { store: false });
}

pub fn georadiusbymember(ctx: &mut Ctx, args: &Args) {
    search_generic(ctx, args, Form::ByMember { store: true });
}

pub fn georadiusbymember_ro(ctx: &mut Ctx, args: &Args) {
    search_generic(ctx, args, Form::ByMember { store: false });
}

pub fn geosearch(ctx: &mut Ctx, args: &Args) {
    search_generic(ctx, args, Form::Search);
}

pub fn geosearchstore(ctx: &mut Ctx, args: &Args) {
    search_generic(ctx, args, Form::SearchStore);
}

/// Every search command, parsed in Redis's order and with its errors.
fn search_generic(ctx: &mut Ctx, args: &Args, form: Form) {
    let src = if form == Form::SearchStore { 2 } else { 1 };
    let Ok(found) = ctx.lookup_typed_read(&args[src], Kind::ZSet) else {
        return;
    };
    let mut shape = Shape {
        lon: 0.0,
        lat: 0.0,
        extent: Extent::Radius(0.0),
        unit: 1.0,
    };
    let base = match form {
        Form::Radius { .. } => {
            let Some((lon, lat)) = lon_lat(ctx.reply, &args[2], &args[3]) else {
                return;
            };
            let Some((r, unit)) = radius_arg(ctx.reply, &args[4], &args[5]) else {
                return;
            };
            (shape.lon, shape.lat, shape.extent, shape.unit) = (lon, lat, Extent::Radius(r), unit);
            6
        }
        Form::ByMember { .. } => {
            if let Some(id) = found {
                let Some((lon, lat)) = member_point(ctx, id, &args[2]) else {
                    return ctx.reply.error(b"ERR could not decode requested zset member");
                };
                let Some((r, unit)) = radius_arg(ctx.reply, &args[3], &args[4]) else {
                    return;
                };
                (shape.lon, shape.lat, shape.extent, shape.unit) = (lon, lat, Extent::Radius(r), unit);
            }
            5
        }
        Form::Search => 2,
        Form::SearchStore => 3,
    };
    let geosearch = matches!(form, Form::Search | Form::SearchStore);
    let may_store = matches!(form, Form::Radius { store: true } | Form::ByMember { store: true });
    let (mut withdist, mut withhash, mut withcoord, mut any) = (false, false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut sort = Sort::None;
    let mut count: i64 = 0;
    let mut store: Option<&[u8]> = if form == Form::SearchStore {
        Some(&args[1])
    } else {
        None
    };
    let mut storedist = false;
    let remaining = args.len() - base;
    let mut i = 0;
    while i < remaining {
        let at = base + i;
        let arg = args.get(at).to_ascii_lowercase();
        match arg.as_slice() {
            b"withdist" => withdist = true,
            b"withhash" => withhash = true,
            b"withcoord" => withcoord = true,
            b"any" => any = true,
            b"asc" => sort = Sort::Asc,
            b"desc" => sort = Sort::Desc,
            b"count" if i + 1 < remaining => {
                let Some(n) = parse_i64(&args[at + 1]) else {
                    return ctx.reply.error(b"ERR value is not an integer or out of range");
                };
                if n <= 0 {
                    return ctx.reply.error(b"ERR COUNT must be > 0");
                }
                count = n;
                i += 1;
            }
            b"store" | b"storedist" if i + 1 < remaining && may_store => {
                store = Some(&args[at + 1]);
                storedist = arg == b"storedist";
                i += 1;
            }
            b"storedist" if form == Form::SearchStore => storedist = true,
            b"frommember" if i + 1 < remaining && geosearch && !fromloc => {
                if let Some(id) = found {
                    let Some((lon, lat)) = member_point(ctx, id, &args[at + 1]) else {
                        return ctx.reply.error(b"ERR could not decode requested zset member");
                    };
                    (shape.lon, shape.lat) = (lon, lat);
                }
                frommember = true;
                i += 1;
            }
            b"fromlonlat" if i + 2 < remaining && geosearch && !frommember => {
                let Some((lon, lat)) = lon_lat(ctx.reply, &args[at + 1], &args[at + 2]) else {
                    return;
                };
                (shape.lon, shape.lat) = (lon, lat);
                fromloc = true;
                i += 2;
            }
            b"byradius" if i + 2 < remaining && geosearch && !bybox => {
                let Some((r, unit)) = radius_arg(ctx.reply, &args[at + 1], &args[at + 2]) else {
                    return;
                };
                (shape.extent, shape.unit) = (Extent::Radius(r), unit);
                byradius = true;
                i += 2;
            }
            b"bybox" if i + 3 < remaining && geosearch && !byradius => {
                let Some((w, h, unit)) = box_arg(ctx.reply, &args[at + 1], &args[at + 2], &args[at + 3]) else {
                    return;
                };
                (shape.extent, shape.unit) = (Extent::Box(w, h), unit);
                bybox = true;
                i += 3;
            }
            _ => return ctx.reply.syntax_error(),
        }
        i += 1;
    }
    // Named as the client typed it, as Redis does.
    let name = String::from_utf8_lossy(args.get(0)).into_owned();
    if store.is_some() && (withdist || withhash || withcoord) {
        // Redis 7.0.15's texts: GEORADIUSBYMEMBER is named GEORADIUS too.
        let error: &[u8] = if form == Form::SearchStore {
            b"ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        } else {
            b"ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        };
        return ctx.reply.error(error);
    }
    if geosearch && !(frommember || fromloc) {
        return ctx.reply.error_fmt(format_args!(
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        ));
    }
    if geosearch && !(byradius || bybox) {
        return ctx.reply.error_fmt(format_args!(
            "ERR exactly one of BYRADIUS and BYBOX can be specified for {name}"
        ));
    }
    if any && count == 0 {
        return ctx.reply.error(b"ERR the ANY argument requires COUNT argument");
    }
    let Some(id) = found else {
        match store {
            Some(dst) => {
                ctx.reply.int(0);
                if ctx.db_delete(dst) {
                    ctx.notify(notify::GENERIC, "del", dst);
                    ctx.dirty(1);
                }
            }
            None => ctx.reply.array(0),
        }
        return;
    };
    // COUNT returns the nearest ones, unless ANY takes the first found.
    if count != 0 && sort == Sort::None && !any {
        sort = Sort::Asc;
    }
    let limit = if any { count as usize } else { 0 };
    let mut results = search(zset_of(ctx, id), &shape, limit);
    if results.is_empty() && store.is_none() {
        return ctx.reply.array(0);
    }
    match sort {
        Sort::Asc => results.sort_by(|a, b| a.dist.total_cmp(&b.dist)),
        Sort::Desc => results.sort_by(|a, b| b.dist.total_cmp(&a.dist)),
        Sort::None => {}
    }
    if count != 0 {
        results.truncate(count as usize);
    }
    for r in &mut results {
        r.dist /= shape.unit;
    }
    match store {
        None => reply_results(ctx.reply, &results, withdist, withhash, withcoord),
        Some(dst) => {
            let dst = dst.to_vec();
            let lim = limits(ctx);
            let mut z = ZSet::for_size(results.len(), lim);
            for r in &results {
                z.add(
                    if storedist { r.dist } else { r.score },
                    &r.member,
                    AddFlags::default(),
                    lim,
                );
            }
            let event = if geosearch { "geosearchstore" } else { "georadiusstore" };
            let n = results.len();
            store_result(ctx, &dst, z, event);
            // Redis counts one change per stored member.
            ctx.dirty((n as u64).saturating_sub(1));
        }
    }
}

fn reply_results(reply: &mut Reply, results: &[Found], withdist: bool, withhash: bool, withcoord: bool) {
    let options = usize::from(withdist) + usize::from(withhash) + usize::from(withcoord);
    reply.array(results.len());
    for r in results {
        if options > 0 {
            reply.array(options + 1);
        }
        reply.bulk(&r.member);
        if withdist {
            reply_distance(reply, r.dist);
        }
        if withhash {
            reply.int(r.score as i64);
        }
        if withcoord {
            reply.array(2);
            reply_coordinate(reply, r.lon);
            reply_coordinate(reply, r.lat);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_and_squash_are_inverse() {
        for v in [0u32, 1, 0xffff_ffff, 0x1234_5678, 0x0300_0001] {
            assert_eq!(squash(spread(v)), v);
        }
    }

    #[test]
    fn encodes_as_redis() {
        // ZSCORE after GEOADD on redis-server 7.0.15.
        let h = encode_wgs84(13.361389, 38.115556, STEP_MAX).unwrap();
        assert_eq!(h.bits, 3479099956230698);
        let h = encode_wgs84(-73.9454966, 40.747533, STEP_MAX).unwrap();
        assert_eq!(h.bits, 1791875804419201);
    }

    #[test]
    fn neighbours_wrap_within_their_coordinate() {
        let h = Hash { bits: 0b1011, step: 2 };
        assert_eq!(h.moved(1, 0).moved(-1, 0), h);
        assert_eq!(h.moved(0, 1).moved(0, -1), h);
        assert_eq!(h.moved(1, 1).moved(-1, -1), h);
    }
}
