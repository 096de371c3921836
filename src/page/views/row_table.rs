//! A virtualised table: any number of rows that live in the worker, of which only the ones in
//! view (plus a margin) are fetched and put in the DOM. Rows have a fixed height, so the window
//! is plain arithmetic ([`visible_range`]).

use std::ops::Range;

use web_sys::Element;
use yew::prelude::*;

/// Height of one row in CSS pixels (kept in step with `.row-table tr` in the stylesheet).
pub const ROW_HEIGHT: u64 = 28;
/// Height of the scrolling viewport in CSS pixels.
const VIEWPORT: u64 = 420;
/// Rows fetched beyond each edge of the viewport, so that scrolling does not show blanks.
const OVERSCAN: u64 = 20;

/// The rows to have in the DOM when the viewport is scrolled to `scroll_top` pixels.
pub fn visible_range(scroll_top: u64, viewport: u64, row_height: u64, count: u64, overscan: u64) -> Range<u64> {
    let first = scroll_top / row_height;
    let last = (scroll_top + viewport).div_ceil(row_height);
    first.saturating_sub(overscan).min(count)..(last + overscan).min(count)
}

/// The width of a column in `ch`, enough for its header and every cell of the window, so that no
/// value (an ID, a time, an amount) is cut: rows have a fixed height and cannot wrap. Wide
/// characters (Chinese) count twice; the padding adds three.
pub fn column_width(header: &str, cells: impl Iterator<Item = usize>) -> usize {
    const MAX: usize = 100;
    (display_width(header).max(cells.max().unwrap_or(0)) + 3).clamp(8, MAX)
}

/// The width of `text` in `ch`: wide (East Asian) characters take two.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c >= '\u{1100}' && !('\u{ff61}'..='\u{ff9f}').contains(&c) { 2 } else { 1 }).sum()
}

/// A window of rows: the index of the first and the rows' cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowWindow {
    pub start: u64,
    pub rows: Vec<Vec<String>>,
}

#[derive(Properties, PartialEq)]
pub struct RowTableProps {
    pub caption: AttrValue,
    pub columns: Vec<String>,
    pub count: u64,
    pub window: RowWindow,
    /// Asks for the rows of a range the window does not cover.
    pub on_range: Callback<Range<u64>>,
    /// Classes of the window's rows, by position (a finding to highlight); none by default.
    #[prop_or_default]
    pub row_classes: Vec<Classes>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn columns_fit_their_longest_cell() {
        assert_eq!(display_width("ins-0a1b2c3d"), 12);
        assert_eq!(display_width("云服务器"), 8);
        assert_eq!(column_width("资源ID", [12, 30].into_iter()), 33);
        assert_eq!(column_width("ID", std::iter::empty()), 8);
        assert_eq!(column_width("配置描述", [400].into_iter()), 100);
    }
}

#[component]
pub fn RowTable(props: &RowTableProps) -> Html {
    let wanted = use_state(|| visible_range(0, VIEWPORT, ROW_HEIGHT, props.count, OVERSCAN));
    {
        let (on_range, wanted, count) = (props.on_range.clone(), wanted.clone(), props.count);
        use_effect_with(count, move |count| {
            let first = visible_range(0, VIEWPORT, ROW_HEIGHT, *count, OVERSCAN);
            wanted.set(first.clone());
            on_range.emit(first);
        });
    }
    let on_scroll = {
        let (on_range, wanted, count) = (props.on_range.clone(), wanted.clone(), props.count);
        Callback::from(move |event: Event| {
            let viewport: Element = event.target_unchecked_into();
            let range = visible_range(viewport.scroll_top().max(0) as u64, VIEWPORT, ROW_HEIGHT, count, OVERSCAN);
            if range != *wanted {
                wanted.set(range.clone());
                on_range.emit(range);
            }
        })
    };
    let window = &props.window;
    let widths: Vec<usize> = (props.columns.iter().enumerate())
        .map(|(i, header)| {
            column_width(header, window.rows.iter().filter_map(|row| row.get(i)).map(|c| display_width(c)))
        })
        .collect();
    let colgroup = html! {
        <colgroup>{ for widths.iter().map(|width| html! { <col style={format!("width: {width}ch")} /> }) }</colgroup>
    };
    let min_width = format!("min-width: {}ch", widths.iter().sum::<usize>());
    html! {
        <div class="row-table">
            <table class="data head" style={min_width.clone()}>
                <caption>{ props.caption.clone() }</caption>
                { colgroup.clone() }
                <thead><tr>{ for props.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
            </table>
            <div class="viewport" style={format!("height: {}px; {min_width}", VIEWPORT.min(props.count * ROW_HEIGHT + 2))}
                onscroll={on_scroll} tabindex="0" role="region" aria-label={props.caption.clone()}>
                <div class="spacer" style={format!("height: {}px", props.count * ROW_HEIGHT)}>
                    <table class="data body" style={format!("top: {}px", window.start * ROW_HEIGHT)}>
                        { colgroup }
                        <tbody>
                            { for window.rows.iter().enumerate().map(|(i, row)| html! {
                                <tr key={(window.start + i as u64).to_string()} data-row={(window.start + i as u64).to_string()}
                                    class={props.row_classes.get(i).cloned()}>
                                    { for row.iter().map(|cell| html! { <td title={cell.clone()}>{ cell }</td> }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </div>
        </div>
    }
}
