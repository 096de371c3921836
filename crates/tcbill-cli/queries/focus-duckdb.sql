-- tcbill's cost summaries over its FOCUS 1.0 Parquet export, in DuckDB: for histories too big for a
-- browser tab, or to join bills with other data.
--
--   tcbill export --focus BILLS... DEDUCTIONS... --out focus --parquet
--   duckdb < crates/tcbill-cli/queries/focus-duckdb.sql      (in the directory that holds focus/)
--
-- Each query answers what one part of `tcbill report --json` holds, to the last digit: money
-- columns are DECIMAL(38, s) with every digit of the bill, and sum() of a DECIMAL is exact.
-- tcbill's names: TotalCost = ListCost, RealTotalCost = BilledCost, the pay split and tax are the
-- x_ columns. Groups without a value are '-', as in tcbill. Days and months are Beijing's, as on
-- the bill. Not reproduced: RealTotalCostRatio (tcbill rounds shares so that they add up to
-- exactly 100.00), and every analysis that needs more than bill rows (deduction balance chains,
-- coefficient checks, package quantities and projected exhaustion, usage percentiles).
-- scripts/focus/duckdb_check.py runs every `-- name:` query and compares it with tcbill's report.

-- DuckDB reads every file with the first file's column types: a partition whose decimals have
-- another scale (a month exported on its own later) would be rounded silently. Stop instead.
SELECT CASE WHEN count(*) > 0 THEN error('the FOCUS files give ' || string_agg(name, ', ')
       || ' different decimal scales, and DuckDB would round every file to the scale of the first: '
       || 'export all months with one tcbill export') END AS scales_agree
FROM (SELECT name FROM parquet_schema('focus/billing_month=*/*.parquet')
      WHERE scale IS NOT NULL GROUP BY name HAVING count(DISTINCT scale) > 1);

CREATE OR REPLACE VIEW focus AS
SELECT * FROM read_parquet('focus/billing_month=*/*.parquet', hive_partitioning = true);


-- name: total
SELECT count(*) AS row_count,
       sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus;

-- name: product
SELECT coalesce(ServiceName, '-') AS product,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY RealTotalCost DESC, product;

-- name: product,component
SELECT coalesce(ServiceName, '-') AS product, coalesce(x_ComponentName, '-') AS component,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY RealTotalCost DESC, product, component;

-- name: region
SELECT coalesce(RegionName, '-') AS region,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY RealTotalCost DESC, region;

-- name: project
SELECT coalesce(x_ProjectName, '-') AS project,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY RealTotalCost DESC, project;

-- name: pay_mode
SELECT coalesce(x_PayModeName, '-') AS pay_mode,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY RealTotalCost DESC, pay_mode;

-- name: month
SELECT strftime(BillingPeriodStart AT TIME ZONE 'Asia/Shanghai', '%Y-%m') AS month,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY month;

-- name: day
SELECT strftime(ChargePeriodStart AT TIME ZONE 'Asia/Shanghai', '%Y-%m-%d') AS day,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY ALL ORDER BY day;

-- name: tag
-- Every tag key and value (rows without the key count under '-'), like tcbill's tag:KEY breakdowns.
WITH tag_keys AS (SELECT DISTINCT unnest(json_keys(Tags)) AS tag_key FROM focus WHERE Tags IS NOT NULL)
SELECT tag_key, coalesce(json_extract_string(Tags, '$."' || tag_key || '"'), '-') AS tag_value,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus CROSS JOIN tag_keys GROUP BY ALL ORDER BY tag_key, RealTotalCost DESC, tag_value;

-- name: packages
-- Resource packages bought in the exported months, and how much of each price the export
-- amortised onto the usage its deductions covered (EffectiveCost = BilledCost + x_AmortizedPackageCost).
-- amortised_percent is the package's utilisation in money as far as the loaded bills show it: tcbill's
-- utilisation_percent also counts deductions for usage with no loaded bill row (another month), and
-- a bill row covered by two packages names only the first in CommitmentDiscountId.
WITH purchases AS (
    SELECT CommitmentDiscountId AS package_id, any_value(CommitmentDiscountName) AS package_name,
           sum(BilledCost) AS purchase_cost
    FROM focus WHERE ChargeCategory = 'Purchase' AND CommitmentDiscountId IS NOT NULL GROUP BY ALL
), used AS (
    SELECT CommitmentDiscountId AS package_id, count(*) AS covered_rows,
           sum(x_AmortizedPackageCost) AS amortised_cost
    FROM focus WHERE CommitmentDiscountStatus = 'Used' GROUP BY ALL
)
SELECT package_id, package_name, purchase_cost, coalesce(covered_rows, 0) AS covered_rows,
       coalesce(amortised_cost, 0) AS amortised_cost,
       purchase_cost - coalesce(amortised_cost, 0) AS unamortised_cost,
       round(100 * coalesce(amortised_cost, 0) / purchase_cost, 2)::DECIMAL(9, 2) AS amortised_percent
FROM purchases LEFT JOIN used USING (package_id) ORDER BY package_id;

-- name: effective
-- What the month really cost once package purchases are spread over their use.
SELECT sum(BilledCost) AS BilledCost, sum(EffectiveCost) AS EffectiveCost,
       sum(x_AmortizedPackageCost) AS AmortizedPackageCost
FROM focus;
