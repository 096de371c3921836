//! FOCUS 1.0 (the FinOps Open Cost and Usage Specification): the way out of tcbill and a way in.
//!
//! FinOps tools exchange cost data as FOCUS. Tencent's own FOCUS 1.0 export is a preview with
//! known gaps (EffectiveCost and the commitment columns empty); tcbill knows the bill rows and the
//! package deductions, so [`export`] produces a fuller dataset: every bill row with its 43 FOCUS
//! columns plus Tencent specifics as `x_` columns, EffectiveCost amortised from real deductions.
//! Importing a FOCUS file (Tencent's or tcbill's) is a header schema like any other export
//! (`schema::FOCUS`), so it feeds the same analyses. Every mapping decision is in `FOCUS.md` here.
//!
//! Values stay typed ([`FocusValue`]): CSV is written here, Parquet by the CLI from the same rows.
//! A download of the loaded files as FOCUS is `focus::export(&dataset).to_csv(None)` (the bytes
//! of one CSV file; [`FocusExport::months`] and `to_csv(Some(month))` split it by billing month).

pub mod export;

pub use export::{export, FocusExport, FocusRow, FocusValue};

/// How a FOCUS column's values are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FocusType {
    String,
    Decimal,
    /// UTC, `YYYY-MM-DDTHH:mm:ssZ`.
    DateTime,
    /// A JSON object as text (`Tags`).
    Json,
}

/// One column of the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FocusColumn {
    pub name: &'static str,
    pub focus_type: FocusType,
}

const fn column(name: &'static str, focus_type: FocusType) -> FocusColumn {
    FocusColumn { name, focus_type }
}

use FocusType::{DateTime, Decimal, Json, String as Text};

/// The 43 FOCUS 1.0 columns (in the specification's alphabetical order), then tcbill's `x_`
/// columns. [`FocusRow::values`] follow this order.
pub const COLUMNS: [FocusColumn; 57] = [
    column("AvailabilityZone", Text),
    column("BilledCost", Decimal),
    column("BillingAccountId", Text),
    column("BillingAccountName", Text),
    column("BillingCurrency", Text),
    column("BillingPeriodEnd", DateTime),
    column("BillingPeriodStart", DateTime),
    column("ChargeCategory", Text),
    column("ChargeClass", Text),
    column("ChargeDescription", Text),
    column("ChargeFrequency", Text),
    column("ChargePeriodEnd", DateTime),
    column("ChargePeriodStart", DateTime),
    column("CommitmentDiscountCategory", Text),
    column("CommitmentDiscountId", Text),
    column("CommitmentDiscountName", Text),
    column("CommitmentDiscountStatus", Text),
    column("CommitmentDiscountType", Text),
    column("ConsumedQuantity", Decimal),
    column("ConsumedUnit", Text),
    column("ContractedCost", Decimal),
    column("ContractedUnitPrice", Decimal),
    column("EffectiveCost", Decimal),
    column("InvoiceIssuerName", Text),
    column("ListCost", Decimal),
    column("ListUnitPrice", Decimal),
    column("PricingCategory", Text),
    column("PricingQuantity", Decimal),
    column("PricingUnit", Text),
    column("ProviderName", Text),
    column("PublisherName", Text),
    column("RegionId", Text),
    column("RegionName", Text),
    column("ResourceId", Text),
    column("ResourceName", Text),
    column("ResourceType", Text),
    column("ServiceCategory", Text),
    column("ServiceName", Text),
    column("SkuId", Text),
    column("SkuPriceId", Text),
    column("SubAccountId", Text),
    column("SubAccountName", Text),
    column("Tags", Json),
    column("x_ComponentName", Text),
    column("x_ComponentType", Text),
    column("x_SubproductName", Text),
    column("x_OwnerAccountID", Text),
    column("x_ProjectName", Text),
    column("x_PayModeName", Text),
    column("x_TransactionType", Text),
    column("x_BillId", Text),
    column("x_CashPayAmount", Decimal),
    column("x_VoucherPayAmount", Decimal),
    column("x_IncentivePayAmount", Decimal),
    column("x_TransferPayAmount", Decimal),
    column("x_Tax", Decimal),
    column("x_AmortizedPackageCost", Decimal),
];

/// How many of [`COLUMNS`] are FOCUS 1.0's own.
pub const FOCUS_COLUMN_COUNT: usize = 43;
