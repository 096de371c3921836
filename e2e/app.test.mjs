// End-to-end tests of the release build in headless Chromium: real drops, picks, clicks.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launchBrowser, fileRows, dataTransferOf, ROOT, OUTPUT, SAMPLE_FILES, assertPlainWords } from './harness.mjs';

const SAMPLE = join(ROOT, 'sample');
const L3 = '2025-06-明细账单-L3.csv';
const DEDUCTIONS = '2025-06-资源包抵扣明细.csv';
const OVERVIEW = '2025-06-资源包总览.csv';
const SUMMARY = 'DescribeBillSummaryByProduct-2025-06.json';
const USAGE = '2025-06-用量明细-CDN-5分钟.csv';

const SAMPLE_ROWS = [
  [L3, '2.9 KiB', 'L3 明细账单 (bill details)', '6', '6', '0'],
  [DEDUCTIONS, '2.4 KiB', '资源包抵扣明细 (deduction details)', '7', '7', '0'],
  [OVERVIEW, '845 B', '资源包总览 (package overview)', '3', '3', '0'],
  [USAGE, '131.8 KiB', '用量明细 (usage details)', '2,016', '2,016', '0'],
  [SUMMARY, '2.0 KiB', 'API DescribeBillSummaryByProduct', '4', '4', '0'],
];

let server;
let browser;
let page;
let requests;
let pageErrors;

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
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  requests = [];
  pageErrors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Load sample data' }).waitFor();
});
afterEach(async () => {
  await assertPlainWords(page);
  await page.close();
  assert.deepEqual(pageErrors, [], 'the page threw');
});

async function sampleFile(name) {
  return { name, bytes: await readFile(join(SAMPLE, name)) };
}

test('dropping two files lists them with size, detected kind and row counts', async () => {
  const dataTransfer = await dataTransferOf(page, [await sampleFile(DEDUCTIONS), await sampleFile(SUMMARY)]);

  await page.dispatchEvent('.drop-zone', 'dragenter', { dataTransfer });
  await page.dispatchEvent('.drop-zone', 'dragover', { dataTransfer });
  assert.equal(await page.getAttribute('.drop-zone', 'class'), 'drop-zone dragging');
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });

  assert.deepEqual(await fileRows(page, 2), [SAMPLE_ROWS[1], SAMPLE_ROWS[4]]);
  assert.equal(await page.getAttribute('.drop-zone', 'class'), 'drop-zone');
});

test('files dropped while the worker is still loading are parsed once it is ready', async () => {
  await page.close();
  page = await browser.newPage({ locale: 'en-US' });
  page.on('pageerror', (error) => pageErrors.push(error));
  // Hold the worker's wasm back, so the drop happens before the worker listens.
  let releaseWorker;
  const workerHeld = new Promise((resolve) => (releaseWorker = resolve));
  await page.route('**/tcbill-worker_bg.wasm', async (route) => {
    await workerHeld;
    await route.continue();
  });
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await page.waitForSelector('.file-table tbody.parsing');
  releaseWorker();
  assert.deepEqual(await fileRows(page, 5), SAMPLE_ROWS);
});

test('a rejected row is counted and its problem named by file, line and column', async () => {
  const bad = '产品名称,组件名称,优惠后总价,现金账户支出(元)\n云服务器,CPU,1.50,1.50\n云服务器,内存,0.50,12.3.4\n';
  const notes = 'hello world\nthis is not a bill\n';
  const dataTransfer = await dataTransferOf(page, [
    { name: 'bad.csv', bytes: bad },
    { name: 'notes.txt', bytes: notes },
  ]);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });

  assert.deepEqual(await fileRows(page, 2), [
    ['bad.csv', '125 B', 'L3 明细账单 (bill details)', '2', '1', '1'],
    ['notes.txt', '31 B', 'unknown', '0', '0', '0'],
  ]);
  const problems = page.locator('.file-table tbody').first().locator('details');
  await problems.locator('summary').click();
  assert.equal(await problems.locator('summary').textContent(), '1 problem');
  assert.deepEqual(await problems.locator('li').allTextContents(), [
    'bad.csv:3 column 现金账户支出(元): "12.3.4" is not a number',
  ]);
  const unknown = await page.locator('.file-table tbody').nth(1).locator('li').allTextContents();
  assert.equal(unknown.length, 1);
  assert.match(unknown[0], /^notes\.txt: not a known billing export: /);
});

test('the file picker adds files to those already loaded; remove takes one away', async () => {
  await page.setInputFiles('#file-input', [join(SAMPLE, L3)]);
  assert.deepEqual(await fileRows(page, 1), [SAMPLE_ROWS[0]]);

  await page.setInputFiles('#file-input', [join(SAMPLE, SUMMARY)]);
  assert.deepEqual(await fileRows(page, 2), [SAMPLE_ROWS[0], SAMPLE_ROWS[4]]);

  await page.getByRole('button', { name: `Remove ${L3}` }).click();
  assert.deepEqual(await fileRows(page, 1), [SAMPLE_ROWS[4]]);
});

test('the tabs, the file picker and the sample button are reachable by keyboard', async () => {
  const focused = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent));
  }
  assert.deepEqual(focused, [
    'precision', '中文', 'tab-files', 'tab-overview', 'tab-costs', 'tab-compare', 'tab-packages', 'tab-usage', 'file-input',
    'Load sample data',
  ]);
  await page.keyboard.press('Enter');
  assert.deepEqual(await fileRows(page, 5), SAMPLE_ROWS);
});

test('the interface switches to Chinese and back', async () => {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 5);
  await page.getByRole('button', { name: '中文' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('.file-table caption'), '已加载 5 个文件');
  assert.deepEqual(await page.$$eval('.file-table th', (th) => th.map((cell) => cell.textContent)), [
    '文件', '大小', '识别类型', '读取行数', '有效行', '拒绝行', '操作',
  ]);
  await page.getByRole('button', { name: '加载示例数据' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.textContent('.file-table caption'), '5 files loaded');
});

test('a browser that prefers Chinese gets the Chinese interface', async () => {
  const chinese = await browser.newPage({ locale: 'zh-CN' });
  await chinese.goto(server.url);
  await chinese.getByRole('button', { name: '加载示例数据' }).waitFor();
  assert.equal(await chinese.textContent('.drop-title'), '将腾讯云账单导出文件拖放到此处');
  await chinese.close();
});

test('sample data loads with one click; screenshot', async () => {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  assert.deepEqual(await fileRows(page, 5), SAMPLE_ROWS);
  await page.screenshot({ path: join(OUTPUT, 'sample-loaded.png'), fullPage: true });
});

test('the Content-Security-Policy refuses requests to other origins', async () => {
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('https://billing.tencentcloudapi.com/');
      return 'fetched';
    } catch (error) {
      return error.name;
    }
  });
  assert.equal(blocked, 'TypeError');
  pageErrors.length = 0; // the console reports the refusal as an error: that is the point
});

test('the page loads from a sub-path and requests nothing from other origins', async () => {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 5);
  for (const url of requests) {
    assert.ok(url.startsWith(server.url), `request outside the app: ${url}`);
  }
  // The parsing worker starts a spare part worker on a machine of several cores (src/worker/parts.rs):
  // its loader, which imports the worker's script again (the wasm module is posted to it, not fetched).
  const spare = await page.evaluate(() => navigator.hardwareConcurrency > 1);
  const partLoader = () => requests.some((url) => url.endsWith('/tcbill-part_loader.js'));
  for (let wait = 0; spare && wait < 200 && !partLoader(); wait += 1) await page.waitForTimeout(50);
  const files = requests.map((url) => decodeURI(url.slice(server.url.length)).replace(/-[0-9a-f]{15,16}/, '-HASH'));
  assert.deepEqual([...new Set(files)].sort(), [
    '',
    'app-HASH.css',
    // Fetched by the click, not with the page (src/page/files/sample.rs).
    ...SAMPLE_FILES.map((name) => `sample/${name}`),
    'tcbill-web-HASH.js',
    'tcbill-web-HASH_bg.wasm',
    'tcbill-worker.js',
    'tcbill-worker_bg.wasm',
    'tcbill-worker_loader.js',
    ...(spare ? ['tcbill-part_loader.js'] : []),
  ].sort());
  assert.equal(files.filter((file) => file === 'tcbill-worker_bg.wasm').length, 1);
});

test('the parsing worker is fetched when the page first needs it, not with the page', async () => {
  // Nothing dragged, pressed or dropped yet: the page alone (issue #12's initial load).
  await page.waitForLoadState('networkidle');
  const workerAssets = () => requests.filter((url) => /\/tcbill-(worker|part)/.test(url));
  assert.deepEqual(workerAssets(), []);
  // A drag entering the window starts the worker, before anything is dropped.
  const started = page.waitForEvent('worker');
  await page.dispatchEvent('body', 'dragenter');
  await started;
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, [await sampleFile(L3)]) });
  assert.deepEqual(await fileRows(page, 1), [SAMPLE_ROWS[0]]);
  assert.equal(requests.filter((url) => url.endsWith('/tcbill-worker_bg.wasm')).length, 1);
});

test('a page offline before its first use says the worker cannot load, and reads the files once it can', async () => {
  // The page loaded; the worker's files were never fetched, and now the network is gone.
  await page.context().setOffline(true);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, [await sampleFile(L3)]) });
  const alert = page.locator('p.error[role="alert"]');
  await alert.waitFor();
  assert.equal(
    await alert.textContent(),
    'The part of tcbill that reads files could not be loaded: is this page offline? ' +
      'Your files wait; they are read at your next click or drop once it loads.',
  );
  // Back online, the next click loads the worker, which reads the file that waited.
  await page.context().setOffline(false);
  await page.click('h1');
  assert.deepEqual(await fileRows(page, 1), [SAMPLE_ROWS[0]]);
  assert.equal(await alert.count(), 0);
});

/**
 * Drops `bad` between two sample files (deductions before, the L3 bill after), waits for the three rows, and
 * checks that `bad` alone failed; returns the files dropped.
 */
async function dropBetweenTwoSamples(bad) {
  const files = [await sampleFile(DEDUCTIONS), bad, await sampleFile(L3)];
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
  const rowsShown = await fileRows(page, 3);
  await page.locator('.file-table td.error').waitFor();
  assert.deepEqual(rowsShown[0], SAMPLE_ROWS[1]);
  assert.deepEqual(rowsShown[2], SAMPLE_ROWS[0]);
  assert.equal(rowsShown[1][0], bad.name);
  return files;
}

test('a file that makes the report panic costs only itself, though the report is built after every file is read', async () => {
  // The worker's report crash drill: a file of this name panics while the report is built, once the three
  // files are read, so no file is named; the fresh worker rebuilds after each file and names it.
  await dropBetweenTwoSamples({ name: 'tcbill-report-crash-drill.csv', bytes: 'a,b\n1,2\n' });
  assert.equal(
    await page.locator('.file-table td.error').textContent(),
    'tcbill stopped on this file: a report crash drill; the other files are kept',
  );
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('.card[data-measure]').first().waitFor();
});

test('a file that makes tcbill panic costs only itself: the worker restarts with the other files', async () => {
  // No known input makes core panic any more (hostile numbers are rejected cells, arithmetic is checked), so
  // the worker's crash drill stands in: a file starting with this line panics in the worker, which aborts its
  // wasm in the release build exactly as a bug would.
  const files = await dropBetweenTwoSamples({ name: 'crash-drill.csv', bytes: 'tcbill crash drill: this file stops the worker on purpose\n' });
  assert.equal(
    await page.locator('.file-table td.error').textContent(),
    'tcbill stopped on this file: a crash drill; the other files are kept',
  );
  // The fresh worker holds exactly the other two: its report equals theirs on a page of their own.
  const totals = async (target) => {
    await target.getByRole('tab', { name: 'Overview' }).click();
    await target.locator('.card[data-measure]').first().waitFor();
    return target.locator('.card[data-measure]').evaluateAll((cards) =>
      Object.fromEntries(cards.map((card) => [card.dataset.measure, card.querySelector('dd data')?.value ?? card.querySelector('dd').textContent])),
    );
  };
  const survived = await totals(page);
  const alone = await browser.newPage({ locale: 'en-US' });
  await alone.goto(server.url);
  const good = [files[0], files[2]];
  await alone.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(alone, good) });
  await fileRows(alone, 2);
  assert.deepEqual(survived, await totals(alone));
  await alone.close();
  // The worker keeps working: another file is parsed by the fresh worker.
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.setInputFiles('#file-input', [join(SAMPLE, SUMMARY)]);
  assert.deepEqual((await fileRows(page, 4))[3], SAMPLE_ROWS[4]);
  await page.screenshot({ path: join(OUTPUT, 'worker-restarted.png'), fullPage: true });
});
