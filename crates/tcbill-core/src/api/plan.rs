//! Which requests a date range takes: the app pulls them, core decides them, so they are tested natively.
//!
//! Every billing action answers for a bounded period (reference §4.3): bill summaries, bill details
//! and cost details for one calendar month, `DescribeDosageDetailByDate` for at most 7 days. A
//! range becomes one Files-table entry per month and action (an analysis then reads each month as
//! its own export, and the 95th percentile of usage is a monthly figure); a usage entry is pulled
//! in windows of at most 7 days, never crossing its month, each window one page of the entry.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{paging, Paging};
use crate::model::time::days_in_month;

/// The most days one `DescribeDosageDetailByDate` request covers, both ends counted
/// ("时间跨度不超过7天"; counting both ends is the reading that can never exceed it).
pub const USAGE_WINDOW_DAYS: u32 = 7;

/// A calendar day (Beijing time, as all billing dates are).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// `yyyy-mm-dd`, a real date.
    pub fn parse(text: &str) -> Option<Day> {
        let (month, day) = text.rsplit_once('-')?;
        let first = Day::month_start(month)?;
        let day = number(day, 2)?;
        (1..=days_in_month(first.year.into(), first.month))
            .contains(&day)
            .then_some(Day { day, ..first })
    }

    /// The first day of `yyyy-mm`.
    pub fn month_start(text: &str) -> Option<Day> {
        let (year, month) = text.split_once('-')?;
        let month = number(month, 2)?;
        (1..=12).contains(&month).then_some(Day {
            year: number(year, 4)? as i32,
            month,
            day: 1,
        })
    }

    pub fn month_end(self) -> Day {
        Day {
            day: days_in_month(self.year.into(), self.month),
            ..self
        }
    }

    /// `yyyy-mm`.
    pub fn month_text(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    fn next(self) -> Day {
        match (
            self.day < days_in_month(self.year.into(), self.month),
            self.month < 12,
        ) {
            (true, _) => Day {
                day: self.day + 1,
                ..self
            },
            (false, true) => Day {
                month: self.month + 1,
                day: 1,
                ..self
            },
            (false, false) => Day {
                year: self.year + 1,
                month: 1,
                day: 1,
            },
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Exactly `len` ASCII digits.
fn number(text: &str, len: usize) -> Option<u32> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `from..=to` cut at the ends of months: each part lies in one month.
pub fn month_spans(from: Day, to: Day) -> Vec<(Day, Day)> {
    let mut spans = Vec::new();
    let mut start = from;
    while start <= to {
        let end = start.month_end().min(to);
        spans.push((start, end));
        start = end.next();
    }
    spans
}

/// `from..=to` in consecutive windows of at most [`USAGE_WINDOW_DAYS`] days.
pub fn usage_windows(from: Day, to: Day) -> Vec<(Day, Day)> {
    let mut windows = Vec::new();
    let mut start = from;
    while start <= to {
        let mut end = start;
        for _ in 1..USAGE_WINDOW_DAYS {
            if end < to {
                end = end.next();
            }
        }
        windows.push((start, end));
        start = end.next();
    }
    windows
}

/// An action ticked in the form, with the parameters it needs besides dates (`TagKey`,
/// `ProductCode`, `Domain`, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub action: String,
    pub params: Vec<(String, String)>,
}

/// One entry of the Files table: an action over days of one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `{Action}[-{ProductCode or TagKey}]-{yyyy-mm}.json`; a usage entry over part of a month
    /// is named by its days instead (`2025-06-01_2025-06-10`).
    pub name: String,
    pub action: String,
    pub from: Day,
    pub to: Day,
    pub params: Vec<(String, String)>,
}

/// The entries of `choices` over `from..=to`, month by month.
pub fn plan(choices: &[Choice], from: Day, to: Day) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (start, end) in month_spans(from, to) {
        for Choice { action, params } in choices {
            let by_days = paging(action) == Some(Paging::DayWindows);
            let whole_month = start.day == 1 && end == end.month_end();
            let period = if by_days && !whole_month {
                format!("{start}_{end}")
            } else {
                start.month_text()
            };
            let subject = params
                .iter()
                .find(|(key, _)| key == "ProductCode" || key == "TagKey");
            let name = match subject {
                Some((_, value)) => format!("{action}-{value}-{period}.json"),
                None => format!("{action}-{period}.json"),
            };
            let (from, to) = if by_days {
                (start, end)
            } else {
                (Day { day: 1, ..start }, start.month_end())
            };
            entries.push(Entry {
                name,
                action: action.clone(),
                from,
                to,
                params: params.clone(),
            });
        }
    }
    entries
}

/// The request bodies of an entry before paging: one per month or per usage window, each with the
/// entry's parameters.
pub fn request_bodies(entry: &Entry) -> Option<Vec<Map<String, Value>>> {
    let dates: Vec<Vec<(&str, String)>> = match paging(&entry.action)? {
        Paging::MonthSummary => {
            let month = entry.from.month_text();
            vec![vec![("BeginTime", month.clone()), ("EndTime", month)]]
        }
        Paging::Offset { .. } => vec![vec![("Month", entry.from.month_text())]],
        Paging::DayWindows => usage_windows(entry.from, entry.to)
            .into_iter()
            .map(|(start, end)| {
                vec![
                    ("StartDate", start.to_string()),
                    ("EndDate", end.to_string()),
                ]
            })
            .collect(),
    };
    let bodies = dates
        .into_iter()
        .map(|dates| {
            let params = entry
                .params
                .iter()
                .map(|(key, value)| (key.as_str(), value.clone()));
            dates
                .into_iter()
                .chain(params)
                .map(|(key, value)| (key.to_owned(), Value::String(value)))
                .collect()
        })
        .collect();
    Some(bodies)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn texts(spans: Vec<(Day, Day)>) -> Vec<String> {
        spans
            .into_iter()
            .map(|(start, end)| format!("{start}..{end}"))
            .collect()
    }

    #[test]
    fn days_parse_only_when_real() {
        assert_eq!(
            day("2024-02-29"),
            Day {
                year: 2024,
                month: 2,
                day: 29
            }
        );
        for bad in [
            "2025-02-29",
            "2100-02-29",
            "2025-04-31",
            "2025-13-01",
            "2025-6-01",
            "2025-06",
            "2025-06-1x",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(day("2000-02-29").month_end(), day("2000-02-29"));
        assert_eq!(
            Day::month_start("2025-12").unwrap().month_end(),
            day("2025-12-31")
        );
    }

    #[test]
    fn a_range_is_cut_at_month_ends() {
        assert_eq!(
            texts(month_spans(day("2024-12-20"), day("2025-03-02"))),
            [
                "2024-12-20..2024-12-31",
                "2025-01-01..2025-01-31",
                "2025-02-01..2025-02-28",
                "2025-03-01..2025-03-02"
            ]
        );
        // Leap February.
        assert_eq!(
            texts(month_spans(day("2024-02-10"), day("2024-03-01"))),
            ["2024-02-10..2024-02-29", "2024-03-01..2024-03-01"]
        );
        assert_eq!(
            texts(month_spans(day("2025-06-03"), day("2025-06-12"))),
            ["2025-06-03..2025-06-12"]
        );
        assert_eq!(
            texts(month_spans(day("2025-06-03"), day("2025-06-02"))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn usage_windows_span_at_most_seven_days() {
        assert_eq!(
            texts(usage_windows(day("2025-07-01"), day("2025-07-31"))),
            [
                "2025-07-01..2025-07-07",
                "2025-07-08..2025-07-14",
                "2025-07-15..2025-07-21",
                "2025-07-22..2025-07-28",
                "2025-07-29..2025-07-31"
            ]
        );
        assert_eq!(
            texts(usage_windows(day("2024-02-01"), day("2024-02-29"))),
            [
                "2024-02-01..2024-02-07",
                "2024-02-08..2024-02-14",
                "2024-02-15..2024-02-21",
                "2024-02-22..2024-02-28",
                "2024-02-29..2024-02-29"
            ]
        );
        assert_eq!(
            texts(usage_windows(day("2025-06-01"), day("2025-06-10"))),
            ["2025-06-01..2025-06-07", "2025-06-08..2025-06-10"]
        );
        assert_eq!(
            texts(usage_windows(day("2025-06-05"), day("2025-06-11"))),
            ["2025-06-05..2025-06-11"]
        );
        assert_eq!(
            texts(usage_windows(day("2025-06-05"), day("2025-06-05"))),
            ["2025-06-05..2025-06-05"]
        );
    }

    fn choice(action: &str, params: &[(&str, &str)]) -> Choice {
        let params = params
            .iter()
            .map(|&(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        Choice {
            action: action.to_owned(),
            params,
        }
    }

    #[test]
    fn a_range_plans_one_entry_per_month_and_action() {
        let choices = [
            choice("DescribeBillDetail", &[]),
            choice("DescribeBillSummaryByTag", &[("TagKey", "env")]),
            choice(
                "DescribeDosageDetailByDate",
                &[("ProductCode", "102383"), ("Domain", "a.example.com")],
            ),
        ];
        let entries = plan(&choices, day("2025-05-20"), day("2025-07-31"));
        let summary: Vec<_> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.from.to_string(), e.to.to_string()))
            .collect();
        let expected = [
            (
                "DescribeBillDetail-2025-05.json",
                "2025-05-01",
                "2025-05-31",
            ),
            (
                "DescribeBillSummaryByTag-env-2025-05.json",
                "2025-05-01",
                "2025-05-31",
            ),
            (
                "DescribeDosageDetailByDate-102383-2025-05-20_2025-05-31.json",
                "2025-05-20",
                "2025-05-31",
            ),
            (
                "DescribeBillDetail-2025-06.json",
                "2025-06-01",
                "2025-06-30",
            ),
            (
                "DescribeBillSummaryByTag-env-2025-06.json",
                "2025-06-01",
                "2025-06-30",
            ),
            (
                "DescribeDosageDetailByDate-102383-2025-06.json",
                "2025-06-01",
                "2025-06-30",
            ),
            (
                "DescribeBillDetail-2025-07.json",
                "2025-07-01",
                "2025-07-31",
            ),
            (
                "DescribeBillSummaryByTag-env-2025-07.json",
                "2025-07-01",
                "2025-07-31",
            ),
            (
                "DescribeDosageDetailByDate-102383-2025-07.json",
                "2025-07-01",
                "2025-07-31",
            ),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(n, f, t)| (n, f.to_owned(), t.to_owned()))
            .collect();
        assert_eq!(summary, expected);
    }

    #[test]
    fn each_action_is_asked_for_its_own_period() {
        let entries = plan(
            &[
                choice("DescribeBillSummaryByTag", &[("TagKey", "env")]),
                choice("DescribeCostDetail", &[]),
                choice(
                    "DescribeDosageDetailByDate",
                    &[("ProductCode", "100967"), ("Domain", "")],
                ),
            ],
            day("2025-06-01"),
            day("2025-06-10"),
        );
        let bodies: Vec<Value> = entries
            .iter()
            .map(|entry| {
                Value::Array(
                    request_bodies(entry)
                        .unwrap()
                        .into_iter()
                        .map(Value::Object)
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            bodies,
            [
                json!([{ "BeginTime": "2025-06", "EndTime": "2025-06", "TagKey": "env" }]),
                json!([{ "Month": "2025-06" }]),
                json!([
                    { "StartDate": "2025-06-01", "EndDate": "2025-06-07", "ProductCode": "100967", "Domain": "" },
                    { "StartDate": "2025-06-08", "EndDate": "2025-06-10", "ProductCode": "100967", "Domain": "" }
                ]),
            ]
        );
        let unknown = Entry {
            action: "DescribeBillDownloadUrl".into(),
            ..entries[0].clone()
        };
        assert_eq!(request_bodies(&unknown), None);
    }
}
