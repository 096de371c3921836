//! Where files come in: drag-and-drop anywhere on the zone, or the system file picker.
//!
//! The picker's `<input type="file">` stays in the tab order (visually replaced by its label),
//! so keyboard users reach it like any other control.

use web_sys::{DragEvent, File, FileList, HtmlInputElement};
use yew::prelude::*;

use crate::page::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// Called with the files of one drop or one pick, in the order the browser lists them.
    pub on_files: Callback<Vec<File>>,
}

#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    let dragging = use_state(|| false);

    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            // Without this the browser would open the dropped file instead of handing it to us.
            event.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        let on_files = props.on_files.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if let Some(list) = event.data_transfer().and_then(|dt| dt.files()) {
                on_files.emit(files_of(&list));
            }
        })
    };
    let on_pick = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Some(list) = input.files() {
                on_files.emit(files_of(&list));
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };

    html! {
        <section
            class={classes!("drop-zone", dragging.then_some("dragging"))}
            aria-label={text.drop_region}
            ondragenter={on_drag_over.clone()}
            ondragover={on_drag_over}
            ondragleave={on_drag_leave}
            ondrop={on_drop}
        >
            <p class="drop-title">{ text.drop_title }</p>
            <p class="drop-hint">{ text.drop_hint }</p>
            <input id="file-input" class="visually-hidden" type="file" multiple=true onchange={on_pick} />
            <label for="file-input" class="button">{ text.choose_files }</label>
        </section>
    }
}

fn files_of(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
