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
    let scales = decimal_scales(&export.rows);
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

/// The scale of each decimal column: the largest among its values (0 for other columns).
fn decimal_scales(rows: &[FocusRow]) -> Vec<u32> {
    let mut scales = vec![0; COLUMNS.len()];
    for row in rows {
        for (scale, value) in scales.iter_mut().zip(&row.values) {
            if let FocusValue::Decimal(value) = value {
                *scale = (*scale).max(value.scale());
            }
        }
    }
    scales
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

/// The unscaled value at `scale` as 16 big-endian bytes (two's complement), Parquet's DECIMAL.
fn decimal_bytes(value: Decimal, scale: u32) -> FixedLenByteArray {
    let mut value = value;
    value.rescale(scale);
    FixedLenByteArray::from(ByteArray::from(value.mantissa().to_be_bytes().to_vec()))
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
}
