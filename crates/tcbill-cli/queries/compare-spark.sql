-- What changed between two periods and why, to the last digit: `tcbill compare` in Spark SQL,
-- over tcbill's FOCUS Parquet export, for a history too big for one machine. The same views and
-- `-- name:` sections as compare-duckdb.sql, which explains the formulas; only the engine's
-- spelling differs (no string_agg, GROUP BY positions, a temporary view over the Parquet files).
--
--   tcbill export --focus BILLS... --out focus --parquet      (one partition per billing month)
--   spark-sql -f crates/tcbill-cli/queries/compare-spark.sql   (in the directory that holds focus/)
--
-- Exactness in Spark: DECIMAL(38, s) sums, +, − and × are exact once
-- spark.sql.decimalOperations.allowPrecisionLoss is false (else Spark cuts scales to keep integer
-- digits). As in DuckDB, a CASE or COALESCE of DECIMAL(38, 2) and DECIMAL(38, 8) is typed
-- DECIMAL(38, 2) and rounds the other value, so choices between decimals are written as sums of
-- terms or `x + 0 * y`; and the one division, round(ΔR × P / Q, 8), is estimated in DOUBLE and
-- settled by the exact remainder. Overflow fails the query (ANSI mode, Spark's default) instead
-- of giving NULL.
--
-- Periods: as in compare-duckdb.sql; to compare others, replace the view, e.g.
--   CREATE OR REPLACE TEMPORARY VIEW periods AS SELECT * FROM VALUES ('a', '2025-01', '2025-06'),
--       ('b', '2025-07', '2025-12') AS p(period, first_month, last_month);
-- scripts/focus_checks.py runs every `-- name:` section in pyspark (local mode) on a generated
-- 12-month history and checks it against `tcbill compare --json` to the last digit.

SET spark.sql.decimalOperations.allowPrecisionLoss = false;
-- billing_month stays text (`2025-01`), whatever Spark would guess from the directory names.
SET spark.sql.sources.partitionColumnTypeInference.enabled = false;

CREATE OR REPLACE TEMPORARY VIEW focus USING parquet OPTIONS (path 'focus');

-- Period a and b, each billing months first_month..last_month (YYYY-MM, both included).
CREATE OR REPLACE TEMPORARY VIEW periods AS
WITH months AS (SELECT DISTINCT billing_month FROM focus WHERE BillingPeriodStart IS NOT NULL)
SELECT 'a' AS period, max(billing_month) AS first_month, max(billing_month) AS last_month
FROM months WHERE billing_month < (SELECT max(billing_month) FROM months)
UNION ALL
SELECT 'b', max(billing_month), max(billing_month) FROM months;

-- Each row of the two periods (twice if the periods overlap), keyed and classified.
CREATE OR REPLACE TEMPORARY VIEW compare_rows AS
WITH keyed AS (
    SELECT p.period, f.BillingCurrency AS currency,
           -- One product across languages: its code, else its name.
           coalesce(f.x_ProductCode, f.ServiceName, '-') AS product_key, f.ServiceName AS product_name,
           coalesce(f.x_ComponentName, f.x_ComponentType, '-') AS component,
           coalesce(f.ResourceId, '-') AS resource,
           f.BilledCost AS real_cost, coalesce(f.x_OriginalCost, 0) AS total_cost,
           CASE WHEN f.x_RefundOrAdjustment THEN 'refund_or_adjustment'
                WHEN f.PricingQuantity IS NULL THEN 'no_usage_or_price'
                WHEN f.x_OriginalCost IS NOT NULL THEN 'original_cost'
                WHEN f.ListUnitPrice IS NOT NULL THEN 'list_price'
                WHEN f.ContractedUnitPrice IS NOT NULL THEN 'contracted_price'
                ELSE 'no_usage_or_price' END AS kind,
           f.PricingQuantity, f.x_DeductedQuantity, f.x_OriginalCost, f.ListUnitPrice,
           f.ContractedUnitPrice, f.x_DiscountRate, f.x_SavingsPlanDeduction,
           f.x_SavingsPlanOriginalCost, f.x_ReservedInstanceOriginalCost
    FROM focus f JOIN periods p ON f.billing_month BETWEEN p.first_month AND p.last_month
), priced AS (
    SELECT *,
           kind IN ('original_cost', 'list_price', 'contracted_price') AS is_priced,
           coalesce(CASE WHEN kind = 'original_cost' THEN x_OriginalCost END, 0)
             + coalesce(CASE WHEN kind = 'list_price' THEN ListUnitPrice * PricingQuantity END, 0)
             + coalesce(CASE WHEN kind = 'contracted_price' THEN ContractedUnitPrice * PricingQuantity END, 0)
             AS list,
           CASE WHEN kind = 'contracted_price' THEN 1 ELSE coalesce(x_DiscountRate, 1) END AS discount
    FROM keyed
)
SELECT *,
       list * discount AS real_list,
       coalesce(x_SavingsPlanDeduction, 0)
         + coalesce(CASE WHEN x_SavingsPlanDeduction IS NULL THEN x_SavingsPlanOriginalCost * discount END, 0)
         AS savings_plan,
       coalesce(x_ReservedInstanceOriginalCost, 0) * discount AS reserved_instances
FROM priced;

-- The sums of each key in each period.
CREATE OR REPLACE TEMPORARY VIEW compare_sums AS
SELECT period, currency, product_key, component, resource,
       count(*) AS row_count,
       coalesce(sum(PricingQuantity) FILTER (WHERE is_priced), 0) AS q,
       coalesce(sum(x_DeductedQuantity) FILTER (WHERE is_priced), 0) AS d,
       sum(real_cost) AS real_cost, sum(total_cost) AS total_cost,
       coalesce(sum(real_list) FILTER (WHERE is_priced), 0) AS real_priced,
       coalesce(sum(list) FILTER (WHERE is_priced), 0) AS total_priced,
       coalesce(sum(savings_plan) FILTER (WHERE is_priced), 0) AS savings_plan,
       coalesce(sum(reserved_instances) FILTER (WHERE is_priced), 0) AS reserved_instances,
       coalesce(sum(real_cost) FILTER (WHERE kind = 'refund_or_adjustment'), 0) AS real_refunds,
       coalesce(sum(total_cost) FILTER (WHERE kind = 'refund_or_adjustment'), 0) AS total_refunds,
       coalesce(sum(real_cost) FILTER (WHERE kind = 'no_usage_or_price'), 0) AS real_unpriced,
       coalesce(sum(total_cost) FILTER (WHERE kind = 'no_usage_or_price'), 0) AS total_unpriced
FROM compare_rows GROUP BY period, currency, product_key, component, resource;

-- Each key and measure with its sums in A and B (0 where the key has no rows).
CREATE OR REPLACE TEMPORARY VIEW compare_keys AS
WITH sides AS (
    SELECT coalesce(a.currency, b.currency) AS currency,
           coalesce(a.product_key, b.product_key) AS product_key,
           coalesce(a.component, b.component) AS component,
           coalesce(a.resource, b.resource) AS resource,
           CASE WHEN a.row_count IS NULL THEN 'new' WHEN b.row_count IS NULL THEN 'removed'
                ELSE 'changed' END AS status,
           coalesce(a.row_count, 0) AS rows_a, coalesce(b.row_count, 0) AS rows_b,
           a.q AS q_a, b.q AS q_b, a.d AS d_a, b.d AS d_b,
           a.real_cost AS real_cost_a, b.real_cost AS real_cost_b,
           a.total_cost AS total_cost_a, b.total_cost AS total_cost_b,
           a.real_priced AS real_priced_a, b.real_priced AS real_priced_b,
           a.total_priced AS total_priced_a, b.total_priced AS total_priced_b,
           a.savings_plan AS savings_plan_a, b.savings_plan AS savings_plan_b,
           a.reserved_instances AS reserved_instances_a, b.reserved_instances AS reserved_instances_b,
           a.real_refunds AS real_refunds_a, b.real_refunds AS real_refunds_b,
           a.total_refunds AS total_refunds_a, b.total_refunds AS total_refunds_b,
           a.real_unpriced AS real_unpriced_a, b.real_unpriced AS real_unpriced_b,
           a.total_unpriced AS total_unpriced_a, b.total_unpriced AS total_unpriced_b
    FROM (SELECT * FROM compare_sums WHERE period = 'a') a
    FULL JOIN (SELECT * FROM compare_sums WHERE period = 'b') b
        ON a.currency = b.currency AND a.product_key = b.product_key AND a.component = b.component
           AND a.resource = b.resource
)
-- One row per measure; `x + 0 * y` gives both measures' values one scale (rule 1 above).
SELECT currency, product_key, component, resource, status, rows_a, rows_b, m.measure,
       coalesce(q_a, 0) AS q_a, coalesce(q_b, 0) AS q_b, coalesce(d_a, 0) AS d_a, coalesce(d_b, 0) AS d_b,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_cost_a + 0 * total_cost_a
                ELSE total_cost_a + 0 * real_cost_a END, 0) AS cost_a,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_cost_b + 0 * total_cost_b
                ELSE total_cost_b + 0 * real_cost_b END, 0) AS cost_b,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_priced_a + 0 * total_priced_a
                ELSE total_priced_a + 0 * real_priced_a END, 0) AS priced_a,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_priced_b + 0 * total_priced_b
                ELSE total_priced_b + 0 * real_priced_b END, 0) AS priced_b,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN savings_plan_a END, 0) AS savings_plan_a,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN savings_plan_b END, 0) AS savings_plan_b,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN reserved_instances_a END, 0) AS reserved_instances_a,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN reserved_instances_b END, 0) AS reserved_instances_b,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_refunds_a + 0 * total_refunds_a
                ELSE total_refunds_a + 0 * real_refunds_a END, 0) AS refunds_a,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_refunds_b + 0 * total_refunds_b
                ELSE total_refunds_b + 0 * real_refunds_b END, 0) AS refunds_b,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_unpriced_a + 0 * total_unpriced_a
                ELSE total_unpriced_a + 0 * real_unpriced_a END, 0) AS unpriced_a,
       coalesce(CASE m.measure WHEN 'RealTotalCost' THEN real_unpriced_b + 0 * total_unpriced_b
                ELSE total_unpriced_b + 0 * real_unpriced_b END, 0) AS unpriced_b
FROM sides CROSS JOIN (VALUES ('RealTotalCost'), ('TotalCost')) AS m(measure);

-- The parts of each key's change, by the formulas at the top.
CREATE OR REPLACE TEMPORARY VIEW compare_parts AS
WITH unit_price AS (
    SELECT *,
           -- e = P / Q of A, else of B: P and Q of one period, so one type each.
           CASE WHEN q_a <> 0 THEN priced_a WHEN q_b <> 0 THEN priced_b END AS e_priced,
           CASE WHEN q_a <> 0 THEN q_a WHEN q_b <> 0 THEN q_b END AS e_quantity
    FROM compare_keys
), numerators AS (
    -- usage = round(n_usage / e_quantity, 8), package_coverage = round(n_package / e_quantity, 8);
    -- NULL when the key is new or removed or has no usage in either period.
    SELECT *,
           CASE WHEN status = 'changed' THEN ((q_b + d_b) - (q_a + d_a)) * e_priced END AS n_usage,
           CASE WHEN status = 'changed' THEN -(d_b - d_a) * e_priced END AS n_package
    FROM unit_price
), estimates AS (
    -- Rule 2: a DOUBLE estimate of each quotient, to 8 decimals ...
    SELECT *,
           CAST(round(CAST(n_usage AS DOUBLE) / CAST(e_quantity AS DOUBLE), 8) AS DECIMAL(38, 8)) AS k0_usage,
           CAST(round(CAST(n_package AS DOUBLE) / CAST(e_quantity AS DOUBLE), 8) AS DECIMAL(38, 8)) AS k0_package
    FROM numerators
), refined AS (
    -- ... improved by the DOUBLE quotient of the exact remainder n − k0 × e_quantity, which puts
    -- it within one unit of the 8th decimal of the exact quotient ...
    SELECT *,
           k0_usage + CAST(round(CAST(n_usage - k0_usage * e_quantity AS DOUBLE)
                                 / CAST(e_quantity AS DOUBLE), 8) AS DECIMAL(38, 8)) AS k_usage,
           k0_package + CAST(round(CAST(n_package - k0_package * e_quantity AS DOUBLE)
                                   / CAST(e_quantity AS DOUBLE), 8) AS DECIMAL(38, 8)) AS k_package
    FROM estimates
), remainders AS (
    SELECT *, n_usage - k_usage * e_quantity AS r_usage, n_package - k_package * e_quantity AS r_package
    FROM refined
), usage_parts AS (
    -- ... and the exact remainder r = n − k × e_quantity moves the last digit by one toward the
    -- quotient when it is more than half a unit (2|r| > 1E-8 × |e_quantity|), or exactly half and
    -- the move goes away from zero (r has the sign of n): round half away from zero, exactly.
    SELECT *,
           coalesce(k_usage + CASE
               WHEN 2 * abs(r_usage) - abs(e_quantity) * 0.00000001 > 0
                    OR (2 * abs(r_usage) - abs(e_quantity) * 0.00000001 = 0 AND (r_usage > 0) = (n_usage > 0))
               THEN CASE WHEN (r_usage > 0) = (e_quantity > 0) THEN 0.00000001 ELSE -0.00000001 END
               ELSE 0 END, 0) AS usage,
           coalesce(k_package + CASE
               WHEN 2 * abs(r_package) - abs(e_quantity) * 0.00000001 > 0
                    OR (2 * abs(r_package) - abs(e_quantity) * 0.00000001 = 0 AND (r_package > 0) = (n_package > 0))
               THEN CASE WHEN (r_package > 0) = (e_quantity > 0) THEN 0.00000001 ELSE -0.00000001 END
               ELSE 0 END, 0) AS package_coverage
    FROM remainders
), parts AS (
    SELECT currency, product_key, component, resource, status, rows_a, rows_b, measure,
           cost_a AS a, cost_b AS b, cost_b - cost_a AS change,
           CASE WHEN status = 'new' THEN cost_b ELSE 0 END AS new_resources,
           CASE WHEN status = 'removed' THEN -cost_a ELSE 0 END AS removed_resources,
           usage, package_coverage,
           CASE WHEN status = 'changed' THEN (priced_b - priced_a) - usage - package_coverage ELSE 0 END AS price,
           CASE WHEN status = 'changed' THEN -(savings_plan_b - savings_plan_a) ELSE 0 END AS savings_plan,
           CASE WHEN status = 'changed' THEN -(reserved_instances_b - reserved_instances_a) ELSE 0 END
               AS reserved_instances,
           CASE WHEN status = 'changed' THEN refunds_b - refunds_a ELSE 0 END AS refunds_adjustments,
           CASE WHEN status = 'changed' THEN unpriced_b - unpriced_a ELSE 0 END AS no_usage_or_price,
           priced_b - priced_a AS priced_change
    FROM usage_parts
)
SELECT currency, product_key, component, resource, status, rows_a, rows_b, measure, a, b, change,
       new_resources, removed_resources, usage, package_coverage, price, savings_plan,
       reserved_instances, refunds_adjustments, no_usage_or_price,
       CASE WHEN status = 'changed'
            THEN change - priced_change - savings_plan - reserved_instances - refunds_adjustments
                 - no_usage_or_price
            ELSE 0 END AS rounding
FROM parts;

-- name: periods
-- The two periods as tcbill prints them: `2025-11`, or `2025-01..2025-06`.
SELECT period, CASE WHEN first_month = last_month THEN first_month
                    ELSE first_month || '..' || last_month END AS months
FROM periods ORDER BY period;

-- name: totals
-- Per currency and measure: both periods, the change and its parts, which add up to it exactly.
SELECT currency, measure, sum(rows_a) AS rows_a, sum(rows_b) AS rows_b,
       sum(a) AS a, sum(b) AS b, sum(change) AS change,
       sum(new_resources) AS new_resources, sum(removed_resources) AS removed_resources,
       sum(usage) AS usage, sum(package_coverage) AS package_coverage, sum(price) AS price,
       sum(savings_plan) AS savings_plan, sum(reserved_instances) AS reserved_instances,
       sum(refunds_adjustments) AS refunds_adjustments, sum(no_usage_or_price) AS no_usage_or_price,
       sum(rounding) AS rounding
FROM compare_parts GROUP BY currency, measure ORDER BY currency, measure;

-- name: drivers
-- Per product → component → resource that moved (a change or a part not 0, in either measure), the
-- largest change of RealTotalCost first. `product` names the product with every spelling the two
-- periods use (`Cloud Virtual Machine(CVM) / 云服务器CVM`), as tcbill does.
WITH labels AS (
    SELECT product_key, nullif(array_join(array_sort(collect_set(product_name)), ' / '), '') AS label
    FROM compare_rows GROUP BY product_key
), moved AS (
    SELECT *,
           bool_or(change <> 0 OR new_resources <> 0 OR removed_resources <> 0 OR usage <> 0
                   OR package_coverage <> 0 OR price <> 0 OR savings_plan <> 0
                   OR reserved_instances <> 0 OR refunds_adjustments <> 0
                   OR no_usage_or_price <> 0 OR rounding <> 0)
               OVER (PARTITION BY currency, product_key, component, resource) AS key_moved,
           max(CASE WHEN measure = 'RealTotalCost' THEN abs(change) END)
               OVER (PARTITION BY currency, product_key, component, resource) AS size
    FROM compare_parts
)
SELECT currency, coalesce(label, product_key) AS product, component, resource, status,
       rows_a, rows_b, measure, a, b, change, new_resources, removed_resources, usage,
       package_coverage, price, savings_plan, reserved_instances, refunds_adjustments,
       no_usage_or_price, rounding
FROM moved LEFT JOIN labels USING (product_key)
WHERE key_moved
ORDER BY currency, size DESC, product, component, resource, measure;
