// What the browser benchmarks share (bench/browser.mjs, bench/months.mjs): open the release app
// with its worker messages, DOM changes and long tasks recorded, drop files from disk on it, and
// time the drop until the page has shown what the worker said.
export const MiB = 1024 * 1024;

/** Runs in the page before the app: records long tasks, worker messages and DOM changes. */
function instrument() {
  const bench = { longTasks: [], messages: [], lastMutation: 0, mutations: [] };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      // Registered before the app's onmessage, so it sees each message first. A worker message
      // is `{message: JSON text}` (protocol.rs, FromWorker::to_js).
      this.addEventListener('message', (event) => {
        const text = typeof event.data?.message === 'string' ? event.data.message : '';
        const kind = text.startsWith('"') ? text.slice(1, -1) : text.slice(2, text.indexOf('"', 2));
        bench.messages.push([kind, performance.now()]);
      });
    }
  };
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      bench.lastMutation = performance.now();
      bench.mutations.push(bench.lastMutation);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/**
 * The app in a new page of `browser`, its worker started and ready, as when a file is dragged into
 * the window (the page starts the worker at the first such sign: src/page/parsing.rs), so the
 * timings below are the worker's, not its download: `{ page, worker, errors, wasmBytes }`
 * (`wasmBytes()`: the file worker's wasm memory now, its peak since memory never shrinks).
 * TCBILL_BENCH_PART_WORKERS=N fixes how many workers read a big file.
 */
export async function openApp(browser, url, pageOptions = {}) {
  const page = await browser.newPage(pageOptions);
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.addInitScript(instrument);
  await page.goto(url);
  await page.waitForSelector('.drop-zone');
  await page.dispatchEvent('body', 'dragenter');
  await page.waitForFunction(() => window.__bench.messages.some(([kind]) => kind === 'Ready'));
  const worker = page.workers()[0];
  const wasmBytes = () => worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
  const partWorkers = process.env.TCBILL_BENCH_PART_WORKERS;
  if (partWorkers) await worker.evaluate((workers) => (self.tcbill_parts = { workers }), Number(partWorkers));
  return { page, worker, errors, wasmBytes };
}

/**
 * Drops the files at `paths` on the app at once, as disk-backed `File`s (Playwright passes the
 * paths, not the bytes; they stay in the page's `#bench-input`); returns the drop's time.
 */
export async function dropFiles(page, paths) {
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-input', multiple: true });
    input.style.display = 'none';
    document.body.append(input);
  });
  await page.setInputFiles('#bench-input', paths);
  return page.evaluate(() => {
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
}

/**
 * Waits until `files` files dropped at `start` are parsed, the worker is idle and the page has
 * been quiet for a second; returns `{ parsedSeconds, seconds, kinds, longTasks, start, end, quiet }`: the drop to the
 * last Parsed message and to the page's last change, the message kinds seen, the main thread's long tasks from the
 * drop until the page was quiet (`quiet`, a second after `end`: they include the frames that paint the last change).
 */
export async function waitUntilShown(page, worker, start, files) {
  await page.waitForFunction(
    ([start, files]) => window.__bench.messages.filter(([kind, at]) => kind === 'Parsed' && at >= start).length >= files,
    [start, files],
    { timeout: 0, polling: 100 },
  );
  // The worker answers this only once it is idle: after the analyses and the report message.
  await worker.evaluate(() => 0);
  // Then the page is quiet once it has rendered what the worker said.
  await page.waitForFunction(
    () => {
      const { lastMutation, messages } = window.__bench;
      return performance.now() - Math.max(lastMutation, messages[messages.length - 1][1]) > 1000;
    },
    null,
    { timeout: 0, polling: 200 },
  );
  return page.evaluate((start) => {
    const { lastMutation, messages, longTasks } = window.__bench;
    const after = messages.filter(([, at]) => at >= start);
    const parsed = after.filter(([kind]) => kind === 'Parsed');
    const end = Math.max(lastMutation, after[after.length - 1][1]);
    // The frame that paints the last change starts after it: long tasks are counted until the
    // page went quiet, not until its last change.
    const quiet = performance.now();
    return {
      parsedSeconds: (parsed[parsed.length - 1][1] - start) / 1000,
      seconds: (end - start) / 1000,
      kinds: [...new Set(after.map(([kind]) => kind))],
      longTasks: longTasks.filter(([at]) => at >= start && at <= quiet),
      start,
      end,
      quiet,
    };
  }, start);
}

/**
 * The wasm memory of all workers, given the file worker's peak now: `parts`, each part worker's
 * peak for the last file read in parts (`[]` if none); `summed`, every peak added as if they
 * coincided; `atOnce`, the most held at one time: the file worker's peak, or what it held when
 * the last part arrived (wasm memory only grows, so no more while a part worker lived) plus the
 * part workers' peaks, whichever is more. Only the last file's part workers are known; files are
 * read one after another, so earlier teams were gone before it started.
 */
export async function workersMemory(worker, fileWorkerPeak) {
  const last = await worker.evaluate(() => self.tcbill_parts_last ?? null);
  const parts = last?.memory ?? [];
  const partsPeak = parts.reduce((a, b) => a + b, 0);
  return {
    parts,
    summed: fileWorkerPeak + partsPeak,
    atOnce: Math.max(fileWorkerPeak, (last?.memory_while_parts_lived ?? 0) + partsPeak),
  };
}

/**
 * The steps of the last file's way through the workers (src/worker/phases.rs), in seconds from
 * the drop at `start` (the page's clock), with the page's receipt of each worker message but
 * progress (the `Summary` the page asks for with each report too), its DOM changes after the
 * `Report` (one per MutationObserver call) and its last change: lines to print.
 */
export async function phaseLines(page, worker, start, end) {
  const phases = await worker.evaluate(() => self.tcbill_phases ?? null);
  if (!phases) return ['    (no phases recorded)'];
  const { origin, messages } = await page.evaluate(() => ({ origin: performance.timeOrigin, messages: window.__bench.messages }));
  const dropAt = origin + start;
  const marks = phases.marks.map(([label, at]) => [label, at - dropAt]);
  for (const [kind, at] of messages) {
    if (at >= start && kind !== 'Progress') marks.push([`page: ${kind} message received`, at - start]);
  }
  // The page's DOM changes after the report arrived (one mark per MutationObserver call).
  const reportAt = messages.find(([kind, at]) => kind === 'Report' && at >= start)?.[1];
  if (reportAt !== undefined) {
    const changes = await page.evaluate(() => window.__bench.mutations);
    for (const at of changes) if (at > reportAt && at <= end) marks.push(['page: DOM changed', at - start]);
  }
  marks.push(['page: last change (report shown)', end - start]);
  marks.sort((a, b) => a[1] - b[1]);
  const lines = ['    steps (s after the drop)'];
  let previous = 0;
  for (const [label, ms] of marks) {
    lines.push(`      ${(ms / 1000).toFixed(3).padStart(7)}  (+${((ms - previous) / 1000).toFixed(3)})  ${label}`);
    previous = ms;
  }
  lines.push('    time summed over slices (s)');
  for (const [label, ms] of phases.sums) lines.push(`      ${(ms / 1000).toFixed(3).padStart(7)}  ${label}`);
  return lines;
}
