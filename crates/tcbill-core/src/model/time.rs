//! Billing timestamps with their zone made explicit.
//!
//! Tencent Cloud prints every billing time as Beijing wall-clock time (UTC+8) without saying so.
//! [`BeijingTime`] stores the instant (seconds since the Unix epoch, UTC) so that times from
//! different sources compare correctly, and prints it back in UTC+8 as the console does.

use std::fmt;

/// The fixed offset of Beijing time (no daylight saving).
pub const BEIJING_UTC_OFFSET_SECS: i64 = 8 * 3600;

/// Seconds in a calendar day (Beijing keeps no daylight saving time).
pub const SECS_PER_DAY: i64 = 86_400;

/// Every instant a time read from a file can be, in seconds since the Unix epoch: years are
/// written with four digits and zones with two-digit hours and minutes (±99:99, about four days),
/// so a time read is at most a week before 0000-01-01T00:00:00Z (-62,167,219,200) or after 10000-01-01T00:00:00Z
/// (253,402,300,800), where day and calendar arithmetic are far from overflowing. Stored bytes
/// holding a time beyond these (`model::table::wire`) are damaged, not a time.
pub const READABLE_UTC_SECS: std::ops::RangeInclusive<i64> =
    -62_167_219_200 - 7 * SECS_PER_DAY..=253_402_300_800 + 7 * SECS_PER_DAY;

/// An instant, shown as Beijing time. Months (`2024-11`) and days (`2024-11-05`) become the
/// instant at which they start in Beijing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingTime {
    utc_epoch_secs: i64,
}

/// The cell held text that is not a date or time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotATime(pub String);

impl fmt::Display for NotATime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not a date or time", self.0)
    }
}

impl BeijingTime {
    /// The instant of a Beijing wall-clock time; `None` for an impossible date or time.
    pub fn from_beijing(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        let valid = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 61;
        valid.then(|| {
            let local_secs = days_from_civil(year, month, day) * 86_400
                + i64::from(hour * 3600 + minute * 60 + second);
            BeijingTime {
                utc_epoch_secs: local_secs - BEIJING_UTC_OFFSET_SECS,
            }
        })
    }

    /// The instant `secs` seconds after 1970-01-01T00:00:00Z.
    pub fn from_utc_epoch_secs(secs: i64) -> Self {
        BeijingTime {
            utc_epoch_secs: secs,
        }
    }

    pub fn utc_epoch_secs(self) -> i64 {
        self.utc_epoch_secs
    }

    /// This instant as the exclusive end of a period. Bills print inclusive ends (`23:59:59`),
    /// FOCUS exclusive ones (`00:00:00` of the next day): an end at minute 59, second 59 becomes
    /// the next hour's start, any other end stays.
    pub fn exclusive_end(self) -> Self {
        if self.utc_epoch_secs.rem_euclid(3600) == 3599 {
            BeijingTime::from_utc_epoch_secs(self.utc_epoch_secs + 1)
        } else {
            self
        }
    }

    /// The Beijing calendar day of this instant, counted in days since 1970-01-01: what day
    /// arithmetic (a spike's history, a burn rate's days) counts in.
    pub fn beijing_day_number(self) -> i64 {
        (self.utc_epoch_secs + BEIJING_UTC_OFFSET_SECS).div_euclid(SECS_PER_DAY)
    }

    /// The instant Beijing day `day` (a [`BeijingTime::beijing_day_number`]) starts.
    pub fn beijing_day_start(day: i64) -> Self {
        BeijingTime::from_utc_epoch_secs(day * SECS_PER_DAY - BEIJING_UTC_OFFSET_SECS)
    }

    /// Beijing wall-clock fields: (year, month, day, hour, minute, second).
    pub fn beijing_fields(self) -> (i64, u32, u32, u32, u32, u32) {
        wall_clock_fields(self.utc_epoch_secs + BEIJING_UTC_OFFSET_SECS)
    }

    /// UTC wall-clock fields, as FOCUS times and the API signature's date are written.
    pub fn utc_fields(self) -> (i64, u32, u32, u32, u32, u32) {
        wall_clock_fields(self.utc_epoch_secs)
    }

    /// The instants at which the Beijing calendar month `year-month` starts and the next one
    /// starts; `None` for no such month.
    pub fn month_bounds(year: i64, month: u32) -> Option<(Self, Self)> {
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Some((
            BeijingTime::from_beijing(year, month, 1, 0, 0, 0)?,
            BeijingTime::from_beijing(next_year, next_month, 1, 0, 0, 0)?,
        ))
    }

    /// Parses `yyyy-mm-dd hh:mm:ss` (also unpadded, `/`-separated, or ISO 8601 with `T`, `Z` or
    /// an offset), `yyyy-mm-dd` and `yyyy-mm`; `Ok(None)` for empty or `-`.
    ///
    /// # Errors
    /// Any other text, or an impossible date.
    pub fn parse(text: &str) -> Result<Option<Self>, NotATime> {
        Self::parse_trimmed(crate::model::number::trim_cell(text))
    }

    /// [`BeijingTime::parse`] of a cell already trimmed ([`crate::model::number::trim_cell`]).
    pub(crate) fn parse_trimmed(trimmed: &str) -> Result<Option<Self>, NotATime> {
        if crate::model::number::is_absent_trimmed(trimmed) {
            return Ok(None);
        }
        plain_beijing_time(trimmed)
            .or_else(|| parse_fields(trimmed))
            .map(Some)
            .ok_or_else(|| NotATime(trimmed.to_owned()))
    }
}

/// The longest time text [`LastTime`] keeps: `YYYY-MM-DD HH:MM:SS`.
const LAST_TIME_LEN: usize = 19;

/// The last time a column read and its text: a bill's rows come in time order, so most of a
/// time column's cells repeat the cell above, and comparing 19 bytes costs less than reading a
/// date. Any text reads as [`BeijingTime::parse_trimmed`] reads it.
#[derive(Clone, Debug, Default)]
pub(crate) struct LastTime {
    text: [u8; LAST_TIME_LEN],
    len: usize,
    time: Option<BeijingTime>,
}

impl LastTime {
    /// [`BeijingTime::parse_trimmed`] of `trimmed`.
    pub(crate) fn parse(&mut self, trimmed: &str) -> Result<Option<BeijingTime>, NotATime> {
        let bytes = trimmed.as_bytes();
        if let Some(time) = self.time {
            // A whole array compares without a call to memcmp.
            let same = match <&[u8; LAST_TIME_LEN]>::try_from(bytes) {
                Ok(text) => self.len == LAST_TIME_LEN && *text == self.text,
                Err(_) => bytes.len() == self.len && *bytes == self.text[..self.len],
            };
            if same {
                return Ok(Some(time));
            }
        }
        let time = BeijingTime::parse_trimmed(trimmed)?;
        if let (Some(read), Some(kept)) = (time, self.text.get_mut(..bytes.len())) {
            kept.copy_from_slice(bytes);
            self.len = bytes.len();
            self.time = Some(read);
        }
        Ok(time)
    }
}

impl fmt::Display for BeijingTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day, hour, minute, second) = self.beijing_fields();
        write!(
            f,
            "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"
        )
    }
}

/// Times appear in reports as Beijing wall-clock text, like everywhere in Tencent's data.
impl serde::Serialize for BeijingTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Reads back what `Serialize` writes (any text [`BeijingTime::parse`] reads, and the years past
/// four digits `Display` writes for the edges of what a file can hold, e.g. a UTC expiry of
/// 9999-12-31T23:59:59Z, which is year 10000 in Beijing): the app's page deserialises core's
/// values, and one time it cannot read would lose it the whole report.
impl<'de> serde::Deserialize<'de> for BeijingTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        match BeijingTime::parse(&text) {
            Ok(Some(time)) => Ok(time),
            Ok(None) => Err(serde::de::Error::custom("no time")),
            Err(err) => from_display(&text).ok_or_else(|| serde::de::Error::custom(err)),
        }
    }
}

/// What `Display` writes with a year of any width or sign: `{year}-MM-DD hh:mm:ss`.
fn from_display(text: &str) -> Option<BeijingTime> {
    let (year, rest) = text.split_at_checked(text.len().checked_sub("-MM-DD hh:mm:ss".len())?)?;
    let rest = rest.as_bytes();
    let separators = [(0, b'-'), (3, b'-'), (6, b' '), (9, b':'), (12, b':')];
    if separators.iter().any(|&(at, byte)| rest[at] != byte) {
        return None;
    }
    let field = |at: usize| {
        let digits = &rest[at..at + 2];
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| u32::from(digits[0] - b'0') * 10 + u32::from(digits[1] - b'0'))
    };
    BeijingTime::from_beijing(
        year.parse().ok()?,
        field(1)?,
        field(4)?,
        field(7)?,
        field(10)?,
        field(13)?,
    )
}

/// `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD` or `YYYY-MM` (a bill month) in ASCII digits, as every bill
/// writes its times, read without splitting: what [`parse_fields`] gives them (no zone, so Beijing
/// time); `None` for any other shape, which it reads.
fn plain_beijing_time(text: &str) -> Option<BeijingTime> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| {
        bytes[range].iter().try_fold(0_u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let clock = match bytes.len() {
        7 | 10 => Some((0, 0, 0)),
        19 if bytes[10] == b' ' && bytes[13] == b':' && bytes[16] == b':' => None,
        _ => return None,
    };
    if bytes[4] != b'-' || bytes.get(7).is_some_and(|&byte| byte != b'-') {
        return None;
    }
    let (hour, minute, second) = match clock {
        Some(midnight) => midnight,
        None => (number(11..13)?, number(14..16)?, number(17..19)?),
    };
    let day = match bytes.len() {
        7 => 1,
        _ => number(8..10)?,
    };
    let (year, month) = (number(0..4)?, number(5..7)?);
    BeijingTime::from_beijing(year.into(), month, day, hour, minute, second)
}

fn parse_fields(text: &str) -> Option<BeijingTime> {
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let mut date_parts = date.split(['-', '/']);
    let year: i64 = parse_digits(date_parts.next()?, 4, 4)?.into();
    let month = parse_digits(date_parts.next()?, 1, 2)?;
    let day = date_parts
        .next()
        .map_or(Some(1), |day| parse_digits(day, 1, 2))?;
    if date_parts.next().is_some() {
        return None;
    }
    let Some(time) = time else {
        return BeijingTime::from_beijing(year, month, day, 0, 0, 0);
    };
    let (clock, utc_offset_secs) = split_zone(time)?;
    let clock = clock
        .split_once('.')
        .map_or(clock, |(whole, _fraction)| whole);
    let mut clock_parts = clock.split(':');
    let hour = parse_digits(clock_parts.next()?, 1, 2)?;
    let minute = parse_digits(clock_parts.next()?, 1, 2)?;
    let second = clock_parts
        .next()
        .map_or(Some(0), |second| parse_digits(second, 1, 2))?;
    if clock_parts.next().is_some() {
        return None;
    }
    let beijing = BeijingTime::from_beijing(year, month, day, hour, minute, second)?;
    let shift = utc_offset_secs.map_or(0, |offset| BEIJING_UTC_OFFSET_SECS - offset);
    Some(BeijingTime::from_utc_epoch_secs(
        beijing.utc_epoch_secs + shift,
    ))
}

/// Splits a trailing `Z`, `+08:00` or `+0800`; the offset is `None` when the text has no zone
/// (Beijing time is meant).
fn split_zone(time: &str) -> Option<(&str, Option<i64>)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, Some(0)));
    }
    let Some(sign_pos) = time.rfind(['+', '-']) else {
        return Some((time, None));
    };
    let (clock, zone) = time.split_at(sign_pos);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|&c| c != ':').collect();
    // ASCII first: `-3间` is four bytes, and slicing it at byte 2 would cut the 间.
    if digits.len() != 4 || !digits.is_ascii() {
        return None;
    }
    let hours = i64::from(parse_digits(&digits[..2], 2, 2)?);
    let minutes = i64::from(parse_digits(&digits[2..], 2, 2)?);
    Some((clock, Some(sign * (hours * 3600 + minutes * 60))))
}

fn parse_digits(text: &str, min_len: usize, max_len: usize) -> Option<u32> {
    let valid =
        (min_len..=max_len).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    if valid {
        text.parse().ok()
    } else {
        None
    }
}

/// (year, month, day, hour, minute, second) of `secs` counted from 1970-01-01T00:00:00 on the
/// wall clock in question.
fn wall_clock_fields(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (days, secs_of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let secs_of_day = secs_of_day as u32;
    (
        year,
        month,
        day,
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
    )
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The days of `month` (1–12) of `year` in the Gregorian calendar.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_back_as_it_is_written() {
        let time = BeijingTime::from_beijing(2025, 6, 1, 0, 5, 0).unwrap();
        let json = serde_json::to_string(&time).unwrap();
        assert_eq!(json, "\"2025-06-01 00:05:00\"");
        assert_eq!(serde_json::from_str::<BeijingTime>(&json).unwrap(), time);
        assert!(serde_json::from_str::<BeijingTime>("\"-\"").is_err());
    }

    #[test]
    fn times_past_four_digit_years_read_back_as_written() {
        // 9999-12-31T23:59:59Z, a never-expires marker, and the earliest a zone can reach.
        let last = BeijingTime::parse("9999-12-31T23:59:59Z").unwrap().unwrap();
        let first = BeijingTime::parse("0000-01-01T00:00:00+14:00")
            .unwrap()
            .unwrap();
        for (time, written) in [
            (last, "\"10000-01-01 07:59:59\""),
            (first, "\"-001-12-31 18:00:00\""),
        ] {
            let json = serde_json::to_string(&time).unwrap();
            assert_eq!(json, written);
            assert_eq!(serde_json::from_str::<BeijingTime>(&json).unwrap(), time);
        }
        for bad in [
            "\"10000-01-01 07:59\"",
            "\"10000-13-01 07:59:59\"",
            "\"x0000-01-01 07:59:59\"",
            "\"\"",
        ] {
            assert!(serde_json::from_str::<BeijingTime>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_zone_of_non_ascii_text_is_not_a_time() {
        // Found by the fuzzer: `-3间` is four bytes, and the zone's digits were sliced by byte.
        for text in ["2025-06-03 04:10:46-3间", "2025-06-03 04:10:46+间间"] {
            assert!(BeijingTime::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn every_time_read_is_readable() {
        let zone = 99 * 3600 + 99 * 60;
        let first = BeijingTime::parse("0000-01-01T00:00:00+99:99")
            .unwrap()
            .unwrap();
        let last = BeijingTime::parse("9999-12-31T23:59:60-99:99")
            .unwrap()
            .unwrap();
        assert_eq!(first.utc_epoch_secs(), -62_167_219_200 - zone);
        assert_eq!(last.utc_epoch_secs(), 253_402_300_800 + zone);
        for time in [first, last] {
            assert!(READABLE_UTC_SECS.contains(&time.utc_epoch_secs()));
        }
        let (start, end) = READABLE_UTC_SECS.into_inner();
        let fields = |secs| BeijingTime::from_utc_epoch_secs(secs).beijing_fields();
        assert_eq!(fields(start), (-1, 12, 25, 8, 0, 0));
        assert_eq!(fields(end), (10_000, 1, 8, 8, 0, 0));
    }

    fn shown(text: &str) -> String {
        BeijingTime::parse(text).unwrap().unwrap().to_string()
    }

    #[test]
    fn beijing_time_is_utc_plus_eight() {
        let time = BeijingTime::parse("2025-11-30 23:59:59").unwrap().unwrap();
        assert_eq!(
            time,
            BeijingTime::parse("2025-11-30T15:59:59Z").unwrap().unwrap()
        );
        assert_eq!(time.utc_epoch_secs(), 1_764_518_399);
        assert_eq!(
            BeijingTime::parse("1970-01-01 08:00:00")
                .unwrap()
                .unwrap()
                .utc_epoch_secs(),
            0
        );
    }

    #[test]
    fn accepts_the_spellings_seen_in_tencent_data() {
        assert_eq!(shown("2021-1-1 11:11:11"), "2021-01-01 11:11:11");
        assert_eq!(shown("2025/06/03 04:10:46"), "2025-06-03 04:10:46");
        assert_eq!(shown("2024-11"), "2024-11-01 00:00:00");
        assert_eq!(shown("2024-02-29"), "2024-02-29 00:00:00");
        assert_eq!(shown("2025-01-01T00:00:00+08:00"), "2025-01-01 00:00:00");
        assert_eq!(shown("2025-01-01 10:00"), "2025-01-01 10:00:00");
    }

    #[test]
    fn the_plain_path_reads_what_the_general_one_reads() {
        for text in [
            "2025-06",
            "2025-06-03",
            "2025-06-03 04:10:46",
            "2024-02-29",
            "2023-02-29",
            "2025-13",
            "2025-00",
            "2025-06-00",
            "2025-06-03 24:00:00",
            "2025-6-03",
            "2025-06/03",
            "2025/06",
        ] {
            assert_eq!(
                plain_beijing_time(text).or_else(|| parse_fields(text)),
                parse_fields(text),
                "{text}"
            );
        }
        assert!(plain_beijing_time("2025-06").is_some());
    }

    #[test]
    fn rejects_impossible_or_foreign_text() {
        assert_eq!(BeijingTime::parse("-"), Ok(None));
        for text in [
            "2023-02-29",
            "2025-13-01",
            "abc",
            "2025-06-03 25:00:00",
            "20250603",
        ] {
            assert_eq!(
                BeijingTime::parse(text).unwrap_err().to_string(),
                format!("\"{text}\" is not a date or time")
            );
        }
    }

    #[test]
    fn utc_fields_are_eight_hours_behind_and_a_month_ends_where_the_next_begins() {
        let new_year = BeijingTime::parse("2025-01-01 07:59:59").unwrap().unwrap();
        assert_eq!(new_year.utc_fields(), (2024, 12, 31, 23, 59, 59));
        let (start, end) = BeijingTime::month_bounds(2024, 12).unwrap();
        assert_eq!(
            (start.to_string(), end.to_string()),
            ("2024-12-01 00:00:00".into(), "2025-01-01 00:00:00".into())
        );
        let (_, leap_end) = BeijingTime::month_bounds(2024, 2).unwrap();
        assert_eq!(
            leap_end.utc_epoch_secs()
                - BeijingTime::month_bounds(2024, 2)
                    .unwrap()
                    .0
                    .utc_epoch_secs(),
            29 * 86_400
        );
        assert_eq!(BeijingTime::month_bounds(2025, 13), None);
    }
}
