//! Billing API responses saved as JSON.
//!
//! A response may be saved as the `{"Response": {...}}` envelope, as the bare inner object, or as
//! an array of pages of one action (what a paged pull produces). The action is recognised from the
//! fields present, since responses do not name it. Rows go into the same canonical tables as the
//! console exports: a `DescribeBillDetail` component is an L3 row, a `DescribeMeasure*` bill is a
//! deduction row. CynosDB's `ExportResourcePackageDeductDetails` returns headerless CSV in
//! `FileContent`; its lines become rows too ([`FILE_CONTENT_COLUMNS`]). A file holding only the
//! rows (`jq '.Response.DetailSet'`) gets its response key back ([`bare_rows_key`]).
//!
//! A month of bill details is hundreds of megabytes of JSON, so the file is never turned into a
//! tree: each page is read down to its row arrays ([`lazy`]), and rows are then read one at a
//! time and written into the table while their text is borrowed from the file. How each key maps
//! to a column is worked out once per file ([`Targets`]), not once per cell.

mod lazy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use rust_decimal::Decimal;
use serde_json::value::RawValue;

use crate::input::csv::strip_utf8_bom;
use crate::input::rows::{check_row, reconcile_units, recycle_slots, FieldColumns, GluedUnit};
use crate::model::diagnostic::{Diagnostic, DiagnosticCode, DiagnosticLog, Problem};
use crate::model::kind::{ApiAction, InputKind};
use crate::model::number::{is_absent, parse_decimal};
use crate::model::parsed_file::ParsedFile;
use crate::model::table::{ColumnRole, ColumnType, RowSource, Slot, Table};
use crate::model::time::LastTime;
use crate::schema::{self, FieldKind, FieldSpec, Schema};
use lazy::{for_each_item, Json, Object};

/// Recognises the action of one response (the object inside `Response`, or the bare object).
pub(crate) fn identify_action(inner: &Object<'_>) -> ApiAction {
    // The first item of a row array, when it is an object.
    let first_item = |key: &str| -> Option<Json<'_>> {
        inner
            .get(key)?
            .first_item()
            .filter(|item| item.as_object().is_some())
    };
    let has_any = |object: Option<&Json<'_>>, keys: &[&str]| {
        object
            .and_then(Json::as_object)
            .is_some_and(|o| keys.iter().any(|k| o.contains_key(k)))
    };
    if inner.contains_key("Error") {
        return ApiAction::Error;
    }
    if inner.contains_key("DetailSets") {
        let is_cos = has_any(
            first_item("DetailSets").as_ref(),
            &["BucketName", "DosageValue"],
        );
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
        let component = detail
            .as_ref()
            .and_then(|detail| detail.as_object()?.get("ComponentSet")?.first_item());
        let is_bill = inner.contains_key("Context")
            || has_any(
                detail.as_ref(),
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
                component.as_ref(),
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
        let item = item.as_ref();
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
        let data = data.shallow();
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
    if let Ok(document) = Document::read(head) {
        return (0..document.len()).find_map(|index| {
            let page = document.page(index);
            page.as_object().map(|page| identify_action(inner(page)))
        });
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

/// A file's pages, each read when it is needed.
enum Document<'a> {
    /// A JSON array: pages of one action, unread.
    Pages(Vec<&'a RawValue>),
    /// One response (or whatever else the file holds), read down to its row arrays.
    Single(Json<'a>),
}

impl<'a> Document<'a> {
    /// Reads the file's structure, checking all of it is JSON; a file of bare rows is read as
    /// the response it was cut from.
    fn read(bytes: &'a [u8]) -> serde_json::Result<Document<'a>> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            // Not UTF-8, so not JSON: serde_json's own reading says where.
            return Err(serde_json::from_slice::<serde_json::Value>(bytes)
                .err()
                .unwrap_or_else(|| serde::de::Error::custom("the file is not UTF-8")));
        };
        if !text
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('[')
        {
            return Ok(Document::Single(Json::parse_page(text)?));
        }
        let pages: Vec<&RawValue> = serde_json::from_str(text)?;
        let first = pages
            .first()
            .map(|page| Json::parse(page.get()))
            .transpose()?;
        if let Some(key) = first
            .as_ref()
            .and_then(Json::as_object)
            .and_then(bare_rows_key)
        {
            let rows = Json::Raw(serde_json::from_str(text)?);
            let response = Object::new(vec![(Cow::Borrowed(key), rows)]);
            return Ok(Document::Single(Json::Object(response)));
        }
        Ok(Document::Pages(pages))
    }

    fn len(&self) -> usize {
        match self {
            Document::Pages(pages) => pages.len(),
            Document::Single(_) => 1,
        }
    }

    fn is_paged(&self) -> bool {
        matches!(self, Document::Pages(_))
    }

    /// Page `index`; its text was checked by [`Document::read`].
    fn page(&self, index: usize) -> Cow<'_, Json<'a>> {
        match self {
            Document::Pages(pages) => {
                Cow::Owned(Json::parse_page(pages[index].get()).unwrap_or(Json::Null))
            }
            Document::Single(page) => Cow::Borrowed(page),
        }
    }
}

/// Fewer of a row's fields known to an action's schema than this is no evidence for the action.
const MIN_KNOWN_FIELDS: usize = 3;

/// When the first item of an array is a bare row (not a response), the key of
/// [`ROW_ARRAY_KEYS`] its response held it under: the one whose action's schema knows most of
/// its fields.
fn bare_rows_key(first: &Object<'_>) -> Option<&'static str> {
    if first.contains_key("Response") || identify_action(first) != ApiAction::Other {
        return None;
    }
    let mut fields = Vec::new();
    flatten(first, "", &mut fields);
    let known_fields = |key: &'static str| {
        let row = Json::Object(first.clone());
        let sample = Object::new(vec![(Cow::Borrowed(key), Json::Array(vec![row]))]);
        let schema = schema_for(identify_action(&sample));
        fields
            .iter()
            .filter(|(name, _)| schema.field_for_header(name).is_some())
            .count()
    };
    ROW_ARRAY_KEYS
        .iter()
        .map(|&key| (known_fields(key), key))
        .max_by_key(|&(known, _)| known)
        .filter(|&(known, _)| known >= MIN_KNOWN_FIELDS)
        .map(|(_, key)| key)
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

fn inner<'p, 'a>(page: &'p Object<'a>) -> &'p Object<'a> {
    page.get("Response")
        .and_then(Json::as_object)
        .unwrap_or(page)
}

/// Where a row is in the file, for diagnostics: `[2].DetailSet[0].ComponentSet[1]`.
#[derive(Clone, Copy)]
struct RowPath<'p> {
    page: &'p str,
    key: &'p str,
    index: usize,
    child: Option<(&'p str, usize)>,
}

impl fmt::Display for RowPath<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}{}[{}]", self.page, self.key, self.index)?;
        match self.child {
            Some((key, index)) => write!(formatter, ".{key}[{index}]"),
            None => Ok(()),
        }
    }
}

const NESTED_ROW_KEYS: [&str; 2] = ["ComponentSet", "DetailPoints"];

/// Writes the rows of one page and says how many items its row array holds (what the response's
/// `Total` counts). A row is the fields of one object, or of an object and one of its nested
/// rows (a bill detail and one of its components), plus values from the envelope (the `Unit` of
/// `DescribeDosageDetailByDate`).
fn write_rows(
    action: ApiAction,
    inner: &Object<'_>,
    page_prefix: &str,
    file_content_is_csv: bool,
    writer: &mut RowWriter<'_>,
    log: &mut DiagnosticLog,
) -> serde_json::Result<u64> {
    let mut simple = |key: &str, items: Option<&Json<'_>>| {
        let mut index = 0;
        let path = |index| RowPath {
            page: page_prefix,
            key,
            index,
            child: None,
        };
        let Some(items) = items else {
            return Ok(0);
        };
        for_each_item(items, |item| {
            match item.as_object() {
                Some(object) => writer.write(&[object], None, path(index), log),
                None => writer.reject_not_a_row(item, path(index), log),
            }
            index += 1;
        })?;
        Ok(index as u64)
    };
    match action {
        ApiAction::DescribeBillDetail | ApiAction::DescribeCostDetail => write_nested(
            inner,
            "DetailSet",
            "ComponentSet",
            None,
            page_prefix,
            writer,
            log,
        ),
        ApiAction::DescribeDosageDetailByDate => {
            let unit = inner.get("Unit").map(Json::full);
            let unit = unit.as_deref();
            write_nested(
                inner,
                "DetailSets",
                "DetailPoints",
                unit,
                page_prefix,
                writer,
                log,
            )
        }
        ApiAction::DescribeDosageCosDetailByDate => simple("DetailSets", inner.get("DetailSets")),
        ApiAction::DescribeDosageDetailList => simple("Record", inner.get("Record")),
        ApiAction::DescribeBillResourceSummary => {
            simple("ResourceSummarySet", inner.get("ResourceSummarySet"))
        }
        ApiAction::DescribeBillSummaryByProduct
        | ApiAction::DescribeBillSummaryByPayMode
        | ApiAction::DescribeBillSummaryByRegion
        | ApiAction::DescribeBillSummaryByProject
        | ApiAction::DescribeBillSummaryByTag => {
            simple("SummaryOverview", inner.get("SummaryOverview"))
        }
        ApiAction::DescribeCostSummaryByProduct => simple("Data", inner.get("Data")),
        ApiAction::DescribeMeasureDeductionDetails
        | ApiAction::DescribeMeasureDeductionDetailFlow => {
            let data = inner.get("Data").map(Json::shallow);
            let bills = data.as_deref().and_then(Json::as_object);
            simple("Data.Bills", bills.and_then(|data| data.get("Bills")))
        }
        ApiAction::DescribeModelRouterResourcePackageDeduction => {
            let key = "ModelRouterResourcePackageDeductionSet";
            simple(key, inner.get(key))
        }
        ApiAction::ExportResourcePackageDeductDetails => {
            let content = inner.get(FILE_CONTENT).map(Json::full);
            match content.as_deref() {
                Some(Json::Str(csv)) if file_content_is_csv => {
                    let rows = Json::Array(file_content_rows(csv));
                    simple(FILE_CONTENT, Some(&rows))
                }
                content => simple(FILE_CONTENT, content),
            }
        }
        ApiAction::Error => Ok(0),
        ApiAction::Other => {
            let first_row_array = inner.iter().find_map(|(key, value)| {
                let value = value.full();
                let is_rows =
                    matches!(&*value, Json::Array(items) if items.iter().any(|item| item.as_object().is_some()));
                is_rows.then(|| (key, value.into_owned()))
            });
            match first_row_array {
                Some((key, rows)) => simple(key, Some(&rows)),
                None => Ok(0),
            }
        }
    }
}

/// Rows of `outer_key`'s objects each with one of its `inner_key` objects; an outer object with
/// none is a row alone.
fn write_nested(
    inner: &Object<'_>,
    outer_key: &str,
    inner_key: &str,
    unit: Option<&Json<'_>>,
    page_prefix: &str,
    writer: &mut RowWriter<'_>,
    log: &mut DiagnosticLog,
) -> serde_json::Result<u64> {
    let Some(outer_items) = inner.get(outer_key) else {
        return Ok(0);
    };
    let mut outer_index = 0;
    for_each_item(outer_items, |item| {
        let mut path = RowPath {
            page: page_prefix,
            key: outer_key,
            index: outer_index,
            child: None,
        };
        outer_index += 1;
        let Some(outer) = item.as_object() else {
            writer.reject_not_a_row(item, path, log);
            return;
        };
        let children = match outer.get(inner_key) {
            Some(Json::Array(items)) => items.as_slice(),
            _ => &[],
        };
        for (inner_index, child) in children.iter().enumerate() {
            path.child = Some((inner_key, inner_index));
            match child.as_object() {
                Some(child) => writer.write(&[outer, child], unit, path, log),
                None => writer.reject_not_a_row(child, path, log),
            }
        }
        if children.is_empty() {
            writer.write(&[outer], unit, path, log);
        }
    })?;
    Ok(outer_index as u64)
}

/// The lines of CynosDB's `FileContent` CSV as rows keyed by [`FILE_CONTENT_COLUMNS`] (a line
/// with more fields keeps them as `Column6`, …), so a bad line is reported as `FileContent[n]`.
fn file_content_rows<'a>(csv: &'a str) -> Vec<Json<'a>> {
    csv.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields = line.split(',').enumerate().map(|(index, field)| {
                let key = FILE_CONTENT_COLUMNS.get(index).map_or_else(
                    || Cow::Owned(format!("Column{}", index + 1)),
                    |key| Cow::Borrowed(*key),
                );
                (key, Json::Str(Cow::Borrowed(field.trim())))
            });
            Json::Object(Object::new(fields.collect()))
        })
        .collect()
}

/// The text of a scalar JSON value; `None` for null. Numbers keep their exact digits; an array
/// becomes its items joined by `; ` (`Name: Value` for name/value pairs).
fn scalar_text<'r>(value: &'r Json<'_>) -> Option<Cow<'r, str>> {
    match value {
        Json::Null => None,
        Json::Str(text) => Some(Cow::Borrowed(text)),
        Json::Number(digits) => Some(Cow::Borrowed(digits)),
        Json::Bool(flag) => Some(Cow::Borrowed(if *flag { "true" } else { "false" })),
        Json::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Json::Object(pair) => {
                        let name = pair
                            .get("Name")
                            .or_else(|| pair.get("Key"))
                            .and_then(scalar_text);
                        let value = pair.get("Value").and_then(scalar_text);
                        match (name, value) {
                            (Some(name), Some(value)) => format!("{name}: {value}"),
                            _ => item.to_value().to_string(),
                        }
                    }
                    other => scalar_text(other).unwrap_or_default().into_owned(),
                })
                .collect();
            (!parts.is_empty()).then(|| Cow::Owned(parts.join("; ")))
        }
        Json::Object(_) => Some(Cow::Owned(value.to_value().to_string())),
        Json::Raw(_) => scalar_text(&value.full()).map(|text| Cow::Owned(text.into_owned())),
    }
}

/// Fields of an object, nested objects as `Outer.Inner` (an empty one as a value); the nested row
/// arrays are left out.
fn flatten<'r, 'a>(
    object: &'r Object<'a>,
    prefix: &str,
    out: &mut Vec<(Cow<'r, str>, &'r Json<'a>)>,
) {
    for (key, value) in object.iter() {
        if NESTED_ROW_KEYS.contains(&key) {
            continue;
        }
        let name = if prefix.is_empty() {
            Cow::Borrowed(key)
        } else {
            Cow::Owned(format!("{prefix}{key}"))
        };
        match value {
            // `{}` stays a value: nothing to flatten, and not a number either.
            Json::Object(nested) if !nested.is_empty() => {
                flatten(nested, &format!("{name}."), out);
            }
            _ => out.push((name, value)),
        }
    }
}

/// Where a field's text goes.
#[derive(Clone, Copy)]
enum Target {
    /// A schema field, converted by its kind.
    Field(&'static FieldSpec, FieldColumns),
    /// A text column taken as it is: a field tcbill does not know, or a tag.
    Text(usize),
}

/// The [`Target`] of each key, worked out (and its columns created) the first time the key has
/// a value. Rows of one response have the same keys in the same order, so a key is first looked
/// for at its position in the previous row; the map is the fallback.
#[derive(Default)]
struct Targets {
    by_position: Vec<Option<(Box<str>, Target)>>,
    by_key: HashMap<Box<str>, Target>,
}

impl Targets {
    fn get(&mut self, position: usize, key: &str, schema: &Schema, table: &mut Table) -> Target {
        if let Some(Some((cached, target))) = self.by_position.get(position) {
            if **cached == *key {
                return *target;
            }
        }
        let target = match self.by_key.get(key) {
            Some(&target) => target,
            None => {
                let target = match schema.field_for_header(key) {
                    Some(field) => Target::Field(field, FieldColumns::ensure(table, field, key)),
                    None => Target::Text(table.ensure_column(
                        key,
                        key,
                        ColumnRole::PassThrough,
                        ColumnType::Text,
                    )),
                };
                self.by_key.insert(key.into(), target);
                target
            }
        };
        if self.by_position.len() <= position {
            self.by_position.resize(position + 1, None);
        }
        self.by_position[position] = Some((key.into(), target));
        target
    }
}

/// A field's text on its way into a row.
struct PendingCell<'r> {
    target: Target,
    key: &'r str,
    text: Cow<'r, str>,
    /// `Some("array")` or `Some("object")` for a value that is one (its text is then its items
    /// joined, or its JSON): text for a text field, never a number or a time.
    composite: Option<&'static str>,
}

/// What kind of JSON container `value` is, if it is one.
fn composite(value: &Json<'_>) -> Option<&'static str> {
    match value {
        Json::Array(_) => Some("array"),
        Json::Object(_) => Some("object"),
        Json::Raw(raw) if raw.get().starts_with('[') => Some("array"),
        Json::Raw(raw) if raw.get().starts_with('{') => Some("object"),
        _ => None,
    }
}

/// Builds the rows of one file's action into its table.
struct RowWriter<'f> {
    file: &'f str,
    schema: &'static Schema,
    table: Table,
    rows_rejected: u64,
    targets: Targets,
    /// The column of each tag key.
    tag_columns: HashMap<String, usize>,
    /// The last time read in each column ([`LastTime`]), by column.
    last_times: Vec<LastTime>,
    /// The slots of the row being written, kept to spare an allocation per row.
    slots: Vec<Slot<'static>>,
}

impl<'f> RowWriter<'f> {
    fn new(file: &'f str, schema: &'static Schema) -> Self {
        RowWriter {
            file,
            schema,
            table: Table::new(schema.table_kind),
            rows_rejected: 0,
            targets: Targets::default(),
            tag_columns: HashMap::new(),
            last_times: Vec::new(),
            slots: Vec::new(),
        }
    }

    /// Writes the row made of `objects` (and the envelope's `Unit`), or rejects it whole.
    fn write(
        &mut self,
        objects: &[&Object<'_>],
        unit: Option<&Json<'_>>,
        path: RowPath<'_>,
        log: &mut DiagnosticLog,
    ) {
        let mut fields = Vec::with_capacity(64);
        for object in objects {
            flatten(object, "", &mut fields);
        }
        fields.extend(unit.map(|unit| (Cow::Borrowed("Unit"), unit)));
        // Columns are created in field order the first time a field has a value, as they were.
        let mut pending = Vec::with_capacity(fields.len());
        for (position, (key, value)) in fields.iter().enumerate() {
            if key == "Tags" {
                self.tag_cells(value, &mut pending);
                continue;
            }
            let composite = composite(value);
            let text = match scalar_text(value) {
                Some(text) => text,
                // `[]`: nothing for a text field, but not a number either.
                None if composite.is_some() => Cow::Borrowed(""),
                None => continue,
            };
            let target = self
                .targets
                .get(position, key, self.schema, &mut self.table);
            pending.push(PendingCell {
                target,
                key,
                text,
                composite,
            });
        }
        let columns_now = self.table.columns().len();
        let mut slots = recycle_slots(std::mem::take(&mut self.slots));
        slots.resize(columns_now, Slot::Absent);
        self.last_times.resize(columns_now, LastTime::default());
        let mut units = Vec::new();
        let mut row_ok = true;
        for cell in &pending {
            let (field, columns) = match cell.target {
                Target::Text(column) => {
                    slots[column] = Slot::Text(&cell.text);
                    continue;
                }
                Target::Field(field, columns) => (field, columns),
            };
            let text = if field.name == "DosageUnit" {
                cell.text.trim_start_matches('(').trim_end_matches(')')
            } else {
                &cell.text
            };
            let last_time = &mut self.last_times[columns.first];
            let converted = match (cell.composite, field.kind) {
                (Some(container), FieldKind::Decimal | FieldKind::Quantity) => {
                    Err(Problem::from(format!("a JSON {container} is not a number")))
                }
                (Some(container), FieldKind::Time) => Err(Problem::from(format!(
                    "a JSON {container} is not a date or time"
                ))),
                _ => columns.convert(field, text, cell.key, &mut slots, &mut units, last_time),
            };
            if let Err(problem) = converted {
                log.push(
                    Diagnostic::error(self.file, problem.message)
                        .saying(problem.says)
                        .at_record(path.to_string())
                        .in_column(cell.key),
                );
                row_ok = false;
            }
        }
        if row_ok {
            self.push_row(&mut slots, &units, path, log);
        } else {
            self.rows_rejected += 1;
        }
        self.slots = recycle_slots(slots);
    }

    /// Rejects an item of a row array that is not an object (`[]`, `1`, `null`): it was meant
    /// as a row, so it is counted and said, not passed over.
    fn reject_not_a_row(&mut self, item: &Json<'_>, path: RowPath<'_>, log: &mut DiagnosticLog) {
        let json = item.to_value().to_string();
        let shown: String = json.chars().take(40).collect();
        let cut = if shown.len() < json.len() { "…" } else { "" };
        let message = format!("{shown}{cut} is not a JSON object, so not a row");
        log.push(Diagnostic::error(self.file, message).at_record(path.to_string()));
        self.rows_rejected += 1;
    }

    fn push_row<'c>(
        &mut self,
        slots: &mut [Slot<'c>],
        units: &[GluedUnit<'c>],
        path: RowPath<'_>,
        log: &mut DiagnosticLog,
    ) {
        for (key, message) in reconcile_units(&self.table, units, slots) {
            log.push(
                Diagnostic::warning(self.file, message)
                    .at_record(path.to_string())
                    .in_column(key),
            );
        }
        self.table
            .push_slots(RowSource::Record(&path.to_string()), slots);
        if let Some(message) = check_row(&self.table, self.table.row_count() - 1) {
            log.push(Diagnostic::warning(self.file, message).at_record(path.to_string()));
        }
    }

    /// A `Tag:<key>` column per tag key; key-only tags (absent values) add no cell.
    fn tag_cells<'r>(&mut self, tags: &'r Json<'_>, pending: &mut Vec<PendingCell<'r>>) {
        let Json::Array(tags) = tags else {
            return;
        };
        for tag in tags.iter().filter_map(Json::as_object) {
            let Some(key) = tag.get("TagKey").and_then(scalar_text) else {
                continue;
            };
            let column = match self.tag_columns.get(key.as_ref()) {
                Some(&column) => column,
                None => {
                    let column = self.table.ensure_column(
                        &format!("Tag:{key}"),
                        "Tags",
                        ColumnRole::Tag {
                            key: key.clone().into_owned(),
                        },
                        ColumnType::Text,
                    );
                    self.tag_columns.insert(key.clone().into_owned(), column);
                    column
                }
            };
            if let Some(text) = tag
                .get("TagValue")
                .and_then(scalar_text)
                .filter(|value| !is_absent(value))
            {
                pending.push(PendingCell {
                    target: Target::Text(column),
                    key: "Tags",
                    text,
                    composite: None,
                });
            }
        }
    }
}

/// Parses a whole JSON file.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> ParsedFile {
    let mut log = DiagnosticLog::default();
    let document = match Document::read(strip_utf8_bom(bytes)) {
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
    let mut file_action = None;
    let mut writer: Option<RowWriter> = None;
    // The most records a page's `Total` counts, and the records the pages hold.
    let mut declared_total = None;
    let mut records_read = 0;
    for page_index in 0..document.len() {
        let page_prefix = if document.is_paged() {
            format!("[{page_index}].")
        } else {
            String::new()
        };
        let page = document.page(page_index);
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
        let writer = writer.get_or_insert_with(|| RowWriter::new(file, schema_for(action)));
        // CynosDB's CSV is read as rows unless `Response` is there but not an object.
        let file_content_is_csv = page
            .get("Response")
            .is_none_or(|response| response.as_object().is_some());
        let written = write_rows(
            action,
            inner,
            &page_prefix,
            file_content_is_csv,
            writer,
            &mut log,
        );
        match written {
            Ok(records) => records_read += records,
            Err(error) => log.push(Diagnostic::error(file, format!("not valid JSON: {error}"))),
        }
        declared_total = declared_total.max(record_total(inner));
        if action.is_bill_summary() {
            for difference in summary_total_differences(file, inner, &page_prefix) {
                log.push(difference);
            }
        }
    }
    if let Some(total) = declared_total.filter(|&total| total > records_read) {
        log.push(pages_missing(file, total, records_read));
    }
    let (table, rows_rejected) = match writer {
        Some(writer) => (writer.table, writer.rows_rejected),
        None => (Table::new(schema::OTHER_ROWS.table_kind), 0),
    };
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

/// How many records the query matched, as the response says (`Total`, `TotalCount`, or
/// `Data.TotalCount`); `None` where it says nothing or `Total` is a sum of money
/// (`DescribeCostSummaryByProduct`).
fn record_total(inner: &Object<'_>) -> Option<u64> {
    let count = |object: &Object<'_>| {
        ["Total", "TotalCount"]
            .iter()
            .find_map(|key| match object.get(key)?.full().as_ref() {
                Json::Number(number) => number.parse().ok(),
                _ => None,
            })
    };
    count(inner).or_else(|| {
        let data = inner.get("Data")?.shallow();
        data.as_object().and_then(count)
    })
}

/// A file holding fewer records than its response counts: one page of a paged pull, saved alone.
/// The records not pulled are in no total, so the file says so. (`DescribeBillDetail`'s `Total`
/// may count fewer than there are, never more.)
fn pages_missing(file: &str, total: u64, read: u64) -> Diagnostic {
    let message = format!(
        "the response counts {total} records (`Total`) and the file holds {read}: the other {} \
         were not pulled, so they are in no total; pull every page (the API's Offset and Limit, \
         as the page's Fetch from API does)",
        total - read
    );
    Diagnostic::warning(file, message).saying(DiagnosticCode::PagesMissing { total, read })
}

/// A `DescribeBillSummaryBy*` response whose `SummaryTotal` is not the sum of its
/// `SummaryOverview` rows in some amount (in the official examples they are equal in every
/// amount, to the last digit): rows are missing or were edited, so the rows are not the month's
/// whole. An amount a row lacks or leaves as `-` is not checked.
fn summary_total_differences(file: &str, inner: &Object<'_>, page_prefix: &str) -> Vec<Diagnostic> {
    let total = inner.get("SummaryTotal").map(Json::full);
    let Some(total) = total.as_deref().and_then(Json::as_object) else {
        return Vec::new();
    };
    let rows = inner.get("SummaryOverview").map(Json::full);
    let rows: &[Json] = match rows.as_deref() {
        Some(Json::Array(rows)) => rows,
        _ => &[],
    };
    let amount = |value: &Json| {
        let text = scalar_text(value)?;
        parse_decimal(&text).ok().flatten()
    };
    total
        .iter()
        .filter_map(|(field, value)| {
            let total = amount(value)?;
            let sum = rows.iter().try_fold(Decimal::ZERO, |sum, row| {
                sum.checked_add(amount(row.as_object()?.get(field)?)?)
            })?;
            (sum != total).then(|| {
                let message = format!(
                    "SummaryTotal.{field} is {total} but the SummaryOverview rows add up to \
                     {sum}: the rows are not the whole month (some are missing or were edited)"
                );
                Diagnostic::warning(file, message)
                    .at_record(format!("{page_prefix}SummaryTotal.{field}"))
                    .saying(DiagnosticCode::SummaryTotalDiffers {
                        field: field.to_owned(),
                        total: total.to_string(),
                        rows: sum.to_string(),
                    })
            })
        })
        .collect()
}

fn api_error(file: &str, inner: &Object<'_>, page_prefix: &str) -> Diagnostic {
    let error = inner.get("Error").map(Json::full);
    let error = error.as_deref().and_then(Json::as_object);
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
