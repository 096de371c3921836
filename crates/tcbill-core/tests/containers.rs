//! ZIP bill packs and XLSX workbooks, built in the tests with the same crates users' files come
//! from (zip writer, rust_xlsxwriter).

mod common;

use std::io::{Cursor, Write};

use common::{assert_text, read_data, summary, table_dump};
use rust_decimal::Decimal;
use tcbill_core::input::{files_from_bytes, files_to_bytes, is_archive};
use tcbill_core::{detect_kind, parse_file, BillLevel, InputKind};

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(contents).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn a_bill_pack_yields_one_parsed_file_per_member() {
    let pack = zip_of(&[
        (
            "100047070895-202601-按扣费周期-明细账单-1.csv",
            &read_data("l3-cn-2022.csv"),
        ),
        (
            "100047070895-202601-按扣费周期-明细账单-2.csv",
            &read_data("l3-cn-2024-11.csv"),
        ),
    ]);
    assert_eq!(detect_kind(&pack), InputKind::ZipPack);
    let parsed = parse_file("bill.zip", &pack);
    let names: Vec<_> = parsed
        .iter()
        .map(|file| (file.name.as_str(), file.kind, file.rows_accepted()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "bill.zip/100047070895-202601-按扣费周期-明细账单-1.csv",
                InputKind::BillDetails(BillLevel::L3),
                2
            ),
            (
                "bill.zip/100047070895-202601-按扣费周期-明细账单-2.csv",
                InputKind::BillDetails(BillLevel::L3),
                2
            ),
        ]
    );
}

#[test]
fn a_broken_member_is_reported_and_the_others_still_read() {
    let good = read_data("l2-cn.csv");
    let second = read_data("cost-details-en.csv");
    let mut pack = zip_of(&[("a.csv", &good), ("b.csv", &second)]);
    // Corrupt the compressed data of the second member (just after its local header and name).
    let second_header = pack
        .windows(5)
        .position(|window| window == b"b.csv")
        .unwrap();
    for byte in &mut pack[second_header + 5..second_header + 45] {
        *byte ^= 0x5a;
    }
    let parsed = parse_file("pack.zip", &pack);
    assert_eq!(parsed.len(), 2);
    assert_eq!(
        (parsed[0].kind, parsed[0].rows_accepted()),
        (InputKind::BillDetails(BillLevel::L2), 1)
    );
    assert_eq!(parsed[1].name, "pack.zip/b.csv");
    assert_eq!(parsed[1].kind, InputKind::Unknown);
    assert_eq!(parsed[1].rows_read(), 0);
    let message = parsed[1].diagnostics[0].to_string();
    assert!(
        message.starts_with("pack.zip/b.csv: this ZIP member cannot be unpacked ("),
        "{message}"
    );
}

/// Each parsed file as `name | kind | rows accepted`, then its diagnostics.
fn outline(parsed: &[tcbill_core::ParsedFile]) -> Vec<String> {
    let mut lines = Vec::new();
    for file in parsed {
        lines.push(format!(
            "{} | {} | {}",
            file.name,
            file.kind,
            file.rows_accepted()
        ));
        lines.extend(file.diagnostics.iter().map(|d| format!("  {d}")));
    }
    lines
}

#[test]
fn a_truncated_zip_yields_the_members_its_local_headers_still_hold() {
    let pack = zip_of(&[
        ("a.csv", &read_data("l2-cn.csv")),
        ("b.csv", &read_data("l3-cn-2022.csv")),
    ]);
    let second = pack
        .windows(5)
        .position(|window| window == b"b.csv")
        .unwrap();
    let parsed = parse_file("cut.zip", &pack[..second + 60]);
    let lines = outline(&parsed);
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(lines[0], "cut.zip | ZIP bill pack | 0");
    assert!(
        lines[1].starts_with("  cut.zip: the ZIP's directory is missing or damaged (")
            && lines[1].ends_with(
                "); the file may be truncated: 1 members were read from their own headers, \
                 anything after them is lost"
            ),
        "{lines:#?}"
    );
    assert_eq!(lines[2], "cut.zip/a.csv | L2 资源账单 (resource bill) | 1");
    assert_eq!(lines[3], "cut.zip/b.csv | unknown | 0");
    assert_eq!(
        lines[4],
        "  cut.zip/b.csv: this ZIP member cannot be unpacked (incomplete deflate stream)"
    );
}

#[test]
fn members_sharing_a_name_are_each_read() {
    // The zip writer refuses a name twice, so the second member is renamed in place after.
    let mut pack = zip_of(&[
        ("a.csv", &read_data("l2-cn.csv")),
        ("b.csv", &read_data("l3-cn-2022.csv")),
    ]);
    let mut renamed = 0;
    for at in 0..pack.len() - 5 {
        if &pack[at..at + 5] == b"b.csv" {
            pack[at..at + 5].copy_from_slice(b"a.csv");
            renamed += 1;
        }
    }
    assert_eq!(
        renamed, 2,
        "the member's local header and its directory entry"
    );
    let whole: Vec<String> = ["l2-cn.csv", "l3-cn-2022.csv"]
        .iter()
        .map(|name| outline(&parse_file("x", &read_data(name)))[0].clone())
        .collect();
    let rows = |line: &str| line.rsplit(" | ").next().unwrap().to_owned();
    assert_eq!(
        outline(&parse_file("dup.zip", &pack)),
        [
            "dup.zip | ZIP bill pack | 0".to_owned(),
            "  dup.zip: 1 members of this ZIP repeat the name of a member before them: all 2 \
             members were read from their own headers, each under its name"
                .to_owned(),
            format!(
                "dup.zip/a.csv | L2 资源账单 (resource bill) | {}",
                rows(&whole[0])
            ),
            format!(
                "dup.zip/a.csv | L3 明细账单 (bill details) | {}",
                rows(&whole[1])
            ),
        ]
    );
}

#[test]
fn a_zip_cut_inside_its_only_member_says_it_may_be_truncated() {
    let pack = zip_of(&[("a.csv", &read_data("l2-cn.csv"))]);
    let parsed = parse_file("cut.zip", &pack[..pack.len() / 2]);
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0].kind, InputKind::ZipPack);
    let message = parsed[0].diagnostics[0].to_string();
    assert!(
        message.starts_with("cut.zip: not a readable ZIP archive ("),
        "{message}"
    );
    assert!(
        message.ends_with("); the file may be truncated"),
        "{message}"
    );
    assert_eq!(parsed[1].name, "cut.zip/a.csv");
    assert_eq!(parsed[1].rows_read(), 0);
}

#[test]
fn zips_nested_past_the_limit_are_not_unpacked() {
    let mut nested = zip_of(&[("bill.csv", &read_data("l2-cn.csv"))]);
    for level in 0..50 {
        nested = zip_of(&[(&format!("level-{level}.zip"), &nested)]);
    }
    let parsed = parse_file("deep.zip", &nested);
    assert_eq!(
        outline(&parsed),
        [
            "deep.zip/level-49.zip/level-48.zip/level-47.zip/level-46.zip | ZIP bill pack | 0",
            "  deep.zip/level-49.zip/level-48.zip/level-47.zip/level-46.zip: a ZIP nested more \
             than 4 levels deep in other ZIPs is not unpacked",
        ]
    );
    // Within the limit, the bill inside is read.
    let mut shallow = zip_of(&[("bill.csv", &read_data("l2-cn.csv"))]);
    for level in 0..3 {
        shallow = zip_of(&[(&format!("level-{level}.zip"), &shallow)]);
    }
    let parsed = parse_file("shallow.zip", &shallow);
    assert_eq!(
        outline(&parsed),
        ["shallow.zip/level-2.zip/level-1.zip/level-0.zip/bill.csv | L2 资源账单 (resource bill) | 1"]
    );
}

#[test]
fn a_zip_bomb_member_is_refused_and_the_other_members_read() {
    let zeros = vec![b'0'; 80 << 20];
    let pack = zip_of(&[("bomb.csv", &zeros), ("a.csv", &read_data("l2-cn.csv"))]);
    assert!(pack.len() < 1 << 20, "{}", pack.len());
    let lines = outline(&parse_file("bomb.zip", &pack));
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert_eq!(lines[0], "bomb.zip/bomb.csv | unknown | 0");
    assert!(
        lines[1].starts_with("  bomb.zip/bomb.csv: this ZIP member inflates more than 200 times its compressed size (")
            && lines[1].ends_with(" bytes), as ZIP bombs do; it is not read"),
        "{lines:#?}"
    );
    assert_eq!(lines[2], "bomb.zip/a.csv | L2 资源账单 (resource bill) | 1");
}

#[test]
fn a_pack_naming_workbook_parts_in_other_places_stays_a_pack() {
    let pack = zip_of(&[
        ("old-xl/workbook.xml.bak", b"<workbook/>"),
        (
            "notes.txt",
            b"the old export had xl/workbook.xml and [Content_Types].xml",
        ),
        ("a.csv", &read_data("l2-cn.csv")),
    ]);
    assert_eq!(detect_kind(&pack), InputKind::ZipPack);
    let parsed = parse_file("pack.zip", &pack);
    let csv = parsed
        .iter()
        .find(|file| file.name == "pack.zip/a.csv")
        .unwrap();
    assert_eq!(csv.rows_accepted(), 1);
}

#[test]
fn a_cell_at_the_sheets_far_corner_costs_a_warning_not_the_machine() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "产品名称",
        "组件名称",
        "资源ID",
        "优惠后总价",
        "现金账户支出(元)",
    ];
    let row = ["云服务器", "CPU", "ins-1", "172.8", "172.8"];
    for (column, (title, value)) in header.iter().zip(row).enumerate() {
        sheet.write_string(0, column as u16, *title).unwrap();
        sheet.write_string(1, column as u16, value).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let parsed = parse_file("corner.xlsx", &bytes);
    assert_eq!(
        outline(&parsed),
        [
            "corner.xlsx | L3 明细账单 (bill details) | 1",
            "  corner.xlsx:1048576: 1 cells beyond column 4096 of sheet Sheet1 are not read, the \
             first at column 16384",
        ]
    );
}

#[test]
fn xlsx_reads_the_first_sheet_with_a_known_header() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let notes = workbook.add_worksheet().set_name("说明").unwrap();
    notes.write_string(0, 0, "资源包抵扣明细导出").unwrap();
    let sheet = workbook.add_worksheet().set_name("明细").unwrap();
    let header = [
        "资源包名称/资源包ID",
        "抵扣时间",
        "抵扣前包剩余量",
        "实际抵扣量",
        "抵扣后包剩余量",
        "资源包单位",
    ];
    for (column, text) in header.iter().enumerate() {
        sheet.write_string(1, column as u16, *text).unwrap();
    }
    sheet
        .write_string(0, 0, "用量时间 2025-06-01 ~ 2025-06-30")
        .unwrap();
    sheet
        .write_string(2, 0, "TRTC 智能识别包/2000002755")
        .unwrap();
    sheet.write_string(2, 1, "2025-06-03 04:10:47").unwrap();
    sheet.write_number(2, 2, 9990.4).unwrap();
    sheet.write_string(2, 3, "16.000000000分钟").unwrap();
    sheet.write_number(2, 4, 9974.4).unwrap();
    sheet
        .write_string(3, 0, "TRTC 智能识别包/2000002755")
        .unwrap();
    sheet.write_string(3, 1, "2025-06-03 04:10:48").unwrap();
    sheet.write_string(3, 2, "9,974.4").unwrap();
    sheet.write_string(3, 3, "1.2.3").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    assert_eq!(detect_kind(&bytes), InputKind::Xlsx);
    let parsed = parse_file("deduction.xlsx", &bytes);
    assert_eq!(parsed.len(), 1);
    let parsed = &parsed[0];
    assert_text(
        &summary(parsed),
        "
deduction.xlsx | 资源包抵扣明细 (deduction details)
rows read 2, accepted 1, rejected 1
deduction.xlsx:4 column 实际抵扣量: \"1.2.3\" is not a number
",
    );
    let table = &parsed.table;
    assert_eq!(
        table.decimal("BeforeDeductionRemain", 0),
        Some(Decimal::from_str_exact("9990.4").unwrap())
    );
    assert_eq!(
        table.decimal("ActualDosage", 0),
        Some(Decimal::from_str_exact("16.000000000").unwrap())
    );
    assert_eq!(table.text("PackageUnit", 0), Some("分钟"));
    assert_eq!(table.text("ResourceId", 0), Some("2000002755"));
}

#[test]
fn a_zip_holding_json_and_csv_reads_both() {
    let api = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/api/DescribeBillDetail.example1.json"
    ))
    .unwrap();
    let pack = zip_of(&[
        ("dir/", b""),
        ("dir/api.json", &api),
        ("dir/usage.csv", &read_data("usage-cdn-5min.csv")),
    ]);
    let parsed = parse_file("mixed.zip", &pack);
    let kinds: Vec<_> = parsed
        .iter()
        .map(|file| (file.name.as_str(), file.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "mixed.zip/dir/api.json",
                InputKind::ApiResponse(tcbill_core::ApiAction::DescribeBillDetail)
            ),
            ("mixed.zip/dir/usage.csv", InputKind::UsageDetails),
        ]
    );
}

#[test]
fn a_date_cell_outside_excels_calendar_is_a_rejected_time_not_a_wrapped_one() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let header = [
        "产品名称",
        "组件名称",
        "资源ID",
        "扣费时间",
        "优惠后总价",
        "现金账户支出(元)",
    ];
    for (column, title) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, *title).unwrap();
    }
    for (row, serial) in [(1, 45_809.5), (2, -1e300)] {
        for (column, text) in ["云服务器", "CPU", "ins-1"].iter().enumerate() {
            sheet.write_string(row, column as u16, *text).unwrap();
        }
        sheet
            .write_number_with_format(row, 3, serial, &date)
            .unwrap();
        sheet.write_string(row, 4, "1.5").unwrap();
        sheet.write_string(row, 5, "1.5").unwrap();
    }
    let parsed = parse_file("dates.xlsx", &workbook.save_to_buffer().unwrap());
    assert_eq!(
        outline(&parsed),
        [
            "dates.xlsx | L3 明细账单 (bill details) | 1",
            "  dates.xlsx:3 column 扣费时间: \"-1e300\" is not a date or time",
        ]
    );
    assert_eq!(
        parsed[0]
            .table
            .time("PayTime", 0)
            .map(|time| time.to_string()),
        Some("2025-06-01 12:00:00".to_owned())
    );
}

/// The web app's archive worker reads ZIP and XLSX files and hands the parsed files to the file
/// worker as bytes (`files_to_bytes`): they must come back as they were, every encoding and
/// diagnostic included, and damaged bytes must be refused, never read as some other table.
#[test]
fn parsed_files_cross_between_workers_as_bytes_unchanged() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, text) in ["产品名称", "组件名称", "交易ID", "现金账户支出(元)"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *text).unwrap();
    }
    sheet.write_string(1, 0, "云服务器").unwrap();
    sheet.write_string(1, 1, "CPU").unwrap();
    sheet.write_string(1, 2, "tx-x1").unwrap();
    sheet.write_number(1, 3, 1.5).unwrap();
    sheet.write_string(2, 3, "1.2.3").unwrap();
    let xlsx = workbook.save_to_buffer().unwrap();
    let utf16: Vec<u8> =
        "\u{feff}产品名称,组件名称,交易ID,现金账户支出(元)\n云服务器,CPU,tx-u1,1.50\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
    let pack = zip_of(&[
        ("l3.csv", &read_data("l3-cn-2024-11.csv")),
        ("gb.csv", &read_data("l2-cn-gb18030.csv")),
        ("u16.csv", &utf16),
        ("bad.csv", &read_data("l3-cn-bad-number.csv")),
        ("book.xlsx", &xlsx),
        ("deductions.tsv", &read_data("deduction-console.tsv")),
    ]);
    assert!(is_archive(&pack) && is_archive(&xlsx));
    assert!(!is_archive(&utf16) && !is_archive(b"PK"));
    for (name, bytes) in [("pack.zip", &pack), ("book.xlsx", &xlsx)] {
        let files = parse_file(name, bytes);
        let crossed = files_to_bytes(&files);
        let back = files_from_bytes(&crossed).expect("the bytes read back");
        assert_eq!(table_dump(&back), table_dump(&files), "{name}");
        assert_eq!(back.len(), files.len());
        for (back, file) in back.iter().zip(&files) {
            assert_eq!(
                (&back.name, back.kind, back.encoding, back.rows_rejected),
                (&file.name, file.kind, file.encoding, file.rows_rejected)
            );
            assert_eq!(back.diagnostics, file.diagnostics);
            assert_eq!(back.table.columns(), file.table.columns());
        }
        for cut in [0, 4, 5, 13, crossed.len() / 2, crossed.len() - 1] {
            assert!(
                files_from_bytes(&crossed[..cut]).is_none(),
                "{name} cut at {cut}"
            );
        }
        let mut longer = crossed.clone();
        longer.push(0);
        assert!(files_from_bytes(&longer).is_none());
    }
    let encodings: Vec<_> = parse_file("pack.zip", &pack)
        .iter()
        .map(|file| file.encoding)
        .collect();
    assert_eq!(
        encodings,
        [
            Some("UTF-8"),
            Some("gb18030"),
            Some("UTF-16LE"),
            Some("UTF-8"),
            None,
            Some("UTF-8")
        ]
    );
}

/// A workbook whose sheet names a shared string the workbook does not have, in row 4 of 6: rows
/// 2 and 3 are read, and row 4 (which may have lost cells) and the two rows the sheet declares
/// after it are counted as rejected, not accepted half-read or dropped unseen.
#[test]
fn a_sheet_that_cannot_be_read_past_a_row_rejects_it_and_the_rows_it_declares_after_it() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, title) in ["产品名称", "组件名称", "交易ID", "现金账户支出(元)"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *title).unwrap();
    }
    for row in 1..6u32 {
        sheet.write_string(row, 0, "云服务器").unwrap();
        sheet.write_string(row, 1, format!("组件{row}")).unwrap();
        sheet.write_string(row, 2, format!("tx-{row}")).unwrap();
        sheet.write_number(row, 3, 1.5).unwrap();
    }
    let good = workbook.save_to_buffer().unwrap();
    // Point cell B4's shared-string index past the workbook's table.
    let mut archive = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut member, &mut bytes).unwrap();
        members.push((member.name().unwrap().into_owned(), bytes));
    }
    let sheet_xml = &mut members
        .iter_mut()
        .find(|(name, _)| name == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1;
    let text = String::from_utf8(sheet_xml.clone()).unwrap();
    let cell = text
        .find(r#"<c r="B4" t="s"><v>"#)
        .expect("B4 is a shared string");
    let value = cell + r#"<c r="B4" t="s"><v>"#.len();
    let end = value + text[value..].find('<').unwrap();
    *sheet_xml = format!("{}9999{}", &text[..value], &text[end..]).into_bytes();
    let members: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    let parsed = parse_file("broken.xlsx", &zip_of(&members));
    assert_eq!(
        outline(&parsed),
        [
            "broken.xlsx | L3 明细账单 (bill details) | 2",
            "  broken.xlsx:4: sheet Sheet1 cannot be read past this row (Cell string index not \
             found in shared strings table): rows 4–6 (3 rows, to the sheet's declared end) are \
             rejected",
        ]
    );
    assert_eq!(parsed[0].rows_rejected, 3);
    assert_eq!(parsed[0].table.text("ItemCodeName", 1), Some("组件2"));
}

/// A workbook is read one sheet at a time: the sheets after the one read that hold cells are
/// named as not read, where they were passed over unsaid; an empty sheet (Excel's Sheet3) is not.
#[test]
fn the_sheets_after_the_one_read_are_named() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for name in ["账单", "更多账单", "空"] {
        let sheet = workbook.add_worksheet().set_name(name).unwrap();
        if name == "空" {
            continue;
        }
        for (column, (title, value)) in ["产品名称", "组件名称", "交易ID", "现金账户支出(元)"]
            .iter()
            .zip(["云服务器", "CPU", name, "1.5"])
            .enumerate()
        {
            sheet.write_string(0, column as u16, *title).unwrap();
            sheet.write_string(1, column as u16, value).unwrap();
        }
    }
    let parsed = parse_file("book.xlsx", &workbook.save_to_buffer().unwrap());
    assert_eq!(
        outline(&parsed),
        [
            "book.xlsx | L3 明细账单 (bill details) | 1",
            "  book.xlsx: sheet 账单 is read; the sheets after it that hold cells (更多账单) are \
             not: tcbill reads one sheet per workbook, so save each as a file of its own to read it",
        ]
    );
}
