//! Every official API example in `fixtures/api/` (copied from the official examples) parses, with the expected action, row
//! counts, diagnostics and exact values; pages and envelopes in the forms users save them.

mod common;

use common::{assert_text, row, summary};
use rust_decimal::Decimal;
use tcbill_core::model::diagnostic::DiagnosticCode;
use tcbill_core::{detect_kind, parse_file, ApiAction, InputKind, ParsedFile, TableKind};

const API_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/api");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{API_FIXTURES}/{name}"))
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn parse_fixture(name: &str) -> ParsedFile {
    let mut parsed = parse_file(name, &fixture(name));
    assert_eq!(parsed.len(), 1);
    parsed.remove(0)
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

#[test]
fn every_official_example_parses_to_the_expected_action_and_counts() {
    let mut names: Vec<String> = std::fs::read_dir(API_FIXTURES)
        .expect("fixtures/api/ of the repository")
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    let mut lines = String::new();
    for name in &names {
        let parsed = parse_fixture(name);
        assert_eq!(detect_kind(&fixture(name)), parsed.kind, "{name}");
        lines.push_str(&format!(
            "{name}: {:?} {}/{}/{}\n",
            parsed.kind,
            parsed.rows_read(),
            parsed.rows_accepted(),
            parsed.rows_rejected
        ));
    }
    assert_text(
        &lines,
        "
DescribeBillDetail.example1.json: ApiResponse(DescribeBillDetail) 1/1/0
DescribeBillResourceSummary.example1.json: ApiResponse(DescribeBillResourceSummary) 1/1/0
DescribeBillSummaryByProduct.example1.json: ApiResponse(DescribeBillSummaryByProduct) 1/1/0
DescribeBillSummaryByProduct.intl-page.example1.json: ApiResponse(DescribeBillSummaryByProduct) 11/11/0
DescribeBillSummaryByTag.example1.json: ApiResponse(DescribeBillSummaryByTag) 2/2/0
DescribeCostDetail.cn-page.example1.json: ApiResponse(DescribeCostDetail) 1/0/1
DescribeCostDetail.example1.json: ApiResponse(DescribeCostDetail) 1/1/0
DescribeCostSummaryByProduct.example1.json: ApiResponse(DescribeCostSummaryByProduct) 1/1/0
DescribeDosageCosDetailByDate.example1.json: ApiResponse(DescribeDosageCosDetailByDate) 2/2/0
DescribeDosageDetailByDate.doc2019.example1.json: ApiResponse(DescribeDosageDetailByDate) 1/1/0
DescribeDosageDetailByDate.doc2019.example2.json: ApiResponse(DescribeDosageDetailByDate) 1/1/0
DescribeDosageDetailByDate.example1.json: ApiResponse(DescribeDosageDetailByDate) 1/1/0
DescribeDosageDetailByDate.example2.json: ApiResponse(DescribeDosageDetailByDate) 1/1/0
DescribeDosageDetailList.example1.json: ApiResponse(DescribeDosageDetailList) 1/1/0
DescribeMeasureConsoleDeductionDetails.example1.json: ApiResponse(DescribeMeasureDeductionDetails) 1/1/0
DescribeMeasureDeductionDetailFlow.example1.json: ApiResponse(DescribeMeasureDeductionDetailFlow) 1/1/0
DescribeMeasureDeductionDetails.example1.json: ApiResponse(DescribeMeasureDeductionDetails) 1/1/0
cdn.DescribeTrafficPackages.example1.json: ApiResponse(Other) 1/1/0
clb.DescribeModelRouterResourcePackageDeduction.example1.json: ApiResponse(DescribeModelRouterResourcePackageDeduction) 1/1/0
cynosdb.ExportResourcePackageDeductDetails.example1.json: ApiResponse(ExportResourcePackageDeductDetails) 2/2/0
error.AuthFailure.SignatureFailure.example1.json: ApiResponse(Error) 0/0/0
vpc.DescribeSpecificTrafficPackageUsedDetails.example1.json: ApiResponse(Other) 1/1/0
",
    );
}

#[test]
fn bill_detail_components_become_l3_rows_with_exact_amounts() {
    let parsed = parse_fixture("DescribeBillDetail.example1.json");
    let table = &parsed.table;
    assert_eq!(table.kind(), TableKind::BillDetails);
    assert_eq!(table.decimal("RealCost", 0), Some(dec("-80.89000000")));
    let paid = table.decimal("CashPayAmount", 0).unwrap()
        + table.decimal("IncentivePayAmount", 0).unwrap();
    assert_eq!(paid, table.decimal("RealCost", 0).unwrap());
    assert_eq!(table.decimal("UsedAmount", 0), Some(dec("1")));
    assert_eq!(table.text("BusinessCode", 0), Some("p_cvm"));
    assert_eq!(
        table.text("ProjectId", 0),
        Some("1002227"),
        "integer IDs kept as text"
    );
    assert_eq!(
        table.time("BillMonth", 0).unwrap().to_string(),
        "2023-07-01 00:00:00"
    );
    assert_eq!(
        table.text("PriceInfo", 0),
        Some("操作系统: linux; 连续使用时长T: 不分阶梯; 平台: 云平")
    );
    assert_eq!(
        table.text("AssociatedOrder.PrepayPurchase", 0),
        Some("20230707400000442656611")
    );
}

#[test]
fn summaries_keep_every_digit_and_add_up() {
    let parsed = parse_fixture("DescribeBillSummaryByProduct.intl-page.example1.json");
    let table = &parsed.table;
    let sum = |name: &str| -> Decimal {
        (0..table.row_count())
            .filter_map(|row| table.decimal(name, row))
            .sum()
    };
    assert_eq!(sum("RealTotalCost"), dec("3243.58087962"));
    assert_eq!(sum("TotalCost"), dec("5742.93410476"));
    assert_eq!(sum("RealTotalCostRatio"), dec("100.00"));
    let by_tag = parse_fixture("DescribeBillSummaryByTag.example1.json");
    assert_eq!(
        by_tag.table.text("TagValue", 0),
        None,
        "an empty tag value is absent"
    );
    assert_eq!(by_tag.table.text("TagValue", 1), Some("kCH0vYyI"));
}

#[test]
fn usage_and_deduction_responses_fill_the_shared_tables() {
    let dosage = parse_fixture("DescribeDosageDetailList.example1.json");
    assert_eq!(dosage.table.kind(), TableKind::UsageDetails);
    assert_eq!(
        dosage.table.decimal("DosageValue", 0),
        Some(dec("2206972795"))
    );
    assert_eq!(dosage.table.text("DosageUnit", 0), Some("Mbps"));
    let cos = parse_fixture("DescribeDosageCosDetailByDate.example1.json");
    assert_eq!(
        cos.table.text("DosageUnit", 1),
        Some("GB"),
        "`(GB)` loses its parentheses"
    );
    assert_eq!(cos.table.decimal("DosageValue", 1), Some(dec("0.00976562")));
    let by_date = parse_fixture("DescribeDosageDetailByDate.example1.json");
    assert_eq!(
        by_date.table.text("DosageUnit", 0),
        Some("bps"),
        "the response-level unit reaches every point"
    );
    let console = parse_fixture("DescribeMeasureConsoleDeductionDetails.example1.json");
    assert_eq!(console.table.kind(), TableKind::DeductionDetails);
    assert_eq!(
        console.table.decimal("DeductionFactor", 0),
        Some(dec("0.15")),
        "a JSON number, exact"
    );
    assert_eq!(
        console.table.decimal("ActualDosage", 0),
        Some(dec("0.00000559"))
    );
    assert_eq!(console.table.text("PackageUnit", 0), Some("U"));
    let says: Vec<_> = console.diagnostics.iter().map(|d| d.says.clone()).collect();
    assert_eq!(
        says,
        [Some(DiagnosticCode::PagesMissing { total: 9, read: 1 })],
        "9.96193577 − 0.00000559 = 9.96193018 holds; the example is one page of nine records"
    );
}

#[test]
fn cynosdb_csv_inside_json_becomes_deduction_rows() {
    let parsed = parse_fixture("cynosdb.ExportResourcePackageDeductDetails.example1.json");
    assert_eq!(parsed.table.kind(), TableKind::DeductionDetails);
    let table = &parsed.table;
    let cells = |row| {
        format!(
            "{} {} {} {} {}",
            table.time("DeductionTime", row).unwrap(),
            table.text("ResourceId", row).unwrap(),
            table.decimal("ActualDosage", row).unwrap(),
            table.text("PackageTotalUsedSpec", row).unwrap(),
            table.text("ClusterId", row).unwrap(),
        )
    };
    assert_eq!(
        cells(0),
        "2022-01-01 01:01:01 package-abcd1234 200.00 1298.98 cynosdbmysql-cdba4312"
    );
    assert_eq!(
        cells(1),
        "2022-01-01 01:02:01 package-abcd1234 200.00 1498.98 cynosdbmysql-cdba4354"
    );
    // A bad line is rejected and named by its place in FileContent; the others stay.
    let pages = r#"[{"Response": {"FileContent": "2022-01-01 01:01:01,p-1,abc,10,c-1\n2022-01-01 01:02:01,p-1,5,15,c-1,extra", "RequestId": "r"}}]"#;
    let mut parsed = parse_file("cynos-pages.json", pages.as_bytes());
    let parsed = parsed.remove(0);
    assert_eq!((parsed.rows_accepted(), parsed.rows_rejected), (1, 1));
    assert_eq!(
        parsed.diagnostics[0].to_string(),
        "cynos-pages.json [0].FileContent[0] column ActualDosage: \"abc\" is not a number"
    );
    assert_eq!(parsed.table.text("Column6", 0), Some("extra"));
}

#[test]
fn a_file_of_bare_rows_reads_like_the_response_it_was_cut_from() {
    for (fixture_name, key, action) in [
        (
            "DescribeBillDetail.example1.json",
            "DetailSet",
            ApiAction::DescribeBillDetail,
        ),
        (
            "DescribeBillSummaryByProduct.example1.json",
            "SummaryOverview",
            ApiAction::DescribeBillSummaryByProduct,
        ),
        (
            "DescribeDosageDetailList.example1.json",
            "Record",
            ApiAction::DescribeDosageDetailList,
        ),
    ] {
        let mut response: serde_json::Value =
            serde_json::from_slice(&fixture(fixture_name)).unwrap();
        let bare = serde_json::to_vec(&response["Response"][key]).unwrap();
        // The rows alone have no `Total` to say how many records the response had.
        response["Response"]
            .as_object_mut()
            .unwrap()
            .remove("Total");
        let mut parsed = parse_file("rows.json", &bare);
        let parsed = parsed.remove(0);
        assert_eq!(
            parsed.kind,
            InputKind::ApiResponse(action),
            "{fixture_name}"
        );
        assert_eq!(detect_kind(&bare), parsed.kind, "{fixture_name}");
        let whole = parse_file(fixture_name, response.to_string().as_bytes()).remove(0);
        assert_eq!(
            summary(&parsed).replace("rows.json", "FILE"),
            summary(&whole).replace(fixture_name, "FILE"),
            "{fixture_name}"
        );
        assert_eq!(row(&parsed, 0), row(&whole, 0), "{fixture_name}");
    }
    // Objects that no action's schema knows stay what they are.
    let unknown = parse_file("misc.json", br#"[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]"#);
    assert_eq!(unknown[0].kind, InputKind::ApiResponse(ApiAction::Other));
}

#[test]
fn placeholder_values_and_api_errors_are_reported() {
    let parsed = parse_fixture("DescribeCostDetail.cn-page.example1.json");
    let first = parsed.diagnostics.first().unwrap().to_string();
    assert_eq!(
        first,
        "DescribeCostDetail.cn-page.example1.json DetailSet[0].ComponentSet[0] column FeeBeginTime: \"abc\" is not a date or time"
    );
    assert_eq!(parsed.diagnostics.len(), 10);
    assert_text(
        &summary(&parse_fixture("error.AuthFailure.SignatureFailure.example1.json")),
        "
error.AuthFailure.SignatureFailure.example1.json | API error response
rows read 0, accepted 0, rejected 0
error.AuthFailure.SignatureFailure.example1.json: the API returned error AuthFailure.SignatureFailure: The provided credentials could not be validated. Please check your signature is correct. (RequestId ed93f3cb-f35e-473f-b9f3-0d451b8b79c6)
",
    );
}

#[test]
fn bare_objects_and_arrays_of_pages_are_accepted() {
    let envelope: serde_json::Value =
        serde_json::from_slice(&fixture("DescribeCostDetail.example1.json")).unwrap();
    let bare = envelope["Response"].to_string();
    let parsed = parse_file("bare.json", bare.as_bytes()).remove(0);
    assert_eq!(
        parsed.kind,
        InputKind::ApiResponse(ApiAction::DescribeCostDetail)
    );
    assert_eq!(
        parsed.table.decimal("CashPayAmount", 0),
        Some(dec("0.00104875"))
    );

    let error: serde_json::Value =
        serde_json::from_slice(&fixture("error.AuthFailure.SignatureFailure.example1.json"))
            .unwrap();
    let tag_summary: serde_json::Value =
        serde_json::from_slice(&fixture("DescribeBillSummaryByTag.example1.json")).unwrap();
    let pages = serde_json::json!([envelope, envelope["Response"], error, tag_summary]).to_string();
    let parsed = parse_file("pages.json", pages.as_bytes()).remove(0);
    assert_text(
        &summary(&parsed),
        "
pages.json | API DescribeCostDetail (cost details)
rows read 2, accepted 2, rejected 0
pages.json [2]: the API returned error AuthFailure.SignatureFailure: The provided credentials could not be validated. Please check your signature is correct. (RequestId ed93f3cb-f35e-473f-b9f3-0d451b8b79c6)
pages.json [3]: a API DescribeBillSummaryByTag page in a file of API DescribeCostDetail (cost details); skipped
",
    );
}

#[test]
fn broken_json_names_the_line() {
    let parsed = parse_file("cut.json", b"{\"Response\": {\n  \"DetailSet\": [\n").remove(0);
    assert_text(
        &summary(&parsed),
        "cut.json | unknown\nrows read 0, accepted 0, rejected 0\ncut.json:3: the JSON ends early; the file looks truncated\n",
    );
    let parsed = parse_file("bad.json", b"{\"Response\": {\n  \"Total\": 1,,\n}}").remove(0);
    assert_eq!(
        parsed.diagnostics[0].to_string(),
        "bad.json:2: not valid JSON: key must be a string at line 2 column 14"
    );
}

/// Items of a row array that are not objects (`[]`, `7`) and amounts that are JSON containers
/// are rejected rows, counted and said at their record path, where they were passed over or read
/// as absent amounts; the paths keep the items' own positions.
#[test]
fn junk_items_and_container_amounts_are_rejected_rows() {
    let mut response: serde_json::Value =
        serde_json::from_slice(&fixture("DescribeBillDetail.example1.json")).unwrap();
    let detail = response["Response"]["DetailSet"][0].clone();
    let component = detail["ComponentSet"][0].clone();
    let mut empty_cost = component.clone();
    empty_cost["RealCost"] = serde_json::json!([]);
    let mut object_time = detail.clone();
    object_time["ComponentSet"] = serde_json::json!([component, [], empty_cost]);
    object_time["FeeBeginTime"] = serde_json::json!({});
    response["Response"]["DetailSet"] = serde_json::json!([7, object_time, detail]);
    response["Response"]["Total"] = 3.into();
    let parsed = parse_file("junk.json", response.to_string().as_bytes()).remove(0);
    assert_text(
        &summary(&parsed),
        "
junk.json | API DescribeBillDetail (bill details)
rows read 5, accepted 1, rejected 4
junk.json DetailSet[0]: 7 is not a JSON object, so not a row
junk.json DetailSet[1].ComponentSet[0] column FeeBeginTime: a JSON object is not a date or time
junk.json DetailSet[1].ComponentSet[1]: [] is not a JSON object, so not a row
junk.json DetailSet[1].ComponentSet[2] column FeeBeginTime: a JSON object is not a date or time
junk.json DetailSet[1].ComponentSet[2] column RealCost: a JSON array is not a number
",
    );
    assert_eq!(
        parsed.table.source(0),
        tcbill_core::model::table::RowSource::Record("DetailSet[2].ComponentSet[0]"),
        "the row after the junk keeps its own position"
    );
}

/// One page of a paged pull saved alone holds fewer records than its response's `Total` counts:
/// the others are in no total, and the file says how many (the official DescribeBillDetail
/// example is such a page: `Total` 14, one bill detail). Pages that together hold what `Total`
/// counts say nothing, and neither does a `Total` that is a sum of money.
#[test]
fn a_page_saved_alone_says_how_many_records_it_lacks() {
    let missing = |parsed: &ParsedFile| -> Vec<(String, Option<DiagnosticCode>)> {
        parsed
            .diagnostics
            .iter()
            .map(|d| (d.to_string(), d.says.clone()))
            .collect()
    };
    let detail = parse_fixture("DescribeBillDetail.example1.json");
    assert_eq!(
        missing(&detail),
        [(
            "DescribeBillDetail.example1.json: the response counts 14 records (`Total`) and the \
             file holds 1: the other 13 were not pulled, so they are in no total; pull every page \
             (the API's Offset and Limit, as the page's Fetch from API does)"
                .to_owned(),
            Some(DiagnosticCode::PagesMissing { total: 14, read: 1 })
        )]
    );
    let deductions = parse_fixture("DescribeMeasureConsoleDeductionDetails.example1.json");
    assert_eq!(
        missing(&deductions)[0].1,
        Some(DiagnosticCode::PagesMissing { total: 9, read: 1 })
    );

    let page: serde_json::Value =
        serde_json::from_slice(&fixture("DescribeBillDetail.example1.json")).unwrap();
    let mut first = page.clone();
    first["Response"]["Total"] = 3.into();
    let second_detail = page["Response"]["DetailSet"][0].clone();
    first["Response"]["DetailSet"]
        .as_array_mut()
        .unwrap()
        .push(second_detail);
    let mut second = page.clone();
    second["Response"]["Total"] = 3.into();
    let pages = serde_json::json!([first, second]).to_string();
    let parsed = parse_file("pages.json", pages.as_bytes()).remove(0);
    assert_eq!(missing(&parsed), []);
    first["Response"]["Total"] = 4.into();
    let pages = serde_json::json!([first, second]).to_string();
    let parsed = parse_file("pages.json", pages.as_bytes()).remove(0);
    assert_eq!(
        missing(&parsed)[0].1,
        Some(DiagnosticCode::PagesMissing { total: 4, read: 3 })
    );

    for name in [
        "DescribeCostSummaryByProduct.example1.json",
        "DescribeCostDetail.example1.json",
        "DescribeBillResourceSummary.example1.json",
    ] {
        assert_eq!(missing(&parse_fixture(name)), [], "{name}");
    }
}

/// A bill summary's `SummaryTotal` is the sum of its rows in every amount (so in all three
/// official examples, which say nothing); a summary with a row cut out says which amounts no
/// longer add up, and by how much, with the place in the file.
#[test]
fn a_summary_whose_rows_do_not_add_up_to_its_total_says_so() {
    let said = |parsed: &ParsedFile| -> Vec<String> {
        parsed.diagnostics.iter().map(ToString::to_string).collect()
    };
    for name in [
        "DescribeBillSummaryByProduct.example1.json",
        "DescribeBillSummaryByProduct.intl-page.example1.json",
        "DescribeBillSummaryByTag.example1.json",
    ] {
        assert_eq!(said(&parse_fixture(name)), [] as [String; 0], "{name}");
    }

    let mut page: serde_json::Value = serde_json::from_slice(&fixture(
        "DescribeBillSummaryByProduct.intl-page.example1.json",
    ))
    .unwrap();
    let rows = page["Response"]["SummaryOverview"].as_array_mut().unwrap();
    let cut = rows.remove(0);
    assert_eq!(
        (&cut["RealTotalCost"], &cut["TotalCost"]),
        (&"2547.01736286".into(), &"4581.36000000".into())
    );
    let parsed = parse_file("cut.json", page.to_string().as_bytes()).remove(0);
    assert_eq!(parsed.table.row_count(), 10);
    let said = said(&parsed);
    assert!(
        said.contains(
            &"cut.json SummaryTotal.RealTotalCost: SummaryTotal.RealTotalCost is \
              3243.58087962 but the SummaryOverview rows add up to 696.56351676: the rows are \
              not the whole month (some are missing or were edited)"
                .to_owned()
        ),
        "{said:#?}"
    );
    assert_eq!(
        parsed.diagnostics.iter().find_map(|d| match &d.says {
            Some(DiagnosticCode::SummaryTotalDiffers { field, total, rows })
                if field == "TotalCost" =>
            {
                Some((total.clone(), rows.clone()))
            }
            _ => None,
        }),
        Some(("5742.93410476".to_owned(), "1161.57410476".to_owned()))
    );
}
