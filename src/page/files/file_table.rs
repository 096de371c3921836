//! The table of loaded files: what tcbill detected in each, how many rows it read, accepted
//! and rejected, and every problem it found, naming file, line and column.

use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};
use crate::page::money::group_thousands;
use crate::page::state::loaded_files::{FileStatus, LoadedFile};
use crate::protocol::{FileId, PartSummary};

#[derive(Properties, PartialEq)]
pub struct FileTableProps {
    pub files: Vec<LoadedFile>,
    pub on_cancel: Callback<FileId>,
    pub on_remove: Callback<FileId>,
}

#[component]
pub fn FileTable(props: &FileTableProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    let files: Vec<&LoadedFile> = props.files.iter().filter(|file| file.in_file_table()).collect();
    if files.is_empty() {
        return html! { <p class="empty">{ text.no_files }</p> };
    }
    html! {
        <table class="file-table">
            <caption>{ (text.files_loaded)(files.len()) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ text.col_file }</th>
                    <th scope="col" class="num">{ text.col_size }</th>
                    <th scope="col">{ text.col_kind }</th>
                    <th scope="col" class="num">{ text.col_rows_read }</th>
                    <th scope="col" class="num">{ text.col_accepted }</th>
                    <th scope="col" class="num">{ text.col_rejected }</th>
                    <th scope="col"><span class="visually-hidden">{ text.col_actions }</span></th>
                </tr>
            </thead>
            { for files.into_iter().map(|file| file_rows(file, props, text)) }
        </table>
    }
}

/// One `<tbody>` per file: its own row, then rows for ZIP members and problems.
fn file_rows(file: &LoadedFile, props: &FileTableProps, text: &Strings) -> Html {
    let id = file.id;
    let remove = props.on_remove.reform(move |_: MouseEvent| id);
    let remove_button = html! {
        <button type="button" class="link-button" onclick={remove}
            aria-label={format!("{} {}", text.remove, file.name)}>{ text.remove }</button>
    };
    let name = html! { <td class="file-name">{ &file.name }</td> };
    let size = html! { <td class="num" title={format!("{} bytes", file.size)}>{ format_size(file.size) }</td> };

    match &file.status {
        FileStatus::Parsing { bytes_read, rows_read } => {
            let cancel = props.on_cancel.reform(move |_: MouseEvent| id);
            html! {
                <tbody key={id} class="parsing">
                    <tr>
                        { name }{ size }
                        <td colspan="4">
                            <progress max={file.size.to_string()} value={bytes_read.to_string()}
                                aria-label={format!("{} {}", text.reading, file.name)} />
                            <span class="pending">
                                { format!(" {} {} {} · {} {}", format_size(*bytes_read), text.of, format_size(file.size), format_count(*rows_read), text.rows) }
                            </span>
                        </td>
                        <td>
                            <button type="button" class="link-button" onclick={cancel}
                                aria-label={format!("{} {}", text.cancel, file.name)}>{ text.cancel }</button>
                        </td>
                    </tr>
                </tbody>
            }
        }
        // A pull shows in the fetch panel until it is parsed.
        FileStatus::Fetching { .. } | FileStatus::FetchFailed(_) => Html::default(),
        FileStatus::Cancelled | FileStatus::Unreadable(_) | FileStatus::Crashed(_) => {
            let why = match &file.status {
                FileStatus::Unreadable(message) => format!("{}: {message}", text.cannot_read),
                FileStatus::Crashed(message) => (text.crashed)(message),
                _ => text.cancelled.to_owned(),
            };
            html! {
                <tbody key={id}>
                    <tr>{ name }{ size }<td colspan="4" class="error">{ why }</td><td>{ remove_button }</td></tr>
                </tbody>
            }
        }
        FileStatus::Parsed(parts) => {
            let (kind, members) = match parts.as_slice() {
                [only] if only.name == file.name => ((text.kind_label)(&only.kind), &[][..]),
                parts => ((text.zip_pack)(parts.len()), parts),
            };
            html! {
                <tbody key={id}>
                    <tr>
                        { name }{ size }
                        <td class="kind">{ kind }</td>
                        { counts(parts.iter()) }
                        <td>{ remove_button }</td>
                    </tr>
                    { for members.iter().map(|part| html! {
                        <tr class="member">
                            <td class="file-name">{ &part.name }</td>
                            <td />
                            <td class="kind">{ (text.kind_label)(&part.kind) }</td>
                            { counts(std::iter::once(part)) }
                            <td />
                        </tr>
                    }) }
                    { problems(parts, text) }
                </tbody>
            }
        }
    }
}

/// The rows-read, accepted and rejected cells, summed over `parts`.
fn counts<'a>(parts: impl Iterator<Item = &'a PartSummary>) -> Html {
    let (read, accepted, rejected) =
        parts.fold((0, 0, 0), |(r, a, j), p| (r + p.rows_read, a + p.rows_accepted, j + p.rows_rejected));
    html! {
        <>
            <td class="num">{ format_count(read) }</td>
            <td class="num">{ format_count(accepted) }</td>
            <td class={classes!("num", (rejected > 0).then_some("error"))}>{ format_count(rejected) }</td>
        </>
    }
}

fn problems(parts: &[PartSummary], text: &Strings) -> Html {
    let lines: Vec<String> =
        parts.iter().flat_map(|part| &part.diagnostics).map(|diagnostic| (text.diagnostic)(diagnostic)).collect();
    if lines.is_empty() {
        return Html::default();
    }
    let summary = (text.problems)(lines.len());
    html! {
        <tr class="problems">
            <td colspan="7">
                <details>
                    <summary>{ summary }</summary>
                    <ul class="diagnostics">
                        { for lines.iter().map(|line| html! { <li>{ line }</li> }) }
                    </ul>
                </details>
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

/// Formats a count with thousands separators: `1,234,567`.
pub fn format_count(count: u64) -> String {
    group_thousands(&count.to_string())
}
