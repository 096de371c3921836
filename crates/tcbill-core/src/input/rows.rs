//! Turning rows of cells (from CSV or a spreadsheet) into a typed table.
//!
//! Exports may start with a title or notes, so the header row is found by content among the
//! first rows. After it, every row is either imported whole or rejected whole with a diagnostic
//! per bad cell: a half-imported row would silently change totals.

use rust_decimal::Decimal;

use crate::model::currency::Currency;
use crate::model::diagnostic::{Diagnostic, DiagnosticCode, DiagnosticLog, LinedText, Problem};
use crate::model::kind::InputKind;
use crate::model::number::Exact;
use crate::model::number::{self, is_absent, is_absent_trimmed, trim_cell};
use crate::model::table::wire::{Reader, Source};
use crate::model::table::{
    ColumnGroups, ColumnRole, ColumnType, RowSource, Slot, Table, TableKind,
};
use crate::model::time::{BeijingTime, LastTime};
use crate::schema::{self, ColumnTarget, FieldKind, FieldSpec, HeaderPlan};

/// The words a spreadsheet's total row starts with, matched ignoring ASCII case.
const TOTAL_LABELS: [&str; 7] = [
    "合计",
    "总计",
    "小计",
    "总合计",
    "Total",
    "Subtotal",
    "Grand Total",
];

/// The label of a total row (`合计,,,,4.84660512,…`, `Total:`): its first cell that is not blank
/// says it. A bill row never starts so (its first column is a month, a UIN or a product).
fn total_label<'a>(fields: &[&'a str]) -> Option<&'a str> {
    let first = fields
        .iter()
        .map(|field| field.trim())
        .find(|field| !field.is_empty())?;
    let label = first.trim_end_matches([':', '：']);
    TOTAL_LABELS
        .iter()
        .any(|total| total.eq_ignore_ascii_case(label))
        .then_some(first)
}

/// How many leading rows may precede the header row.
pub const MAX_ROWS_BEFORE_HEADER: usize = 20;

/// A cell's text converted as `kind` says: its slot (absent for an absent cell) and the unit glued
/// to a quantity (empty when there is none).
fn convert_single<'a>(
    kind: FieldKind,
    raw: &'a str,
    last_time: &mut LastTime,
) -> Result<(Slot<'a>, &'a str), Problem> {
    let raw = trim_cell(raw);
    match kind {
        FieldKind::Text if is_absent_trimmed(raw) => Ok((Slot::Absent, "")),
        FieldKind::Text => Ok((Slot::Text(raw), "")),
        FieldKind::Decimal => match number::parse_trimmed(raw)? {
            Some((value, "")) => Ok((Slot::Number(value), "")),
            Some(_) => Err(number::NumberError::NotANumber(raw.to_owned()).into()),
            None => Ok((Slot::Absent, "")),
        },
        FieldKind::Quantity => Ok(match number::parse_trimmed(raw)? {
            Some((value, unit)) => (Slot::Number(value), unit),
            None => (Slot::Absent, ""),
        }),
        FieldKind::Time => match last_time.parse(raw) {
            Ok(time) => Ok((time.map_or(Slot::Absent, Slot::Time), "")),
            Err(error) => Err(error.to_string().into()),
        },
        FieldKind::Currency => read_currency(raw).map(|slot| (slot, "")),
    }
}

/// A currency cell, trimmed: kept as written (the analyses read it through [`Currency::parse`]),
/// absent when blank, an error when it names no currency.
fn read_currency(trimmed: &str) -> Result<Slot<'_>, Problem> {
    if is_absent_trimmed(trimmed) {
        Ok(Slot::Absent)
    } else if Currency::parse(trimmed).is_some() {
        Ok(Slot::Text(trimmed))
    } else {
        Err(Problem::from(format!(
            "\"{trimmed}\" is not a currency tcbill knows (an ISO 4217 code such as CNY or USD, \
             or a name such as 人民币 or 美元)"
        )))
    }
}

/// Splits `a/b` (or `a` and `b` on two lines) of a combined column. Times may contain `/`
/// themselves, so for times the split is the one where both halves are times.
fn split_pair(kind: FieldKind, raw: &str) -> (&str, Option<&str>) {
    if let Some((first, second)) = raw.split_once('\n') {
        return (first, Some(second));
    }
    match kind {
        FieldKind::Time => raw
            .match_indices(['/', '~'])
            .map(|(pos, separator)| (&raw[..pos], &raw[pos + separator.len()..]))
            .find(|(first, second)| {
                BeijingTime::parse(first).is_ok() && BeijingTime::parse(second).is_ok()
            })
            .map_or((raw, None), |(first, second)| (first, Some(second))),
        FieldKind::Text | FieldKind::Currency => raw
            .rsplit_once('/')
            .map_or((raw, None), |(first, second)| (first, Some(second))),
        FieldKind::Decimal | FieldKind::Quantity => raw
            .split_once('/')
            .map_or((raw, None), |(first, second)| (first, Some(second))),
    }
}

pub(crate) fn column_type(kind: FieldKind) -> ColumnType {
    match kind {
        FieldKind::Text | FieldKind::Currency => ColumnType::Text,
        FieldKind::Decimal | FieldKind::Quantity => ColumnType::Decimal,
        FieldKind::Time => ColumnType::Time,
    }
}

/// The table columns one field writes to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldColumns {
    pub first: usize,
    pub second: Option<usize>,
    pub unit: Option<usize>,
}

impl FieldColumns {
    pub(crate) fn ensure(table: &mut Table, field: &FieldSpec, source_header: &str) -> Self {
        let column_type = column_type(field.kind);
        FieldColumns {
            first: table.ensure_column(field.name, source_header, ColumnRole::Field, column_type),
            second: field.second.map(|name| {
                table.ensure_column(name, source_header, ColumnRole::Field, column_type)
            }),
            unit: field
                .unit_field
                .map(|name| table.ensure_column(name, "", ColumnRole::Field, ColumnType::Text)),
        }
    }

    /// Converts a cell's text as `field` (the field these columns were made for) says, straight
    /// into the slots of its columns (`slots` holds one per column of the table; an absent cell
    /// leaves its slot as it was); a glued unit is remembered in `units` for
    /// [`reconcile_units`]. `last_time` is this field's, for a time field. The error is the
    /// message for the user (the row is then rejected, whatever was written).
    pub(crate) fn convert<'a>(
        self,
        field: &FieldSpec,
        raw: &'a str,
        source_header: &'a str,
        slots: &mut [Slot<'a>],
        units: &mut Vec<GluedUnit<'a>>,
        last_time: &mut LastTime,
    ) -> Result<(), Problem> {
        let mut glued = |value_column: usize, unit: &'a str| {
            if let (Some(unit_column), false) = (self.unit, unit.is_empty()) {
                units.push(GluedUnit {
                    value_column,
                    unit_column,
                    unit,
                    source_header,
                });
            }
        };
        match self.second {
            // `convert_single` trims: each cell is trimmed once.
            None => {
                let (first, unit) = convert_single(field.kind, raw, last_time)?;
                if first != Slot::Absent {
                    slots[self.first] = first;
                }
                glued(self.first, unit);
            }
            Some(second_column) => {
                let (first_text, second_text) = split_pair(field.kind, trim_cell(raw));
                let (first, first_unit) = convert_single(field.kind, first_text, last_time)?;
                let (second, second_unit) = match second_text {
                    Some(text) => convert_single(field.kind, text, last_time)?,
                    None => (Slot::Absent, ""),
                };
                if first != Slot::Absent {
                    slots[self.first] = first;
                }
                if second != Slot::Absent {
                    slots[second_column] = second;
                }
                glued(self.first, first_unit);
                glued(second_column, second_unit);
            }
        }
        Ok(())
    }
}

/// A unit that came glued to a quantity, waiting to be checked against the row's unit column.
#[derive(Debug)]
pub(crate) struct GluedUnit<'a> {
    /// The column the quantity went to.
    value_column: usize,
    unit_column: usize,
    unit: &'a str,
    source_header: &'a str,
}

/// Fills the unit column from glued units. A quantity whose glued unit differs from what the
/// row's unit column says is in no unit the row can name, so its value is left out (the rest of
/// the row, its money above all, stays) and a warning says so, for the source column it came
/// from.
pub(crate) fn reconcile_units<'a>(
    table: &Table,
    units: &[GluedUnit<'a>],
    slots: &mut [Slot<'a>],
) -> Vec<(String, String)> {
    let mut conflicts = Vec::new();
    for glued in units {
        match slots[glued.unit_column] {
            Slot::Text(stated) if stated != glued.unit => {
                let unit_column = &table.columns()[glued.unit_column];
                let unit_name = if unit_column.source_header.is_empty() {
                    &unit_column.name
                } else {
                    &unit_column.source_header
                };
                let message = format!(
                    "unit \"{}\" differs from {unit_name} \"{stated}\": the value is left out",
                    glued.unit
                );
                slots[glued.value_column] = Slot::Absent;
                conflicts.push((glued.source_header.to_owned(), message));
            }
            Slot::Text(_) => {}
            _ => slots[glued.unit_column] = Slot::Text(glued.unit),
        }
    }
    conflicts
}

/// An empty vector of slots with the allocation of `slots`, for slots of another lifetime: the
/// importers keep one between rows, whose cells borrow each row's text. (Collecting a vector's
/// own iterator into a vector of an element of the same size reuses its allocation.)
pub(crate) fn recycle_slots<'b>(mut slots: Vec<Slot<'_>>) -> Vec<Slot<'b>> {
    slots.clear();
    slots.into_iter().map(|_| Slot::Absent).collect()
}

/// The tags of a FOCUS `Tags` cell, a JSON object (`{"env":"prod"}`): values that are not strings
/// keep their JSON text; key-only tags (null or empty values) are left out, like `-` tag cells.
fn parse_tag_map(raw: &str) -> Result<Vec<(String, String)>, String> {
    let raw = trim_cell(raw);
    if is_absent(raw) {
        return Ok(Vec::new());
    }
    match serde_json::from_str(raw) {
        Ok(serde_json::Value::Object(tags)) => Ok(tags
            .into_iter()
            .filter_map(|(key, value)| match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(text) if is_absent(&text) => None,
                serde_json::Value::String(text) => Some((key, text)),
                other => Some((key, other.to_string())),
            })
            .collect()),
        _ => Err(format!("\"{raw}\" is not a JSON object of tags")),
    }
}

/// Checks what must hold within one imported row; returns a warning message if it does not.
/// Deduction rows: 抵扣前包剩余量 − 实际抵扣量 = 抵扣后包剩余量.
pub(crate) fn check_row(table: &Table, row: usize) -> Option<String> {
    if table.kind() != TableKind::DeductionDetails {
        return None;
    }
    let before = table.decimal("BeforeDeductionRemain", row)?;
    let actual = table.decimal("ActualDosage", row)?;
    let after = table.decimal("AfterDeductionRemain", row)?;
    let expected: Decimal = before - actual;
    (expected != after)
        .then(|| format!("抵扣前包剩余量 {before} − 实际抵扣量 {actual} = {expected}, but 抵扣后包剩余量 is {after}"))
}

/// What importing rows produced.
#[derive(Debug)]
pub(crate) struct ImportOutcome {
    pub kind: InputKind,
    pub table: Table,
    pub rows_rejected: u64,
    pub diagnostics: Vec<Diagnostic>,
}

struct ReadingRows {
    schema_kind: InputKind,
    /// The header row's cells as read, to start the importer of a later stretch of the file.
    raw_headers: Vec<String>,
    headers: Vec<String>,
    /// How each column of the file is read.
    readings: Vec<Reading>,
    /// The slots of the row being imported, kept to spare an allocation per row.
    slots: Vec<Slot<'static>>,
    /// How [`RecordImporter::import_direct`] reads a row, if it may.
    direct: Option<DirectPlan>,
}

/// How a row of a file whose columns are all read one cell to one column (no combined column,
/// no tag map, no column written by two) goes into the table without slots
/// ([`RecordImporter::import_direct`]): its numbers and times are read first, each kind into a
/// list of its own, and if every one reads, the table takes the row by its columns' groups
/// ([`Table::push_grouped`]): each text column its cell as it is written, each number and time
/// column the value read.
struct DirectPlan {
    /// The file columns read as numbers, and whether a unit may be glued on (a quantity with no
    /// unit column of its own keeps its number and drops the unit, as the slot way does).
    numbers: Vec<(usize, bool)>,
    /// The file columns read as times, each with the last time it read.
    times: Vec<(usize, LastTime)>,
    /// The file columns whose cells must name a currency.
    currencies: Vec<usize>,
    /// The numbers of the row being imported, in the order of `numbers` (`None` when absent).
    number_values: Vec<Option<Exact>>,
    /// The times of the row being imported, in the order of `times`.
    time_values: Vec<Option<BeijingTime>>,
    /// The table's columns by the type of cell they take: a text column's cell is a file
    /// column's index, a number's or time's its index in `number_values` or `time_values`.
    groups: ColumnGroups,
}

impl DirectPlan {
    /// The plan for `readings` into `table`; `None` if some column is read otherwise than one
    /// cell to one column.
    fn of(readings: &[Reading], table: &Table) -> Option<Self> {
        let mut sources = vec![None; table.columns().len()];
        let (mut numbers, mut times, mut currencies) = (Vec::new(), Vec::new(), Vec::new());
        for (index, reading) in readings.iter().enumerate() {
            let (column, source) = match reading {
                Reading::Text(column) => (*column, (ColumnType::Text, index)),
                Reading::Currency(column) => {
                    currencies.push(index);
                    (*column, (ColumnType::Text, index))
                }
                Reading::Decimal(column) => {
                    numbers.push((index, false));
                    (*column, (ColumnType::Decimal, numbers.len() - 1))
                }
                Reading::Quantity { column, unit } => {
                    numbers.push((index, unit.is_none()));
                    (*column, (ColumnType::Decimal, numbers.len() - 1))
                }
                Reading::Time(column, _) => {
                    times.push((index, LastTime::default()));
                    (*column, (ColumnType::Time, times.len() - 1))
                }
                Reading::Ignored => continue,
                Reading::Pair(..) | Reading::TagMap => return None,
            };
            if sources.get_mut(column)?.replace(source).is_some() {
                return None;
            }
        }
        Some(DirectPlan {
            number_values: vec![None; numbers.len()],
            time_values: vec![None; times.len()],
            numbers,
            times,
            currencies,
            groups: table.group_columns(|column| sources[column]),
        })
    }
}

/// How one column of the file is read into the table (its [`ColumnTarget`], worked out once):
/// each common kind of cell has its own variant, so a row's loop converts it in place.
enum Reading {
    /// Trimmed text unless absent: text fields, tags and pass-through columns.
    Text(usize),
    /// A currency cell: text that names a currency ([`read_currency`]).
    Currency(usize),
    /// An exact number without a unit: decimal fields, and metric columns.
    Decimal(usize),
    /// An exact number, a unit glued on or not; the unit goes to `unit`'s column.
    Quantity {
        column: usize,
        unit: Option<usize>,
    },
    /// A time, and the last one the column read.
    Time(usize, LastTime),
    /// A combined column (`地域/可用区`): two fields in one cell.
    Pair(&'static FieldSpec, FieldColumns, LastTime),
    /// A JSON object of tags, whose keys name their columns.
    TagMap,
    Ignored,
}

impl Reading {
    fn of_field(field: &'static FieldSpec, columns: FieldColumns) -> Self {
        if columns.second.is_some() {
            return Reading::Pair(field, columns, LastTime::default());
        }
        match field.kind {
            FieldKind::Text => Reading::Text(columns.first),
            FieldKind::Decimal => Reading::Decimal(columns.first),
            FieldKind::Quantity => Reading::Quantity {
                column: columns.first,
                unit: columns.unit,
            },
            FieldKind::Time => Reading::Time(columns.first, LastTime::default()),
            FieldKind::Currency => Reading::Currency(columns.first),
        }
    }
}

/// A decimal field's cell, trimmed: what [`number::parse_decimal`] reads.
#[inline]
fn read_decimal(trimmed: &str) -> Result<Option<Exact>, Problem> {
    match number::parse_trimmed(trimmed)? {
        Some((value, "")) => Ok(Some(value)),
        Some(_) => Err(number::NumberError::NotANumber(trimmed.to_owned()).into()),
        None => Ok(None),
    }
}

enum Stage {
    SeekingHeader {
        rows_seen: usize,
        first_row_reasons: Option<Vec<String>>,
        /// The first cell of the first row, kept as the table's title if a header follows.
        title: Option<String>,
    },
    ReadingRows(ReadingRows),
}

/// Receives rows one at a time (with their 1-based line) and builds the table.
pub(crate) struct RecordImporter {
    file: String,
    stage: Stage,
    table: Table,
    rows_rejected: u64,
    log: DiagnosticLog,
}

impl RecordImporter {
    pub(crate) fn new(file: &str) -> Self {
        RecordImporter {
            file: file.to_owned(),
            stage: Stage::SeekingHeader {
                rows_seen: 0,
                first_row_reasons: None,
                title: None,
            },
            table: Table::new(TableKind::Other),
            rows_rejected: 0,
            log: DiagnosticLog::default(),
        }
    }

    /// Data rows read so far (imported or rejected).
    pub(crate) fn rows_read(&self) -> u64 {
        self.table.row_count() as u64 + self.rows_rejected
    }

    pub(crate) fn has_header(&self) -> bool {
        matches!(self.stage, Stage::ReadingRows(_))
    }

    /// The number of columns of the header row, once it is found.
    pub(crate) fn header_len(&self) -> Option<usize> {
        match &self.stage {
            Stage::ReadingRows(reading) => Some(reading.headers.len()),
            Stage::SeekingHeader { .. } => None,
        }
    }

    /// An importer for a later stretch of a file whose header row, as read, is `header`; `None`
    /// if it is no header row.
    pub(crate) fn with_header(file: &str, header: &[String]) -> Option<Self> {
        let mut importer = RecordImporter::new(file);
        let fields: Vec<&str> = header.iter().map(String::as_str).collect();
        importer.push_record(&fields, 0);
        importer.has_header().then_some(importer)
    }

    /// The header row's cells as read, once it is found.
    pub(crate) fn header(&self) -> Option<&[String]> {
        match &self.stage {
            Stage::ReadingRows(reading) => Some(&reading.raw_headers),
            Stage::SeekingHeader { .. } => None,
        }
    }

    /// What [`RecordImporter::append`] takes from the importer of a later stretch: its rows,
    /// rejections and diagnostics.
    pub(crate) fn imported(&self) -> (&Table, u64, &DiagnosticLog) {
        (&self.table, self.rows_rejected, &self.log)
    }

    /// An importer holding what a later stretch of `file` imported elsewhere (another Web
    /// Worker's part, read back from bytes). It has no header row, so it is only good to be
    /// appended to the importer of the stretch before it.
    pub(crate) fn holding(
        file: &str,
        table: Table,
        rows_rejected: u64,
        log: DiagnosticLog,
    ) -> Self {
        RecordImporter {
            table,
            rows_rejected,
            log,
            ..RecordImporter::new(file)
        }
    }

    /// Takes the rows, rejections and diagnostics of `later`, the importer of the next stretch of
    /// the same file, after these: what one importer reading both stretches would hold. `later`
    /// counted its lines from 1 at the line `lines_before` lines below this one's line 1: each of
    /// its lines (a row's, a diagnostic's) is moved down by that much.
    pub(crate) fn append(&mut self, later: RecordImporter, lines_before: u64) {
        self.table.append_shifted(&later.table, lines_before);
        self.rows_rejected += later.rows_rejected;
        self.log.append(later.log, lines_before);
    }

    /// [`RecordImporter::append`] of the later stretch whose table `input` holds, with its
    /// rejections and diagnostics: the table decoded one column at a time as it is appended.
    /// `None` if the bytes are not a table (this importer is then to be dropped).
    pub(crate) fn append_decoded<S: Source>(
        &mut self,
        input: &mut Reader<S>,
        rows_rejected: u64,
        log: DiagnosticLog,
        lines_before: u64,
    ) -> Option<()> {
        self.table.append_decoded(input, lines_before)?;
        self.rows_rejected += rows_rejected;
        self.log.append(log, lines_before);
        Some(())
    }

    /// How a diagnostic names a column: by its header, or by its 1-based number where it has none.
    fn column_label(&self, index: usize) -> String {
        match &self.stage {
            Stage::ReadingRows(reading) => reading
                .headers
                .get(index)
                .filter(|header| !header.is_empty())
                .cloned()
                .unwrap_or_else(|| (index + 1).to_string()),
            Stage::SeekingHeader { .. } => (index + 1).to_string(),
        }
    }

    /// Rejects `rows` rows from `line` on for a reason found before their cells could be read
    /// (a broken quote, a cell too long, bytes that are not text). Before the header row they are
    /// not data rows: they are only reported.
    pub(crate) fn reject_rows(
        &mut self,
        line: u64,
        rows: u64,
        column: Option<usize>,
        message: impl Into<LinedText>,
        says: DiagnosticCode,
    ) {
        let LinedText {
            text: message,
            lines,
        } = message.into();
        let mut diagnostic = if self.has_header() {
            self.rows_rejected += rows;
            Diagnostic::error(&self.file, message).saying(says)
        } else {
            // Said in English only: the code does not tell that the rows were no data yet.
            let message = format!("{message}; skipped while looking for the header row");
            Diagnostic::warning(&self.file, message)
        };
        if let Some(column) = column {
            diagnostic = diagnostic.in_column(self.column_label(column));
        }
        self.log.push_naming(diagnostic.at_line(line), lines);
    }

    /// The header row read at `line` held a bad cell at `column` (bytes that are not text, a NUL):
    /// the header is used as read, and the cell named by its position, as its text is not its name.
    pub(crate) fn warn_header_cell(&mut self, line: u64, column: usize, message: String) {
        let message = format!("{message}; the header row is read with it as it is");
        let diagnostic = Diagnostic::warning(&self.file, message)
            .in_column((column + 1).to_string())
            .at_line(line);
        self.log.push(diagnostic);
    }

    pub(crate) fn push_record(&mut self, fields: &[&str], line: u64) {
        if fields.iter().all(|field| field.trim().is_empty()) {
            return;
        }
        match &mut self.stage {
            Stage::SeekingHeader { rows_seen, .. } if *rows_seen >= MAX_ROWS_BEFORE_HEADER => {}
            Stage::SeekingHeader {
                rows_seen,
                first_row_reasons,
                title,
            } => {
                *rows_seen += 1;
                match schema::recognise_header(fields) {
                    Ok(plan) => {
                        let title = title.take();
                        self.start_rows(plan, fields, line);
                        self.table.set_title(title);
                    }
                    Err(reasons) => {
                        first_row_reasons.get_or_insert(reasons);
                        if *rows_seen == 1 {
                            *title =
                                Some(fields[0].trim().to_owned()).filter(|text| !text.is_empty());
                        }
                    }
                }
            }
            Stage::ReadingRows(_) => match total_label(fields) {
                Some(label) => {
                    let message = format!(
                        "a total row ({label}), not a bill row: its amounts add up the rows \
                         above, so it is not counted"
                    );
                    let code = DiagnosticCode::TotalRow {
                        label: label.to_owned(),
                    };
                    self.reject_rows(line, 1, None, message, code);
                }
                None => self.import_row(fields, line),
            },
        }
    }

    fn start_rows(&mut self, plan: HeaderPlan, headers: &[&str], line: u64) {
        let headers_as_read = headers;
        let HeaderPlan { schema, targets } = plan;
        // A header written twice: the second column is not read. (A second alias of a field, such
        // as FOCUS's x_OwnerAccountID beside SubAccountId, is a documented fallback: not said.)
        for (index, (target, header)) in targets.iter().zip(headers).enumerate() {
            let header = header.trim();
            let repeated = || headers[..index].iter().any(|left| left.trim() == header);
            if matches!(target, ColumnTarget::Ignored) && !header.is_empty() && repeated() {
                let message = "a column to its left has the same header: this one is not read";
                let diagnostic = Diagnostic::warning(&self.file, message)
                    .in_column(header)
                    .at_line(line);
                self.log.push(diagnostic);
            }
        }
        self.table = Table::new(schema.table_kind);
        let table = &mut self.table;
        let readings: Vec<Reading> = targets
            .into_iter()
            .zip(headers)
            .map(|(target, header)| {
                let header = header.trim();
                match &target {
                    ColumnTarget::Field(field) => {
                        Reading::of_field(field, FieldColumns::ensure(table, field, header))
                    }
                    ColumnTarget::Tag(key) => {
                        let role = ColumnRole::Tag { key: key.clone() };
                        let name = format!("Tag:{key}");
                        Reading::Text(table.ensure_column(&name, header, role, ColumnType::Text))
                    }
                    ColumnTarget::Metric => Reading::Decimal(table.ensure_column(
                        header,
                        header,
                        ColumnRole::PassThrough,
                        ColumnType::Decimal,
                    )),
                    ColumnTarget::PassThrough => Reading::Text(table.ensure_column(
                        header,
                        header,
                        ColumnRole::PassThrough,
                        ColumnType::Text,
                    )),
                    // Tag columns appear as the rows name their keys.
                    ColumnTarget::TagMap => Reading::TagMap,
                    ColumnTarget::Ignored => Reading::Ignored,
                }
            })
            .collect();
        let headers = headers
            .iter()
            .map(|header| header.trim().to_owned())
            .collect();
        self.stage = Stage::ReadingRows(ReadingRows {
            schema_kind: schema.input_kind,
            raw_headers: headers_as_read
                .iter()
                .map(|&header| header.to_owned())
                .collect(),
            headers,
            direct: DirectPlan::of(&readings, &self.table),
            readings,
            slots: Vec::new(),
        });
    }

    /// Imports a record read at `line` whose cells are `fields` the direct way, if it can be
    /// taken so: the file's plan allows it ([`DirectPlan`]), the row has the header's width and a
    /// cell that is not blank, and every number and time in it reads (with no unit glued to a
    /// quantity that has a unit column). The table then holds what [`RecordImporter::push_record`]
    /// would have made of the row, and no diagnostic is due. Otherwise nothing is imported and
    /// false is returned, for `push_record` to read the row as it reads any.
    #[inline]
    pub(crate) fn import_direct(&mut self, fields: &[&str], line: u64) -> bool {
        let Stage::ReadingRows(ReadingRows {
            readings,
            direct: Some(plan),
            ..
        }) = &mut self.stage
        else {
            return false;
        };
        if fields.len() != readings.len()
            || fields.iter().all(|field| field.trim().is_empty())
            || total_label(fields).is_some()
        {
            return false;
        }
        if plan.groups.columns() != self.table.columns().len() {
            return false;
        }
        for (&(index, unit_allowed), value) in plan.numbers.iter().zip(&mut plan.number_values) {
            *value = match number::parse_trimmed(trim_cell(fields[index])) {
                Ok(Some((value, glued))) if glued.is_empty() || unit_allowed => Some(value),
                Ok(None) => None,
                Ok(Some(_)) | Err(_) => return false,
            };
        }
        for ((index, last_time), value) in plan.times.iter_mut().zip(&mut plan.time_values) {
            *value = match last_time.parse(trim_cell(fields[*index])) {
                Ok(time) => time,
                Err(_) => return false,
            };
        }
        // Taken as text once it names a currency.
        if plan
            .currencies
            .iter()
            .any(|&index| read_currency(trim_cell(fields[index])).is_err())
        {
            return false;
        }
        let DirectPlan {
            number_values,
            time_values,
            groups,
            ..
        } = plan;
        self.table.push_grouped(
            RowSource::Line(line),
            groups,
            |index| {
                let text = trim_cell(fields[index]);
                (!is_absent_trimmed(text)).then_some(text)
            },
            |index| number_values[index],
            |index| time_values[index],
        );
        if let Some(message) = check_row(&self.table, self.table.row_count() - 1) {
            self.log
                .push(Diagnostic::warning(self.file.as_str(), message).at_line(line));
        }
        true
    }

    fn import_row(&mut self, fields: &[&str], line: u64) {
        let Stage::ReadingRows(reading) = &self.stage else {
            return;
        };
        let header_len = reading.headers.len();
        let first_extra_filled = fields
            .iter()
            .enumerate()
            .skip(header_len)
            .find(|(_, field)| !field.trim().is_empty())
            .map(|(index, _)| index);
        let misfit = if fields.len() < header_len {
            Some((
                fields.len() - 1,
                "the row ends after this column".to_owned(),
            ))
        } else {
            first_extra_filled.map(|index| {
                let last = &reading.headers[header_len - 1];
                (
                    index,
                    format!("this field is beyond the header's last column {last}"),
                )
            })
        };
        if let Some((column, reason)) = misfit {
            let message = format!(
                "expected {header_len} fields, found {}: {reason}",
                fields.len()
            );
            let says = DiagnosticCode::FieldCount {
                expected: header_len,
                found: fields.len(),
            };
            self.reject_rows(line, 1, Some(column), message, says);
            return;
        }
        let RecordImporter {
            file,
            stage: Stage::ReadingRows(reading),
            table,
            rows_rejected,
            log,
        } = self
        else {
            return;
        };
        let mut tag_cells: Vec<(usize, String)> = Vec::new();
        let mut slots = recycle_slots(std::mem::take(&mut reading.slots));
        slots.resize(table.columns().len(), Slot::Absent);
        let mut units = Vec::new();
        let mut row_ok = true;
        for (index, (reading_of, raw)) in reading.readings.iter_mut().zip(fields).enumerate() {
            let result = match reading_of {
                Reading::Text(column) => {
                    let text = trim_cell(raw);
                    if !is_absent_trimmed(text) {
                        slots[*column] = Slot::Text(text);
                    }
                    Ok(())
                }
                Reading::Currency(column) => read_currency(trim_cell(raw)).map(|slot| {
                    if slot != Slot::Absent {
                        slots[*column] = slot;
                    }
                }),
                Reading::Decimal(column) => read_decimal(trim_cell(raw)).map(|value| {
                    if let Some(value) = value {
                        slots[*column] = Slot::Number(value);
                    }
                }),
                Reading::Quantity { column, unit } => number::parse_trimmed(trim_cell(raw))
                    .map(|quantity| {
                        let Some((value, glued)) = quantity else {
                            return;
                        };
                        slots[*column] = Slot::Number(value);
                        if let (Some(unit_column), false) = (*unit, glued.is_empty()) {
                            units.push(GluedUnit {
                                value_column: *column,
                                unit_column,
                                unit: glued,
                                source_header: &reading.headers[index],
                            });
                        }
                    })
                    .map_err(Problem::from),
                Reading::Time(column, last_time) => match last_time.parse(trim_cell(raw)) {
                    Ok(time) => {
                        if let Some(time) = time {
                            slots[*column] = Slot::Time(time);
                        }
                        Ok(())
                    }
                    Err(error) => Err(Problem::from(error.to_string())),
                },
                Reading::Pair(field, columns, last_time) => columns.convert(
                    field,
                    raw,
                    &reading.headers[index],
                    &mut slots,
                    &mut units,
                    last_time,
                ),
                Reading::TagMap => parse_tag_map(raw)
                    .map(|tags| {
                        for (key, value) in tags {
                            let name = format!("Tag:{key}");
                            let role = ColumnRole::Tag { key };
                            let header = &reading.headers[index];
                            let column = table.ensure_column(&name, header, role, ColumnType::Text);
                            tag_cells.push((column, value));
                        }
                    })
                    .map_err(Problem::from),
                Reading::Ignored => Ok(()),
            };
            if let Err(problem) = result {
                log.push(
                    Diagnostic::error(file.as_str(), problem.message)
                        .saying(problem.says)
                        .at_line(line)
                        .in_column(reading.headers[index].as_str()),
                );
                row_ok = false;
            }
        }
        if row_ok {
            // A tag map may have added columns.
            slots.resize(table.columns().len(), Slot::Absent);
            for (column, value) in &tag_cells {
                slots[*column] = Slot::Text(value);
            }
            for (header, message) in reconcile_units(table, &units, &mut slots) {
                log.push(
                    Diagnostic::warning(file.as_str(), message)
                        .at_line(line)
                        .in_column(header),
                );
            }
            table.push_slots(RowSource::Line(line), &slots);
            if let Some(message) = check_row(table, table.row_count() - 1) {
                log.push(Diagnostic::warning(file.as_str(), message).at_line(line));
            }
        } else {
            *rows_rejected += 1;
        }
        reading.slots = recycle_slots(slots);
    }

    pub(crate) fn finish(mut self) -> ImportOutcome {
        let kind = match &self.stage {
            Stage::ReadingRows(reading) => {
                if self.rows_read() == 0 {
                    self.log.push(
                        Diagnostic::warning(
                            &self.file,
                            "the file has a header row but no data rows",
                        )
                        .saying(DiagnosticCode::NoDataRows),
                    );
                }
                reading.schema_kind
            }
            Stage::SeekingHeader { rows_seen: 0, .. } => {
                self.log.push(
                    Diagnostic::error(&self.file, "the file has no rows")
                        .saying(DiagnosticCode::NoRows),
                );
                InputKind::Unknown
            }
            Stage::SeekingHeader {
                rows_seen,
                first_row_reasons,
                ..
            } => {
                let tried = first_row_reasons.as_deref().unwrap_or_default().join("; ");
                let message = format!(
                    "not a known billing export: none of the first {} rows is a header row of a known kind; \
                     the first row was tried as {tried}",
                    rows_seen.min(&MAX_ROWS_BEFORE_HEADER)
                );
                self.log.push(
                    Diagnostic::error(&self.file, message).saying(DiagnosticCode::UnknownKind),
                );
                InputKind::Unknown
            }
        };
        ImportOutcome {
            kind,
            table: self.table,
            rows_rejected: self.rows_rejected,
            diagnostics: self.log.into_vec(&self.file),
        }
    }
}
