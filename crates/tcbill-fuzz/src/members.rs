//! The ZIP and XLSX targets' inputs. Mutating a ZIP's bytes mostly breaks its CRC-32s, so the
//! reader rejects the member before core sees its content. An input is therefore either a ZIP as
//! is (it starts with `PK`: exercises the ZIP reader itself, bombs, truncation) or a *member
//! list* that the target packs into a ZIP with valid checksums, so mutations reach the CSV, JSON
//! or worksheet XML inside:
//!
//! ```text
//! --- 2025-06-bill.csv
//! (the member's bytes, up to the next line starting with "--- ")
//! --- xl/worksheets/sheet1.xml
//! ...
//! ```

use std::borrow::Cow;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const MARKER: &[u8] = b"--- ";

/// The container bytes a ZIP or XLSX target's input stands for.
pub fn container_bytes(input: &[u8]) -> Cow<'_, [u8]> {
    if input.starts_with(b"PK") {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(pack(&parse_list(input)))
    }
}

/// A member list (the format above) of `members`.
pub fn list(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, content) in members {
        out.extend_from_slice(MARKER);
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(content);
        if !content.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

/// The members of a member list; bytes before the first marker line are ignored.
fn parse_list(input: &[u8]) -> Vec<(String, &[u8])> {
    let mut starts: Vec<usize> = (0..input.len())
        .filter(|&at| (at == 0 || input[at - 1] == b'\n') && input[at..].starts_with(MARKER))
        .collect();
    starts.push(input.len());
    starts
        .windows(2)
        .filter_map(|pair| {
            let block = &input[pair[0] + MARKER.len()..pair[1]];
            let name_end = block.iter().position(|&byte| byte == b'\n')?;
            Some((
                String::from_utf8_lossy(&block[..name_end]).into_owned(),
                &block[name_end + 1..],
            ))
        })
        .collect()
}

/// A deflated ZIP of `members`; a member the writer refuses (a duplicate name) is left out.
fn pack(members: &[(String, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in members {
        if writer.start_file(name.as_str(), options).is_ok() {
            writer.write_all(content).expect("writing to memory");
        }
    }
    writer
        .finish()
        .expect("finishing a ZIP in memory")
        .into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_list_round_trips_through_a_zip() {
        let members = vec![
            ("a.csv".to_owned(), b"x,y\n1,2\n".to_vec()),
            ("dir/b.json".to_owned(), b"{}".to_vec()),
        ];
        let listed = list(&members);
        assert_eq!(listed, b"--- a.csv\nx,y\n1,2\n--- dir/b.json\n{}\n");
        let zip = container_bytes(&listed).into_owned();
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a valid ZIP");
        let mut names: Vec<String> = archive
            .file_names()
            .map(|name| name.expect("a name").into_owned())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["a.csv", "dir/b.json"]);
        let mut content = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("dir/b.json").unwrap(), &mut content)
            .unwrap();
        assert_eq!(content, "{}\n");
    }

    #[test]
    fn a_zip_is_taken_as_is() {
        assert_eq!(&*container_bytes(b"PK\x03\x04rest"), b"PK\x03\x04rest");
    }
}
