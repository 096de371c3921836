//! `DescribeBillDetail` responses as a paged pull saves them: a JSON array of pages, each a
//! `{"Response": {...}}` envelope with the `Context` cursor and at most [`DETAILS_PER_PAGE`]
//! details; a detail is one resource in one hour with 1–3 components, each component an L3 row.
//! The fields and their shapes follow the official example (`fixtures/api/DescribeBillDetail.example1.json`):
//! amounts as 8-decimal strings, `ProjectId` a number, `ComponentConfig` name/value pairs,
//! `Tags` key/value objects, `PriceInfo` strings and an `AssociatedOrder` object. Written compact,
//! as the API returns it.

use std::io::{self, Write};

use crate::catalog::PAYER_UIN;
use crate::l3::{resource_pool, Charge, Resource, TAG_KEYS};
use crate::{push_decimal, push_time, Counting, Generated, Rng};

/// Details per page (`Limit`).
const DETAILS_PER_PAGE: u64 = 100;

/// Hours in June 2025: the details spread over them in order.
const HOURS: u64 = 30 * 24;

/// Writes pages holding `rows` components in all.
///
/// # Errors
/// Only those of `out`.
pub fn write_bill_json(rows: u64, seed: u64, out: impl Write) -> io::Result<Generated> {
    let mut out = Counting::new(out);
    let mut rng = Rng::new(seed);
    let resources = resource_pool(rows, &mut rng);
    let mut total: i128 = 0;
    let mut written = 0;
    let mut detail = 0;
    let mut page = Vec::with_capacity(1 << 20);
    out.write_all(b"[")?;
    while written < rows || detail == 0 {
        page.clear();
        if detail > 0 {
            page.push(b',');
        }
        write!(
            page,
            "{{\"Response\":{{\"Context\":\"ctx-{seed}-{detail}\",\"DetailSet\":["
        )?;
        for in_page in 0..DETAILS_PER_PAGE {
            if written == rows {
                break;
            }
            if in_page > 0 {
                page.push(b',');
            }
            let resource = &resources[rng.below(resources.len() as u64) as usize];
            let components = (1 + rng.below(3)).min(rows - written);
            let hour = written * HOURS / rows.max(1);
            total += push_detail(&mut page, detail, hour, components, resource, &mut rng)?;
            written += components;
            detail += 1;
        }
        write!(
            page,
            "],\"RequestId\":\"00000000-0000-4000-8000-{detail:012}\",\"Total\":{detail}}}}}"
        )?;
        out.write_all(&page)?;
        if rows == 0 {
            break;
        }
    }
    out.write_all(b"]\n")?;
    out.flush()?;
    let mut real_total_cost = Vec::new();
    push_decimal(&mut real_total_cost, total, 8, false, false);
    Ok(Generated {
        rows,
        bytes: out.bytes,
        real_total_cost: Some(String::from_utf8(real_total_cost).expect("ASCII digits")),
    })
}

/// `"key":"value",`; the generator's texts need no escaping.
fn text(out: &mut Vec<u8>, key: &str, value: &str) {
    debug_assert!(!value.contains(['"', '\\']), "{value}");
    write!(out, "\"{key}\":\"{value}\",").expect("writing to a Vec");
}

/// `"key":"1.23000000",`: an amount with all 8 decimals, as the API writes them.
fn money(out: &mut Vec<u8>, key: &str, value: i128) {
    write!(out, "\"{key}\":\"").expect("writing to a Vec");
    push_decimal(out, value, 8, true, false);
    out.extend_from_slice(b"\",");
}

fn time(out: &mut Vec<u8>, key: &str, minutes: u64, seconds: u64) {
    write!(out, "\"{key}\":\"").expect("writing to a Vec");
    push_time(out, minutes, seconds);
    out.extend_from_slice(b"\",");
}

/// Appends one detail and returns the sum of its components' RealCost in 1/10^8 元.
fn push_detail(
    out: &mut Vec<u8>,
    detail: u64,
    hour: u64,
    components: u64,
    resource: &Resource,
    rng: &mut Rng,
) -> io::Result<i128> {
    let product = resource.product;
    let order = 20_250_701_000_000_000 + detail;
    out.push(b'{');
    text(out, "ActionTypeName", product.action);
    write!(
        out,
        "\"AssociatedOrder\":{{\"PrepayPurchase\":\"{order}\"}},"
    )?;
    time(out, "BillDay", (hour / 24) * 1440, 0);
    text(out, "BillId", &order.to_string());
    text(out, "BillMonth", "2025-06-01 00:00:00");
    text(out, "BusinessCodeName", product.name);
    out.extend_from_slice(b"\"ComponentSet\":[");
    let mut real_total = 0;
    for index in 0..components {
        if index > 0 {
            out.push(b',');
        }
        real_total += push_component(out, resource, &Charge::new(resource, rng))?;
    }
    out.extend_from_slice(b"],");
    time(out, "FeeBeginTime", hour * 60, 0);
    time(out, "FeeEndTime", hour * 60 + 59, 59);
    text(out, "Id", &(1_725_547_686_519_644_160 + detail).to_string());
    text(out, "OperateUin", resource.owner);
    text(out, "OrderId", &order.to_string());
    text(out, "OwnerUin", resource.owner);
    text(out, "PayModeName", product.pay_mode);
    time(out, "PayTime", (hour + 1) * 60, 0);
    text(out, "PayerUin", PAYER_UIN);
    write!(
        out,
        "\"PriceInfo\":[\"{}\"],",
        if resource.discount == 100 {
            "刊例价"
        } else {
            "折扣"
        }
    )?;
    text(out, "ProductCodeName", resource.sub_product);
    write!(out, "\"ProjectId\":{},", 1_000_000 + resource.project.len())?;
    text(out, "ProjectName", resource.project);
    text(out, "RegionId", resource.region.1);
    text(out, "RegionName", resource.region.0);
    text(out, "ResourceId", &resource.id);
    text(out, "ResourceName", &resource.name);
    out.extend_from_slice(b"\"Tags\":[");
    let tags = TAG_KEYS
        .iter()
        .zip(&resource.tags)
        .filter(|(_, value)| value.as_str() != "-");
    for (index, (key, value)) in tags.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write!(out, "{{\"TagKey\":\"{key}\",\"TagValue\":\"{value}\"}}")?;
    }
    out.extend_from_slice(b"],");
    write!(out, "\"ZoneName\":\"{}\"}}", resource.zone.0)?;
    Ok(real_total)
}

/// Appends one component and returns its RealCost in 1/10^8 元.
fn push_component(out: &mut Vec<u8>, resource: &Resource, charge: &Charge) -> io::Result<i128> {
    let component = charge.component;
    out.push(b'{');
    text(out, "BlendedDiscount", "1.00000000");
    money(out, "CashPayAmount", charge.cash);
    text(out, "ComponentCodeName", component.kind);
    write!(
        out,
        "\"ComponentConfig\":[{{\"Name\":\"配置\",\"Value\":\"{}\"}},{{\"Name\":\"可用区\",\"Value\":\"{}\"}}],",
        resource.config, resource.zone.0
    )?;
    money(out, "ContractPrice", charge.contract_price);
    money(out, "Cost", charge.cost);
    let mut discount = Vec::new();
    push_decimal(
        &mut discount,
        i128::from(resource.discount),
        2,
        false,
        false,
    );
    text(
        out,
        "Discount",
        std::str::from_utf8(&discount).expect("digits"),
    );
    money(out, "IncentivePayAmount", charge.incentive);
    text(out, "ItemCodeName", component.name);
    text(out, "PriceUnit", component.price_unit);
    money(out, "RealCost", charge.real_cost);
    text(
        out,
        "ReduceType",
        if resource.discount == 100 {
            "-"
        } else {
            "折扣"
        },
    );
    money(out, "SPDeduction", charge.savings_plan);
    text(
        out,
        "SPDeductionRate",
        if resource.savings_plan { "0.55" } else { "0" },
    );
    money(out, "SinglePrice", i128::from(component.list_price));
    match component.time_unit {
        Some(unit) => {
            write!(out, "\"TimeSpan\":\"{}\",", charge.span)?;
            text(out, "TimeUnitName", unit);
        }
        None => out.extend_from_slice(b"\"TimeSpan\":\"-\",\"TimeUnitName\":\"-\","),
    }
    let mut used = Vec::new();
    push_decimal(&mut used, i128::from(charge.used), 4, false, false);
    text(
        out,
        "UsedAmount",
        std::str::from_utf8(&used).expect("digits"),
    );
    text(out, "UsedAmountUnit", component.used_unit);
    money(out, "VoucherPayAmount", charge.voucher);
    out.pop();
    out.push(b'}');
    Ok(charge.real_cost)
}
