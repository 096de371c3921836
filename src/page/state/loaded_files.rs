//! The list of files the user has loaded, as a Yew reducer.
//!
//! A file is added as soon as it is dropped; the parsing worker then reports progress and,
//! finally, what it found. Each of those reports is a [`FilesAction`]. Data pulled from the API
//! takes the same path, one entry per action, its pages arriving instead of its slices; until it is
//! parsed, a pulled entry belongs to the fetch panel, and a failed one never reaches the Files table.

use std::rc::Rc;

use yew::Reducible;

use crate::protocol::{FetchFailure, FileId, FromWorker, PartSummary};

/// One file the user has given us.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedFile {
    pub id: FileId,
    pub name: String,
    pub size: u64,
    pub status: FileStatus,
    /// Pulled from the API rather than given as a file.
    pub pulled: bool,
}

impl LoadedFile {
    /// Whether the Files table lists it: every given file, and pulled entries once parsed.
    pub fn in_file_table(&self) -> bool {
        !self.pulled || matches!(self.status, FileStatus::Parsed(_) | FileStatus::Crashed(_))
    }
}

/// How far tcbill has got with one file.
#[derive(Clone, Debug, PartialEq)]
pub enum FileStatus {
    Parsing {
        bytes_read: u64,
        rows_read: u64,
    },
    /// Parsed: one part per file inside it (several for a ZIP bill pack).
    Parsed(Vec<PartSummary>),
    Cancelled,
    /// The browser could not read the file (removed from disk, permission lost, ...).
    Unreadable(String),
    /// Pages are arriving from the API.
    Fetching {
        rows_read: u64,
    },
    FetchFailed(FetchFailure),
    /// tcbill stopped on this file (a panic in the worker, which was restarted without it).
    Crashed(String),
}

/// All loaded files, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedFiles {
    pub files: Vec<LoadedFile>,
    /// Why the last pull stopped before fetching anything more (refused URL, no proxy).
    pub pull_stopped: Option<FetchFailure>,
    /// Files were given and the user has not picked a tab since: once they are read, the page
    /// shows the answer (Overview).
    pub answer_due: bool,
    /// Counts the moments the answer became due to show; the page turns to Overview on each.
    pub answers: u64,
}

/// What can happen to the list of loaded files.
pub enum FilesAction {
    /// A file arrived (its id is chosen by the caller, so it can refer to it later).
    Added { id: FileId, name: String, size: u64 },
    /// A new pull: the last one's failures make way for its entries.
    PullStarted,
    /// An entry of the current pull, fetched next or later.
    Pulling { id: FileId, name: String },
    /// The parsing worker reported on a file.
    Worker(FromWorker<'static>),
    /// The user removed a file.
    Removed(FileId),
    /// The worker sent a new report.
    Reported,
    /// The user picked a tab: the page no longer turns to Overview by itself.
    TabPicked,
}

impl Reducible for LoadedFiles {
    type Action = FilesAction;

    fn reduce(self: Rc<Self>, action: FilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilesAction::Added { id, name, size } => {
                next.answer_due = true;
                next.files.push(LoadedFile {
                    id,
                    name,
                    size,
                    status: FileStatus::Parsing { bytes_read: 0, rows_read: 0 },
                    pulled: false,
                })
            }
            // A report follows each parsed file (after its `Parsed`): the last one is the answer.
            FilesAction::Reported => next.show_answer_once_read(),
            FilesAction::TabPicked => next.answer_due = false,
            FilesAction::PullStarted => {
                next.pull_stopped = None;
                next.files.retain(|file| !(file.pulled && matches!(file.status, FileStatus::FetchFailed(_))));
            }
            FilesAction::Pulling { id, name } => next.files.push(LoadedFile {
                id,
                name,
                size: 0,
                status: FileStatus::Fetching { rows_read: 0 },
                pulled: true,
            }),
            FilesAction::Worker(FromWorker::FetchStopped { failure }) => {
                next.pull_stopped = Some(failure);
                next.files.retain(|file| !(file.pulled && matches!(file.status, FileStatus::Fetching { .. })));
            }
            FilesAction::Worker(FromWorker::Cancelled { id }) if self.is_pull(id) => {
                next.files.retain(|file| file.id != id)
            }
            FilesAction::Worker(report) => {
                let (id, status) = match report {
                    // Not about one file: the app routes these elsewhere.
                    FromWorker::Ready
                    | FromWorker::Report { .. }
                    | FromWorker::Summary { .. }
                    | FromWorker::Download { .. }
                    | FromWorker::DrillDown { .. }
                    | FromWorker::Rows { .. }
                    | FromWorker::Deductions { .. }
                    | FromWorker::DeductionRows { .. }
                    | FromWorker::UsagePoints { .. }
                    | FromWorker::FilterValues { .. }
                    | FromWorker::Trend { .. }
                    | FromWorker::Comparison { .. }
                    | FromWorker::MonthlyTrend { .. }
                    | FromWorker::FetchStopped { .. } => return self,
                    FromWorker::Crashed { id: None, .. } => return self,
                    FromWorker::Crashed { id: Some(id), message } => (id, FileStatus::Crashed(message)),
                    FromWorker::Progress { id, bytes_read, rows_read } => {
                        (id, FileStatus::Parsing { bytes_read, rows_read })
                    }
                    FromWorker::Fetching { id, bytes, rows_read } => {
                        // A pulled dataset's size is what has arrived so far.
                        if let Some(file) = next.files.iter_mut().find(|f| f.id == id) {
                            file.size = bytes;
                        }
                        (id, FileStatus::Fetching { rows_read })
                    }
                    FromWorker::FetchFailed { id, failure } => (id, FileStatus::FetchFailed(failure)),
                    FromWorker::Parsed { id, parts } => (id, FileStatus::Parsed(parts)),
                    FromWorker::Cancelled { id } => (id, FileStatus::Cancelled),
                    FromWorker::Unreadable { id, message } => (id, FileStatus::Unreadable(message)),
                };
                // No report follows a file that was not read: the files before it are the answer.
                let unread = matches!(status, FileStatus::Cancelled | FileStatus::Unreadable(_));
                // A report may arrive for a file the user removed meanwhile: ignore it.
                if let Some(file) = next.files.iter_mut().find(|f| f.id == id) {
                    file.status = status;
                }
                if unread {
                    next.show_answer_once_read();
                }
            }
            FilesAction::Removed(id) => next.files.retain(|f| f.id != id),
        }
        Rc::new(next)
    }
}

impl LoadedFiles {
    fn is_pull(&self, id: FileId) -> bool {
        self.files.iter().any(|file| file.id == id && file.pulled)
    }

    /// Counts an answer to show if one is due and no given file is still being read.
    fn show_answer_once_read(&mut self) {
        let reading = self.files.iter().any(|file| !file.pulled && matches!(file.status, FileStatus::Parsing { .. }));
        if self.answer_due && !reading {
            self.answer_due = false;
            self.answers += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn after(actions: Vec<FilesAction>) -> Rc<LoadedFiles> {
        actions.into_iter().fold(Rc::new(LoadedFiles::default()), |files, action| files.reduce(action))
    }

    fn added(id: FileId) -> FilesAction {
        FilesAction::Added { id, name: format!("{id}.csv"), size: 1 }
    }

    fn parsed(id: FileId) -> FilesAction {
        FilesAction::Worker(FromWorker::Parsed { id, parts: Vec::new() })
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_answer_is_shown_once_the_last_file_given_is_read() {
        // Each file's report follows its `Parsed`; the first report comes while the second file is read.
        let files = after(vec![added(1), added(2), parsed(1), FilesAction::Reported]);
        assert_eq!((files.answer_due, files.answers), (true, 0));
        let files = after(vec![added(1), added(2), parsed(1), FilesAction::Reported, parsed(2), FilesAction::Reported]);
        assert_eq!((files.answer_due, files.answers), (false, 1));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_tab_picked_meanwhile_keeps_the_page_where_it_is() {
        let files = after(vec![added(1), FilesAction::TabPicked, parsed(1), FilesAction::Reported]);
        assert_eq!((files.answer_due, files.answers), (false, 0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_cancelled_last_file_shows_the_answer_of_the_others() {
        let cancelled = FilesAction::Worker(FromWorker::Cancelled { id: 2 });
        let files = after(vec![added(1), added(2), parsed(1), FilesAction::Reported, cancelled]);
        assert_eq!((files.answer_due, files.answers), (false, 1));
    }
}
