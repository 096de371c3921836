//! Browser tests of the web app's wasm-only code, run in headless Chromium by
//! `wasm-bindgen-test-runner` (`cargo test -p tcbill-web --target wasm32-unknown-unknown`).

use js_sys::{Array, Promise, Uint8Array};
use tcbill_web::file_read::read_head;
use tcbill_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Blob, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn read_head_reads_exactly_the_requested_prefix() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let blob = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&bytes[..]))).unwrap();

    let head = read_head(&blob, 65_536).await.unwrap();
    assert_eq!(head.len(), 65_536);
    assert_eq!(head[..], bytes[..65_536]);

    let whole = read_head(&blob, 1_000_000).await.unwrap();
    assert_eq!(whole, bytes);
}

#[wasm_bindgen_test]
async fn load_sample_lists_every_sample_file_with_size_and_kind() {
    let root = mount_app().await;
    assert_eq!(text_of(&root, ".empty"), ["No files loaded yet."]);

    button(&root, "Load sample data").click();
    next_frame().await;

    assert_eq!(text_of(&root, "caption"), ["3 files loaded"]);
    assert_eq!(
        rows_of(&root),
        [
            ["2025-06-明细账单-L3.csv", "2.9 KiB", "CSV"],
            ["2025-06-资源包抵扣明细.csv", "2.4 KiB", "CSV"],
            ["DescribeBillSummaryByProduct-2025-06.json", "2.0 KiB", "JSON"],
        ]
    );
}

#[wasm_bindgen_test]
async fn remove_drops_only_that_file() {
    let root = mount_app().await;
    button(&root, "Load sample data").click();
    next_frame().await;

    button(&root, "Remove").click();
    next_frame().await;

    let names: Vec<String> = rows_of(&root).into_iter().map(|row| row[0].clone()).collect();
    assert_eq!(names, ["2025-06-资源包抵扣明细.csv", "DescribeBillSummaryByProduct-2025-06.json"]);
}

async fn mount_app() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

/// Waits for the browser to run pending tasks, so Yew has re-rendered.
async fn next_frame() {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
    yew::scheduler::flush().await;
}

fn button(root: &Element, label: &str) -> HtmlElement {
    let buttons = root.query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.get(i)?.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no button labelled {label:?}"))
}

fn text_of(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length()).filter_map(|i| nodes.get(i)?.text_content()).collect()
}

/// The first three cells (name, size, kind) of every body row of the file table.
fn rows_of(root: &Element) -> Vec<[String; 3]> {
    let rows = root.query_selector_all(".file-table tbody tr").unwrap();
    (0..rows.length())
        .map(|i| {
            let row: Element = rows.get(i).unwrap().dyn_into().unwrap();
            let cells = text_of(&row, "td");
            [cells[0].clone(), cells[1].clone(), cells[2].clone()]
        })
        .collect()
}
