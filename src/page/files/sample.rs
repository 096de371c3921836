//! The built-in sample month, so a first-time user can see tcbill work without their own bills.
//!
//! The files live in `sample/` at the workspace root and are compiled into the wasm binary,
//! so "Load sample data" works offline from any static host.

/// One bundled sample file.
pub struct SampleFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! sample {
    ($name:literal) => {
        SampleFile { name: $name, bytes: include_bytes!(concat!("../../../sample/", $name)) }
    };
}

pub const SAMPLE_FILES: &[SampleFile] = &[
    sample!("2025-06-明细账单-L3.csv"),
    sample!("2025-06-资源包抵扣明细.csv"),
    sample!("2025-06-资源包总览.csv"),
    sample!("2025-06-用量明细-CDN-5分钟.csv"),
    sample!("DescribeBillSummaryByProduct-2025-06.json"),
];
