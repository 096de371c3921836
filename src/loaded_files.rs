//! The list of files the user has loaded, as a Yew reducer.
//!
//! Files arrive from drops, the file picker and the built-in sample; their kind is detected
//! asynchronously (the head of a `File` is read through a promise), so an entry starts out
//! pending and is completed by a later [`FilesAction::StatusChanged`].

use std::rc::Rc;

use tcbill_core::detect::InputKind;
use yew::Reducible;

/// Identifies one loaded file for the lifetime of the page.
pub type FileId = u32;

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
    /// The head of the file is being read.
    Detecting,
    Detected(InputKind),
    /// The browser could not read the file (removed from disk, permission lost, ...).
    Unreadable(String),
}

/// All loaded files, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedFiles {
    pub files: Vec<LoadedFile>,
}

/// What can happen to the list of loaded files.
pub enum FilesAction {
    /// A file arrived (its id is chosen by the caller, so it can refer to it later).
    Added(LoadedFile),
    /// Detection of an earlier file finished (or failed).
    StatusChanged { id: FileId, status: FileStatus },
    /// The user removed a file.
    Removed(FileId),
}

impl Reducible for LoadedFiles {
    type Action = FilesAction;

    fn reduce(self: Rc<Self>, action: FilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilesAction::Added(file) => next.files.push(file),
            FilesAction::StatusChanged { id, status } => {
                if let Some(file) = next.files.iter_mut().find(|f| f.id == id) {
                    file.status = status;
                }
            }
            FilesAction::Removed(id) => next.files.retain(|f| f.id != id),
        }
        Rc::new(next)
    }
}
