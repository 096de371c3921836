//! Billing API responses saved as JSON.
//!
//! A response may be saved as the `{"Response": {...}}` envelope, as the bare inner object, or as
//! an array of pages of one action (what a paged pull produces). The action is recognised from the
//! fields present, since responses do not name it. Rows go into the same canonical tables as the
//! console exports: a `DescribeBillDetail` component is an L3 row, a `DescribeMeasure*` bill is a
//! deduction row. CynosDB's `ExportResourcePackageDeductDetails` returns headerless CSV in
//! `FileContent`; its lines become objects first ([`expand_file_content`]). A file holding only
//! the rows (`jq '.Response.DetailSet'`) gets its response key back ([`wrap_bare_rows`]).

use serde_json::{Map, Value};

use crate::detect::{ApiAction, InputKind};
use crate::diagnostic::{Diagnostic, DiagnosticLog};
use crate::parser::ParsedFile;
use crate::schema::{self, Schema};
use crate::table::{Cell, ColumnRole, ColumnType, Table};
use crate::tabular::{check_row, convert_field, reconcile_units, FieldColumns};
use crate::text::strip_utf8_bom;
use crate::time::BeijingTime;

type Object = Map<String, Value>;

/// Recognises the action of one response (the object inside `Response`, or the bare object).
pub(crate) fn identify_action(inner: &Object) -> ApiAction {
    let first_item =
        |key: &str| -> Option<&Object> { inner.get(key)?.as_array()?.first()?.as_object() };
    let has_any = |object: Option<&Object>, keys: &[&str]| {
        object.is_some_and(|o| keys.iter().any(|k| o.contains_key(*k)))
    };
    if inner.contains_key("Error") {
        return ApiAction::Error;
    }
    if inner.contains_key("DetailSets") {
        let is_cos = has_any(first_item("DetailSets"), &["BucketName", "DosageValue"]);
        return if is_cos {
            ApiAction::DescribeDosageCosDetailByDate
        } else {
            ApiAction::DescribeDosageDetailByDate
        };
    }
    if inner.contains_key("Record") {
        return ApiAction::DescribeDosageDetailList;
    }
    if inner.contains_key("ResourceSummarySet") {
        return ApiAction::DescribeBillResourceSummary;
    }
    if inner.contains_key("DetailSet") {
        let detail = first_item("DetailSet");
        let component =
            detail.and_then(|d| d.get("ComponentSet")?.as_array()?.first()?.as_object());
        let is_bill = inner.contains_key("Context")
            || has_any(
                detail,
                &[
                    "Id",
                    "BillDay",
                    "BillMonth",
                    "ActionType",
                    "PriceInfo",
                    "AssociatedOrder",
                    "ProjectId",
                ],
            )
            || has_any(
                component,
                &[
                    "ContractPrice",
                    "RealTotalMeasure",
                    "TimeSpan",
                    "BlendedDiscount",
                ],
            );
        return if is_bill {
            ApiAction::DescribeBillDetail
        } else {
            ApiAction::DescribeCostDetail
        };
    }
    if inner.contains_key("SummaryOverview") {
        let item = first_item("SummaryOverview");
        return if has_any(item, &["TagValue"]) {
            ApiAction::DescribeBillSummaryByTag
        } else if has_any(item, &["PayMode", "PayModeName"]) {
            ApiAction::DescribeBillSummaryByPayMode
        } else if has_any(item, &["RegionId", "RegionName"]) {
            ApiAction::DescribeBillSummaryByRegion
        } else if has_any(item, &["ProjectId", "ProjectName"]) {
            ApiAction::DescribeBillSummaryByProject
        } else {
            ApiAction::DescribeBillSummaryByProduct
        };
    }
    if let Some(data) = inner.get("Data") {
        if data.is_array() {
            return ApiAction::DescribeCostSummaryByProduct;
        }
        if let Some(data) = data.as_object().filter(|data| data.contains_key("Bills")) {
            return if data.contains_key("PageToken") {
                ApiAction::DescribeMeasureDeductionDetailFlow
            } else {
                ApiAction::DescribeMeasureDeductionDetails
            };
        }
    }
    if inner.contains_key("ModelRouterResourcePackageDeductionSet") {
        return ApiAction::DescribeModelRouterResourcePackageDeduction;
    }
    if inner.contains_key(FILE_CONTENT) {
        return ApiAction::ExportResourcePackageDeductDetails;
    }
    ApiAction::Other
}

/// The action of a JSON file from its first bytes. A head cut mid-document is recognised by the
/// field names it contains.
pub(crate) fn detect_action(head: &[u8]) -> Option<ApiAction> {
    let head = strip_utf8_bom(head);
    if let Ok(document) = serde_json::from_slice::<Value>(head) {
        let document = wrap_bare_rows(document);
        return pages(&document)
            .into_iter()
            .find_map(|page| page.as_object().map(|page| identify_action(inner(page))));
    }
    let text = String::from_utf8_lossy(head);
    let markers: [(&str, ApiAction); 10] = [
        ("\"Error\"", ApiAction::Error),
        ("\"DetailPoints\"", ApiAction::DescribeDosageDetailByDate),
        ("\"BucketName\"", ApiAction::DescribeDosageCosDetailByDate),
        ("\"Record\"", ApiAction::DescribeDosageDetailList),
        (
            "\"ResourceSummarySet\"",
            ApiAction::DescribeBillResourceSummary,
        ),
        ("\"ContractPrice\"", ApiAction::DescribeBillDetail),
        ("\"DetailSet\"", ApiAction::DescribeCostDetail),
        ("\"Bills\"", ApiAction::DescribeMeasureDeductionDetails),
        (
            "\"ModelRouterResourcePackageDeductionSet\"",
            ApiAction::DescribeModelRouterResourcePackageDeduction,
        ),
        (
            "\"FileContent\"",
            ApiAction::ExportResourcePackageDeductDetails,
        ),
    ];
    markers
        .iter()
        .find(|(marker, _)| text.contains(marker))
        .map(|&(_, action)| action)
        .or(Some(ApiAction::Other))
}

/// The keys responses hold their rows under, for [`wrap_bare_rows`].
const ROW_ARRAY_KEYS: [&str; 6] = [
    "DetailSet",
    "DetailSets",
    "SummaryOverview",
    "ResourceSummarySet",
    "Record",
    "ModelRouterResourcePackageDeductionSet",
];

/// Fewer of a row's fields known to an action's schema than this is no evidence for the action.
const MIN_KNOWN_FIELDS: usize = 3;

/// An array of bare rows (not responses) becomes the response it was cut from: the rows go
/// under the key of [`ROW_ARRAY_KEYS`] whose action's schema knows most of the first row's
/// fields. Anything else is returned as it is.
fn wrap_bare_rows(document: Value) -> Value {
    let Some(first) = document
        .as_array()
        .and_then(|items| items.first())
        .and_then(Value::as_object)
    else {
        return document;
    };
    if first.contains_key("Response") || identify_action(first) != ApiAction::Other {
        return document;
    }
    let mut fields = Vec::new();
    flatten(first, "", &mut fields);
    let known_fields = |key: &str| {
        let sample: Object = [(
            key.to_owned(),
            Value::Array(vec![Value::Object(first.clone())]),
        )]
        .into_iter()
        .collect();
        let schema = schema_for(identify_action(&sample));
        fields
            .iter()
            .filter(|(name, _)| schema.field_for_header(name).is_some())
            .count()
    };
    let best = ROW_ARRAY_KEYS
        .iter()
        .map(|key| (known_fields(key), *key))
        .max_by_key(|&(known, _)| known);
    match best {
        Some((known, key)) if known >= MIN_KNOWN_FIELDS => {
            Value::Object([(key.to_owned(), document)].into_iter().collect())
        }
        _ => document,
    }
}

/// Where CynosDB's export puts its CSV.
const FILE_CONTENT: &str = "FileContent";

/// The columns of CynosDB's headerless `FileContent` CSV, in order. The API documents no header;
/// these follow its sibling `DescribeResourcePackageDetail` (`PackageDetail`): the deduction time,
/// the package, the capacity deducted (`SuccessDeductSpec`), the capacity the package had used by
/// then (`PackageTotalUsedSpec`: the official example's rows grow by exactly the deducted 200.00)
/// and the cluster deducted for.
const FILE_CONTENT_COLUMNS: [&str; 5] = [
    "DeductionTime",
    "ResourceId",
    "ActualDosage",
    "PackageTotalUsedSpec",
    "ClusterId",
];

/// Replaces each page's `FileContent` CSV text by an array with one object per line, keyed by
/// [`FILE_CONTENT_COLUMNS`] (a line with more fields keeps them as `Column6`, …), so its rows are
/// read like any other response's and a bad line is reported as `FileContent[n]`.
fn expand_file_content(mut document: Value) -> Value {
    let page_objects: Vec<&mut Object> = match &mut document {
        Value::Array(pages) => pages.iter_mut().filter_map(Value::as_object_mut).collect(),
        Value::Object(page) => vec![page],
        _ => vec![],
    };
    for page in page_objects {
        let inner = if page.contains_key("Response") {
            page.get_mut("Response").and_then(Value::as_object_mut)
        } else {
            Some(page)
        };
        let Some(inner) = inner else {
            continue;
        };
        let Some(Value::String(csv)) = inner.get(FILE_CONTENT) else {
            continue;
        };
        let rows: Vec<Value> = csv
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let object: Object = line
                    .split(',')
                    .enumerate()
                    .map(|(index, field)| {
                        let key = FILE_CONTENT_COLUMNS.get(index).map_or_else(
                            || format!("Column{}", index + 1),
                            |key| (*key).to_owned(),
                        );
                        (key, Value::String(field.trim().to_owned()))
                    })
                    .collect();
                Value::Object(object)
            })
            .collect();
        inner.insert(FILE_CONTENT.to_owned(), Value::Array(rows));
    }
    document
}

fn pages(document: &Value) -> Vec<&Value> {
    match document {
        Value::Array(pages) => pages.iter().collect(),
        page => vec![page],
    }
}

fn inner(page: &Object) -> &Object {
    page.get("Response")
        .and_then(Value::as_object)
        .unwrap_or(page)
}

fn schema_for(action: ApiAction) -> &'static Schema {
    match action {
        ApiAction::DescribeBillDetail => &schema::BILL_DETAILS,
        ApiAction::DescribeCostDetail => &schema::COST_DETAILS,
        ApiAction::DescribeBillResourceSummary => &schema::BILL_RESOURCES,
        ApiAction::DescribeDosageDetailByDate
        | ApiAction::DescribeDosageCosDetailByDate
        | ApiAction::DescribeDosageDetailList => &schema::USAGE_DETAILS,
        ApiAction::DescribeBillSummaryByProduct
        | ApiAction::DescribeBillSummaryByPayMode
        | ApiAction::DescribeBillSummaryByRegion
        | ApiAction::DescribeBillSummaryByProject
        | ApiAction::DescribeBillSummaryByTag
        | ApiAction::DescribeCostSummaryByProduct => &schema::BILL_SUMMARY,
        ApiAction::DescribeMeasureDeductionDetails
        | ApiAction::DescribeMeasureDeductionDetailFlow
        | ApiAction::DescribeModelRouterResourcePackageDeduction
        | ApiAction::ExportResourcePackageDeductDetails => &schema::DEDUCTION_DETAILS,
        ApiAction::Error | ApiAction::Other => &schema::OTHER_ROWS,
    }
}

/// One row of a response: objects whose fields all go into the row (a bill detail and one of its
/// components), the keys that are not fields (the nested row arrays), and values from the
/// envelope (the `Unit` of `DescribeDosageDetailByDate`).
struct JsonRow<'a> {
    path: String,
    objects: Vec<&'a Object>,
    envelope: Vec<(&'static str, &'a Value)>,
}

const NESTED_ROW_KEYS: [&str; 2] = ["ComponentSet", "DetailPoints"];

fn rows_of<'a>(action: ApiAction, inner: &'a Object, page_prefix: &str) -> Vec<JsonRow<'a>> {
    let array = |object: &'a Object, key: &str| -> Vec<&'a Object> {
        object
            .get(key)
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |items| {
                items.iter().filter_map(Value::as_object).collect()
            })
    };
    let simple = |key: &str, items: Vec<&'a Object>| -> Vec<JsonRow<'a>> {
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| JsonRow {
                path: format!("{page_prefix}{key}[{index}]"),
                objects: vec![item],
                envelope: vec![],
            })
            .collect()
    };
    let nested = |outer_key: &str,
                  inner_key: &str,
                  envelope: Vec<(&'static str, &'a Value)>|
     -> Vec<JsonRow<'a>> {
        let mut rows = Vec::new();
        for (outer_index, outer) in array(inner, outer_key).into_iter().enumerate() {
            let path = format!("{page_prefix}{outer_key}[{outer_index}]");
            let children = array(outer, inner_key);
            for (inner_index, child) in children.iter().enumerate() {
                let path = format!("{path}.{inner_key}[{inner_index}]");
                rows.push(JsonRow {
                    path,
                    objects: vec![outer, child],
                    envelope: envelope.clone(),
                });
            }
            if children.is_empty() {
                rows.push(JsonRow {
                    path,
                    objects: vec![outer],
                    envelope: envelope.clone(),
                });
            }
        }
        rows
    };
    match action {
        ApiAction::DescribeBillDetail | ApiAction::DescribeCostDetail => {
            nested("DetailSet", "ComponentSet", vec![])
        }
        ApiAction::DescribeDosageDetailByDate => {
            let envelope = inner
                .get("Unit")
                .map(|unit| vec![("Unit", unit)])
                .unwrap_or_default();
            nested("DetailSets", "DetailPoints", envelope)
        }
        ApiAction::DescribeDosageCosDetailByDate => {
            simple("DetailSets", array(inner, "DetailSets"))
        }
        ApiAction::DescribeDosageDetailList => simple("Record", array(inner, "Record")),
        ApiAction::DescribeBillResourceSummary => {
            simple("ResourceSummarySet", array(inner, "ResourceSummarySet"))
        }
        ApiAction::DescribeBillSummaryByProduct
        | ApiAction::DescribeBillSummaryByPayMode
        | ApiAction::DescribeBillSummaryByRegion
        | ApiAction::DescribeBillSummaryByProject
        | ApiAction::DescribeBillSummaryByTag => {
            simple("SummaryOverview", array(inner, "SummaryOverview"))
        }
        ApiAction::DescribeCostSummaryByProduct => simple("Data", array(inner, "Data")),
        ApiAction::DescribeMeasureDeductionDetails
        | ApiAction::DescribeMeasureDeductionDetailFlow => {
            let bills = inner
                .get("Data")
                .and_then(Value::as_object)
                .map_or_else(Vec::new, |data| array(data, "Bills"));
            simple("Data.Bills", bills)
        }
        ApiAction::DescribeModelRouterResourcePackageDeduction => {
            let key = "ModelRouterResourcePackageDeductionSet";
            simple(key, array(inner, key))
        }
        ApiAction::ExportResourcePackageDeductDetails => {
            simple(FILE_CONTENT, array(inner, FILE_CONTENT))
        }
        ApiAction::Error => vec![],
        ApiAction::Other => {
            let first_row_array = inner.iter().find(|(_, value)| {
                value
                    .as_array()
                    .is_some_and(|items| items.iter().any(Value::is_object))
            });
            first_row_array.map_or_else(Vec::new, |(key, _)| simple(key, array(inner, key)))
        }
    }
}

/// A cell value that owns its text (JSON numbers and flattened arrays have no text to borrow).
enum OwnedCell {
    Text(String),
    Decimal(rust_decimal::Decimal),
    Time(BeijingTime),
}

impl OwnedCell {
    fn from_cell(cell: Cell<'_>) -> Self {
        match cell {
            Cell::Text(text) => OwnedCell::Text(text.to_owned()),
            Cell::Decimal(value) => OwnedCell::Decimal(value),
            Cell::Time(value) => OwnedCell::Time(value),
        }
    }

    fn as_cell(&self) -> Cell<'_> {
        match self {
            OwnedCell::Text(text) => Cell::Text(text),
            OwnedCell::Decimal(value) => Cell::Decimal(*value),
            OwnedCell::Time(value) => Cell::Time(*value),
        }
    }
}

/// The text of a scalar JSON value; `None` for null. Numbers keep their exact digits.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Value::Object(pair) => {
                        let name = pair
                            .get("Name")
                            .or_else(|| pair.get("Key"))
                            .and_then(scalar_text);
                        let value = pair.get("Value").and_then(scalar_text);
                        match (name, value) {
                            (Some(name), Some(value)) => format!("{name}: {value}"),
                            _ => item.to_string(),
                        }
                    }
                    other => scalar_text(other).unwrap_or_default(),
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Object(_) => Some(value.to_string()),
    }
}

/// Builds rows of one action into `table`.
struct RowWriter<'t> {
    file: &'t str,
    schema: &'static Schema,
    table: &'t mut Table,
    log: &'t mut DiagnosticLog,
    rows_rejected: u64,
}

impl RowWriter<'_> {
    fn write(&mut self, row: &JsonRow<'_>) {
        let mut fields: Vec<(String, &Value)> = Vec::new();
        for object in &row.objects {
            flatten(object, "", &mut fields);
        }
        fields.extend(
            row.envelope
                .iter()
                .map(|&(key, value)| (key.to_owned(), value)),
        );
        let mut owned: Vec<(usize, OwnedCell)> = Vec::new();
        let mut units: Vec<(usize, String, String)> = Vec::new();
        let mut row_ok = true;
        for (key, value) in &fields {
            if key == "Tags" {
                self.write_tags(value, &mut owned);
                continue;
            }
            let Some(text) = scalar_text(value) else {
                continue;
            };
            let Some(field) = self.schema.field_for_header(key) else {
                let column =
                    self.table
                        .ensure_column(key, key, ColumnRole::PassThrough, ColumnType::Text);
                owned.push((column, OwnedCell::Text(text)));
                continue;
            };
            let text = if field.name == "DosageUnit" {
                text.trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_owned()
            } else {
                text
            };
            let columns = FieldColumns::ensure(self.table, field, key);
            match convert_field(field, &text) {
                Ok(converted) => {
                    if let (Some(unit_column), Some(unit)) = (columns.unit, converted.unit) {
                        units.push((unit_column, unit.to_owned(), key.clone()));
                    }
                    owned.extend(
                        converted
                            .first
                            .map(|cell| (columns.first, OwnedCell::from_cell(cell))),
                    );
                    if let (Some(column), Some(cell)) = (columns.second, converted.second) {
                        owned.push((column, OwnedCell::from_cell(cell)));
                    }
                }
                Err(message) => {
                    self.log.push(
                        Diagnostic::error(self.file, message)
                            .at_record(row.path.as_str())
                            .in_column(key.as_str()),
                    );
                    row_ok = false;
                }
            }
        }
        if !row_ok {
            self.rows_rejected += 1;
            return;
        }
        let mut cells: Vec<(usize, Cell<'_>)> = owned
            .iter()
            .map(|(column, cell)| (*column, cell.as_cell()))
            .collect();
        let glued: Vec<_> = units
            .iter()
            .map(|(column, unit, key)| crate::tabular::GluedUnit::new(*column, unit, key))
            .collect();
        for (key, message) in reconcile_units(self.table, &glued, &mut cells) {
            self.log.push(
                Diagnostic::warning(self.file, message)
                    .at_record(row.path.as_str())
                    .in_column(key),
            );
        }
        self.table.push_row(&cells);
        if let Some(message) = check_row(self.table, self.table.row_count() - 1) {
            self.log
                .push(Diagnostic::warning(self.file, message).at_record(row.path.as_str()));
        }
    }

    fn write_tags(&mut self, tags: &Value, owned: &mut Vec<(usize, OwnedCell)>) {
        for tag in tags
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            let Some(key) = tag.get("TagKey").and_then(scalar_text) else {
                continue;
            };
            let column = self.table.ensure_column(
                &format!("Tag:{key}"),
                "Tags",
                ColumnRole::Tag { key: key.clone() },
                ColumnType::Text,
            );
            if let Some(value) = tag
                .get("TagValue")
                .and_then(scalar_text)
                .filter(|value| !crate::number::is_absent(value))
            {
                owned.push((column, OwnedCell::Text(value)));
            }
        }
    }
}

/// Fields of an object, nested objects as `Outer.Inner`; the nested row arrays are left out.
fn flatten<'a>(object: &'a Object, prefix: &str, out: &mut Vec<(String, &'a Value)>) {
    for (key, value) in object {
        if NESTED_ROW_KEYS.contains(&key.as_str()) {
            continue;
        }
        let name = format!("{prefix}{key}");
        match value {
            Value::Object(nested) => flatten(nested, &format!("{name}."), out),
            _ => out.push((name, value)),
        }
    }
}

/// Parses a whole JSON file.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> ParsedFile {
    let mut log = DiagnosticLog::default();
    let document: Value = match serde_json::from_slice(strip_utf8_bom(bytes)) {
        Ok(document) => document,
        Err(error) => {
            let message = if error.is_eof() {
                "the JSON ends early; the file looks truncated".to_owned()
            } else {
                format!("not valid JSON: {error}")
            };
            log.push(Diagnostic::error(file, message).at_line(error.line() as u64));
            return ParsedFile::empty(file, InputKind::Unknown, log.into_vec(file));
        }
    };
    let document = wrap_bare_rows(expand_file_content(document));
    let all_pages = pages(&document);
    let is_paged = document.is_array();
    let mut file_action = None;
    let mut table = Table::new(schema::OTHER_ROWS.table_kind);
    let mut rows_rejected = 0;
    for (page_index, page) in all_pages.iter().enumerate() {
        let page_prefix = if is_paged {
            format!("[{page_index}].")
        } else {
            String::new()
        };
        let Some(page) = page.as_object() else {
            log.push(
                Diagnostic::error(file, "not an API response object; skipped")
                    .at_record(format!("[{page_index}]")),
            );
            continue;
        };
        let inner = inner(page);
        let action = identify_action(inner);
        if action == ApiAction::Error {
            log.push(api_error(file, inner, &page_prefix));
            continue;
        }
        let expected = *file_action.get_or_insert(action);
        if action != expected {
            let message = format!(
                "a {} page in a file of {}; skipped",
                action.label(),
                expected.label()
            );
            log.push(Diagnostic::error(file, message).at_record(format!("[{page_index}]")));
            continue;
        }
        let schema = schema_for(action);
        if table.row_count() == 0 && table.columns().is_empty() {
            table = Table::new(schema.table_kind);
        }
        let mut writer = RowWriter {
            file,
            schema,
            table: &mut table,
            log: &mut log,
            rows_rejected: 0,
        };
        for row in rows_of(action, inner, &page_prefix) {
            writer.write(&row);
        }
        rows_rejected += writer.rows_rejected;
    }
    let action = file_action.unwrap_or(ApiAction::Error);
    if action != ApiAction::Error && table.row_count() == 0 && rows_rejected == 0 {
        log.push(Diagnostic::warning(file, "the response holds no rows"));
    }
    ParsedFile::from_parts(
        file,
        InputKind::ApiResponse(action),
        None,
        table,
        rows_rejected,
        log.into_vec(file),
    )
}

fn api_error(file: &str, inner: &Object, page_prefix: &str) -> Diagnostic {
    let error = inner.get("Error").and_then(Value::as_object);
    let field = |key: &str| {
        error
            .and_then(|error| error.get(key))
            .and_then(scalar_text)
            .unwrap_or_default()
    };
    let request_id = inner
        .get("RequestId")
        .and_then(scalar_text)
        .unwrap_or_default();
    let message = format!(
        "the API returned error {}: {} (RequestId {request_id})",
        field("Code"),
        field("Message")
    );
    let diagnostic = Diagnostic::error(file, message);
    match page_prefix.strip_suffix('.') {
        Some(page) => diagnostic.at_record(page),
        None => diagnostic,
    }
}
