// The initial load of the release build (issue #12: ≤ 800 KB): every dist/*.wasm, *.js and *.css,
// each gzipped by Node's zlib at its default level, as a first visit downloads them. Run alone after
// `trunk build --offline --release` (`node bench/initial-load.mjs [DIST]`); bench/browser.mjs prints
// the same figures.
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `{ total, files: [{ name, bytes, gzipped }] }` for the assets in `dist`, by name. */
export async function initialLoad(dist) {
  const names = (await readdir(dist)).filter((name) => /\.(wasm|js|css)$/.test(name)).sort();
  const files = [];
  for (const name of names) {
    const bytes = await readFile(join(dist, name));
    files.push({ name, bytes: bytes.length, gzipped: gzipSync(bytes).length });
  }
  return { total: files.reduce((sum, file) => sum + file.gzipped, 0), files };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The two lines bench/browser.mjs prints: the total and each file's gzipped size. */
export function initialLoadLines({ total, files }) {
  return [
    ['initial load, gzipped (dist/*.wasm, *.js, *.css)', `${kib(total)} = ${total} bytes`],
    ['    per file', files.map((file) => `${file.name} ${kib(file.gzipped)}`).join('; ')],
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
  const load = await initialLoad(dist);
  for (const file of load.files) {
    console.log(`${file.name.padEnd(44)} ${String(file.bytes).padStart(9)} bytes, gzipped ${String(file.gzipped).padStart(7)} = ${kib(file.gzipped)}`);
  }
  const [[label, value]] = initialLoadLines(load);
  console.log(`${label.padEnd(44)} ${value}`);
}
