//! The table of loaded files: name, size and what tcbill detected.

use yew::prelude::*;

use crate::loaded_files::{FileId, FileStatus, LoadedFile};

#[derive(Properties, PartialEq)]
pub struct FileTableProps {
    pub files: Vec<LoadedFile>,
    pub on_remove: Callback<FileId>,
}

#[component]
pub fn FileTable(props: &FileTableProps) -> Html {
    if props.files.is_empty() {
        return html! { <p class="empty">{ "No files loaded yet." }</p> };
    }
    html! {
        <table class="file-table">
            <caption>{ format!("{} files loaded", props.files.len()) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "File" }</th>
                    <th scope="col" class="num">{ "Size" }</th>
                    <th scope="col">{ "Detected kind" }</th>
                    <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                </tr>
            </thead>
            <tbody>
                { for props.files.iter().map(|file| row(file, &props.on_remove)) }
            </tbody>
        </table>
    }
}

fn row(file: &LoadedFile, on_remove: &Callback<FileId>) -> Html {
    let id = file.id;
    let remove = on_remove.reform(move |_: MouseEvent| id);
    let status = match &file.status {
        FileStatus::Detecting => html! { <span class="pending">{ "detecting…" }</span> },
        FileStatus::Detected(kind) => html! { kind.label() },
        FileStatus::Unreadable(why) => html! { <span class="error">{ format!("cannot read: {why}") }</span> },
    };
    html! {
        <tr key={id}>
            <td class="file-name">{ &file.name }</td>
            <td class="num" title={format!("{} bytes", file.size)}>{ format_size(file.size) }</td>
            <td class="kind">{ status }</td>
            <td>
                <button type="button" class="link-button" onclick={remove}
                    aria-label={format!("Remove {}", file.name)}>{ "Remove" }</button>
            </td>
        </tr>
    }
}

/// Formats a byte count the way file managers do: `412 B`, `12.3 KiB`, `4.5 MiB`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
