// tcbill alone in the browser, build against build: drops FILE on a fresh page load of each built
// app (a dist/ directory each, served in turn on loopback), RUNS times, alternating the builds so
// that the machine's load falls on each alike; prints, for every run, drop -> report shown, drop
// -> parsed, whether the exact generated total is on the page, the wasm memory of all workers at
// once, the main thread's longest block, and the steps of the file's way through the workers
// (src/worker/phases.rs: Blob slice reads, parsing, the parts' bytes and their join, the report,
// its digest) and the page (each worker message, each DOM change after the report).
// Then each build's median. BENCHMARKS.md's issue #12 sections of 2026-12-03 use it.
//
//   node bench/phases.mjs FILE GENERATOR_SUMMARY_JSON RUNS DIST [DIST ...]
//
// A DIST may end in `::{JSON}`: knobs set on the file worker before the drop (merged into
// `self.tcbill_parts`, src/worker/parts.rs's `Knobs`), so one build is run several ways, e.g.
// `dist '::{"spare":false}'`. TCBILL_BENCH_SETTLE_MS=N drops N ms after the worker said it is
// ready (0 by default: at once), as a user's drag into the window takes a while after its start.
import { stat } from 'node:fs/promises';
import { serveDist, launchBrowser } from '../e2e/harness.mjs';
import { MiB, openApp, dropFiles, waitUntilShown, workersMemory, phaseLines } from './app-run.mjs';

const [file, summaryJson, runsArg, ...dists] = process.argv.slice(2);
if (!file || !summaryJson || !runsArg || !dists.length) {
  console.error('usage: node bench/phases.mjs FILE GENERATOR_SUMMARY_JSON RUNS DIST [DIST ...]');
  process.exit(2);
}
const generated = JSON.parse(summaryJson);
const size = (await stat(file)).size;
const runs = Number(runsArg);
const results = new Map(dists.map((dist) => [dist, []]));
const load = async () => (await import('node:fs/promises')).readFile('/proc/loadavg', 'utf8').then((text) => text.split(' ').slice(0, 3).join(' '));

for (let run = 1; run <= runs; run += 1) {
  for (const dist of dists) {
    const [path, knobsJson] = dist.split('::');
    const knobs = knobsJson ? JSON.parse(knobsJson) : null;
    const server = await serveDist({ '': path });
    const browser = await launchBrowser();
    try {
      const loadBefore = await load();
      const { page, worker, errors, wasmBytes } = await openApp(browser, server.url);
      if (knobs) await worker.evaluate((knobs) => (self.tcbill_parts = { ...self.tcbill_parts, ...knobs }), knobs);
      await new Promise((resolve) => setTimeout(resolve, Number(process.env.TCBILL_BENCH_SETTLE_MS ?? 0)));
      const start = await dropFiles(page, [file]);
      const tcbill = await waitUntilShown(page, worker, start, 1);
      const memoryAfter = await wasmBytes();
      const memory = await workersMemory(worker, memoryAfter);
      const steps = await phaseLines(page, worker, tcbill.start, tcbill.end);
      const exact = await page.evaluate(
        (total) => [...document.querySelectorAll('[title]')].some((element) => element.title.includes(total)),
        generated.real_total_cost,
      );
      const figures = { shown: tcbill.seconds, parsed: tcbill.parsedSeconds, atOnce: memory.atOnce, exact };
      results.get(dist).push(figures);
      console.log(`\n=== run ${run}, ${dist} (load ${loadBefore} before, ${await load()} after)`);
      console.log(`    drop -> report shown ${tcbill.seconds.toFixed(2)} s, drop -> parsed ${tcbill.parsedSeconds.toFixed(2)} s`);
      console.log(`    exact generated total on the page ${exact ? 'yes' : 'NO'}`);
      console.log(`    wasm memory of all workers at once ${(memory.atOnce / MiB).toFixed(1)} MiB = ${(memory.atOnce / size).toFixed(2)}x the file (file worker ${(memoryAfter / MiB).toFixed(1)} MiB, part workers ${memory.parts.map((bytes) => (bytes / MiB).toFixed(1)).join(', ') || 'none'} MiB)`);
      const longest = Math.max(0, ...tcbill.longTasks.map(([, duration]) => duration));
      console.log(`    main thread's longest block ${longest.toFixed(0)} ms (${tcbill.longTasks.length} long tasks)`);
      for (const line of steps) console.log(line);
      if (errors.length) console.log(`    page errors: ${errors.join(' | ')}`);
    } finally {
      await browser.close();
      server.close();
    }
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
console.log(`\n=== medians over ${runs} runs (${(size / MiB).toFixed(1)} MiB)`);
for (const [dist, list] of results) {
  const shown = list.map((result) => result.shown);
  const parsed = list.map((result) => result.parsed);
  const atOnce = list.map((result) => result.atOnce);
  console.log(
    `${dist}: drop -> shown ${median(shown).toFixed(2)} s [${shown.map((s) => s.toFixed(2)).join(', ')}], ` +
      `parsed ${median(parsed).toFixed(2)} s, at once ${(median(atOnce) / size).toFixed(2)}x, ` +
      `exact ${list.every((result) => result.exact) ? 'every run' : 'NOT every run'}`,
  );
}
