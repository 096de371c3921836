"""tcbill's FOCUS export checked by tools tcbill does not control.

For each set of fixture bills, `tcbill export --focus` writes CSV and Parquet; then
1. the FinOps Foundation's focus-validator checks every CSV file against FOCUS 1.0 and any failing
   rule outside ALLOWED_FAILURES fails the run (as does an allowed rule that no longer fails
   anywhere: the allow-list must stay true);
2. DuckDB runs crates/tcbill-cli/queries/focus-duckdb.sql, and Spark (pyspark in local mode, the
   Java runtime from scripts/setup.sh) runs focus-spark.sql, over the Parquet export, and every
   total and group must equal `tcbill analyze --json` to the last digit (Decimal, never float).
3. On a 12-month history from `tcbill-gen history` (and on the two-month fixture that has every
   part), DuckDB runs compare-duckdb.sql and Spark compare-spark.sql over the Parquet export, for
   the default periods and for two others, and every period, total, driver and part must equal
   `tcbill compare --json` to the last digit.

Run by scripts/python-tests.sh, which builds the CLI and the virtual environment first.
"""

import json
import os
from collections import Counter
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TCBILL = Path(os.environ.get("TCBILL_BIN", ROOT / "target" / "debug" / "tcbill"))
TCBILL_GEN = Path(os.environ.get("TCBILL_GEN_BIN", TCBILL.parent / "tcbill-gen"))
QUERY_DIR = ROOT / "crates" / "tcbill-cli" / "queries"
DATA = ROOT / "crates" / "tcbill-core" / "tests" / "data"
SAMPLE = ROOT / "sample"

SAMPLE_MONTH = [SAMPLE / "2025-06-明细账单-L3.csv", SAMPLE / "2025-06-资源包抵扣明细.csv"]
PACKAGE_MONTH = [DATA / "l3-package-purchase.csv", DATA / "deduction-package-purchase.csv"]
SETS = {
    "sample month": SAMPLE_MONTH,
    "package month": PACKAGE_MONTH,
    "two months": SAMPLE_MONTH + PACKAGE_MONTH,
    "international L3 (USD, tax)": [DATA / "l3-intl-en.csv"],
    "cost details": [DATA / "cost-details-en.csv"],
    "L2 resource bill": [DATA / "l2-cn.csv"],
}

# focus-validator 1.0.0 rules tcbill's export fails on purpose, each with the reason. Also listed in
# crates/tcbill-core/src/focus/FOCUS.md.
ALLOWED_FAILURES = {
    # The validator's "1.0" rule set still uses the 1.0-preview column IDs. FOCUS 1.0 (spec tag
    # v1.0, columns.mdpp) names these columns InvoiceIssuerName, ProviderName, PublisherName and
    # ResourceId, which tcbill writes; adding the preview names too would break the 1.0 column list.
    "InvoiceIssuer_Required": "1.0-preview column ID; FOCUS 1.0 says InvoiceIssuerName",
    "Provider_Required": "1.0-preview column ID; FOCUS 1.0 says ProviderName",
    "Publisher_Required": "1.0-preview column ID; FOCUS 1.0 says PublisherName",
    "ResourceID_Required": "1.0-preview column ID; FOCUS 1.0 says ResourceId",
    # Its SQL reads the column ChargeType, renamed ChargeCategory in FOCUS 1.0, so it errors with
    # KeyError('ChargeType') on any 1.0 file. (SkuPriceId is empty anyway: Tencent publishes no
    # price IDs; see FOCUS.md.)
    "SkuPriceId_Nullable": "queries ChargeType, a column FOCUS 1.0 no longer has",
    # pandas.read_csv guesses column types, and Tencent account IDs (UINs) are all digits, so it
    # reads them as int64. The CSV holds them as text; the Parquet export types them STRING.
    "BillingAccountId_IsString": "pandas reads the all-digit UIN as an integer",
    "SubAccountId_IsString": "pandas reads the all-digit UIN as an integer",
}

MEASURES = [
    "TotalCost",
    "RealTotalCost",
    "CashPayAmount",
    "VoucherPayAmount",
    "IncentivePayAmount",
    "TransferPayAmount",
    "Tax",
]

# The package query against what the fixtures' deduction exports say. pkg-cdn-0701: 60 元 for
# 500 GB; July's bill rows were covered by 69 GB of its deductions (0.12 元/GB); tcbill's report
# counts 81.5 GB used, 12.5 GB of it for July 4th, which has no bill row in the fixture.
EXPECTED_PACKAGES = {
    "pkg-cdn-0701": {
        "purchase_cost": Decimal("60"),
        "amortised_cost": Decimal("8.28"),
        "unamortised_cost": Decimal("51.72"),
        "amortised_percent": Decimal("13.80"),
    },
}


def tcbill(*args, binary=TCBILL):
    return subprocess.run([str(binary), *map(str, args)], check=True, capture_output=True, text=True).stdout


def export(files, out):
    tcbill("export", "--focus", *files, "--out", out / "csv")
    tcbill("export", "--focus", *files, "--out", out / "focus", "--parquet")
    return sorted((out / "csv").glob("billing_month=*/focus.csv"))


# --- focus-validator ---------------------------------------------------------------------------


def validate(csv_files):
    """Failing rules, as {rule: [file, ...]}, and how often each status came up over all files."""
    import focus_validator
    from focus_validator.config_objects.common import ChecklistObjectStatus
    from focus_validator.validator import Validator

    failing = {}
    statuses = Counter()
    # The validator opens its currency-code list by a path relative to the working directory.
    os.chdir(Path(focus_validator.__file__).parent.parent)
    for path in csv_files:
        validator = Validator(
            data_filename=str(path),
            output_destination=None,
            output_type="console",
            rules_version="1.0",
        )
        validator.load()
        result = validator.spec_rules.validate(validator.focus_data)
        for name, check in result.checklist.items():
            statuses[check.status.value] += 1
            if check.status in (ChecklistObjectStatus.FAILED, ChecklistObjectStatus.ERRORED):
                failing.setdefault(name, []).append(path)
    os.chdir(ROOT)
    return failing, statuses


# --- the engines ------------------------------------------------------------------------------


def named_queries(file_name):
    """The file's preamble (the `focus` view, settings) and its `-- name:` sections, as (name, sql)."""
    preamble, *named = (QUERY_DIR / file_name).read_text().split("-- name: ")
    queries = []
    for part in named:
        name, _, sql = part.partition("\n")
        queries.append((name.strip(), sql))
    return preamble, queries


def statements(sql):
    """The statements of a preamble, without comment lines."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def periods_values(periods):
    """The (period, first_month, last_month) rows of `periods` = ("2025-01..2025-06", "2025-07")."""
    rows = []
    for name, text in zip("ab", periods):
        first, _, last = text.partition("..")
        rows.append(f"('{name}', '{first}', '{last or first}')")
    return ", ".join(rows)


class DuckDB:
    name = "duckdb"

    @staticmethod
    def periods_view(periods):
        """The statement compare-duckdb.sql's header gives for comparing other periods."""
        return (f"CREATE OR REPLACE VIEW periods AS SELECT * FROM (VALUES {periods_values(periods)}) "
                "AS p(period, first_month, last_month)")

    def run(self, file_name, export_dir, then=()):
        """Every named query of `file_name` over export_dir/focus, after its preamble and the
        statements `then`, as {name: list of row dicts}."""
        import duckdb

        connection = duckdb.connect()
        preamble, queries = named_queries(file_name)
        os.chdir(export_dir)  # the view reads the relative path focus/
        try:
            # One statement at a time, each result read to the end (the scale guard is a SELECT).
            for statement in [*statements(preamble), *then]:
                connection.execute(statement).fetchall()
            results = {}
            for name, sql in queries:
                relation = connection.sql(sql)
                results[name] = [dict(zip(relation.columns, row)) for row in relation.fetchall()]
        finally:
            os.chdir(ROOT)
        return results

    def stop(self):
        pass


class Spark:
    """One local Spark for every set (starting the JVM is most of Spark's time here), a new
    session per file, so that one file's settings and views never reach another."""

    name = "spark"

    def __init__(self):
        from pyspark.sql import SparkSession

        # Loopback only, and quiet: no progress bars, no pandas-on-Spark time zone warning.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
        self.session = (
            SparkSession.builder.master("local[2]")
            .appName("tcbill-focus-checks")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
        self.session.sparkContext.setLogLevel("ERROR")

    @staticmethod
    def periods_view(periods):
        """The statement compare-spark.sql's header gives for comparing other periods."""
        return (f"CREATE OR REPLACE TEMPORARY VIEW periods AS SELECT * FROM VALUES {periods_values(periods)} "
                "AS p(period, first_month, last_month)")

    def run(self, file_name, export_dir, then=()):
        """Every named query of `file_name` over export_dir/focus, after its preamble and the
        statements `then`, as {name: list of row dicts}."""
        session = self.session.newSession()
        preamble, queries = named_queries(file_name)
        # The JVM's working directory is not Python's: the view gets the export's absolute path.
        preamble = preamble.replace("OPTIONS (path 'focus')", f"OPTIONS (path '{export_dir / 'focus'}')")
        for statement in [*statements(preamble), *then]:
            session.sql(statement)
        return {name: [row.asDict() for row in session.sql(sql).collect()] for name, sql in queries}

    def stop(self):
        self.session.stop()


def decimal_or_none(value):
    return None if value is None else Decimal(value)


def compare_amounts(context, report_amounts, row, failures):
    for measure in MEASURES:
        expected = decimal_or_none(report_amounts[measure])
        actual = row[measure]
        if expected != actual:
            failures.append(f"{context}: {measure} tcbill {expected}, the query {actual}")


def compare_groups(context, summary, rows, key_columns, failures):
    # Each checked dataset is in one currency, so its one section is the whole summary.
    groups = [group for section in summary["currencies"] for group in section["groups"]]
    expected_keys = [tuple(group["key"]) for group in groups]
    actual_keys = [tuple(row[column] for column in key_columns) for row in rows]
    if expected_keys != actual_keys:
        failures.append(f"{context}: groups tcbill {expected_keys}, the query {actual_keys}")
        return
    for group, row in zip(groups, rows):
        if group["row_count"] != row["row_count"]:
            failures.append(f"{context} {group['key']}: row_count {group['row_count']} vs {row['row_count']}")
        compare_amounts(f"{context} {group['key']}", group, row, failures)


def analyze(files, results):
    """tcbill's report of `files`, broken down by day and by every tag key the queries found."""
    tag_keys = sorted({row["tag_key"] for row in results["tag"]})
    by = ["day", *(f"tag:{key}" for key in tag_keys)]
    args = [arg for dimension in by for arg in ("--by", dimension)]
    return json.loads(tcbill("analyze", *files, "--json", *args))


def check_results(name, report, results):
    """Every total, group and package figure of one engine's results against tcbill's report."""
    cost = report["cost"]
    failures = []
    total = results["total"][0]
    if cost["row_count"] != total["row_count"]:
        failures.append(f"{name}: row_count {cost['row_count']} vs {total['row_count']}")
    if len(cost["currencies"]) != 1:
        failures.append(f"{name}: currencies {[c['currency'] for c in cost['currencies']]}, expected one")
    compare_amounts(f"{name} total", cost["currencies"][0]["total"], total, failures)
    compared = ["total"]
    for summary in cost["breakdowns"]:
        group_by = ",".join(summary["group_by"])
        context = f"{name} by {group_by}"
        if group_by.startswith("tag:"):
            key = group_by.removeprefix("tag:")
            rows = [row for row in results["tag"] if row["tag_key"] == key]
            compare_groups(context, summary, rows, ["tag_value"], failures)
            compared.append(group_by)
        else:
            compare_groups(context, summary, results[group_by], group_by.split(","), failures)
            compared.append(group_by)

    packages = {row["package_id"]: row for row in results["packages"]}
    for package_id, row in packages.items():
        for column, expected in EXPECTED_PACKAGES[package_id].items():
            if row[column] != expected:
                failures.append(f"{name} package {package_id}: {column} {row[column]}, expected {expected}")
        in_report = [p for p in report["packages"] if p["package_id"] == package_id]
        if not in_report:
            failures.append(f"{name} package {package_id}: not in tcbill's report")
    effective = results["effective"][0]
    purchases = sum((row["purchase_cost"] for row in packages.values()), Decimal(0))
    amortised = effective["AmortizedPackageCost"] or Decimal(0)
    expected_effective = Decimal(cost["currencies"][0]["total"]["RealTotalCost"]) - purchases + amortised
    if effective["EffectiveCost"] != expected_effective:
        failures.append(f"{name}: EffectiveCost {effective['EffectiveCost']}, expected {expected_effective}")
    compared.append("packages, EffectiveCost")
    return failures, compared, cost["currencies"][0]["total"]["RealTotalCost"]


# --- the comparison -------------------------------------------------------------------------

HISTORY_MONTHS = 12
# Each comparison set: its files (None: the generated history) and the periods compared, None for
# tcbill's default (the latest month against the one before it).
COMPARE_SETS = {
    f"{HISTORY_MONTHS}-month history": (None, [None, ("2025-01..2025-06", "2025-07..2025-12"), ("2025-03", "2025-12")]),
    "two months, every part": ([DATA / "l3-two-months.csv"], [None]),
    # Usage and package parts that end in exactly half a unit of the 8th decimal, where DOUBLE
    # arithmetic rounds either way: the exact last-digit step of the SQL must decide them.
    "rounding ties": ([DATA / "l3-rounding-ties.csv"], [None]),
}
COMPARED_MEASURES = ["RealTotalCost", "TotalCost"]
PARTS = [
    "new_resources",
    "removed_resources",
    "usage",
    "package_coverage",
    "price",
    "savings_plan",
    "reserved_instances",
    "refunds_adjustments",
    "no_usage_or_price",
    "rounding",
]
# Past this many differences per run, the rest are only counted.
SHOWN_DIFFERENCES = 20


def history(out):
    """The bills of a generated history with planted changes (tcbill-gen history)."""
    summary = json.loads(tcbill("history", "--months", HISTORY_MONTHS, "--out", out, binary=TCBILL_GEN))
    return [Path(file) for file in summary["files"]]


def compare_change(context, expected, row, failures):
    """One measure's a, b, change and parts in tcbill's JSON against one SQL row."""
    figures = [(field, expected[field]) for field in ("a", "b", "change")]
    figures += [(part, expected["parts"][part]) for part in PARTS]
    for field, value in figures:
        if Decimal(value) != row[field]:
            actual = row[field] if row[field] is None else f"{row[field]:f}"
            failures.append(f"{context} {field}: tcbill {value}, the query {actual}")


def expected_drivers(comparison):
    """tcbill's drivers, one (key, measure) row per measure it has, in tcbill's order."""
    rows = []
    for section in comparison["currencies"]:
        for driver in section["drivers"]:
            for measure in COMPARED_MEASURES:
                if measure in driver:
                    key = (section["currency"], driver["product"], driver["component"], driver["resource"])
                    rows.append((key, measure, driver))
    return rows


def check_comparison(context, comparison, results):
    """The SQL's periods, totals and drivers against `tcbill compare --json`; the differences."""
    failures = []
    periods = [row["months"] for row in results["periods"]]
    if periods != [comparison["a"], comparison["b"]]:
        failures.append(f"{context}: periods tcbill {comparison['a']} vs {comparison['b']}, the query {periods}")
    totals = {(row["currency"], row["measure"]): row for row in results["totals"]}
    currencies = {section["currency"] for section in comparison["currencies"]}
    if currencies != {currency for currency, _ in totals}:
        failures.append(f"{context}: currencies tcbill {sorted(currencies)}, the query "
                        f"{sorted({currency for currency, _ in totals})}")
    for section in comparison["currencies"]:
        for measure in COMPARED_MEASURES:
            row = totals.get((section["currency"], measure))
            if measure not in section or row is None:
                continue
            where = f"{context} total {section['currency']} {measure}"
            for field in ("rows_a", "rows_b"):
                if section[field] != row[field]:
                    failures.append(f"{where} {field}: tcbill {section[field]}, the query {row[field]}")
            compare_change(where, section[measure], row, failures)

    # Measures tcbill has no column for (TotalCost without 原价) are left out on both sides.
    expected = expected_drivers(comparison)
    measures = {(key[0], measure) for key, measure, _ in expected}
    actual = [row for row in results["drivers"] if (row["currency"], row["measure"]) in measures]
    expected_keys = [(key, measure) for key, measure, _ in expected]
    actual_keys = [((r["currency"], r["product"], r["component"], r["resource"]), r["measure"]) for r in actual]
    if expected_keys != actual_keys:
        missing = [key for key in expected_keys if key not in set(actual_keys)]
        extra = [key for key in actual_keys if key not in set(expected_keys)]
        first = next(i for i, pair in enumerate(zip(expected_keys + [None], actual_keys + [None])) if pair[0] != pair[1])
        failures.append(f"{context} drivers: tcbill has {len(expected_keys)} rows, the query {len(actual_keys)}; "
                        f"first difference at row {first + 1}: tcbill "
                        f"{expected_keys[first] if first < len(expected_keys) else 'nothing'}, the query "
                        f"{actual_keys[first] if first < len(actual_keys) else 'nothing'}; "
                        f"missing {missing[:5]}, extra {extra[:5]}")
    by_key = {key: row for key, row in zip(actual_keys, actual)}
    for (key, measure, driver) in expected:
        row = by_key.get((key, measure))
        if row is None:
            continue
        where = f"{context} driver {' / '.join(key)} {measure}"
        for field in ("status", "rows_a", "rows_b"):
            if driver[field] != row[field]:
                failures.append(f"{where} {field}: tcbill {driver[field]}, the query {row[field]}")
        compare_change(where, driver[measure], row, failures)
    return failures, len(expected)


def check_comparisons(engines, tmp):
    """Both engines' comparison SQL against `tcbill compare --json` on every COMPARE_SETS entry."""
    failures = []
    for index, (name, (files, period_choices)) in enumerate(COMPARE_SETS.items()):
        out = Path(tmp) / f"compare-{index}"
        files = files or history(out / "bills")
        tcbill("export", "--focus", *files, "--out", out / "focus", "--parquet")
        for periods in period_choices:
            args = ["--from", periods[0], "--to", periods[1]] if periods else []
            comparison = json.loads(tcbill("compare", *files, "--json", *args))
            for engine in engines:
                file_name = f"compare-{engine.name}.sql"
                results = engine.run(file_name, out, [engine.periods_view(periods)] if periods else [])
                context = f"{file_name} on {name}, {comparison['a']} vs {comparison['b']}"
                found, driver_rows = check_comparison(context, comparison, results)
                failures.extend(found)
                totals = ", ".join(
                    f"{section['currency']} {section['RealTotalCost']['change']}"
                    for section in comparison["currencies"] if "RealTotalCost" in section
                )
                status = f"FAILED ({len(found)} differences)" if found else "equal"
                print(f"{engine.name:8} {name}, {comparison['a']} vs {comparison['b']}: change of RealTotalCost "
                      f"{totals}; totals, periods and {driver_rows} driver rows × 10 parts {status}")
    return failures


# Two months exported one at a time into one directory: their decimal columns get different scales.
SEPARATE_MONTHS = [
    "账单月份,产品名称,资源ID,交易类型,组件用量,组件原价,优惠后总价\n2025-01,云服务器CVM,r-1,按量计费日结,3,1.5,1.5\n",
    "账单月份,产品名称,资源ID,交易类型,组件用量,组件原价,优惠后总价\n2025-02,云服务器CVM,r-1,按量计费日结,3,1.12345678,1.12345678\n",
]


def check_scale_guard(tmp):
    """DuckDB would read 1.12345678 as 1.1 after a partition of scale 1: both DuckDB files stop."""
    out = Path(tmp) / "separate-months"
    for index, text in enumerate(SEPARATE_MONTHS):
        bill = out / f"month-{index}.csv"
        bill.parent.mkdir(parents=True, exist_ok=True)
        bill.write_text(text)
        tcbill("export", "--focus", bill, "--out", out / "focus", "--parquet")
    failures = []
    for file_name in ["focus-duckdb.sql", "compare-duckdb.sql"]:
        try:
            DuckDB().run(file_name, out)
            failures.append(f"{file_name} read partitions of different decimal scales without stopping")
        except Exception as error:  # duckdb.InvalidInputException, from error() in the SQL
            if "different decimal scales" not in str(error):
                failures.append(f"{file_name} on partitions of different scales: {error}")
    print(f"duckdb   months exported one at a time: {'FAILED' if failures else 'both files stop'} "
          "(their decimal scales differ)")
    return failures


def main():
    failures = []
    failing_rules = {}
    statuses = Counter()
    file_count = 0
    engines = [DuckDB(), Spark()]
    with tempfile.TemporaryDirectory(prefix="tcbill-focus-") as tmp:
        for index, (name, files) in enumerate(SETS.items()):
            out = Path(tmp) / str(index)
            csv_files = export(files, out)
            set_failing, set_statuses = validate(csv_files)
            statuses += set_statuses
            file_count += len(csv_files)
            for rule, paths in set_failing.items():
                failing_rules.setdefault(rule, []).extend(f"{name}: {p.parent.name}" for p in paths)
            report = None
            for engine in engines:
                results = engine.run(f"focus-{engine.name}.sql", out)
                report = report or analyze(files, results)
                set_failures, compared, real_total = check_results(f"{engine.name} {name}", report, results)
                failures.extend(set_failures)
                status = "FAILED" if set_failures else "equal"
                print(f"{engine.name:8} {name}: {len(csv_files)} month(s), RealTotalCost {real_total}; "
                      f"{status}: {', '.join(compared)}")
        failures.extend(check_comparisons(engines, tmp))
        failures.extend(check_scale_guard(tmp))
    for engine in engines:
        engine.stop()
    unexpected = {rule: where for rule, where in failing_rules.items() if rule not in ALLOWED_FAILURES}
    stale = sorted(set(ALLOWED_FAILURES) - set(failing_rules))
    allowed = sorted(set(ALLOWED_FAILURES) & set(failing_rules))
    counts = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    print(f"validator FOCUS 1.0 on {file_count} CSV files: {counts} (rule × file); "
          f"allowed failures: {', '.join(allowed)}")
    for rule, where in sorted(unexpected.items()):
        failures.append(f"focus-validator rule {rule} failed ({'; '.join(where)})")
    for rule in stale:
        failures.append(f"focus-validator rule {rule} is allow-listed but passes everywhere: remove it")
    for failure in failures[:SHOWN_DIFFERENCES]:
        print(f"FAIL {failure}")
    if len(failures) > SHOWN_DIFFERENCES:
        print(f"FAIL ... and {len(failures) - SHOWN_DIFFERENCES} more")
    if failures:
        sys.exit(1)
    print("FOCUS checks passed")


if __name__ == "__main__":
    main()
