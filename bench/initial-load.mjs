// The initial load of the release build (issue #12: ≤ 800 KB): every dist/*.wasm, *.js and *.css a
// first visit fetches, each gzipped by Node's zlib at its default level, as a first visit downloads
// them. The workers' assets are apart, since neither is fetched at start: the parsing worker's
// (its loader, script and wasm, and the part workers' loader) when the page first needs it, at the
// first drag into the window, pointer or key press, or file (src/page/parsing.rs); the archive
// worker's when the first ZIP or XLSX file is dropped (src/worker/archive.rs). Run alone after
// `trunk build --offline --release` (`node bench/initial-load.mjs [DIST]`); bench/browser.mjs prints
// the same figures.
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parsing worker's assets: fetched when the page first needs the worker. */
export const isWorker = (name) => name.startsWith('tcbill-worker') || name.startsWith('tcbill-part');
/** The archive worker's loader, script and wasm: fetched only when a ZIP or XLSX file is dropped. */
export const isLazy = (name) => name.startsWith('tcbill-archive');

/**
 * `{ total, files: [{ name, bytes, gzipped }], worker: { total, files }, lazy: { total, files } }` for
 * the assets in `dist`, by name: `total` and `files` are the initial load, `worker` what the first
 * use of the parsing worker adds, `lazy` what a ZIP or XLSX file adds.
 */
export async function initialLoad(dist) {
  const names = (await readdir(dist)).filter((name) => /\.(wasm|js|css)$/.test(name)).sort();
  const all = [];
  for (const name of names) {
    const bytes = await readFile(join(dist, name));
    all.push({ name, bytes: bytes.length, gzipped: gzipSync(bytes).length });
  }
  const sum = (files) => files.reduce((total, file) => total + file.gzipped, 0);
  const group = (files) => ({ total: sum(files), files });
  const files = all.filter((file) => !isLazy(file.name) && !isWorker(file.name));
  return { total: sum(files), files, worker: group(all.filter((file) => isWorker(file.name))), lazy: group(all.filter((file) => isLazy(file.name))) };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The lines bench/browser.mjs prints: each group's total, then each of its files gzipped. */
export function initialLoadLines({ total, files, worker, lazy }) {
  const each = (list) => list.map((file) => `${file.name} ${kib(file.gzipped)}`).join('; ');
  return [
    ['initial load, gzipped (dist/*.wasm, *.js, *.css)', `${kib(total)} = ${total} bytes`],
    ['    per file', each(files)],
    ['on first use of the parsing worker, gzipped', `${kib(worker.total)} = ${worker.total} bytes`],
    ['    per file', each(worker.files)],
    ['on a ZIP or XLSX file, gzipped', `${kib(lazy.total)} = ${lazy.total} bytes`],
    ['    per file', each(lazy.files)],
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
  const load = await initialLoad(dist);
  const print = (file) => console.log(`${file.name.padEnd(44)} ${String(file.bytes).padStart(9)} bytes, gzipped ${String(file.gzipped).padStart(7)} = ${kib(file.gzipped)}`);
  const [[label, value], , [workerLabel, workerValue], , [lazyLabel, lazyValue]] = initialLoadLines(load);
  load.files.forEach(print);
  console.log(`${label.padEnd(44)} ${value}`);
  load.worker.files.forEach(print);
  console.log(`${workerLabel.padEnd(44)} ${workerValue}`);
  load.lazy.files.forEach(print);
  console.log(`${lazyLabel.padEnd(44)} ${lazyValue}`);
  console.log(`${'initial load + parsing worker'.padEnd(44)} ${kib(load.total + load.worker.total)} = ${load.total + load.worker.total} bytes`);
}
