//! `tcbill export --focus FILE... --out DIR [--parquet]`: the FOCUS 1.0 dataset of the files,
//! one file per billing month under `DIR/billing_month=YYYY-MM/` (Hive-style, so DuckDB and
//! Spark see `billing_month` as a partition column).
//!
//! The rows come from core ([`tcbill_core::focus::export`]); CSV is core's, Parquet is written
//! here because core must build for wasm32 and the web app never writes Parquet. Parquet uses
//! the low-level column writer (no arrow): strings are `BYTE_ARRAY (STRING)`, times
//! `INT64 TIMESTAMP(MICROS, UTC)`, flags `BOOLEAN`, money and quantities `DECIMAL(38, s)` with one scale `s` per
//! column, the largest any value of that column needs, so every digit survives and DuckDB sums
//! them exactly.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType, Int64Type,
};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;
use tcbill_core::focus::{FocusExport, FocusRow, FocusType, FocusValue, COLUMNS};

/// Rows per Parquet row group: bounded memory per column chunk, and parallelism for readers.
const ROW_GROUP_ROWS: usize = 1 << 20;

/// Writes one file per billing month; returns the paths written.
pub fn write_partitions(
    export: &FocusExport,
    out: &Path,
    parquet: bool,
) -> Result<Vec<String>, String> {
    let scales = if parquet {
        decimal_scales(&export.rows)?
    } else {
        Vec::new()
    };
    let mut written = Vec::new();
    for month in export.months() {
        let dir = out.join(format!("billing_month={month}"));
        std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        let path = dir.join(if parquet {
            "focus.parquet"
        } else {
            "focus.csv"
        });
        let result = if parquet {
            let rows: Vec<&FocusRow> = export
                .rows
                .iter()
                .filter(|row| row.billing_month == month)
                .collect();
            write_parquet(&path, &rows, &scales).map_err(|error| error.to_string())
        } else {
            std::fs::write(&path, export.to_csv(Some(month))).map_err(|error| error.to_string())
        };
        result.map_err(|error| format!("{}: {error}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// The scale of each decimal column: the largest among its values (0 for other columns). Every
/// value must then fit DECIMAL(38, scale), else nothing is written: a column holding
/// 123456789012.5 and 0.000000000000000001 needs 30 digits, which Parquet holds and
/// `rust_decimal` (28 digits) would have rounded away.
fn decimal_scales(rows: &[FocusRow]) -> Result<Vec<u32>, String> {
    let mut scales = vec![0; COLUMNS.len()];
    for row in rows {
        for (scale, value) in scales.iter_mut().zip(&row.values) {
            if let FocusValue::Decimal(value) = value {
                *scale = (*scale).max(value.scale());
            }
        }
    }
    for row in rows {
        for ((column, scale), value) in COLUMNS.iter().zip(&scales).zip(&row.values) {
            if let FocusValue::Decimal(value) = value {
                if unscaled(*value, *scale).is_none() {
                    return Err(format!(
                        "{}: {value} at the column's {scale} decimals needs more than the 38 \
                         digits a Parquet DECIMAL holds; export as CSV instead",
                        column.name
                    ));
                }
            }
        }
    }
    Ok(scales)
}

/// `value` as an integer of `scale` decimals, if it fits DECIMAL(38): computed in `i128`, as
/// `Decimal::rescale` would round a value past its own 28 digits.
fn unscaled(value: Decimal, scale: u32) -> Option<i128> {
    let factor = 10i128.checked_pow(scale.checked_sub(value.scale())?)?;
    let unscaled = value.mantissa().checked_mul(factor)?;
    (unscaled.unsigned_abs() < 10u128.pow(38)).then_some(unscaled)
}

fn schema_text(scales: &[u32]) -> String {
    let mut text = String::from("message focus {\n");
    for (column, scale) in COLUMNS.iter().zip(scales) {
        let field = match column.focus_type {
            FocusType::String | FocusType::Json => {
                format!("OPTIONAL BYTE_ARRAY {} (STRING);", column.name)
            }
            FocusType::DateTime => {
                format!("OPTIONAL INT64 {} (TIMESTAMP(MICROS,true));", column.name)
            }
            FocusType::Boolean => format!("OPTIONAL BOOLEAN {};", column.name),
            FocusType::Decimal => {
                format!(
                    "OPTIONAL FIXED_LEN_BYTE_ARRAY (16) {} (DECIMAL(38,{scale}));",
                    column.name
                )
            }
        };
        text.push_str(&field);
        text.push('\n');
    }
    text.push('}');
    text
}

fn write_parquet(path: &Path, rows: &[&FocusRow], scales: &[u32]) -> parquet::errors::Result<()> {
    let schema = Arc::new(parse_message_type(&schema_text(scales))?);
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let file = File::create(path)?;
    let mut writer = SerializedFileWriter::new(file, schema, properties)?;
    for group in rows.chunks(ROW_GROUP_ROWS) {
        let mut row_group = writer.next_row_group()?;
        let mut index = 0;
        while let Some(mut column) = row_group.next_column()? {
            let values = group.iter().map(|row| &row.values[index]);
            let levels: Vec<i16> = values
                .clone()
                .map(|value| i16::from(*value != FocusValue::Null))
                .collect();
            match COLUMNS[index].focus_type {
                FocusType::String | FocusType::Json => {
                    let data: Vec<ByteArray> = values
                        .filter_map(|value| match value {
                            FocusValue::Text(text) => Some(ByteArray::from(text.as_str())),
                            _ => None,
                        })
                        .collect();
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&data, Some(&levels), None)?;
                }
                FocusType::Boolean => {
                    let data: Vec<bool> = values
                        .filter_map(|value| match value {
                            FocusValue::Bool(flag) => Some(*flag),
                            _ => None,
                        })
                        .collect();
                    column
                        .typed::<BoolType>()
                        .write_batch(&data, Some(&levels), None)?;
                }
                FocusType::DateTime => {
                    let data: Vec<i64> = values
                        .filter_map(|value| match value {
                            FocusValue::Time(time) => Some(time.utc_epoch_secs() * 1_000_000),
                            _ => None,
                        })
                        .collect();
                    column
                        .typed::<Int64Type>()
                        .write_batch(&data, Some(&levels), None)?;
                }
                FocusType::Decimal => {
                    let data: Vec<FixedLenByteArray> = values
                        .filter_map(|value| match value {
                            FocusValue::Decimal(value) => {
                                Some(decimal_bytes(*value, scales[index]))
                            }
                            _ => None,
                        })
                        .collect();
                    column.typed::<FixedLenByteArrayType>().write_batch(
                        &data,
                        Some(&levels),
                        None,
                    )?;
                }
            }
            column.close()?;
            index += 1;
        }
        row_group.close()?;
    }
    writer.close()?;
    Ok(())
}

/// The unscaled value at `scale` as 16 big-endian bytes (two's complement), Parquet's DECIMAL;
/// [`decimal_scales`] has checked that it fits.
fn decimal_bytes(value: Decimal, scale: u32) -> FixedLenByteArray {
    let unscaled = unscaled(value, scale).expect("decimal_scales checked every value");
    FixedLenByteArray::from(ByteArray::from(unscaled.to_be_bytes().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_every_digit() {
        let value: Decimal = "-24.0203523".parse().unwrap();
        let bytes = decimal_bytes(value, 9);
        let unscaled = i128::from_be_bytes(bytes.data().try_into().unwrap());
        assert_eq!(unscaled, -24_020_352_300);
    }

    /// Past `Decimal`'s 28 digits at the column's scale, the integer is still exact.
    #[test]
    fn a_value_is_scaled_in_i128_past_28_digits() {
        let value: Decimal = "123456789012.5".parse().unwrap();
        let bytes = decimal_bytes(value, 18);
        let unscaled = i128::from_be_bytes(bytes.data().try_into().unwrap());
        assert_eq!(unscaled, 123_456_789_012_500_000_000_000_000_000);
        let big: Decimal = "9999999999999999.999999999999".parse().unwrap();
        assert!(super::unscaled(big, 22).is_some(), "38 digits fit");
        assert_eq!(super::unscaled(big, 23), None, "39 digits do not");
    }
}
