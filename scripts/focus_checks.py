"""tcbill's FOCUS export checked by tools tcbill does not control.

For each set of fixture bills, `tcbill export --focus` writes CSV and Parquet; then
1. the FinOps Foundation's focus-validator checks every CSV file against FOCUS 1.0 and any failing
   rule outside ALLOWED_FAILURES fails the run (as does an allowed rule that no longer fails
   anywhere: the allow-list must stay true);
2. DuckDB runs crates/tcbill-cli/queries/focus-duckdb.sql, and Spark (pyspark in local mode, the
   Java runtime from scripts/setup.sh) runs focus-spark.sql, over the Parquet export, and every
   total and group must equal `tcbill analyze --json` to the last digit (Decimal, never float).

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


def tcbill(*args):
    return subprocess.run([str(TCBILL), *map(str, args)], check=True, capture_output=True, text=True).stdout


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


class DuckDB:
    name = "duckdb"

    def run(self, export_dir):
        """Every named query of focus-duckdb.sql over export_dir/focus, as {name: list of row dicts}."""
        import duckdb

        connection = duckdb.connect()
        preamble, queries = named_queries("focus-duckdb.sql")
        os.chdir(export_dir)  # the view reads the relative path focus/
        try:
            connection.execute(preamble)
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
    """One local Spark session for every set: starting the JVM is most of Spark's time here."""

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

    def run(self, export_dir):
        """Every named query of focus-spark.sql over export_dir/focus, as {name: list of row dicts}."""
        preamble, queries = named_queries("focus-spark.sql")
        # The JVM's working directory is not Python's: the view gets the export's absolute path.
        preamble = preamble.replace("OPTIONS (path 'focus')", f"OPTIONS (path '{export_dir / 'focus'}')")
        for statement in statements(preamble):
            self.session.sql(statement)
        return {name: [row.asDict() for row in self.session.sql(sql).collect()] for name, sql in queries}

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
                results = engine.run(out)
                report = report or analyze(files, results)
                set_failures, compared, real_total = check_results(f"{engine.name} {name}", report, results)
                failures.extend(set_failures)
                status = "FAILED" if set_failures else "equal"
                print(f"{engine.name:8} {name}: {len(csv_files)} month(s), RealTotalCost {real_total}; "
                      f"{status}: {', '.join(compared)}")
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
    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        sys.exit(1)
    print("FOCUS checks passed")


if __name__ == "__main__":
    main()
