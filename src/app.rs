//! The page: a header, the drop zone, and what tcbill found in the loaded files.

use std::cell::Cell;

use js_sys::{Array, Uint8Array};
use web_sys::File;
use yew::prelude::*;

use crate::drop_zone::DropZone;
use crate::file_table::FileTable;
use crate::i18n::Lang;
use crate::loaded_files::{FilesAction, LoadedFiles};
use crate::parsing::ParsingWorker;
use crate::protocol::{FileId, ToWorker};
use crate::sample::SAMPLE_FILES;

#[component]
pub fn App() -> Html {
    let lang = use_state(Lang::from_browser);
    let text = lang.strings();
    let files = use_reducer(LoadedFiles::default);
    let ids = use_memo((), |_| IdSource::default());
    let worker = {
        let dispatcher = files.dispatcher();
        use_memo((), move |_| {
            ParsingWorker::start(Callback::from(move |report| dispatcher.dispatch(FilesAction::Worker(report))))
        })
    };

    let on_files = {
        let dispatcher = files.dispatcher();
        let (ids, worker) = (ids.clone(), worker.clone());
        Callback::from(move |picked: Vec<File>| {
            let Ok(worker) = worker.as_ref() else { return };
            for file in picked {
                let id = ids.next();
                dispatcher.dispatch(FilesAction::Added { id, name: file.name(), size: file.size() as u64 });
                worker.send(ToWorker::Parse { id, file });
            }
        })
    };
    let on_load_sample = on_files.reform(|_: MouseEvent| SAMPLE_FILES.iter().map(|s| s.to_file()).collect());
    let on_cancel = {
        let worker = worker.clone();
        Callback::from(move |id: FileId| {
            if let Ok(worker) = worker.as_ref() {
                worker.send(ToWorker::Cancel { id });
            }
        })
    };
    let on_remove = {
        let dispatcher = files.dispatcher();
        let worker = worker.clone();
        Callback::from(move |id: FileId| {
            dispatcher.dispatch(FilesAction::Removed(id));
            if let Ok(worker) = worker.as_ref() {
                worker.send(ToWorker::Remove { id });
            }
        })
    };

    let on_switch_language = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if *lang == Lang::En { Lang::Zh } else { Lang::En };
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                // Screen readers and fonts follow the document's language.
                let _ = root.set_attribute("lang", if next == Lang::Zh { "zh-CN" } else { "en" });
            }
            lang.set(next);
        })
    };

    html! {
        <ContextProvider<Lang> context={*lang}>
            <header class="masthead">
                <h1>{ "tcbill" }</h1>
                <p class="tagline">{ text.tagline }</p>
                <button type="button" class="link-button language" onclick={on_switch_language}>
                    { text.other_language }
                </button>
            </header>
            <main>
                if let Err(err) = worker.as_ref() {
                    <p class="error" role="alert">
                        { format!("{}: {err:?}", text.worker_failed) }
                    </p>
                }
                <DropZone {on_files} />
                <div class="actions">
                    <button type="button" class="button" onclick={on_load_sample}>
                        { text.load_sample }
                    </button>
                </div>
                <FileTable files={files.files.clone()} {on_cancel} {on_remove} />
            </main>
        </ContextProvider<Lang>>
    }
}

/// Hands out page-unique file ids, so the worker's reports can name their file.
#[derive(Default)]
struct IdSource(Cell<FileId>);

impl IdSource {
    fn next(&self) -> FileId {
        let id = self.0.get();
        self.0.set(id + 1);
        id
    }
}

impl crate::sample::SampleFile {
    /// The sample as a browser `File`, so it takes the same path as a dropped file.
    fn to_file(&self) -> File {
        let bytes = Array::of1(&Uint8Array::from(self.bytes));
        File::new_with_u8_array_sequence(&bytes, self.name).expect("a File from bytes")
    }
}
