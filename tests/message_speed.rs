//! How long the worker's biggest messages take to reach the page, two ways: one JSON string per
//! message (what `protocol::FromWorker::to_js` posts), or JS objects built by serde-wasm-bindgen
//! and structured-cloned; and how fast a file is read in the worker's slices, two ways: the
//! worker's `Blob.arrayBuffer()` (`worker::file_read`) or gloo-file's `FileReader`. Measurements
//! for ARCHITECTURE.md's *What crosses it*, not tests: they assert only that both ways give the
//! same result, and are ignored unless asked for:
//!
//! ```text
//! cargo test -p tcbill-web --target wasm32-unknown-unknown --release --test message_speed -- --include-ignored
//! ```
//!
//! Each way is timed in three steps on one thread: what the worker does (serialise, hand the
//! value to JS), the structured clone `postMessage` makes (the browser's `structuredClone`), and
//! what the page does (read the value back into Rust). The median of [`ROUNDS`] is printed.

use js_sys::{Array, Function, Reflect, Uint8Array};
use rust_decimal::Decimal;
use tcbill_core::analysis::cost::{Amounts, CurrencySummary, Dimension, Group, Summary};
use tcbill_core::analysis::currency::{Currency, Month};
use tcbill_web::protocol::{FromWorker, RowsFor};
use tcbill_web::worker::file_read::read_range;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ROUNDS: usize = 31;

/// A summary as the Costs tab gets it grouped by resource: 2,000 groups (the worker's cap), each
/// with a two-part key and six 8-decimal amounts.
fn big_summary() -> FromWorker<'static> {
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
fn rows_page() -> FromWorker<'static> {
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
    receive: impl Fn(JsValue) -> FromWorker<'static>,
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

/// Milliseconds to read a 64 MiB blob in the worker's 4 MiB slices, median of 5.
async fn read_time(blob: &web_sys::Blob, read: impl AsyncFn(&web_sys::Blob, u64, u64) -> Vec<u8>) -> f64 {
    const SLICE: u64 = 4 << 20;
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = js_sys::Date::now();
        let mut read_bytes = 0;
        for offset in (0..blob.size() as u64).step_by(SLICE as usize) {
            read_bytes += read(blob, offset, offset + SLICE).await.len();
        }
        times.push(js_sys::Date::now() - start);
        assert_eq!(read_bytes as f64, blob.size());
    }
    times.sort_by(f64::total_cmp);
    times[2]
}

#[wasm_bindgen_test]
#[ignore]
async fn blob_slices_against_gloo_file_reader() {
    let bytes: Vec<u8> = (0..64u32 << 20).map(|i| (i % 251) as u8).collect();
    let blob = web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes.as_slice()))).unwrap();
    let ours = read_time(&blob, async |blob, start, end| read_range(blob, start, end).await.unwrap()).await;
    let gloo = read_time(&blob, async |blob, start, end| {
        let slice = blob.slice_with_f64_and_f64(start as f64, end as f64).unwrap();
        gloo_file::futures::read_as_bytes(&gloo_file::Blob::from(slice)).await.unwrap()
    })
    .await;
    console_log!(
        "64 MiB in 4 MiB slices, median of 5: Blob.arrayBuffer {ours:.0} ms, gloo-file FileReader {gloo:.0} ms"
    );
}
