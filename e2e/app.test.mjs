// End-to-end tests of the release build in headless Chromium: real drops, picks, clicks.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launchBrowser, fileRows, ROOT, OUTPUT } from './harness.mjs';

const SAMPLE = join(ROOT, 'sample');
let server;
let browser;
let page;
let requests;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
  await mkdir(OUTPUT, { recursive: true });
});
after(async () => {
  await browser?.close();
  server?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  requests = [];
  page.on('request', (request) => requests.push(request.url()));
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.errors = errors;
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Load sample data' }).waitFor();
});
afterEach(async () => {
  assert.deepEqual(page.errors, [], 'the page threw');
  await page.close();
});

test('dropping two files lists them with size and detected kind', async () => {
  const files = await Promise.all(
    ['2025-06-资源包抵扣明细.csv', 'DescribeBillSummaryByProduct-2025-06.json'].map(async (name) => ({
      name,
      bytes: [...(await readFile(join(SAMPLE, name)))],
    })),
  );
  const dataTransfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const { name, bytes } of files) {
      transfer.items.add(new File([new Uint8Array(bytes)], name));
    }
    return transfer;
  }, files);

  await page.dispatchEvent('.drop-zone', 'dragenter', { dataTransfer });
  await page.dispatchEvent('.drop-zone', 'dragover', { dataTransfer });
  assert.equal(await page.getAttribute('.drop-zone', 'class'), 'drop-zone dragging');
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });

  assert.deepEqual(await fileRows(page, 2), [
    ['2025-06-资源包抵扣明细.csv', '2.4 KiB', 'CSV'],
    ['DescribeBillSummaryByProduct-2025-06.json', '2.0 KiB', 'JSON'],
  ]);
  assert.equal(await page.getAttribute('.drop-zone', 'class'), 'drop-zone');
});

test('the file picker adds files to those already loaded', async () => {
  await page.setInputFiles('#file-input', [join(SAMPLE, '2025-06-明细账单-L3.csv')]);
  assert.deepEqual(await fileRows(page, 1), [['2025-06-明细账单-L3.csv', '2.9 KiB', 'CSV']]);

  await page.setInputFiles('#file-input', [join(SAMPLE, 'DescribeBillSummaryByProduct-2025-06.json')]);
  assert.deepEqual((await fileRows(page, 2)).map((row) => row[0]), [
    '2025-06-明细账单-L3.csv',
    'DescribeBillSummaryByProduct-2025-06.json',
  ]);
});

test('the drop zone and its picker are reachable by keyboard', async () => {
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'file-input');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Load sample data');
});

test('sample data loads with one click; screenshot', async () => {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  assert.deepEqual(await fileRows(page, 3), [
    ['2025-06-明细账单-L3.csv', '2.9 KiB', 'CSV'],
    ['2025-06-资源包抵扣明细.csv', '2.4 KiB', 'CSV'],
    ['DescribeBillSummaryByProduct-2025-06.json', '2.0 KiB', 'JSON'],
  ]);
  await page.screenshot({ path: join(OUTPUT, 'sample-loaded.png'), fullPage: true });
});

test('the page loads from a sub-path and requests nothing from other origins', async () => {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 3);
  assert.ok(requests.length >= 4, `expected html, js, wasm and css requests, got ${requests}`);
  for (const url of requests) {
    assert.ok(url.startsWith(server.url), `request outside the app: ${url}`);
  }
  assert.ok(requests.some((url) => url.endsWith('.wasm')));
});
