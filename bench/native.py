"""The native benchmark (issue #12, item 5): `tcbill analyze --json` (the full report) against
DuckDB (Python, exact DECIMAL) and pandas (two columns, float) grouping 优惠后总价 (RealTotalCost)
by 产品名称 on the same CSV. Each runs in a child process of its own, so each peak resident set
is its own; DuckDB's and pandas' times are their query alone (interpreter start and import not
counted), tcbill's is the whole process. Prints figures only; nothing is asserted on time.

    python bench/native.py FILE TCBILL_BIN [GENERATOR_SUMMARY_JSON]   (scripts/bench.sh runs it)
"""

import json
import os
import subprocess
import sys
import tempfile
import time

MIB = 1024 * 1024
PRODUCT, COST = "产品名称", "优惠后总价"


def duckdb_group_by(path):
    import duckdb

    connection = duckdb.connect()
    start = time.perf_counter()
    rows, groups, total = connection.execute(
        f"""
        WITH groups AS (
          SELECT "{PRODUCT}" AS product, count(*) AS n, sum("{COST}") AS total
          FROM read_csv(?, header = true, types = {{'{COST}': 'DECIMAL(38, 8)'}})
          GROUP BY product)
        SELECT sum(n)::BIGINT, count(*), sum(total)::VARCHAR FROM groups""",
        [path],
    ).fetchone()
    seconds = time.perf_counter() - start
    threads = connection.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"seconds": seconds, "rows": rows, "groups": groups, "total": total,
            "engine": f"DuckDB {duckdb.__version__}, {threads} threads"}


def pandas_group_by(path):
    import pandas

    start = time.perf_counter()
    frame = pandas.read_csv(path, usecols=[PRODUCT, COST])
    totals = frame.groupby(PRODUCT)[COST].sum()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(frame), "groups": len(totals),
            "total": repr(float(totals.sum())), "engine": f"pandas {pandas.__version__}, float64"}


ENGINES = {"duckdb": duckdb_group_by, "pandas": pandas_group_by}


def child(argv):
    """Runs argv; returns (wall seconds, peak resident set in KiB, standard output)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{argv[0]} failed with status {status}")
    return seconds, usage.ru_maxrss, out


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ENGINES:
        print(json.dumps(ENGINES[sys.argv[1]](sys.argv[2])))
        return
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    path, tcbill = sys.argv[1], sys.argv[2]
    generated = json.loads(sys.argv[3]) if len(sys.argv) == 4 else {}
    size = os.path.getsize(path)
    line = lambda label, value: print(f"{label:<44} {value}")

    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "report.json")
        tcbill_seconds, tcbill_kib, _ = child([tcbill, "analyze", f"--json={report}", path])
        with open(report, encoding="utf-8") as file:
            report_text = file.read()
    expected = generated.get("real_total_cost")
    results = {}
    for name in ENGINES:
        _, kib, out = child([sys.executable, __file__, name, path])
        results[name] = dict(json.loads(out), kib=kib)

    mibs = lambda seconds: f"{seconds:.2f} s = {size / MIB / seconds:.1f} MiB/s"
    print(f"\n=== native benchmark: {path}")
    line("file", f"{size / MIB:.1f} MiB, {generated.get('rows', '?')} rows (seed {generated.get('seed', '?')})")
    line("generated RealTotalCost (exact)", expected or "?")
    print()
    line("tcbill analyze --json (full report)", mibs(tcbill_seconds))
    line("    peak resident set", f"{tcbill_kib / 1024:.1f} MiB ({100 * tcbill_kib * 1024 / size:.0f} % of the file)")
    if expected:
        line("    report holds the generated total", "yes" if f'"{expected}' in report_text else "NO")
    for name, result in results.items():
        line(f"{result['engine']} group-by", f"{mibs(result['seconds'])}, {result['rows']} rows, {result['groups']} groups, total {result['total']}")
        line("    peak resident set", f"{result['kib'] / 1024:.1f} MiB")
    for name, result in results.items():
        line(f"ratio tcbill/{name} (throughput)", f"{result['seconds'] / tcbill_seconds:.2f}x")


if __name__ == "__main__":
    main()
