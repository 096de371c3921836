//! Parquet files as input: Tencent's FOCUS 1.0 export as COS delivers it, or tcbill's own
//! `export --focus --parquet`. Each file becomes FOCUS CSV text that core's parser then detects
//! and reads like any CSV, so a Parquet row is checked and counted exactly like a CSV row.
//!
//! Only the CLI reads Parquet: a reader in core would grow the web app's worker by hundreds of
//! KiB for files that, at the sizes Parquet is used for, belong on the command line anyway.

use parquet::data_type::Decimal as ParquetDecimal;
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::Field;
use rust_decimal::Decimal;
use tcbill_core::focus::export::utc_text;
use tcbill_core::report::{csv_writer, LineEnd};
use tcbill_core::BeijingTime;

/// Parquet files start (and end) with these bytes.
const MAGIC: &[u8; 4] = b"PAR1";

/// Whether `head`, a file's first bytes, starts a Parquet file.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// The rows of a Parquet file (a `File`, or the bytes of one read from a pipe) as CSV text with a
/// header row: decimals with all their digits, timestamps as UTC `YYYY-MM-DDTHH:mm:ssZ` (as FOCUS
/// CSV writes them), nulls empty.
pub fn to_csv(file: impl ChunkReader + 'static) -> Result<Vec<u8>, String> {
    let reader = SerializedFileReader::new(file).map_err(|error| error.to_string())?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let header: Vec<String> = schema
        .columns()
        .iter()
        .map(|column| column.name().to_owned())
        .collect();
    let mut csv = csv_writer(Vec::new(), LineEnd::Lf);
    csv.write_record(&header).expect("writing to memory");
    for (index, row) in reader
        .get_row_iter(None)
        .map_err(|error| error.to_string())?
        .enumerate()
    {
        let row = row.map_err(|error| format!("row {}: {error}", index + 1))?;
        let cells = row
            .get_column_iter()
            .map(|(name, field)| {
                cell_text(field)
                    .map_err(|error| format!("row {} column {name}: {error}", index + 1))
            })
            .collect::<Result<Vec<String>, String>>()?;
        csv.write_record(&cells).expect("writing to memory");
    }
    Ok(csv.into_inner().expect("writing to memory"))
}

fn cell_text(field: &Field) -> Result<String, String> {
    Ok(match field {
        Field::Null => String::new(),
        Field::Str(text) => text.clone(),
        Field::Bool(flag) => flag.to_string(),
        Field::Int(value) => value.to_string(),
        Field::Long(value) => value.to_string(),
        Field::Decimal(value) => exact_decimal(value)?.to_string(),
        Field::TimestampMicros(micros) => utc_time(micros.div_euclid(1_000_000)),
        Field::TimestampMillis(millis) => utc_time(millis.div_euclid(1_000)),
        // Money as a float would lose digits without saying so: refuse it.
        Field::Float(_) | Field::Double(_) | Field::Float16(_) => {
            return Err("a floating-point number; tcbill reads money only as decimals".to_owned())
        }
        other => return Err(format!("unsupported Parquet value {other}")),
    })
}

/// A Parquet decimal (big-endian two's complement unscaled value) as an exact decimal.
fn exact_decimal(value: &ParquetDecimal) -> Result<Decimal, String> {
    let bytes = value.data();
    if bytes.is_empty() || bytes.len() > 16 {
        return Err(format!("a decimal of {} bytes", bytes.len()));
    }
    let fill = if bytes[0] & 0x80 != 0 { 0xff } else { 0 };
    let mut wide = [fill; 16];
    wide[16 - bytes.len()..].copy_from_slice(bytes);
    let mut unscaled = i128::from_be_bytes(wide);
    let mut scale =
        u32::try_from(value.scale()).map_err(|_| "a negative decimal scale".to_owned())?;
    // A column's one scale may give a value more digits than `Decimal`'s 28 (123456789012.5 in a
    // column of 18 decimals): its trailing zeros go, never a digit that counts.
    while Decimal::try_from_i128_with_scale(unscaled, scale).is_err()
        && scale > 0
        && unscaled % 10 == 0
    {
        unscaled /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(unscaled, scale).map_err(|error| error.to_string())
}

fn utc_time(epoch_secs: i64) -> String {
    utc_text(BeijingTime::from_utc_epoch_secs(epoch_secs))
}
