-- The queries of focus-duckdb.sql in Spark SQL, for a FOCUS Parquet export too big for one machine
-- (the same `-- name:` sections; see focus-duckdb.sql for what each answers and what it cannot).
--
--   tcbill export --focus BILLS... DEDUCTIONS... --out focus --parquet
--   spark-sql -f crates/tcbill-cli/queries/focus-spark.sql     (in the directory that holds focus/)
--
-- Spark reads billing_month from the directory names. DECIMAL(38, s) sums stay DECIMAL(38, s), so
-- they are exact; days and months are Beijing's through the session time zone. scripts/focus_checks.py
-- runs this file in pyspark (local mode) on every fixture set and checks each answer against
-- `tcbill analyze --json`, as it does the DuckDB file.

SET spark.sql.session.timeZone = Asia/Shanghai;

CREATE OR REPLACE TEMPORARY VIEW focus USING parquet OPTIONS (path 'focus');

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
FROM focus GROUP BY 1 ORDER BY RealTotalCost DESC, product;

-- name: product,component
SELECT coalesce(ServiceName, '-') AS product, coalesce(x_ComponentName, '-') AS component,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY 1, 2 ORDER BY RealTotalCost DESC, product, component;

-- name: region
SELECT coalesce(RegionName, '-') AS region,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY 1 ORDER BY RealTotalCost DESC, region;

-- name: project
SELECT coalesce(x_ProjectName, '-') AS project,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY 1 ORDER BY RealTotalCost DESC, project;

-- name: pay_mode
SELECT coalesce(x_PayModeName, '-') AS pay_mode,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY 1 ORDER BY RealTotalCost DESC, pay_mode;

-- name: month
SELECT date_format(BillingPeriodStart, 'yyyy-MM') AS month,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY 1 ORDER BY month;

-- name: day
SELECT date_format(ChargePeriodStart, 'yyyy-MM-dd') AS day,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus GROUP BY 1 ORDER BY day;

-- name: tag
WITH tag_keys AS (
    SELECT DISTINCT explode(map_keys(from_json(Tags, 'map<string,string>'))) AS tag_key
    FROM focus WHERE Tags IS NOT NULL
)
SELECT tag_key, coalesce(from_json(Tags, 'map<string,string>')[tag_key], '-') AS tag_value,
       count(*) AS row_count, sum(ListCost) AS TotalCost, sum(BilledCost) AS RealTotalCost,
       sum(x_CashPayAmount) AS CashPayAmount, sum(x_VoucherPayAmount) AS VoucherPayAmount,
       sum(x_IncentivePayAmount) AS IncentivePayAmount, sum(x_TransferPayAmount) AS TransferPayAmount,
       sum(x_Tax) AS Tax
FROM focus CROSS JOIN tag_keys GROUP BY 1, 2 ORDER BY tag_key, RealTotalCost DESC, tag_value;

-- name: packages
WITH purchases AS (
    SELECT CommitmentDiscountId AS package_id, first(CommitmentDiscountName, true) AS package_name,
           sum(BilledCost) AS purchase_cost
    FROM focus WHERE ChargeCategory = 'Purchase' AND CommitmentDiscountId IS NOT NULL GROUP BY 1
), used AS (
    SELECT CommitmentDiscountId AS package_id, count(*) AS covered_rows,
           sum(x_AmortizedPackageCost) AS amortised_cost
    FROM focus WHERE CommitmentDiscountStatus = 'Used' GROUP BY 1
)
SELECT package_id, package_name, purchase_cost, coalesce(covered_rows, 0) AS covered_rows,
       coalesce(amortised_cost, 0) AS amortised_cost,
       purchase_cost - coalesce(amortised_cost, 0) AS unamortised_cost,
       cast(round(100 * coalesce(amortised_cost, 0) / purchase_cost, 2) AS DECIMAL(9, 2)) AS amortised_percent
FROM purchases LEFT JOIN used USING (package_id) ORDER BY package_id;

-- name: effective
SELECT sum(BilledCost) AS BilledCost, sum(EffectiveCost) AS EffectiveCost,
       sum(x_AmortizedPackageCost) AS AmortizedPackageCost
FROM focus;
