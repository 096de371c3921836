//! What a file is: the kinds of input tcbill reads, and which API action made a JSON response.
//!
//! Detection decides them ([`crate::input::sniff`]); schemas, parsed files and the analyses read
//! them, so they sit at the bottom of the layers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which bill tier a bill-details file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BillLevel {
    /// L3 明细: one row per component.
    L3,
    /// L2 资源: one row per resource.
    L2,
}

/// The billing API action that produced a JSON response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiAction {
    DescribeDosageDetailByDate,
    DescribeDosageCosDetailByDate,
    DescribeDosageDetailList,
    DescribeCostDetail,
    DescribeBillDetail,
    DescribeBillResourceSummary,
    DescribeBillSummaryByProduct,
    DescribeBillSummaryByPayMode,
    DescribeBillSummaryByRegion,
    DescribeBillSummaryByProject,
    DescribeBillSummaryByTag,
    DescribeCostSummaryByProduct,
    /// `DescribeMeasureDeductionDetails` or `DescribeMeasureConsoleDeductionDetails`.
    DescribeMeasureDeductionDetails,
    DescribeMeasureDeductionDetailFlow,
    /// CLB `DescribeModelRouterResourcePackageDeduction`.
    DescribeModelRouterResourcePackageDeduction,
    /// CynosDB `ExportResourcePackageDeductDetails`: headerless CSV in `FileContent`.
    ExportResourcePackageDeductDetails,
    /// A response with `Response.Error`: the call failed.
    Error,
    /// A response tcbill has no schema for; its rows are passed through.
    Other,
}

impl ApiAction {
    /// A `DescribeBillSummaryBy*` action: one month split by one dimension, with its
    /// `SummaryTotal`.
    pub fn is_bill_summary(self) -> bool {
        matches!(
            self,
            ApiAction::DescribeBillSummaryByProduct
                | ApiAction::DescribeBillSummaryByPayMode
                | ApiAction::DescribeBillSummaryByRegion
                | ApiAction::DescribeBillSummaryByProject
                | ApiAction::DescribeBillSummaryByTag
        )
    }

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            ApiAction::DescribeDosageDetailByDate => "API DescribeDosageDetailByDate (usage)",
            ApiAction::DescribeDosageCosDetailByDate => {
                "API DescribeDosageCosDetailByDate (COS usage)"
            }
            ApiAction::DescribeDosageDetailList => "API DescribeDosageDetailList (usage)",
            ApiAction::DescribeCostDetail => "API DescribeCostDetail (cost details)",
            ApiAction::DescribeBillDetail => "API DescribeBillDetail (bill details)",
            ApiAction::DescribeBillResourceSummary => {
                "API DescribeBillResourceSummary (resource bill)"
            }
            ApiAction::DescribeBillSummaryByProduct => "API DescribeBillSummaryByProduct",
            ApiAction::DescribeBillSummaryByPayMode => "API DescribeBillSummaryByPayMode",
            ApiAction::DescribeBillSummaryByRegion => "API DescribeBillSummaryByRegion",
            ApiAction::DescribeBillSummaryByProject => "API DescribeBillSummaryByProject",
            ApiAction::DescribeBillSummaryByTag => "API DescribeBillSummaryByTag",
            ApiAction::DescribeCostSummaryByProduct => "API DescribeCostSummaryByProduct",
            ApiAction::DescribeMeasureDeductionDetails => {
                "API DescribeMeasureDeductionDetails (deduction details)"
            }
            ApiAction::DescribeMeasureDeductionDetailFlow => {
                "API DescribeMeasureDeductionDetailFlow (deduction details)"
            }
            ApiAction::DescribeModelRouterResourcePackageDeduction => {
                "API DescribeModelRouterResourcePackageDeduction (deduction details)"
            }
            ApiAction::ExportResourcePackageDeductDetails => {
                "API ExportResourcePackageDeductDetails (CynosDB deduction details)"
            }
            ApiAction::Error => "API error response",
            ApiAction::Other => "API response (other)",
        }
    }
}

/// The kinds of input tcbill recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InputKind {
    /// 资源包抵扣明细 export.
    DeductionDetails,
    /// 资源包总览 export.
    PackageOverview,
    /// L3 明细 or L2 资源 bill, Chinese or English headers.
    BillDetails(BillLevel),
    /// 消耗明细 (consumption / cost details).
    CostDetails,
    /// 用量明细 report (time points per instance or domain).
    UsageDetails,
    /// A FOCUS 1.0 cost and usage dataset (Tencent's FOCUS export, or tcbill's); read as bill rows.
    Focus,
    /// A JSON response of a billing API action (envelope, bare, or an array of pages).
    ApiResponse(ApiAction),
    /// A ZIP of bill files (COS delivery, bill pack); each member is parsed on its own.
    ZipPack,
    /// An Excel workbook; the first sheet with a recognisable header is read.
    Xlsx,
    /// Nothing tcbill can read.
    Unknown,
}

impl InputKind {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            InputKind::DeductionDetails => "资源包抵扣明细 (deduction details)",
            InputKind::PackageOverview => "资源包总览 (package overview)",
            InputKind::BillDetails(BillLevel::L3) => "L3 明细账单 (bill details)",
            InputKind::BillDetails(BillLevel::L2) => "L2 资源账单 (resource bill)",
            InputKind::CostDetails => "消耗明细 (cost details)",
            InputKind::UsageDetails => "用量明细 (usage details)",
            InputKind::Focus => "FOCUS 1.0 (cost and usage)",
            InputKind::ApiResponse(action) => action.label(),
            InputKind::ZipPack => "ZIP bill pack",
            InputKind::Xlsx => "XLSX workbook",
            InputKind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
