//! The passes over a file's cost rows made part by part and merged (`RowsPass`, what the
//! browser's workers each make of the part they read) give the report of the whole file, byte
//! for byte in JSON, wherever the file is cut: for every test data file at every row, and for
//! generated bills (amounts that cancel to zero on either side of a cut, several currencies and
//! days) at many cuts, through the parts a file is really read in too. Where the passes cannot
//! give the same sums (an absent amount, amounts at several scales) the report is built from the
//! rows; the generated bills check that the passes are taken where they can be.

mod common;

use std::path::PathBuf;

use tcbill_core::analysis::cost::Dimension;
use tcbill_core::input::parts::{PartJoin, PartStarts, TextParts, START_WINDOW};
use tcbill_core::report::{InTurn, RowsPass};
use tcbill_core::{parse_file, Dataset, ParsedFile, Report, ReportOptions, SNIFF_LEN};

const TEST_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// Every fixed dimension alone, each tag key and the default pairs, as the golden reports.
fn options(file: &ParsedFile) -> ReportOptions {
    let mut breakdowns: Vec<Vec<Dimension>> = Dimension::FIXED
        .iter()
        .map(|dimension| vec![dimension.clone()])
        .collect();
    breakdowns.extend(
        file.table
            .tag_keys()
            .map(|key| vec![Dimension::Tag(key.to_owned())]),
    );
    breakdowns.extend(ReportOptions::default().breakdowns);
    ReportOptions {
        breakdowns,
        ..ReportOptions::default()
    }
}

/// The passes over rows `0..cut` and `cut..` of the dataset's one file, merged.
fn split_pass(dataset: &Dataset, cut: usize, options: &ReportOptions) -> RowsPass {
    let file = &dataset.files()[0];
    let (name, table) = (file.name.as_str(), &file.table);
    let mut pass = RowsPass::of_rows(name, table, 0..cut, options);
    let later = RowsPass::of_rows(name, table, cut..table.row_count(), options);
    // The rows of one table: their lines are the file's already.
    pass.merge(later, 0);
    // Through JSON, as a part worker hands its pass over.
    RowsPass::from_json(&pass.to_json()).expect("a pass reads back")
}

/// Whether the report from the passes cut at each of `cuts` is the whole file's; how many of
/// them the report took.
fn check_cuts(name: &str, bytes: &[u8], cuts: impl Iterator<Item = usize>) -> usize {
    let file = parse_file(name, bytes).remove(0);
    let options = options(&file);
    let mut dataset = Dataset::new();
    dataset.add([file]);
    let whole = Report::build(&dataset, &options).to_json();
    let rows = dataset.files()[0].table.row_count();
    let mut served = 0;
    for cut in cuts.filter(|&cut| cut <= rows) {
        let pass = split_pass(&dataset, cut, &options);
        served += usize::from(pass.serves(&dataset, &options));
        let split = Report::build_from(&dataset, &options, &InTurn, Some(pass)).to_json();
        if split != whole {
            let line = split
                .lines()
                .zip(whole.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name} cut at row {cut}: line {line} is {:?}, the whole file's {:?}",
                split.lines().nth(line),
                whole.lines().nth(line)
            );
        }
    }
    served
}

#[test]
fn every_test_file_cut_at_every_row_gives_the_whole_files_report() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(TEST_DATA)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "csv" || ext == "tsv")
        })
        .collect();
    paths.sort();
    let mut served = 0;
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        served += check_cuts(name, &bytes, 0..10_000);
    }
    // The bills whose amounts are all present at one scale take the passes.
    assert!(served > 0, "no test file's passes were taken");
}

/// A tiny deterministic generator (xorshift), so the bills are the same every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const L3_HEADER: &str = "账单月份,支付者UIN,使用者UIN,操作者UIN,产品名称,子产品名称,计费模式,项目名称,地域,地域编码,可用区,可用区编码,资源ID,实例名称,交易类型,订单ID,交易ID,扣费时间,开始使用时间,结束使用时间,组件类型,组件名称,组件刊例价,组件单价,组件价格单位,组件用量,组件用量单位,使用时长,时长单位,组件原价,折扣率,优惠对象,优惠类型,优惠内容,节省计划抵扣金额,节省计划抵扣率,优惠后总价,代金券支出（元）,赠送账户支出（元）,现金账户支出（元）,配置属性,标签键:env\n";

/// An L3 bill of `rows` rows over November's days in time order: three products, resources,
/// regions and tags, amounts at 8 decimals and zeros written `0` (as Tencent's bills write
/// them), some rows refunding the row before, a spike on one day, some rows whose payments do
/// not add up (the checks' findings); and sums of non-zero amounts
/// that come to zero, followed by a `0` (so the zero's scale is the `0`'s read in order, but a
/// non-zero one where the terms cancel after a cut): a product's rows near the start and the
/// end, another's three rows of one day in the middle. `scales` varies the non-zero amounts'
/// printed decimals instead, `absent` leaves some cash cells empty (neither is taken from
/// passes).
fn l3_bill(rows: usize, seed: u64, scales: bool, absent: bool) -> String {
    let mut random = Random(seed);
    let products = [
        ("云服务器CVM", "运算组件"),
        ("负载均衡CLB", "实例"),
        ("云数据库MySQL", "存储"),
    ];
    let regions = [
        ("华东地区（上海）", "ap-shanghai"),
        ("华南地区（广州）", "ap-guangzhou"),
    ];
    let mut text = String::from(L3_HEADER);
    let mut last = 1i64;
    for i in 0..rows {
        let day = 1 + (i * 30 / rows.max(1)) as u32;
        let (mut product, mut component) = products[random.below(3) as usize];
        let (mut region, mut code) = regions[random.below(2) as usize];
        let mut resource = random.below(12);
        let mut mantissa = random.below(90_000_000) as i64 + 1;
        if day == 20 && resource == 3 {
            mantissa *= 50;
        }
        if random.below(5) == 0 {
            mantissa = -last;
        }
        last = mantissa;
        let mut zero = random.below(6) == 0;
        let cancelling = [
            (3, "退款产品"),
            (rows - 3, "退款产品"),
            (rows - 2, "退款产品"),
        ]
        .into_iter()
        .chain((0..3).map(|k| (rows / 2 + k, "冲正产品")))
        .position(|(at, _)| at == i);
        if let Some(k) = cancelling {
            product = ["退款产品", "冲正产品"][k / 3];
            (component, (region, code), resource) = ("组件", regions[0], 99);
            mantissa = [777, -777][k % 3 % 2];
            zero = k % 3 == 2;
        }
        let amount = match (scales && random.below(3) == 0, zero) {
            (true, _) => format!("{}", rust_decimal::Decimal::new(mantissa, 8).normalize()),
            (false, true) => "0".to_owned(),
            (false, false) => format!("{}", rust_decimal::Decimal::new(mantissa, 8)),
        };
        let cash = match (absent && random.below(7) == 0, i % 97 == 5) {
            (true, _) => String::new(),
            // Payments that do not add up: a finding naming the row's line.
            (false, true) => "1.00000000".to_owned(),
            (false, false) => amount.clone(),
        };
        let env = match cancelling {
            Some(_) => "prod",
            None => ["prod", "test", ""][random.below(3) as usize],
        };
        text.push_str(&format!(
            "2024-11,1000,1000,1000,{product},{product}-标准型,按量计费,默认项目,{region},{code},一区,{code}-1,\
             ins-{resource:04},api-{resource},按量计费小时结,-,{i:016},2024-11-{day:02} 01:00:00,\
             2024-11-{day:02} 00:00:00,2024-11-{day:02} 00:59:59,{component},{component}-A,{amount},{amount},元/个/小时,1,个,1,小时,\
             {amount},1,-,-,-,0,0,{amount},0,0,{cash},-,{env}\n"
        ));
    }
    text
}

#[test]
fn generated_bills_cut_at_many_rows_give_the_whole_files_report() {
    for seed in 1..4 {
        let bill = l3_bill(600, seed, false, false);
        let mut random = Random(seed * 7919);
        let mut cuts: Vec<usize> = (0..60).map(|_| random.below(601) as usize).collect();
        // Between the middle product's cancelling rows.
        cuts.extend(299..304);
        let served = check_cuts("bill.csv", bill.as_bytes(), cuts.iter().copied());
        // Not where a day's costs of a series, non-zero on both sides of the cut, cancel.
        assert!(
            served * 10 >= cuts.len() * 9,
            "seed {seed}: {served} of {} cuts' passes taken",
            cuts.len()
        );
        for (scales, absent) in [(true, false), (false, true)] {
            let bill = l3_bill(300, seed, scales, absent);
            let served = check_cuts("bill.csv", bill.as_bytes(), (0..=300).step_by(7));
            assert_eq!(
                served, 0,
                "seed {seed}: passes of uneven sums are not taken"
            );
        }
    }
}

/// Rows that lack a value a check needs (a blank 组件刊例价, not an amount, so the passes are
/// still taken) are counted across the cut too, through the part's JSON.
#[test]
fn rows_missing_a_checks_value_are_counted_across_the_cut() {
    let bill = l3_bill(300, 5, false, false);
    let list_price = L3_HEADER
        .split(',')
        .position(|h| h == "组件刊例价")
        .unwrap();
    let blanked: String = bill
        .lines()
        .enumerate()
        .map(|(line, text)| {
            let mut cells: Vec<&str> = text.split(',').collect();
            if line > 0 && line % 3 == 0 {
                cells[list_price] = "";
            }
            cells.join(",") + "\n"
        })
        .collect();
    let file = parse_file("blank.csv", blanked.as_bytes()).remove(0);
    let mut dataset = Dataset::new();
    dataset.add([file]);
    let missing = Report::build(&dataset, &ReportOptions::default()).checks[0].rows_missing_values;
    assert_eq!(missing, 100);
    let served = check_cuts("blank.csv", blanked.as_bytes(), (0..=300).step_by(13));
    assert!(served > 0, "the passes were taken");
}

/// The file cut into `parts` parts as the browser's workers read it, each part's passes made
/// from the part's own table, merged in order as the parts are joined; the first part's daily
/// costs read from the joined file, as the file's worker reads them.
fn read_in_parts_with_passes(
    bytes: &[u8],
    parts: usize,
    options: &ReportOptions,
) -> (ParsedFile, RowsPass) {
    let starts = part_starts(bytes, parts);
    let plan = TextParts::plan("bill.csv", bytes).expect("a UTF-8 CSV with its header");
    let mut joined: Option<(PartJoin, RowsPass)> = None;
    let mut first_rows = 0;
    for (index, &start) in starts.iter().enumerate() {
        let end = starts.get(index + 1).copied().unwrap_or(bytes.len());
        let mut reader = match index {
            0 => plan.first_part(),
            _ => plan.later_part(),
        };
        reader.feed(&bytes[start..end]);
        let part = reader.finish(end == bytes.len());
        let table = part.table().expect("a part of rows");
        joined = Some(match joined {
            // The file's worker reads its part's daily costs once the parts are joined.
            None => {
                first_rows = table.row_count();
                let pass = RowsPass::without_daily("bill.csv", table, 0..first_rows, options);
                (PartJoin::start(part).expect("a first part"), pass)
            }
            Some((join, mut passed)) => {
                let pass = RowsPass::of_rows("bill.csv", table, 0..table.row_count(), options);
                let bytes = part.to_bytes();
                let lines_before = join.lines_before_next();
                passed.merge(RowsPass::from_json(&pass.to_json()).unwrap(), lines_before);
                (join.then_read(&bytes[..]).expect("parts that join"), passed)
            }
        });
    }
    let (join, mut pass) = joined.expect("a part");
    let file = join.finish("bill.csv");
    pass.read_daily(&file.table, 0..first_rows);
    (file, pass)
}

#[test]
fn a_bill_read_in_parts_with_its_passes_gives_the_whole_files_report() {
    let bill = l3_bill(3000, 11, false, false);
    assert!(
        bill.len() > 4 * SNIFF_LEN,
        "a bill read in up to four parts"
    );
    let file = parse_file("bill.csv", bill.as_bytes()).remove(0);
    let options = options(&file);
    let mut dataset = Dataset::new();
    dataset.add([file]);
    let whole = Report::build(&dataset, &options).to_json();
    for parts in 2..=4 {
        let (file, pass) = read_in_parts_with_passes(bill.as_bytes(), parts, &options);
        let mut dataset = Dataset::new();
        dataset.add([file]);
        assert!(pass.serves(&dataset, &options), "{parts} parts");
        let split = Report::build_from(&dataset, &options, &InTurn, Some(pass)).to_json();
        assert!(split == whole, "{parts} parts: the report differs");
    }
}

#[test]
fn passes_are_not_taken_beside_another_file_or_for_other_breakdowns() {
    let bill = l3_bill(200, 5, false, false);
    let file = parse_file("bill.csv", bill.as_bytes()).remove(0);
    let options = options(&file);
    let mut dataset = Dataset::new();
    dataset.add([file]);
    let table = &dataset.files()[0].table;
    let pass = RowsPass::of_rows("bill.csv", table, 0..table.row_count(), &options);
    let half = RowsPass::of_rows("bill.csv", table, 0..100, &options);
    assert!(pass.serves(&dataset, &options));
    assert!(!pass.serves(&dataset, &ReportOptions::default()));
    assert!(
        !half.serves(&dataset, &options),
        "a pass over some rows only"
    );
    dataset.add(parse_file("other.csv", bill.as_bytes()));
    assert!(!pass.serves(&dataset, &options));
}

/// Every cell of every column as its value with its own scale, and how each decimal column is
/// stored where the analyses read it differently (one scale, alike sums, 16-byte values).
fn cells(file: &ParsedFile) -> String {
    let table = &file.table;
    let mut out = format!("{} rows\n", table.row_count());
    for column in table.columns() {
        out.push_str(&format!("column {}", column.name));
        if let Some(values) = table.decimal_column(&column.name) {
            out.push_str(&format!(
                " one scale {:?} alike {} wide {}",
                values.at_one_scale().map(|one| one.scale()),
                values.adds_alike(),
                values.is_wide()
            ));
        }
        out.push('\n');
        for row in 0..table.row_count() {
            let cell = match table.decimal_column(&column.name) {
                Some(values) => format!("{:?}", values.parts(row)),
                None => format!("{:?}", common::cell(table, column, row)),
            };
            out.push_str(&format!("{row} {cell} {:?}\n", table.source(row)));
        }
    }
    out
}

/// The file read in `parts` real parts, each fed `feed` bytes at a time, joined through
/// `PartJoin::then` (the CLI's join) or, `through_bytes`, `PartJoin::then_read` of each later
/// part's bytes (the browser's), without any pass over the parts' rows.
fn read_in_parts(bytes: &[u8], parts: usize, feed: usize, through_bytes: bool) -> ParsedFile {
    let starts = part_starts(bytes, parts);
    assert_eq!(starts.len(), parts, "{parts} real parts");
    let plan = TextParts::plan("bill.csv", bytes).expect("a UTF-8 CSV with its header");
    let mut joined: Option<PartJoin> = None;
    for (index, &start) in starts.iter().enumerate() {
        let end = starts.get(index + 1).copied().unwrap_or(bytes.len());
        let mut reader = match index {
            0 => plan.first_part(),
            _ => plan.later_part(),
        };
        for chunk in bytes[start..end].chunks(feed) {
            reader.feed(chunk);
        }
        let part = reader.finish(end == bytes.len());
        joined = Some(match joined {
            None => PartJoin::start(part).expect("a first part"),
            Some(join) if through_bytes => join
                .then_read(&part.to_bytes()[..])
                .expect("parts that join"),
            Some(join) => join.then(part).expect("parts that join"),
        });
    }
    joined.expect("a part").finish("bill.csv")
}

/// Issue #12 item 4: a bill read in parts gives the whole file's table, cell for cell (value
/// and scale, and how each column is stored), and its report byte for byte, built from the
/// joined table alone: amounts at several scales, zeros written `0` or `0.00000000`, absent
/// cash cells, amounts cancelling to zero, in 2 to 4 parts fed in chunks of several sizes,
/// through both joins.
#[test]
fn a_bill_read_in_parts_and_joined_is_the_whole_files_table_and_report() {
    let mut checked = 0;
    for (seed, scales, absent, long_zeros, two_months) in [
        (13, true, false, false, false),
        (13, false, true, false, false),
        (13, true, true, false, false),
        (13, false, false, true, false),
        (13, true, true, true, true),
        (17, true, false, true, false),
        (17, false, true, false, true),
    ] {
        let mut bill = l3_bill(3000, seed, scales, absent);
        if long_zeros {
            // Twice, as neighbouring zeros share a comma.
            for _ in 0..2 {
                bill = bill.replace(",0,", ",0.00000000,");
            }
        }
        if two_months {
            // The first half of the rows in October: the report compares the two months.
            bill = bill
                .lines()
                .enumerate()
                .map(|(line, text)| match line {
                    1..=1500 => text.replace("2024-11", "2024-10") + "\n",
                    _ => text.to_owned() + "\n",
                })
                .collect();
        }
        let bytes = bill.as_bytes();
        let file = parse_file("bill.csv", bytes).remove(0);
        let options = options(&file);
        let whole_cells = cells(&file);
        let mut dataset = Dataset::new();
        dataset.add([file]);
        let whole = Report::build(&dataset, &options).to_json();
        for parts in 2..=4 {
            for feed in [1009, 4096, 65536] {
                for through_bytes in [false, true] {
                    let context = format!(
                        "seed {seed}, scales {scales}, absent {absent}, zeros `0.00000000` \
                         {long_zeros}, two months {two_months}: {parts} parts fed {feed} bytes, through bytes \
                         {through_bytes}"
                    );
                    let file = read_in_parts(bytes, parts, feed, through_bytes);
                    let joined_cells = cells(&file);
                    if let Some((line, (got, want))) = joined_cells
                        .lines()
                        .zip(whole_cells.lines())
                        .enumerate()
                        .find(|(_, (got, want))| got != want)
                    {
                        panic!("{context}: table line {line} is {got:?}, whole {want:?}");
                    }
                    assert_eq!(joined_cells.len(), whole_cells.len(), "{context}");
                    let mut dataset = Dataset::new();
                    dataset.add([file]);
                    let split = Report::build(&dataset, &options).to_json();
                    if let Some((line, (got, want))) = split
                        .lines()
                        .zip(whole.lines())
                        .enumerate()
                        .find(|(_, (got, want))| got != want)
                    {
                        panic!("{context}: report line {line} is {got:?}, whole {want:?}");
                    }
                    assert!(split == whole, "{context}: the report differs");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 7 * 3 * 3 * 2);
}

/// Where `bytes` is cut into `parts`, as the workers find it: each start searched for in a
/// window of the file.
fn part_starts(bytes: &[u8], parts: usize) -> Vec<usize> {
    let mut starts = PartStarts::new(bytes.len() as u64, parts);
    while let Some(at) = starts.wanted() {
        let at = at as usize;
        starts.feed(&bytes[at..(at + START_WINDOW).min(bytes.len())]);
    }
    starts
        .into_starts()
        .into_iter()
        .map(|at| at as usize)
        .collect()
}
