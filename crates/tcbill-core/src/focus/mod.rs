//! FOCUS 1.0 (the FinOps Open Cost and Usage Specification): the way out of tcbill and a way in.
//!
//! FinOps tools exchange cost data as FOCUS. Tencent's own FOCUS 1.0 export is a preview with
//! known gaps (EffectiveCost and the commitment columns empty); tcbill knows the bill rows and the
//! package deductions, so [`export()`] produces a fuller dataset: every bill row with its 43 FOCUS
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
    /// `true` or `false`.
    Boolean,
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

use FocusType::{Boolean, DateTime, Decimal, Json, String as Text};

/// Declares the columns once: their order in [`COLUMNS`] and a field of [`FocusFields`] for each,
/// so a row is built by column name and cannot put a value under another column's header.
macro_rules! focus_columns {
    ($($name:ident: $focus_type:ident,)*) => {
        /// The 43 FOCUS 1.0 columns (in the specification's alphabetical order), then tcbill's `x_`
        /// columns. [`FocusRow::values`] follow this order.
        pub const COLUMNS: [FocusColumn; [$(stringify!($name)),*].len()] =
            [$(column(stringify!($name), $focus_type)),*];

        /// One row's values, one field per column, named as the column is.
        #[allow(non_snake_case)]
        pub(crate) struct FocusFields {
            $(pub $name: FocusValue,)*
        }

        impl FocusFields {
            /// The values in the order of [`COLUMNS`].
            pub(crate) fn into_values(self) -> Vec<FocusValue> {
                vec![$(self.$name),*]
            }
        }
    };
}

focus_columns! {
    AvailabilityZone: Text,
    BilledCost: Decimal,
    BillingAccountId: Text,
    BillingAccountName: Text,
    BillingCurrency: Text,
    BillingPeriodEnd: DateTime,
    BillingPeriodStart: DateTime,
    ChargeCategory: Text,
    ChargeClass: Text,
    ChargeDescription: Text,
    ChargeFrequency: Text,
    ChargePeriodEnd: DateTime,
    ChargePeriodStart: DateTime,
    CommitmentDiscountCategory: Text,
    CommitmentDiscountId: Text,
    CommitmentDiscountName: Text,
    CommitmentDiscountStatus: Text,
    CommitmentDiscountType: Text,
    ConsumedQuantity: Decimal,
    ConsumedUnit: Text,
    ContractedCost: Decimal,
    ContractedUnitPrice: Decimal,
    EffectiveCost: Decimal,
    InvoiceIssuerName: Text,
    ListCost: Decimal,
    ListUnitPrice: Decimal,
    PricingCategory: Text,
    PricingQuantity: Decimal,
    PricingUnit: Text,
    ProviderName: Text,
    PublisherName: Text,
    RegionId: Text,
    RegionName: Text,
    ResourceId: Text,
    ResourceName: Text,
    ResourceType: Text,
    ServiceCategory: Text,
    ServiceName: Text,
    SkuId: Text,
    SkuPriceId: Text,
    SubAccountId: Text,
    SubAccountName: Text,
    Tags: Json,
    x_ComponentName: Text,
    x_ComponentType: Text,
    x_SubproductName: Text,
    x_OwnerAccountID: Text,
    x_ProjectName: Text,
    x_PayModeName: Text,
    x_TransactionType: Text,
    x_BillId: Text,
    x_CashPayAmount: Decimal,
    x_VoucherPayAmount: Decimal,
    x_IncentivePayAmount: Decimal,
    x_TransferPayAmount: Decimal,
    x_Tax: Decimal,
    x_AmortizedPackageCost: Decimal,
    x_ProductCode: Text,
    x_OriginalCost: Decimal,
    x_DiscountRate: Decimal,
    x_DeductedQuantity: Decimal,
    x_SavingsPlanDeduction: Decimal,
    x_SavingsPlanOriginalCost: Decimal,
    x_ReservedInstanceOriginalCost: Decimal,
    x_RefundOrAdjustment: Boolean,
}

/// How many of [`COLUMNS`] are FOCUS 1.0's own.
pub const FOCUS_COLUMN_COUNT: usize = 43;
