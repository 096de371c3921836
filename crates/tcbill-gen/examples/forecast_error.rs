//! `cargo run -p tcbill-gen --example forecast_error`: the month-end forecast of a generated
//! April (`tcbill-gen alerts`) cut at each day, against the real total of the full month: the
//! error, in 元 and percent, and whether the range holds the total. The clean month follows a
//! weekly pattern; the planted one adds steps no trailing window can foresee (a new region on
//! day 12, pay-as-you-go after a package expires on day 15, a spike on day 20).

use rust_decimal::Decimal;
use tcbill_core::analysis::forecast::forecasts;
use tcbill_core::{parse_file, Dataset};
use tcbill_gen::{AlertMonth, ALERTS_MONTH_DAYS};

fn main() {
    for clean in [true, false] {
        let real: Decimal = AlertMonth::new(ALERTS_MONTH_DAYS, clean)
            .real_total_cost()
            .parse()
            .expect("a decimal");
        println!(
            "{} month, real total {real}",
            if clean { "clean" } else { "planted" }
        );
        println!("cut\tforecast\terror\terror%\tlow\thigh\tholds");
        for cut in 1..ALERTS_MONTH_DAYS {
            let month = AlertMonth::new(cut, clean);
            let mut bytes = Vec::new();
            month.write_file(0, &mut bytes).expect("writing to memory");
            let mut dataset = Dataset::new();
            dataset.add(parse_file(&month.file_names()[0], &bytes));
            let Some(forecast) = forecasts(&dataset).into_iter().next() else {
                continue;
            };
            let error = forecast.forecast - real;
            let percent = (error * Decimal::ONE_HUNDRED / real).round_dp(2);
            let holds = forecast.low <= real && real <= forecast.high;
            println!(
                "{cut}\t{}\t{error}\t{percent}\t{}\t{}\t{}",
                forecast.forecast,
                forecast.low,
                forecast.high,
                if holds { "yes" } else { "no" }
            );
        }
    }
}
