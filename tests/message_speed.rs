//! How long the worker's biggest messages take to reach the page, two ways: one JSON string per
//! message (what `protocol::FromWorker::to_js` posts), or JS objects built by serde-wasm-bindgen
//! and structured-cloned. A measurement for ARCHITECTURE.md's *What crosses it*, not a test: it
//! asserts only that both ways give back the message, and is ignored unless asked for:
//!
//! ```text
//! cargo test -p tcbill-web --target wasm32-unknown-unknown --release --test message_speed -- --include-ignored
//! ```
//!
//! Each way is timed in three steps on one thread: what the worker does (serialise, hand the
//! value to JS), the structured clone `postMessage` makes (the browser's `structuredClone`), and
//! what the page does (read the value back into Rust). The median of [`ROUNDS`] is printed.

use js_sys::{Function, Reflect};
use rust_decimal::Decimal;
use tcbill_core::analysis::cost::{Amounts, CurrencySummary, Dimension, Group, Summary};
use tcbill_core::analysis::currency::{Currency, Month};
use tcbill_web::protocol::{FromWorker, RowsFor};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ROUNDS: usize = 31;

/// A summary as the Costs tab gets it grouped by resource: 2,000 groups (the worker's cap), each
/// with a two-part key and six 8-decimal amounts.
fn big_summary() -> FromWorker {
    let amount = |i: usize, k: i64| Some(Decimal::new(1_234_567_890 + (i as i64) * 7919 + k, 8));
    let groups: Vec<Group> = (0..2000)
        .map(|i| Group {
            key: vec![format!("云服务器CVM 标准型S5 {i}"), format!("ins-{i:08x}")],
            row_count: 30 + i,
            amounts: Amounts {
                total_cost: amount(i, 1),
                real_total_cost: amount(i, 2),
                cash_pay_amount: amount(i, 3),
                voucher_pay_amount: amount(i, 4),
                incentive_pay_amount: amount(i, 5),
                transfer_pay_amount: amount(i, 6),
                tax: None,
            },
            real_total_cost_ratio: Some(Decimal::new(5, 2)),
        })
        .collect();
    FromWorker::Summary {
        summary: Summary {
            source: Some("BillDetails".into()),
            group_by: vec![Dimension::Product, Dimension::ResourceId],
            filters: Vec::new(),
            row_count: 61_000,
            currencies: vec![CurrencySummary {
                currency: Currency::CNY,
                periods: vec![Month(2025, 9)],
                row_count: 61_000,
                total: Amounts::default(),
                groups,
                group_count: Some(40_000),
            }],
        },
    }
}

/// One window of a drill-down's rows: 60 rows of 12 cells (what the row table asks for).
fn rows_page() -> FromWorker {
    let rows =
        (0..60).map(|row| (0..12).map(|cell| format!("华南地区（广州） {row}-{cell} 0.00123400")).collect()).collect();
    FromWorker::Rows { table: RowsFor::Costs, start: 1200, rows }
}

fn structured_clone(value: &JsValue) -> JsValue {
    let clone: Function = Reflect::get(&js_sys::global(), &"structuredClone".into()).unwrap().unchecked_into();
    clone.call1(&JsValue::NULL, value).unwrap()
}

/// Median milliseconds of `send`, `clone` and `receive` over [`ROUNDS`] rounds.
fn time(
    message: &FromWorker,
    send: impl Fn(&FromWorker) -> JsValue,
    receive: impl Fn(JsValue) -> FromWorker,
) -> [f64; 3] {
    let mut steps = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        let start = js_sys::Date::now();
        let sent = send(message);
        let sent_at = js_sys::Date::now();
        let cloned = structured_clone(&sent);
        let cloned_at = js_sys::Date::now();
        let received = receive(cloned);
        let received_at = js_sys::Date::now();
        assert_eq!(&received, message);
        steps[0].push(sent_at - start);
        steps[1].push(cloned_at - sent_at);
        steps[2].push(received_at - cloned_at);
    }
    steps.map(|mut times| {
        times.sort_by(f64::total_cmp);
        times[ROUNDS / 2]
    })
}

#[wasm_bindgen_test]
#[ignore]
fn json_text_against_js_objects() {
    let objects = serde_wasm_bindgen::Serializer::json_compatible();
    for (name, message) in [("summary, 2000 groups", big_summary()), ("rows page, 60 × 12", rows_page())] {
        let json_len = serde_json::to_string(&message).unwrap().len();
        let as_json = time(
            &message,
            |message| serde_json::to_string(message).unwrap().into(),
            |text| serde_json::from_str(&text.as_string().unwrap()).unwrap(),
        );
        let as_objects = time(
            &message,
            |message| serde::Serialize::serialize(message, &objects).unwrap(),
            |value| serde_wasm_bindgen::from_value(value).unwrap(),
        );
        console_log!(
            "{name} ({json_len} bytes of JSON), median of {ROUNDS} in ms, worker + clone + page = total:\n  \
             JSON string: {:.1} + {:.1} + {:.1} = {:.1}\n  JS objects:  {:.1} + {:.1} + {:.1} = {:.1}",
            as_json[0],
            as_json[1],
            as_json[2],
            as_json.iter().sum::<f64>(),
            as_objects[0],
            as_objects[1],
            as_objects[2],
            as_objects.iter().sum::<f64>(),
        );
    }
}
