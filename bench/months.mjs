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

const MiB = 1024 * 1024;
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/months.mjs FILE...');
  process.exit(2);
}
const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
const total = sizes.reduce((a, b) => a + b, 0);

/** Runs in the page before the app: records worker messages and DOM changes. */
function instrument() {
  const bench = { messages: [], lastMutation: 0 };
  window.__bench = bench;
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        // A worker message is `{message: JSON text}` (protocol.rs, FromWorker::to_js).
        const text = typeof event.data?.message === 'string' ? event.data.message : '';
        const kind = text.startsWith('"') ? text.slice(1, -1) : text.slice(2, text.indexOf('"', 2));
        bench.messages.push([kind, performance.now()]);
      });
    }
  };
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      bench.lastMutation = performance.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const server = await serveDist();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.addInitScript(instrument);
  await page.goto(server.url);
  await page.waitForSelector('.drop-zone');
  await page.waitForFunction(() => window.__bench.messages.some(([kind]) => kind === 'Ready'));
  const worker = page.workers()[0];
  const wasmBytes = () => worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
  const memoryBefore = await wasmBytes();
  const partWorkers = process.env.TCBILL_BENCH_PART_WORKERS;
  if (partWorkers) await worker.evaluate((workers) => (self.tcbill_parts = { workers }), Number(partWorkers));

  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-input', multiple: true });
    input.style.display = 'none';
    document.body.append(input);
  });
  await page.setInputFiles('#bench-input', files);
  const start = await page.evaluate(() => {
    const transfer = new DataTransfer();
    for (const file of document.getElementById('bench-input').files) transfer.items.add(file);
    const zone = document.querySelector('.drop-zone');
    const fire = (type) => zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    const start = performance.now();
    fire('dragenter');
    fire('dragover');
    fire('drop');
    return start;
  });
  // Every file parsed: one Parsed message each.
  await page.waitForFunction(
    ([start, count]) => window.__bench.messages.filter(([kind, at]) => kind === 'Parsed' && at >= start).length >= count,
    [start, files.length],
    { timeout: 0, polling: 200 },
  );
  // The worker answers only once idle (after the last report), then the page must go quiet.
  await worker.evaluate(() => 0);
  await page.waitForFunction(
    () => {
      const { lastMutation, messages } = window.__bench;
      return performance.now() - Math.max(lastMutation, messages[messages.length - 1][1]) > 1000;
    },
    null,
    { timeout: 0, polling: 200 },
  );
  const timing = await page.evaluate((start) => {
    const { lastMutation, messages } = window.__bench;
    const after = messages.filter(([, at]) => at >= start);
    const parsed = after.filter(([kind]) => kind === 'Parsed');
    return {
      parsedSeconds: (parsed[parsed.length - 1][1] - start) / 1000,
      seconds: (Math.max(lastMutation, after[after.length - 1][1]) - start) / 1000,
    };
  }, start);
  const memoryAfter = await wasmBytes();
  const parts = await worker.evaluate(() => self.tcbill_parts_last ?? null);
  const partMemory = parts?.memory ?? [];
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
  if (partMemory.length > 0) {
    const all = memoryAfter + partMemory.reduce((a, b) => a + b, 0);
    line('    the last file\'s part workers', partMemory.map((bytes) => `${(bytes / MiB).toFixed(1)} MiB`).join(', '));
    line('    file worker + those, summed', `${(all / MiB).toFixed(1)} MiB = ${(all / total).toFixed(2)}x the total`);
  } else {
    line('    part workers', 'none (each file read whole in the file worker)');
  }
  if (errors.length > 0) line('page errors', errors.join('; '));
} finally {
  await browser.close();
  server.close();
}
