// The initial load of the release build (issue #12: ≤ 800 KB): every dist/*.wasm, *.js and *.css
// but the archive worker's (fetched only when a ZIP or XLSX file is dropped, src/worker/archive.rs),
// each gzipped by Node's zlib at its default level, as a first visit downloads them. Run alone after
// `trunk build --offline --release` (`node bench/initial-load.mjs [DIST]`); bench/browser.mjs prints
// the same figures.
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The assets fetched only when needed: the archive worker's loader, script and wasm. */
export const isLazy = (name) => name.startsWith('tcbill-archive');

/**
 * `{ total, files: [{ name, bytes, gzipped }], lazy: { total, files } }` for the assets in `dist`,
 * by name: `total` and `files` are the initial load, `lazy` what a ZIP or XLSX file adds.
 */
export async function initialLoad(dist) {
  const names = (await readdir(dist)).filter((name) => /\.(wasm|js|css)$/.test(name)).sort();
  const all = [];
  for (const name of names) {
    const bytes = await readFile(join(dist, name));
    all.push({ name, bytes: bytes.length, gzipped: gzipSync(bytes).length });
  }
  const sum = (files) => files.reduce((total, file) => total + file.gzipped, 0);
  const files = all.filter((file) => !isLazy(file.name));
  const lazy = all.filter((file) => isLazy(file.name));
  return { total: sum(files), files, lazy: { total: sum(lazy), files: lazy } };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The lines bench/browser.mjs prints: the total and each file's gzipped size, then the same for the lazy assets. */
export function initialLoadLines({ total, files, lazy }) {
  const each = (list) => list.map((file) => `${file.name} ${kib(file.gzipped)}`).join('; ');
  return [
    ['initial load, gzipped (dist/*.wasm, *.js, *.css)', `${kib(total)} = ${total} bytes`],
    ['    per file', each(files)],
    ['on a ZIP or XLSX file, gzipped', `${kib(lazy.total)} = ${lazy.total} bytes`],
    ['    per file', each(lazy.files)],
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
  const load = await initialLoad(dist);
  const print = (file) => console.log(`${file.name.padEnd(44)} ${String(file.bytes).padStart(9)} bytes, gzipped ${String(file.gzipped).padStart(7)} = ${kib(file.gzipped)}`);
  load.files.forEach(print);
  const [[label, value], , [lazyLabel, lazyValue]] = initialLoadLines(load);
  console.log(`${label.padEnd(44)} ${value}`);
  load.lazy.files.forEach(print);
  console.log(`${lazyLabel.padEnd(44)} ${lazyValue}`);
}
