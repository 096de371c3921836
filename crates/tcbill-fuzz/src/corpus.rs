//! Seed corpora, built from the repository's test data (core's `tests/data`, `sample/`,
//! `fixtures/api`) rather than kept as binaries: ZIP packs, XLSX workbooks and Parquet files are
//! made here from those CSV files, with the same writers the tests and the CLI use.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use tcbill_core::{ColumnValues, Dataset, ParsedFile};

use crate::cli::export;
use crate::{members, Target};

/// Usage exports run to megabytes; seeds are cut to this many bytes (at a line end), which keeps
/// every execution fast and still holds hundreds of rows.
const MAX_TEXT_SEED: usize = 16 * 1024;

const CORE_DATA: &str = "crates/tcbill-core/tests/data";

fn sources(repo: &Path, target: Target) -> Vec<PathBuf> {
    let data = |names: &[&str]| {
        names
            .iter()
            .map(|name| Path::new(CORE_DATA).join(name))
            .collect::<Vec<_>>()
    };
    let sample = |names: &[&str]| {
        names
            .iter()
            .map(|name| Path::new("sample").join(name))
            .collect::<Vec<_>>()
    };
    match target {
        Target::Csv => [
            data(&[
                "l2-cn.csv",
                "l2-cn-gb18030.csv",
                "l3-cn-2022.csv",
                "l3-cn-2024-11.csv",
                "l3-cn-bad-number.csv",
                "l3-intl-en.csv",
                "l3-package-purchase.csv",
                "l3-selfcheck.csv",
                "cost-details-en.csv",
                "focus-tencent.csv",
                "header-only.csv",
                "unknown.csv",
                "empty.csv",
                "binary.bin",
            ]),
            sample(&["2025-06-明细账单-L3.csv"]),
        ]
        .concat(),
        Target::Deduction => [
            data(&[
                "deduction-console.tsv",
                "deduction-export.csv",
                "deduction-package-purchase.csv",
                "deduction-periods.csv",
                "package-overview.csv",
            ]),
            sample(&["2025-06-资源包总览.csv", "2025-06-资源包抵扣明细.csv"]),
        ]
        .concat(),
        Target::Usage => [
            data(&["usage-cdn-5min.csv", "usage-cdn-3days.csv"]),
            sample(&["2025-06-用量明细-CDN-5分钟.csv"]),
        ]
        .concat(),
        Target::Json => [json_files(repo, "fixtures/api"), json_files(repo, "sample")].concat(),
        Target::Zip | Target::Xlsx | Target::Parquet => Vec::new(),
    }
}

/// The `.json` files in `repo/dir`, as paths relative to `repo`.
fn json_files(repo: &Path, dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo.join(dir))
        .unwrap_or_else(|error| panic!("{dir}: {error}"))
        .map(|entry| Path::new(dir).join(entry.expect("a directory entry").file_name()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    files.sort();
    files
}

/// The seeds of `target` as (file name, bytes), built from the repository at `repo`.
pub fn seeds(repo: &Path, target: Target) -> Vec<(String, Vec<u8>)> {
    let read = |path: &Path| {
        let bytes = std::fs::read(repo.join(path))
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        (
            path.file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned(),
            cut(bytes),
        )
    };
    match target {
        Target::Csv | Target::Deduction | Target::Usage | Target::Json => sources(repo, target)
            .iter()
            .map(|path| read(path))
            .collect(),
        Target::Zip => zip_seeds(&read),
        Target::Xlsx => xlsx_seeds(&read),
        Target::Parquet => parquet_seeds(&read),
    }
}

/// `bytes` cut to [`MAX_TEXT_SEED`] at a line end.
fn cut(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() > MAX_TEXT_SEED {
        let end = bytes[..MAX_TEXT_SEED]
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(MAX_TEXT_SEED, |at| at + 1);
        bytes.truncate(end);
    }
    bytes
}

type ReadSeed<'a> = &'a dyn Fn(&Path) -> (String, Vec<u8>);

/// A month's pack as users download it (a real ZIP), and member lists of bills with deductions,
/// of JSON with CSV, and of a ZIP inside a ZIP.
fn zip_seeds(read: ReadSeed) -> Vec<(String, Vec<u8>)> {
    let sample = |name: &str| read(&Path::new("sample").join(name));
    let data = |name: &str| read(&Path::new(CORE_DATA).join(name));
    let month = vec![
        sample("2025-06-明细账单-L3.csv"),
        sample("2025-06-资源包抵扣明细.csv"),
        sample("2025-06-用量明细-CDN-5分钟.csv"),
        sample("DescribeBillSummaryByProduct-2025-06.json"),
    ];
    let bill_and_deductions = vec![
        data("l3-package-purchase.csv"),
        data("deduction-package-purchase.csv"),
    ];
    let mixed = vec![
        data("l2-cn-gb18030.csv"),
        read(Path::new("fixtures/api/DescribeBillDetail.example1.json")),
    ];
    let nested = vec![
        ("inner.zip".to_owned(), zip_of(&bill_and_deductions)),
        data("l3-selfcheck.csv"),
    ];
    vec![
        ("2025-06.zip".to_owned(), zip_of(&month)),
        ("nested.zip".to_owned(), zip_of(&nested)),
        (
            "bill-and-deductions.list".to_owned(),
            members::list(&bill_and_deductions),
        ),
        ("json-and-gb18030.list".to_owned(), members::list(&mixed)),
    ]
}

fn zip_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    members::container_bytes(&members::list(members)).into_owned()
}

/// Workbooks holding the cells core read from CSV exports, each as an XLSX file and as the
/// member list of its parts (so mutations reach the worksheet XML).
fn xlsx_seeds(read: ReadSeed) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for name in [
        "l3-cn-2024-11.csv",
        "deduction-export.csv",
        "usage-cdn-5min.csv",
        "package-overview.csv",
    ] {
        let (name, csv) = read(&Path::new(CORE_DATA).join(name));
        let parsed = tcbill_core::parse_file(&name, &csv);
        let xlsx = workbook_of(&parsed[0]);
        let stem = name.trim_end_matches(".csv");
        seeds.push((format!("{stem}.list"), members::list(&unzip(&xlsx))));
        seeds.push((format!("{stem}.xlsx"), xlsx));
    }
    seeds
}

/// A workbook whose first sheet has the file's source headers and its cells as text.
fn workbook_of(file: &ParsedFile) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let table = &file.table;
    let columns = table
        .columns()
        .iter()
        .filter(|column| !column.source_header.is_empty());
    for (col, column) in (0u16..).zip(columns) {
        sheet
            .write_string(0, col, &column.source_header)
            .expect("a header cell");
        for (row, line) in (1u32..).zip(0..table.row_count()) {
            let text = match &column.values {
                ColumnValues::Text(values) => values
                    .get(line)
                    .map(|symbol| table.resolve(symbol).to_owned()),
                ColumnValues::Decimal(values) => values.get(line).map(|value| value.to_string()),
                ColumnValues::Time(values) => values.get(line).map(|value| value.to_string()),
            };
            sheet
                .write_string(row, col, text.as_deref().unwrap_or(""))
                .expect("a cell");
        }
    }
    workbook.save_to_buffer().expect("an XLSX in memory")
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP we wrote");
    (0..archive.len())
        .map(|index| {
            let mut member = archive.by_index(index).expect("a member");
            let mut content = Vec::new();
            member.read_to_end(&mut content).expect("a member's bytes");
            (member.name().expect("a member name").into_owned(), content)
        })
        .collect()
}

/// `tcbill export --focus --parquet` of bills (with deductions, for amortised costs) and of a
/// FOCUS file.
fn parquet_seeds(read: ReadSeed) -> Vec<(String, Vec<u8>)> {
    let inputs: [&[&str]; 3] = [
        &["l3-package-purchase.csv", "deduction-package-purchase.csv"],
        &["focus-tencent.csv"],
        &["l3-cn-2024-11.csv", "cost-details-en.csv"],
    ];
    let out = std::env::temp_dir().join(format!("tcbill-fuzz-seeds-{}", std::process::id()));
    let mut seeds = Vec::new();
    for names in inputs {
        let mut dataset = Dataset::new();
        for name in names {
            let (name, bytes) = read(&Path::new(CORE_DATA).join(name));
            dataset.add(tcbill_core::parse_file(&name, &bytes));
        }
        let focus = tcbill_core::focus::export(&dataset);
        let _ = std::fs::remove_dir_all(&out);
        for path in export::write_partitions(&focus, &out, true).expect("writing Parquet seeds") {
            let month = Path::new(&path)
                .parent()
                .and_then(Path::file_name)
                .expect("a partition directory");
            let stem = names[0].trim_end_matches(".csv");
            let bytes = std::fs::read(&path).expect("a Parquet file just written");
            seeds.push((format!("{stem}-{}.parquet", month.to_string_lossy()), bytes));
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    seeds
}

/// Writes every target's seeds to `out/<target>/`; returns how many.
pub fn write_all(repo: &Path, out: &Path) -> std::io::Result<usize> {
    let mut count = 0;
    for target in Target::ALL {
        let dir = out.join(target.name());
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in seeds(repo, target) {
            std::fs::write(dir.join(name), bytes)?;
            count += 1;
        }
    }
    Ok(count)
}
