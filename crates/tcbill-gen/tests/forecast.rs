//! The month-end forecast on a generated month cut at several days: the range holds the real
//! total of the clean month (whose days follow a weekly pattern), and the forecast is exact
//! where the trailing week is the pattern.

use rust_decimal::Decimal;
use tcbill_core::analysis::forecast::forecasts;
use tcbill_core::{parse_file, Dataset};
use tcbill_gen::AlertMonth;

fn bill(month: &AlertMonth) -> Dataset {
    let mut bytes = Vec::new();
    month.write_file(0, &mut bytes).unwrap();
    let mut dataset = Dataset::new();
    dataset.add(parse_file(&month.file_names()[0], &bytes));
    dataset
}

#[test]
fn the_range_holds_the_real_total_at_every_cut_of_a_clean_month() {
    let real: Decimal = AlertMonth::new(30, true).real_total_cost().parse().unwrap();
    // From a week of days on: a shorter window cannot see the weekend (at day 1, the range is
    // one weekday's cost).
    for cut in [7, 8, 10, 13, 14, 20, 25, 29] {
        let month = AlertMonth::new(cut, true);
        let [forecast] = &forecasts(&bill(&month))[..] else {
            panic!("one forecast at day {cut}")
        };
        assert_eq!(forecast.last_day, cut);
        assert!(
            forecast.low <= real && real <= forecast.high,
            "day {cut}: {} not in {}..{}",
            real,
            forecast.low,
            forecast.high
        );
    }
    // A complete month has nothing to forecast.
    assert!(forecasts(&bill(&AlertMonth::new(30, true))).is_empty());
}

#[test]
fn a_cut_at_day_7_forecasts_the_clean_month_within_its_weekend() {
    // Days 1–7 hold one weekend (5 and 6) of CLB's 10.00 extra; 23 days remain, with 6 weekend
    // days: the mean puts 23 × 2 / 7 weekend days in, the month has 6.
    let real: Decimal = AlertMonth::new(30, true).real_total_cost().parse().unwrap();
    let [forecast] = &forecasts(&bill(&AlertMonth::new(7, true)))[..] else {
        panic!("one forecast")
    };
    // Every other day costs the same: 877.00 a day on weekdays, 887.00 on weekends.
    assert_eq!(forecast.trailing.len(), 7);
    let expected_error =
        Decimal::from(10) * (Decimal::from(46) / Decimal::from(7) - Decimal::from(6));
    assert_eq!(
        forecast.forecast,
        (real + expected_error).round_dp(2),
        "forecast {} against {real}",
        forecast.forecast
    );
}
