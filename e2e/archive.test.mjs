// End-to-end tests of ZIP and XLSX files read by the archive worker (src/worker/archive.rs): a
// session with CSV files only never fetches its wasm; the first ZIP or XLSX file fetches it once,
// the files after it reuse it; the report is byte for byte the CLI's over the same files; a cancel
// reaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, tcbill, ROOT } from './harness.mjs';

const CSV = '2024-11-明细账单-L3.csv';
const XLSX = '2025-08-two-rows-L3.xlsx';
const PACK = '100012345678-202411-明细账单.zip';
const fixturePath = (name) => join(ROOT, 'e2e', 'fixtures', name);

const session = useBrowser();
let page;

/** A fresh page in a fresh browser context (an empty HTTP cache). */
async function openApp() {
  page = await session.open();
}

async function drop(names) {
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(fixturePath(name)) })));
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
}

const archiveFetches = () => session.server.requests.filter((path) => path.endsWith('/tcbill-archive_bg.wasm')).length;

async function downloadReport() {
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report (JSON)' }).click()]);
  return readFile(await download.path(), 'utf8');
}

test('the archive worker is fetched once, when the first ZIP or XLSX file comes, and the report is the CLI\'s', async () => {
  const before = archiveFetches();
  await openApp();
  await drop([CSV]);
  await fileRows(page, 1);
  // The worker's and the page's wasm, and nothing for ZIP or XLSX files.
  assert.equal(archiveFetches(), before);
  assert.ok(session.server.requests.some((path) => path.endsWith('/tcbill-worker_bg.wasm')));

  await drop([XLSX]);
  const rows = await fileRows(page, 2);
  assert.deepEqual(rows[1].slice(0, 1).concat(rows[1].slice(3)), [XLSX, '2', '2', '0']);
  assert.equal(archiveFetches() - before, 1);

  // A pack after it: the same archive worker reads it.
  await drop([PACK]);
  await fileRows(page, 3);
  assert.equal(archiveFetches() - before, 1);

  const paths = [CSV, XLSX, PACK].map(fixturePath);
  assert.equal(await downloadReport(), tcbill('analyze', ...paths, '--json'));
});

test('a ZIP and an XLSX file dropped together are both read, in turn, by the one archive worker', async () => {
  const before = archiveFetches();
  await openApp();
  await drop([PACK, XLSX]);
  const rows = await fileRows(page, 2);
  assert.deepEqual(rows.map((row) => row[0]), [PACK, XLSX]);
  assert.equal(archiveFetches() - before, 1);
  assert.equal(await downloadReport(), tcbill('analyze', fixturePath(PACK), fixturePath(XLSX), '--json'));
});
