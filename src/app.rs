//! The page: a header, the drop zone, and what tcbill knows about the loaded files.

use std::cell::Cell;

use tcbill_core::detect::{detect_kind, InputKind, SNIFF_LEN};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::drop_zone::DropZone;
use crate::file_read::read_head;
use crate::file_table::FileTable;
use crate::loaded_files::{FileId, FileStatus, FilesAction, LoadedFile, LoadedFiles};
use crate::sample::SAMPLE_FILES;

#[component]
pub fn App() -> Html {
    let files = use_reducer(LoadedFiles::default);
    let ids = use_memo((), |_| IdSource::default());

    let on_files = {
        let dispatcher = files.dispatcher();
        let ids = ids.clone();
        Callback::from(move |picked: Vec<web_sys::File>| {
            for file in picked {
                let id = ids.next();
                dispatcher.dispatch(FilesAction::Added(LoadedFile {
                    id,
                    name: file.name(),
                    size: file.size() as u64,
                    status: FileStatus::Detecting,
                }));
                let dispatcher = dispatcher.clone();
                spawn_local(async move {
                    let status = match read_head(&file, SNIFF_LEN).await {
                        Ok(head) => FileStatus::Detected(detect_kind(&head)),
                        Err(err) => FileStatus::Unreadable(format!("{err:?}")),
                    };
                    dispatcher.dispatch(FilesAction::StatusChanged { id, status });
                });
            }
        })
    };

    let on_load_sample = {
        let dispatcher = files.dispatcher();
        let ids = ids.clone();
        Callback::from(move |_: MouseEvent| {
            for sample in SAMPLE_FILES {
                dispatcher.dispatch(FilesAction::Added(LoadedFile {
                    id: ids.next(),
                    name: sample.name.to_owned(),
                    size: sample.bytes.len() as u64,
                    status: FileStatus::Detected(sniff(sample.bytes)),
                }));
            }
        })
    };

    let on_remove = {
        let dispatcher = files.dispatcher();
        Callback::from(move |id: FileId| dispatcher.dispatch(FilesAction::Removed(id)))
    };

    html! {
        <>
            <header class="masthead">
                <h1>{ "tcbill" }</h1>
                <p class="tagline">
                    { "Tencent Cloud bill analyzer. Your files are read in this browser tab and never uploaded." }
                </p>
            </header>
            <main>
                <DropZone {on_files} />
                <div class="actions">
                    <button type="button" class="button" onclick={on_load_sample}>
                        { "Load sample data" }
                    </button>
                </div>
                <FileTable files={files.files.clone()} {on_remove} />
            </main>
        </>
    }
}

fn sniff(bytes: &[u8]) -> InputKind {
    detect_kind(&bytes[..bytes.len().min(SNIFF_LEN)])
}

/// Hands out page-unique file ids, so a pending detection can find its file later.
#[derive(Default)]
struct IdSource(Cell<FileId>);

impl IdSource {
    fn next(&self) -> FileId {
        let id = self.0.get();
        self.0.set(id + 1);
        id
    }
}
