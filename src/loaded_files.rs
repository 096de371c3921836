//! The list of files the user has loaded, as a Yew reducer.
//!
//! A file is added as soon as it is dropped; the parsing worker then reports progress and,
//! finally, what it found. Each of those reports is a [`FilesAction`]. Data pulled from the API
//! takes the same path, one entry per action, its pages arriving instead of its slices.

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
}

/// All loaded files, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedFiles {
    pub files: Vec<LoadedFile>,
}

/// What can happen to the list of loaded files.
pub enum FilesAction {
    /// A file arrived (its id is chosen by the caller, so it can refer to it later).
    Added { id: FileId, name: String, size: u64 },
    /// The parsing worker reported on a file.
    Worker(FromWorker),
    /// The user removed a file.
    Removed(FileId),
}

impl Reducible for LoadedFiles {
    type Action = FilesAction;

    fn reduce(self: Rc<Self>, action: FilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilesAction::Added { id, name, size } => next.files.push(LoadedFile {
                id,
                name,
                size,
                status: FileStatus::Parsing { bytes_read: 0, rows_read: 0 },
            }),
            FilesAction::Worker(report) => {
                let (id, status) = match report {
                    // Not about one file: the app routes these elsewhere.
                    FromWorker::Ready
                    | FromWorker::Report { .. }
                    | FromWorker::Summary { .. }
                    | FromWorker::Download { .. }
                    | FromWorker::BinaryDownload { .. }
                    | FromWorker::DrillDown { .. }
                    | FromWorker::Rows { .. }
                    | FromWorker::Deductions { .. }
                    | FromWorker::DeductionRows { .. }
                    | FromWorker::UsagePoints { .. }
                    | FromWorker::FilterValues { .. }
                    | FromWorker::Trend { .. } => return self,
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
                // A report may arrive for a file the user removed meanwhile: ignore it.
                if let Some(file) = next.files.iter_mut().find(|f| f.id == id) {
                    file.status = status;
                }
            }
            FilesAction::Removed(id) => next.files.retain(|f| f.id != id),
        }
        Rc::new(next)
    }
}
