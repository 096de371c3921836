//! Browser tests of the web app's wasm-only code, run in headless Chromium by
//! `wasm-bindgen-test-runner` (`cargo test -p tcbill-web --target wasm32-unknown-unknown`).
//! The whole app, worker included, is tested end to end by `e2e/`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use tcbill_core::analysis::compare::Level;
use tcbill_core::analysis::cost::Dimension;
use tcbill_core::api::plan::{Day, Entry};
use tcbill_core::BeijingTime;
use tcbill_web::page::files::file_table::{format_count, format_size};
use tcbill_web::page::i18n::Lang;
use tcbill_web::page::state::loaded_files::{FileStatus, FilesAction, LoadedFiles};
use tcbill_web::page::state::view_state::{Tab, ViewState};
use tcbill_web::protocol::{FetchAction, FetchFailure, FromWorker, Handshake, PartSummary, Request, ToWorker};
use tcbill_web::worker::file_read::read_range;
use tcbill_web::worker::parse_blob;
use wasm_bindgen_test::*;
use web_sys::{Blob, File};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

const DEDUCTIONS: &[u8] = include_bytes!("../sample/2025-06-资源包抵扣明细.csv");

fn file(name: &str, bytes: &[u8]) -> File {
    File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)), name).unwrap()
}

#[wasm_bindgen_test]
async fn read_range_reads_exactly_the_requested_bytes() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let blob = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&bytes[..]))).unwrap();

    assert_eq!(read_range(&blob, 0, 65_536).await.unwrap(), bytes[..65_536]);
    assert_eq!(read_range(&blob, 99_000, 1_000_000).await.unwrap(), bytes[99_000..]);
}

#[wasm_bindgen_test]
fn parse_messages_carry_the_file_handle() {
    let message = ToWorker::Parse { id: 7, file: file("a.csv", b"x,y\n") }.to_js();
    match ToWorker::from_js(&message) {
        Some(ToWorker::Parse { id: 7, file }) => {
            assert_eq!(file.name(), "a.csv");
            assert_eq!(file.size(), 4.0);
        }
        other => panic!("decoded as {other:?}"),
    }
    let summarize = Request::Summarize {
        group_by: vec![Dimension::Product, Dimension::Tag("env".into())],
        filters: vec![(Dimension::Region, "华南地区（广州）".into())],
    };
    match ToWorker::from_js(&ToWorker::Request(summarize.clone()).to_js()) {
        Some(ToWorker::Request(request)) => assert_eq!(request, summarize),
        other => panic!("decoded as {other:?}"),
    }
    // What the page reads of the worker's messages: files only.
    assert_eq!(ToWorker::parse_from_js(&message).map(|(id, file)| (id, file.name())), Some((7, "a.csv".to_owned())));
    assert!(ToWorker::parse_from_js(&ToWorker::Request(summarize).to_js()).is_none());
    assert!(ToWorker::from_js(&"hello".into()).is_none());
}

#[wasm_bindgen_test]
fn a_part_workers_handshake_decodes_from_what_any_worker_posts() {
    assert_eq!(Handshake::from_js(&FromWorker::Ready.to_js()), Some(Some(Handshake::Ready)));
    let crashed = FromWorker::Crashed { id: Some(3), message: "panicked at parts.rs".into() };
    assert_eq!(
        Handshake::from_js(&crashed.to_js()),
        Some(Some(Handshake::Crashed { message: "panicked at parts.rs".into() }))
    );
    let progress = FromWorker::Progress { id: 3, bytes_read: 10, rows_read: 1 };
    assert_eq!(Handshake::from_js(&progress.to_js()), Some(None));
    assert_eq!(Handshake::from_js(&"hello".into()), None);
}

#[wasm_bindgen_test]
fn usage_points_cross_as_cores_exact_time_and_value() {
    // More digits than an f64 holds: a value that went through a float would come back changed.
    let point = (
        BeijingTime::parse("2025-06-01 00:05:00").unwrap().unwrap(),
        "12345678901234567.000000000001".parse().unwrap(),
    );
    let sent = FromWorker::UsagePoints { series: 2, points: vec![point] };
    let Ok(FromWorker::UsagePoints { series, points }) = FromWorker::from_js(&sent.to_js()) else {
        panic!("not usage points");
    };
    assert_eq!(points[0].1.to_string(), "12345678901234567.000000000001");
    assert_eq!((series, points), (2, vec![point]));
}

#[wasm_bindgen_test]
async fn worker_parses_a_file_slice_by_slice_and_reports_progress() {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = reports.clone();
    let sample = file("deductions.csv", DEDUCTIONS);

    let files = parse_blob(1, &sample, "deductions.csv", 1000, &move |report| sink.borrow_mut().push(report)).await;
    assert_eq!(files.map(|f| f.len()), Some(1));

    let reports = reports.take();
    let progress: Vec<u64> = reports
        .iter()
        .filter_map(|r| match r {
            FromWorker::Progress { bytes_read, .. } => Some(*bytes_read),
            _ => None,
        })
        .collect();
    assert_eq!(progress, [1000, 2000, DEDUCTIONS.len() as u64]);
    let Some(FromWorker::Parsed { id: 1, parts }) = reports.last() else {
        panic!("last report: {:?}", reports.last());
    };
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].kind, "资源包抵扣明细 (deduction details)");
    assert_eq!((parts[0].rows_read, parts[0].rows_accepted, parts[0].rows_rejected), (7, 7, 0));
}

#[wasm_bindgen_test]
fn worker_reports_update_only_their_own_file() {
    let files = Rc::new(LoadedFiles::default())
        .reduce(FilesAction::Added { id: 0, name: "a.csv".into(), size: 10 })
        .reduce(FilesAction::Added { id: 1, name: "b.csv".into(), size: 20 })
        .reduce(FilesAction::Worker(FromWorker::Progress { id: 1, bytes_read: 5, rows_read: 2 }))
        .reduce(FilesAction::Removed(0))
        .reduce(FilesAction::Worker(FromWorker::Cancelled { id: 0 }));
    assert_eq!(files.files.len(), 1);
    assert_eq!(files.files[0].status, FileStatus::Parsing { bytes_read: 5, rows_read: 2 });

    let part = PartSummary {
        name: "b.csv".into(),
        kind: "unknown".into(),
        rows_read: 0,
        rows_accepted: 0,
        rows_rejected: 0,
        diagnostics: vec![tcbill_core::Diagnostic::error("b.csv", "not a billing export")],
    };
    let files = files.reduce(FilesAction::Worker(FromWorker::Parsed { id: 1, parts: vec![part.clone()] }));
    assert_eq!(files.files[0].status, FileStatus::Parsed(vec![part]));
}

#[wasm_bindgen_test]
fn fetch_requests_cross_to_the_worker_and_pages_grow_the_entry() {
    let fetch = Request::Fetch {
        proxy_url: "http://127.0.0.1:8787".into(),
        token: Some("secret-token-0123456789".into()),
        actions: vec![FetchAction {
            id: 3,
            entry: Entry {
                name: "DescribeDosageDetailByDate-100967-2025-06-01_2025-06-10.json".into(),
                action: "DescribeDosageDetailByDate".into(),
                from: Day::parse("2025-06-01").unwrap(),
                to: Day::parse("2025-06-10").unwrap(),
                params: vec![("ProductCode".into(), "100967".into()), ("Domain".into(), String::new())],
            },
        }],
    };
    match ToWorker::from_js(&ToWorker::Request(fetch.clone()).to_js()) {
        Some(ToWorker::Request(request)) => assert_eq!(request, fetch),
        other => panic!("decoded as {other:?}"),
    }

    let files = Rc::new(LoadedFiles::default())
        .reduce(FilesAction::Added { id: 3, name: "DescribeBillDetail-2025-06.json".into(), size: 0 })
        .reduce(FilesAction::Added { id: 4, name: "DescribeBillSummaryByRegion-2025-06.json".into(), size: 0 })
        .reduce(FilesAction::Worker(FromWorker::Fetching { id: 3, bytes: 4096, rows_read: 300 }))
        .reduce(FilesAction::Worker(FromWorker::FetchFailed { id: 4, failure: FetchFailure::NotReady }));
    assert_eq!((files.files[0].size, &files.files[0].status), (4096, &FileStatus::Fetching { rows_read: 300 }));
    assert_eq!(files.files[1].status, FileStatus::FetchFailed(FetchFailure::NotReady));
}

#[wasm_bindgen_test]
fn sizes_and_counts_read_like_a_file_manager() {
    assert_eq!(format_size(412), "412 B");
    assert_eq!(format_size(2502), "2.4 KiB");
    assert_eq!(format_size(524_288_000), "500.0 MiB");
    assert_eq!(format_count(0), "0");
    assert_eq!(format_count(999), "999");
    assert_eq!(format_count(1_234_567), "1,234,567");
}

#[wasm_bindgen_test]
fn the_view_round_trips_through_the_url_fragment() {
    let view = ViewState {
        tab: Tab::Costs,
        group_by: vec![Dimension::Product, Dimension::Tag("成本中心".into())],
        lang: Some(Lang::Zh),
        ..ViewState::default()
    };
    let fragment = view.to_fragment();
    assert_eq!(fragment, "#tab=costs&by=product%2Ctag%3A%E6%88%90%E6%9C%AC%E4%B8%AD%E5%BF%83&lang=zh");
    assert_eq!(ViewState::from_fragment(&fragment), view);

    // Filter values may hold any character, `:`, `&` and `=` included.
    let filtered = ViewState {
        filters: vec![(Dimension::Tag("env".into()), "a:b&c=d".into()), (Dimension::Region, "华南地区（广州）".into())],
        trend: Dimension::Month,
        ..view.clone()
    };
    let fragment = filtered.to_fragment();
    let tail = "&f=tag%3Aenv:a%3Ab%26c%3Dd&f=region:%E5%8D%8E%E5%8D%97%E5%9C%B0%E5%8C%BA%EF%BC%88%E5%B9%BF%E5%B7%9E%EF%BC%89&trend=month";
    assert!(fragment.ends_with(tail), "{fragment}");
    assert_eq!(ViewState::from_fragment(&fragment), filtered);

    assert_eq!(ViewState::from_fragment(""), ViewState::default());
    let odd = ViewState::from_fragment("#tab=nonsense&by=region,zone,project&x=1");
    assert_eq!((odd.tab, odd.group_by, odd.lang), (Tab::Files, vec![Dimension::Region, Dimension::Zone], None));
    let unknown = ViewState::from_fragment("#tab=costs&by=weekday,zone");
    assert_eq!(unknown.group_by, [Dimension::Zone]);
    assert_eq!(ViewState::from_fragment("#by=weekday").group_by, [Dimension::Product]);

    // The Compare tab's level and trend column; unknown ones give way to the defaults.
    let compare = ViewState {
        tab: Tab::Compare,
        level: Level::Product,
        months_by: Dimension::Tag("成本中心".into()),
        ..ViewState::default()
    };
    let fragment = compare.to_fragment();
    assert_eq!(fragment, "#tab=compare&by=product&level=product&months_by=tag%3A%E6%88%90%E6%9C%AC%E4%B8%AD%E5%BF%83");
    assert_eq!(ViewState::from_fragment(&fragment), compare);
    let odd = ViewState::from_fragment("#tab=compare&level=galaxy&months_by=weekday");
    assert_eq!((odd.tab, odd.level, odd.months_by), (Tab::Compare, Level::Resource, Dimension::Product));
    // A filter on no dimension is dropped, not kept to be ignored.
    assert_eq!(ViewState::from_fragment("#f=weekday:monday&f=zone:z1").filters, [(Dimension::Zone, "z1".to_owned())]);
}

#[wasm_bindgen_test]
fn the_row_window_covers_the_viewport_plus_overscan() {
    use tcbill_web::page::views::row_table::visible_range;
    // 28 px rows, a 420 px viewport: 15 rows visible, 20 more on each side.
    assert_eq!(visible_range(0, 420, 28, 1_000_000, 20), 0..35);
    assert_eq!(visible_range(28 * 1000, 420, 28, 1_000_000, 20), 980..1035);
    assert_eq!(visible_range(28 * 999_990, 420, 28, 1_000_000, 20), 999_970..1_000_000);
    assert_eq!(visible_range(0, 420, 28, 3, 20), 0..3);
    assert_eq!(visible_range(0, 420, 28, 0, 20), 0..0);
}
