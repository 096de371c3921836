//! ZIP bill packs, unpacked by the parser: each member streams into a parser of its own, within
//! limits shared by every archive nested in one dropped file. A member that cannot be unpacked is
//! reported on its own and does not stop the other members.

use std::io::{Cursor, Read};

use super::Parser;
use crate::model::diagnostic::{Diagnostic, DiagnosticCode, Problem};
use crate::model::kind::InputKind;
use crate::model::parsed_file::ParsedFile;

/// How deep ZIPs may nest in ZIPs. Real packs nest one level (a month's pack of daily packs);
/// the limit keeps a hostile archive from recursing without end.
pub(crate) const MAX_ZIP_DEPTH: u32 = 4;

/// A member may inflate to this many bytes before the ratio below is checked.
const BOMB_FLOOR: u64 = 64 << 20;

/// Bills compress about 10:1; past [`BOMB_FLOOR`], a member inflating more than this many bytes
/// per compressed byte is taken for a ZIP bomb and not read further.
const MAX_INFLATION_RATIO: u64 = 200;

/// Bytes all the members of one dropped file may inflate to, nested archives included. Members
/// are streamed, never held whole, so this bounds time rather than memory: 4 GiB in the browser
/// (wasm32's whole address space), 64 GiB natively.
pub(crate) const MAX_INFLATED_TOTAL: u64 = if cfg!(target_pointer_width = "32") {
    4 << 30
} else {
    64 << 30
};

/// What unpacking one dropped file may still cost, shared by every archive nested in it.
pub(crate) struct Unpacking {
    pub(crate) depth: u32,
    pub(crate) inflated_left: u64,
}

impl Unpacking {
    pub(crate) fn new() -> Self {
        Unpacking {
            depth: 0,
            inflated_left: MAX_INFLATED_TOTAL,
        }
    }
}

fn failed(name: &str, kind: InputKind, problem: impl Into<Problem>) -> ParsedFile {
    let problem = problem.into();
    let diagnostic = Diagnostic::error(name, problem.message).saying(problem.says);
    ParsedFile::empty(name, kind, vec![diagnostic])
}

/// The ZIP itself, with a warning about how it was read.
fn warned(name: &str, message: String) -> ParsedFile {
    ParsedFile::empty(
        name,
        InputKind::ZipPack,
        vec![Diagnostic::warning(name, message)],
    )
}

/// Parses every member of a ZIP; members are named `pack.zip/member.csv`. A ZIP whose central
/// directory is lost (a truncated download) still yields the members its local headers hold.
pub(crate) fn parse_zip(file: &str, bytes: &[u8], unpacking: &mut Unpacking) -> Vec<ParsedFile> {
    if unpacking.depth >= MAX_ZIP_DEPTH {
        let message = format!(
            "a ZIP nested more than {MAX_ZIP_DEPTH} levels deep in other ZIPs is not unpacked"
        );
        let problem = Problem {
            message,
            says: Some(DiagnosticCode::ZipTooDeep {
                levels: MAX_ZIP_DEPTH,
            }),
        };
        return vec![failed(file, InputKind::ZipPack, problem)];
    }
    unpacking.depth += 1;
    let parsed = match zip::ZipArchive::new(Cursor::new(bytes)) {
        // The zip crate keeps one entry per name: members that repeat a name are read from
        // their own headers, or all but the last would go unseen.
        Ok(archive) => match directory_entries(bytes) {
            Some(entries) if entries > archive.len() as u64 => {
                let repeated = entries - archive.len() as u64;
                members_from_headers(file, bytes, Unlisted::RepeatedNames(repeated), unpacking)
            }
            _ => parse_members(file, archive, unpacking),
        },
        Err(error) => members_from_headers(file, bytes, Unlisted::Truncated(&error), unpacking),
    };
    unpacking.depth -= 1;
    parsed
}

fn parse_members(
    file: &str,
    mut archive: zip::ZipArchive<Cursor<&[u8]>>,
    unpacking: &mut Unpacking,
) -> Vec<ParsedFile> {
    let mut parsed = Vec::new();
    for index in 0..archive.len() {
        match archive.by_index(index) {
            Ok(mut member) => {
                let compressed = member.compressed_size();
                let member_name = String::from_utf8_lossy(member.name_raw()).into_owned();
                if !member.is_dir() && !member_name.starts_with("__MACOSX/") {
                    let name = format!("{file}/{member_name}");
                    match parse_member(&name, &mut member, compressed, unpacking) {
                        Ok(files) => parsed.extend(files),
                        Err(message) => parsed.push(failed(&name, InputKind::Unknown, message)),
                    }
                }
            }
            Err(error) => {
                let name = format!("{file}/#{}", index + 1);
                let message = format!("this ZIP member cannot be read ({error})");
                parsed.push(failed(&name, InputKind::Unknown, message));
            }
        }
    }
    if parsed.is_empty() {
        let message = "the ZIP archive holds no files".to_owned();
        parsed.push(failed(file, InputKind::ZipPack, message));
    }
    parsed
}

/// How many entries the ZIP's end-of-central-directory record (or its ZIP64 record) counts;
/// `None` where it cannot be found.
fn directory_entries(bytes: &[u8]) -> Option<u64> {
    const END: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let at = search_from + memchr::memmem::rfind(&bytes[search_from..], END)?;
    let end = bytes.get(at..at + 22)?;
    let entries = u16::from_le_bytes([end[10], end[11]]);
    if entries != u16::MAX {
        return Some(u64::from(entries));
    }
    // ZIP64: a locator just before points at the ZIP64 record, which holds the count.
    let locator = bytes.get(at.checked_sub(20)?..at)?;
    let record_at = usize::try_from(u64::from_le_bytes(locator[8..16].try_into().ok()?)).ok()?;
    let record = bytes.get(record_at..record_at.checked_add(40)?)?;
    (locator.starts_with(b"PK\x06\x07") && record.starts_with(b"PK\x06\x06"))
        .then(|| u64::from_le_bytes(record[32..40].try_into().unwrap_or_default()))
}

/// Why a ZIP's members are read from their own headers rather than from its directory.
enum Unlisted<'a> {
    /// The directory is missing or damaged (a truncated download).
    Truncated(&'a zip::result::ZipError),
    /// This many members repeat the name of one before them.
    RepeatedNames(u64),
}

/// Reads the members a ZIP holds one local header after another: what a truncated ZIP still
/// holds, or every member of one whose members share names.
fn members_from_headers(
    file: &str,
    bytes: &[u8],
    why: Unlisted<'_>,
    unpacking: &mut Unpacking,
) -> Vec<ParsedFile> {
    let mut reader = Cursor::new(bytes);
    let mut parsed = Vec::new();
    let mut recovered = 0;
    while let Ok(Some(mut member)) = zip::read::read_zipfile_from_stream(&mut reader) {
        let compressed = member.compressed_size();
        let member_name = String::from_utf8_lossy(member.name_raw()).into_owned();
        if member.is_dir() || member_name.starts_with("__MACOSX/") {
            continue;
        }
        let name = format!("{file}/{member_name}");
        match parse_member(&name, &mut member, compressed, unpacking) {
            Ok(files) => {
                recovered += 1;
                parsed.extend(files);
            }
            Err(message) => parsed.push(failed(&name, InputKind::Unknown, message)),
        }
    }
    let error = match why {
        Unlisted::Truncated(error) => error,
        Unlisted::RepeatedNames(repeated) => {
            let message = format!(
                "{repeated} members of this ZIP repeat the name of a member before them: all \
                 {recovered} members were read from their own headers, each under its name"
            );
            parsed.insert(0, warned(file, message));
            return parsed;
        }
    };
    let message = if recovered == 0 {
        format!("not a readable ZIP archive ({error}); the file may be truncated")
    } else {
        format!(
            "the ZIP's directory is missing or damaged ({error}); the file may be truncated: \
             {recovered} members were read from their own headers, anything after them is lost"
        )
    };
    parsed.insert(0, failed(file, InputKind::ZipPack, message));
    parsed
}

/// Streams one member into a parser of its own, a slice at a time, within the bomb limits; a
/// member that cannot be unpacked is one message.
fn parse_member(
    name: &str,
    member: &mut impl Read,
    compressed: u64,
    unpacking: &mut Unpacking,
) -> Result<Vec<ParsedFile>, Problem> {
    let mut parser = Parser::new(name);
    let mut slice = vec![0; 1 << 20];
    let mut inflated = 0u64;
    loop {
        let read = match member.read(&mut slice) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) => {
                let message = format!("this ZIP member cannot be unpacked ({error})");
                return Err(message.into());
            }
        };
        inflated += read as u64;
        let ratio_exceeded =
            compressed > 0 && inflated > compressed.saturating_mul(MAX_INFLATION_RATIO);
        if inflated > BOMB_FLOOR && ratio_exceeded {
            let message = format!(
                "this ZIP member inflates more than {MAX_INFLATION_RATIO} times its compressed \
                 size ({compressed} bytes), as ZIP bombs do; it is not read"
            );
            return Err(Problem {
                message,
                says: Some(DiagnosticCode::ZipBomb {
                    ratio: MAX_INFLATION_RATIO,
                }),
            });
        }
        if inflated > unpacking.inflated_left {
            let message = format!(
                "unpacking stopped: the members of this file inflate past {} GiB in all",
                MAX_INFLATED_TOTAL >> 30
            );
            return Err(Problem {
                message,
                says: Some(DiagnosticCode::ZipTooLarge {
                    gib: MAX_INFLATED_TOTAL >> 30,
                }),
            });
        }
        parser.feed(&slice[..read]);
    }
    unpacking.inflated_left -= inflated;
    Ok(parser.finish_nested(unpacking))
}
