// The twelve-month benchmark of issue #12 ("twelve monthly L3 files of 100k rows each dropped
// together: all loaded, memory <= 0.5x their total size"): in headless Chromium, drops every FILE
// on the release app's drop zone at once (one DataTransfer of disk-backed Files), waits until
// the worker is idle and the page has rendered the report, and prints the files' total size, the
// time from the drop to the report shown, the rows the page lists, and the peak wasm memory of
// the workers against the total. Prints figures only; nothing is asserted on time.
//
//   node bench/months.mjs FILE...        (scripts/bench.sh --months N generates and runs it)
//
// TCBILL_BENCH_PART_WORKERS=N fixes how many workers read each file, as in bench/browser.mjs.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { serveDist, launchBrowser } from '../e2e/harness.mjs';
import { MiB, openApp, dropFiles, waitUntilShown, workersMemory } from './app-run.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/months.mjs FILE...');
  process.exit(2);
}
const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
const total = sizes.reduce((a, b) => a + b, 0);

const server = await serveDist();
const browser = await launchBrowser();
try {
  const { page, worker, errors, wasmBytes } = await openApp(browser, server.url);
  const memoryBefore = await wasmBytes();
  const start = await dropFiles(page, files);
  const timing = await waitUntilShown(page, worker, start, files.length);
  const memoryAfter = await wasmBytes();
  const memory = await workersMemory(worker, memoryAfter);
  if (!(await page.$('#tab-files[aria-selected="true"]'))) await page.click('#tab-files');
  const rows = await page.$$eval('.file-table tbody', (bodies) =>
    bodies.map((body) => [...body.rows[0].cells].slice(0, 5).map((td) => td.textContent)),
  );

  const line = (label, value) => console.log(`${label.padEnd(44)} ${value}`);
  console.log(`\n=== twelve-month benchmark: ${files.length} files dropped together`);
  line('files', files.map((file) => basename(file)).join(', '));
  line('total size', `${(total / MiB).toFixed(1)} MiB (${total} bytes)`);
  line('chromium', browser.version());
  line('files listed by the page', `${rows.length} (${rows.map((cells) => cells[3]).join(', ')} rows read)`);
  line('drop -> last file parsed', `${timing.parsedSeconds.toFixed(2)} s`);
  line('drop -> report shown', `${timing.seconds.toFixed(2)} s = ${(total / MiB / timing.seconds).toFixed(1)} MiB/s`);
  line(
    'peak wasm memory (file worker)',
    `${(memoryAfter / MiB).toFixed(1)} MiB = ${(memoryAfter / total).toFixed(2)}x the total (${(memoryBefore / MiB).toFixed(1)} MiB before the drop)`,
  );
  if (memory.parts.length > 0) {
    const share = (bytes) => `${(bytes / MiB).toFixed(1)} MiB = ${(bytes / total).toFixed(2)}x the total`;
    line('    the last file\'s part workers', memory.parts.map((bytes) => `${(bytes / MiB).toFixed(1)} MiB`).join(', '));
    line('    file worker + those, summed', share(memory.summed));
    line('    all workers at once', share(memory.atOnce));
  } else {
    line('    part workers', 'none (each file read whole in the file worker)');
  }
  if (errors.length > 0) line('page errors', errors.join('; '));
} finally {
  await browser.close();
  server.close();
}
