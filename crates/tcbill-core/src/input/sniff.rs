//! Guessing what kind of billing export a file is, from its first bytes.
//!
//! Detection looks at content, never at the file name: users rename downloads, and the console
//! names deduction exports without an extension. Text is recognised by its header row, JSON by
//! the fields of the API response, ZIP by its signature.

use crate::input::csv::UTF8_BOM;
use crate::input::{csv, json, SNIFF_LEN};
use crate::model::kind::InputKind;

/// The container of a file, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    Empty,
    Zip,
    Json,
    Text,
    Binary,
}

/// The container of a file from its first [`SNIFF_LEN`] bytes (any more are not looked at, so
/// the verdict does not depend on how the file was chunked).
pub(crate) fn sniff_container(head: &[u8]) -> Container {
    let head = &head[..head.len().min(SNIFF_LEN)];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Container::Zip;
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Container::Text;
    }
    let head = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Container::Empty,
        Some(b'{' | b'[') => Container::Json,
        Some(_) => {
            // Proportion, not presence: a stray NUL in a text file is a bad cell, reported with
            // its line, while real binary data (or UTF-16 without a BOM) is full of them.
            let control_bytes = head
                .iter()
                .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
                .count();
            if control_bytes * 20 > head.len() {
                Container::Binary
            } else {
                Container::Text
            }
        }
    }
}

/// Whether ZIP members with these names make an Excel workbook: both of its required parts, by
/// exact name (a bill pack holding `old-xl/workbook.xml.bak`, or a CSV that mentions
/// `xl/workbook.xml`, stays a pack).
pub(crate) fn names_make_xlsx<'a>(names: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let (mut content_types, mut workbook) = (false, false);
    for name in names {
        content_types |= name == b"[Content_Types].xml";
        workbook |= name == b"xl/workbook.xml";
    }
    content_types && workbook
}

/// The member names of a ZIP's local file headers, walked from the start of `bytes` (which may be
/// just the file's head, or a file whose central directory is lost). A member whose sizes follow
/// its data (flag bit 3) is skipped by searching for the next header.
pub(crate) fn local_member_names(bytes: &[u8]) -> Vec<&[u8]> {
    const SIGNATURE: &[u8] = b"PK\x03\x04";
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let mut names = Vec::new();
    let mut at = 0;
    while bytes.get(at..at + 4) == Some(SIGNATURE) {
        let (Some(flags), Some(compressed), Some(name_len), Some(extra_len)) = (
            u16_at(at + 6),
            u32_at(at + 18),
            u16_at(at + 26),
            u16_at(at + 28),
        ) else {
            break;
        };
        let name_start = at + 30;
        let Some(name) = bytes.get(name_start..name_start + name_len) else {
            break;
        };
        names.push(name);
        let data_start = name_start + name_len + extra_len;
        at = if flags & 0x08 == 0 {
            data_start.saturating_add(compressed)
        } else {
            match bytes.get(data_start..).and_then(|rest| {
                rest.windows(SIGNATURE.len())
                    .position(|window| window == SIGNATURE)
            }) {
                Some(offset) => data_start + offset,
                None => break,
            }
        };
    }
    names
}

/// Whether a file starting with `head` is a ZIP (a bill pack or an XLSX workbook): what only a
/// build with the `archive` feature reads (the web app hands such a file to a worker of its own).
/// Its first four bytes decide, as they do for [`Parser`](crate::input::Parser).
pub fn is_archive(head: &[u8]) -> bool {
    sniff_container(head) == Container::Zip
}

/// Whether a complete ZIP file is an Excel workbook rather than a pack of bill files: by its
/// central directory, or by its local headers when the directory is lost.
#[cfg(feature = "archive")]
pub(crate) fn zip_is_xlsx(bytes: &[u8]) -> bool {
    match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(archive) => names_make_xlsx(archive.file_names_raw()),
        Err(_) => names_make_xlsx(local_member_names(bytes)),
    }
}

/// Detects the kind of a file from its first [`SNIFF_LEN`] bytes (or fewer, for short files).
pub fn detect_kind(head: &[u8]) -> InputKind {
    match sniff_container(head) {
        Container::Zip if names_make_xlsx(local_member_names(head)) => InputKind::Xlsx,
        Container::Zip => InputKind::ZipPack,
        Container::Json => {
            json::detect_action(head).map_or(InputKind::Unknown, InputKind::ApiResponse)
        }
        Container::Text => csv::detect_text_kind(head),
        Container::Empty | Container::Binary => InputKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::{ApiAction, BillLevel};

    /// Stored ZIP members: a local header (sizes in it, or after the data with flag bit 3) and data.
    fn local_members(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut zip = Vec::new();
        for (name, data, sizes_after) in members {
            let flags: u16 = if *sizes_after { 0x08 } else { 0 };
            let size = if *sizes_after { 0 } else { data.len() as u32 };
            zip.extend_from_slice(b"PK\x03\x04\x14\x00");
            zip.extend_from_slice(&flags.to_le_bytes());
            zip.extend_from_slice(&[0; 10]); // method, time, date, CRC
            zip.extend_from_slice(&size.to_le_bytes());
            zip.extend_from_slice(&size.to_le_bytes());
            zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
            zip.extend_from_slice(&0u16.to_le_bytes());
            zip.extend_from_slice(name.as_bytes());
            zip.extend_from_slice(data);
        }
        zip
    }

    #[test]
    fn a_workbook_is_told_by_its_parts_names_not_by_bytes_anywhere() {
        let workbook = local_members(&[
            ("[Content_Types].xml", b"<Types/>", false),
            ("_rels/.rels", b"<Relationships/>", true),
            ("xl/workbook.xml", b"<workbook/>", false),
        ]);
        assert_eq!(detect_kind(&workbook), InputKind::Xlsx);
        let pack = local_members(&[
            ("[Content_Types].xml", b"notes", false),
            ("old-xl/workbook.xml.bak", b"<workbook/>", false),
            ("bill.csv", b"mentions xl/workbook.xml", false),
        ]);
        assert_eq!(detect_kind(&pack), InputKind::ZipPack);
        assert_eq!(
            local_member_names(&pack),
            [
                &b"[Content_Types].xml"[..],
                b"old-xl/workbook.xml.bak",
                b"bill.csv"
            ]
        );
    }

    #[test]
    fn detects_kinds_from_content() {
        assert_eq!(detect_kind(b"PK\x03\x04rest"), InputKind::ZipPack);
        assert_eq!(
            detect_kind("\u{feff}  {\"Response\":{\"Error\":{\"Code\":\"X\"}}}".as_bytes()),
            InputKind::ApiResponse(ApiAction::Error)
        );
        assert_eq!(
            detect_kind("产品名称,组件名称,现金账户支出(元)\n云服务器,CPU,1\n".as_bytes()),
            InputKind::BillDetails(BillLevel::L3)
        );
        assert_eq!(
            detect_kind("产品名称,地域\n云服务器,广州\n".as_bytes()),
            InputKind::Unknown
        );
        assert_eq!(
            detect_kind(b"BilledCost,ChargeCategory,ChargePeriodStart,ServiceName\n1.0,Usage,2025-05-31T16:00:00Z,CDN\n"),
            InputKind::Focus
        );
        assert_eq!(detect_kind(b""), InputKind::Unknown);
        assert_eq!(detect_kind(b"\x00\x01\x02binary"), InputKind::Unknown);
    }
}
