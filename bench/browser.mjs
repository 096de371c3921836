// The browser benchmark (issues #7 and #12): in one page load of the release build, in headless
// Chromium, times (a) tcbill's full path on a generated bill (File dropped -> worker -> parse ->
// analyses -> report shown), then (b) Papa Parse and (c) uDSV streaming the same File with typed
// values plus a JavaScript group-by of 优惠后总价 (RealTotalCost) by 产品名称, and (d) DuckDB-WASM
// (eh build) running read_csv and the same group-by with exact DECIMALs on the same File. Prints
// figures only; nothing is asserted on time, since these machines are shared and noisy.
//
//   node bench/browser.mjs FILE [GENERATOR_SUMMARY_JSON]     (scripts/bench.sh does all of it)
//
// TCBILL_BENCH_PART_WORKERS=N fixes how many workers read the file (1: whole, in the file's
// worker, as before item 3; unset: the app's choice, min(cores, 4) from 16 MiB on).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { DIST, ROOT, serveDist, launchBrowser } from '../e2e/harness.mjs';
import { initialLoad, initialLoadLines } from './initial-load.mjs';
import { MiB, openApp, dropFiles, waitUntilShown, workersMemory, phaseLines } from './app-run.mjs';

const [file, summaryJson] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/browser.mjs FILE [GENERATOR_SUMMARY_JSON]');
  process.exit(2);
}
const generated = summaryJson ? JSON.parse(summaryJson) : null;
const size = (await stat(file)).size;

/** The longest main-thread block (ms) that started within [from, to]. */
function longestBlock(longTasks, from, to) {
  return longTasks.filter(([start]) => start >= from && start <= to).reduce((max, [, d]) => Math.max(max, d), 0);
}

// DuckDB's browser module imports apache-arrow by bare name: bundle it into one script (in memory);
// its eh worker and wasm are served from node_modules by the same loopback server as the app.
const DUCKDB_DIST = join(ROOT, 'node_modules/@duckdb/duckdb-wasm/dist');
const duckdbVersion = JSON.parse(await readFile(join(DUCKDB_DIST, '../package.json'), 'utf8')).version;
const duckdbBundle = await build({
  entryPoints: [join(ROOT, 'bench/duckdb-page.mjs')],
  bundle: true,
  format: 'iife',
  write: false,
  logLevel: 'warning',
});

const server = await serveDist({ '__bench/duckdb/': DUCKDB_DIST });
const browser = await launchBrowser();
try {
  // uDSV compiles its row parser with `new Function`, which the app's Content-Security-Policy forbids
  // (no 'unsafe-eval'); bypassing the CSP lets the JS parsers run in the same page. tcbill needs none.
  const { page, worker, errors, wasmBytes } = await openApp(browser, server.url, { bypassCSP: true });
  const memoryBefore = await wasmBytes();

  // (a) tcbill: drop, then wait for the worker's answers and the page's rendering of them.
  const start = await dropFiles(page, [file]);
  const tcbill = await waitUntilShown(page, worker, start, 1);
  const memoryAfter = await wasmBytes();
  const parts = await worker.evaluate(() => self.tcbill_parts_last ?? null);
  const memory = await workersMemory(worker, memoryAfter);
  const steps = await phaseLines(page, worker, tcbill.start, tcbill.end);
  const workerWasmFetches = server.requests.filter((path) => /tcbill-worker.*\.wasm$/.test(path)).length;
  // Once a file is read the page turns to Overview, whose money elements keep the exact amount in
  // their title: the generated RealTotalCost must be among them, to the last digit.
  const exactTotalShown = await page.evaluate(
    (total) => total !== null && [...document.querySelectorAll('[title]')].some((element) => element.title.includes(total)),
    generated?.real_total_cost ?? null,
  );

  // (b) and (c) from node_modules, never from a CDN.
  await page.addScriptTag({ path: join(ROOT, 'node_modules/papaparse/papaparse.min.js') });
  await page.addScriptTag({ path: join(ROOT, 'node_modules/udsv/dist/uDSV.iife.min.js') });

  const papa = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const file = document.getElementById('bench-input').files[0];
        const totals = new Map();
        let rows = 0;
        const start = performance.now();
        Papa.parse(file, {
          header: true,
          dynamicTyping: true,
          skipEmptyLines: true,
          chunk(results) {
            for (const row of results.data) {
              const product = row['产品名称'];
              totals.set(product, (totals.get(product) ?? 0) + (row['优惠后总价'] || 0));
            }
            rows += results.data.length;
          },
          complete() {
            const end = performance.now();
            resolve({ seconds: (end - start) / 1000, rows, totals: [...totals], start, end });
          },
          error: (error) => reject(String(error)),
        });
      }),
  );

  const udsv = await page.evaluate(async () => {
    const file = document.getElementById('bench-input').files[0];
    const totals = new Map();
    let rows = 0;
    let parser = null;
    let product = -1;
    let cost = -1;
    const add = (row) => {
      rows += 1;
      totals.set(row[product], (totals.get(row[product]) ?? 0) + (row[cost] || 0));
    };
    const start = performance.now();
    for await (const text of file.stream().pipeThrough(new TextDecoderStream())) {
      if (!parser) {
        parser = uDSV.initParser(uDSV.inferSchema(text));
        const names = parser.schema.cols.map((col) => col.name);
        product = names.indexOf('产品名称');
        cost = names.indexOf('优惠后总价');
      }
      parser.chunk(text, parser.typedArrs, add);
    }
    parser.end();
    const end = performance.now();
    return { seconds: (end - start) / 1000, rows, totals: [...totals], start, end };
  });
  // (d) DuckDB-WASM: engine started first (not counted), then read_csv + the DECIMAL group-by.
  await page.addScriptTag({ content: duckdbBundle.outputFiles[0].text });
  const duck = await page.evaluate(
    (base) => window.tcbillBenchDuckdb(document.getElementById('bench-input').files[0], base),
    `${server.url}__bench/duckdb/`,
  );
  const longTasks = await page.evaluate(() => window.__bench.longTasks);

  // Initial load: what a first visit downloads, gzipped.
  const load = await initialLoad(DIST);

  const mibs = (seconds) => size / MiB / seconds;
  const sum = (totals) => totals.reduce((acc, [, value]) => acc + value, 0);
  const line = (label, value) => console.log(`${label.padEnd(44)} ${value}`);
  console.log(`\n=== browser benchmark: ${file}`);
  line('file', `${(size / MiB).toFixed(1)} MiB, ${generated?.rows ?? '?'} rows (seed ${generated?.seed ?? '?'})`);
  line('generated RealTotalCost (exact)', generated?.real_total_cost ?? '?');
  line('chromium', await browser.version());
  console.log('');
  line('(a) tcbill: drop -> report shown', `${tcbill.seconds.toFixed(2)} s = ${mibs(tcbill.seconds).toFixed(1)} MiB/s`);
  line('    of which drop -> parsed', `${tcbill.parsedSeconds.toFixed(2)} s = ${mibs(tcbill.parsedSeconds).toFixed(1)} MiB/s`);
  line('    worker messages seen', tcbill.kinds.join(', '));
  line('    exact generated total on the page', generated ? (exactTotalShown ? 'yes' : 'NO') : '?');
  line('    read in parts', parts ? `${parts.parts} parts, ${parts.joined ? 'joined' : 'refused: read whole'}` : 'no: read whole by the file worker');
  line('    peak wasm memory (file worker)', `${(memoryAfter / MiB).toFixed(1)} MiB (${((100 * memoryAfter) / size).toFixed(0)} % of the file; ${(memoryBefore / MiB).toFixed(1)} MiB before the drop)`);
  if (memory.parts.length) {
    const share = (bytes) => `${(bytes / MiB).toFixed(1)} MiB (${((100 * bytes) / size).toFixed(0)} % of the file)`;
    line('    peak wasm memory (part workers)', memory.parts.map((bytes) => `${(bytes / MiB).toFixed(1)} MiB`).join(', '));
    line('    peak wasm memory, all workers summed', share(memory.summed));
    line('    peak wasm memory, all workers at once', share(memory.atOnce));
  }
  line('    worker wasm fetched from the server', `${workerWasmFetches} times`);
  line('    main thread longest block during the run', `${longestBlock(tcbill.longTasks, tcbill.start, tcbill.quiet).toFixed(0)} ms (${tcbill.longTasks.length} long tasks)`);
  for (const step of steps) console.log(step);
  line('(b) Papa Parse 5.7.1 stream + group-by', `${papa.seconds.toFixed(2)} s = ${mibs(papa.seconds).toFixed(1)} MiB/s, ${papa.rows} rows, total ${sum(papa.totals).toFixed(2)}`);
  line('    main thread longest block', `${longestBlock(longTasks, papa.start, papa.end).toFixed(0)} ms`);
  line('(c) uDSV 0.7.3 stream + group-by', `${udsv.seconds.toFixed(2)} s = ${mibs(udsv.seconds).toFixed(1)} MiB/s, ${udsv.rows} rows, total ${sum(udsv.totals).toFixed(2)}`);
  line('    main thread longest block', `${longestBlock(longTasks, udsv.start, udsv.end).toFixed(0)} ms`);
  line(`(d) DuckDB-WASM ${duckdbVersion} eh read_csv + DECIMAL group-by`, `${duck.seconds.toFixed(2)} s = ${mibs(duck.seconds).toFixed(1)} MiB/s, ${duck.rows} rows, ${duck.groups} groups, total ${duck.total}`);
  line('    engine start (not counted)', `${duck.engineSeconds.toFixed(2)} s (DuckDB ${duck.version})`);
  line('    main thread longest block', `${longestBlock(longTasks, duck.start, duck.end).toFixed(0)} ms`);
  line('ratio tcbill/Papa (throughput)', `${(papa.seconds / tcbill.seconds).toFixed(2)}x`);
  line('ratio tcbill/uDSV (throughput)', `${(udsv.seconds / tcbill.seconds).toFixed(2)}x`);
  line('ratio tcbill/DuckDB-WASM (throughput)', `${(duck.seconds / tcbill.seconds).toFixed(2)}x`);
  for (const [label, value] of initialLoadLines(load)) line(label, value);
  if (errors.length) line('page errors', errors.join(' | '));
} finally {
  await browser.close();
  server.close();
}
