// DuckDB-WASM in the benchmark page (issue #12, item 5). scripts/bench.sh bundles this file with
// esbuild (DuckDB's browser module imports apache-arrow by bare name, which a page cannot resolve)
// into one script that bench/browser.mjs adds to the page; the eh worker and wasm are served from
// the same loopback server, never a CDN.
import * as duckdb from '@duckdb/duckdb-wasm';

/** The exact group-by: 优惠后总价 (RealTotalCost) read as DECIMAL, summed per 产品名称. */
const QUERY = `
WITH groups AS (
  SELECT "产品名称" AS product, count(*) AS n, sum("优惠后总价") AS total
  FROM read_csv('bill.csv', header = true, types = {'优惠后总价': 'DECIMAL(38, 8)'})
  GROUP BY product)
SELECT sum(n)::BIGINT AS rows, count(*)::BIGINT AS groups, sum(total)::VARCHAR AS total FROM groups`;

/**
 * Starts the engine (timed apart: a page pays it once), then times read_csv plus the group-by on
 * the page's `File`. `base` is the URL of the directory holding the eh worker and wasm.
 */
async function run(file, base) {
  const startedAt = performance.now();
  const worker = new Worker(`${base}duckdb-browser-eh.worker.js`);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(`${base}duckdb-eh.wasm`);
  const connection = await db.connect();
  const version = await db.getVersion();
  const start = performance.now();
  await db.registerFileHandle('bill.csv', file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  const result = await connection.query(QUERY);
  const end = performance.now();
  const row = result.toArray()[0].toJSON();
  await connection.close();
  await db.terminate();
  return {
    version,
    engineSeconds: (start - startedAt) / 1000,
    seconds: (end - start) / 1000,
    rows: Number(row.rows),
    groups: Number(row.groups),
    total: row.total,
    start,
    end,
  };
}

window.tcbillBenchDuckdb = run;
