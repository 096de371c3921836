// End-to-end tests of issue #13, items 3, 6 and 9: a failed check opens to its rows (file, the row
// Excel shows, expected, found, difference), downloads them as CSV and links to the tab showing
// them; packages and usage say what they mean in words; after a drop the page shows the answer.
// Issue #12: a failed check's rows are in the page only while it is open.
import { test, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, tcbill, SAMPLE_PATHS, ROOT, OUTPUT } from './harness.mjs';

const session = useBrowser();
let page;
let report;

const DEDUCTIONS = '2025-06-资源包抵扣明细.csv';
const VIEWPORTS = [
  [1366, 900],
  [390, 844],
];

before(() => {
  report = JSON.parse(tcbill('analyze', ...SAMPLE_PATHS, '--json'));
});
beforeEach(async () => {
  await openPage(1366, 900);
});

async function openPage(width, height) {
  page = await session.open({ width, height });
}

const cells = (locator) => locator.evaluateAll((rows) => rows.map((row) => [...row.cells].map((c) => c.textContent)));
const selected = (tab) => page.getAttribute(`#tab-${tab}`, 'aria-selected');

/** Loads the sample month and waits for the page to turn to Overview by itself. */
async function loadSampleAndWaitForTheAnswer() {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await page.waitForSelector('#tab-overview[aria-selected="true"]');
  await page.waitForSelector('.checks li[data-check="deductions"]');
}

/** Clicks a failed check's summary and waits until it holds `count` finding rows (none once closed). */
async function toggleCheck(check, count) {
  await check.locator('summary').click();
  if (count > 0) await check.locator('.finding-rows tbody tr').nth(count - 1).waitFor();
  else await check.locator('.finding-rows').waitFor({ state: 'detached' });
  assert.equal(await check.locator('.finding-rows tbody tr').count(), count);
}

async function download(click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return [file.suggestedFilename(), await readFileAsync(await file.path(), 'utf8')];
}

test('after the sample loads the page shows the answer: Overview, whose deduction findings open to their rows', async () => {
  // The page starts on Files: Overview is the page's own turn, which the helper waits for.
  assert.equal(await selected('files'), 'true');
  await loadSampleAndWaitForTheAnswer();
  assert.equal(await page.$('main[data-answer-due]'), null);
  const deductions = page.locator('.checks li[data-check="deductions"]');
  await toggleCheck(deductions, 2);
  assert.deepEqual(await cells(deductions.locator('.finding-rows thead tr')), [
    ['File', 'Row (as in Excel)', 'About', 'Expected', 'Found', 'Difference'],
  ]);
  // Line 5 of the deduction export begins with 437.000000000 although line 4 ended with 437.250000000;
  // line 8 deducted 16 分钟 for 1000 秒, which the exported 抵扣系数 1 makes 16.666666667 分钟.
  assert.deepEqual(await cells(deductions.locator('.finding-rows tbody tr')), [
    [DEDUCTIONS, '5', 'pkg-cdn-0001 · Remaining before', '437.250000000', '437.000000000', '-0.250000000'],
    [DEDUCTIONS, '8', 'pkg-trtc-0002 · Deducted', '16.666666667', '16.000000000', '-0.666666667'],
  ]);
  // The same lines as an editor numbers them (the header is line 1).
  const lines = readFileSync(join(ROOT, 'sample', DEDUCTIONS), 'utf8').split(/\r?\n/);
  assert.match(lines[5 - 1], /437\.000000000/);
  assert.match(lines[8 - 1], /pkg-trtc-0002,.*,16\.000000000分钟,/);

  const [name, csv] = await download(() => deductions.getByRole('button', { name: 'Download these rows (CSV)' }).click());
  assert.equal(name, 'tcbill-checks-deductions.csv');
  assert.equal(
    csv,
    '\ufeffcheck,status,finding,file,row,subject,detail,expected,found,difference\r\n' +
      `deduction_balance,mismatches,chain,${DEDUCTIONS},5,pkg-cdn-0001,抵扣前包剩余量 ≠ the previous row's 抵扣后包剩余量,437.250000000,437.000000000,-0.250000000\r\n` +
      `deduction_coefficient,mismatches,mismatch,${DEDUCTIONS},8,pkg-trtc-0002,实际抵扣量 ≠ 原始用量 × 抵扣系数,16.666666667,16.000000000,-0.666666667\r\n`,
  );

  await deductions.getByRole('button', { name: 'Show them in Packages & deductions' }).click();
  assert.equal(await selected('packages'), 'true');
  assert.equal(await page.inputValue('select[name="deduction-findings"]'), 'findings');
  await page.waitForFunction(() => document.querySelector('.deduction-table caption')?.textContent === '2 deduction rows');
  await page.waitForFunction(() => document.querySelectorAll('.deduction-table tbody tr').length === 2);
  assert.deepEqual(
    (await cells(page.locator('.deduction-table tbody tr'))).map((row) => row[0]),
    [`${DEDUCTIONS}:5`, `${DEDUCTIONS}:8`],
  );
});

test('a failed check holds its rows only while open: opening builds them, closing drops them', async () => {
  await loadSampleAndWaitForTheAnswer();
  const deductions = page.locator('.checks li[data-check="deductions"]');
  assert.equal(await deductions.locator('details').getAttribute('open'), null);
  assert.equal(await page.locator('.checks .finding-rows').count(), 0, 'no closed check holds rows');
  const expected = [
    [DEDUCTIONS, '5', 'pkg-cdn-0001 · Remaining before', '437.250000000', '437.000000000', '-0.250000000'],
    [DEDUCTIONS, '8', 'pkg-trtc-0002 · Deducted', '16.666666667', '16.000000000', '-0.666666667'],
  ];
  await toggleCheck(deductions, 2);
  assert.deepEqual(await cells(deductions.locator('.finding-rows tbody tr')), expected);
  await toggleCheck(deductions, 0);
  assert.equal(await deductions.locator('details').getAttribute('open'), null);
  assert.equal(await deductions.getByRole('button', { name: 'Download these rows (CSV)' }).count(), 0);
  await toggleCheck(deductions, 2);
  assert.deepEqual(await cells(deductions.locator('.finding-rows tbody tr')), expected);
});

test('a failed bill check names the row Excel shows after a title line, a multi-line cell and a rejected row', async () => {
  const [header] = readFileSync(join(ROOT, 'crates/tcbill-core/tests/data/l3-selfcheck.csv'), 'utf8').split('\n');
  const bill = [
    '2025年06月 明细账单',
    header,
    '"云服务器\n(华北)",CPU,ins-1,0.12,元/核/小时,2,核,720,小时,172.8,1,0,172.8,0,0,172.8,2,0',
    '云服务器,CPU,ins-x,0.12,元/核/小时,2,核,720,小时,12.3.4,1,0,172.8,0,0,172.8,2,0',
    '云服务器,内存,ins-1,0.05,元/GB/小时,4,GB,720,小时,150,0.8,0,120,0,0,119.99,-,-',
    '',
  ].join('\n');
  const dataTransfer = await dataTransferOf(page, [{ name: 'titled.csv', bytes: bill }]);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });
  await page.waitForSelector('#tab-overview[aria-selected="true"]');
  const payments = page.locator('.checks li[data-check="payments"]');
  assert.equal(await payments.locator('.status').textContent(), '1 mismatches in 2 rows');
  assert.equal(await payments.locator('.finding-rows').count(), 0, 'rows of a closed check are not built');
  await toggleCheck(payments, 1);
  // Line 6: the title (1), the header (2), a row over lines 3–4, the rejected row (5).
  assert.deepEqual(await cells(payments.locator('.finding-rows tbody tr')), [
    ['titled.csv', '6', '云服务器 / 内存 / ins-1 · payments do not add up to the amount due', '120', '119.99', '-0.01'],
  ]);
  const [name, csv] = await download(() => payments.getByRole('button', { name: 'Download these rows (CSV)' }).click());
  assert.equal(name, 'tcbill-checks-payments.csv');
  assert.equal(
    csv,
    '\ufeffcheck,status,finding,file,row,subject,detail,expected,found,difference\r\n' +
      'payments,mismatches,mismatch,titled.csv,6,云服务器 / 内存 / ins-1,payments do not add up to the amount due,120,119.99,-0.01\r\n',
  );
  // The parse error names the same numbering: line 5.
  assert.deepEqual((await fileRows(page, 1))[0].slice(3), ['3', '2', '1']);
  assert.match(await page.textContent('.file-table'), /titled\.csv:5 column 组件原价: "12\.3\.4" is not a number/);
});

test('packages say in words when they run out or what they leave unused, and the use the rows do not show', async () => {
  await loadSampleAndWaitForTheAnswer();
  await page.getByRole('tab', { name: 'Packages & deductions' }).click();
  const words = await page.locator('.packages-in-words li').allTextContents();
  const cdn = report.packages.find((p) => p.package_id === 'pkg-cdn-0001');
  assert.deepEqual(words, [
    `pkg-cdn-0001: runs out ≈ ${cdn.projected_exhaustion.slice(0, 10)}, before it expires 2025-06-30; ` +
      'the overview says 81.750000000 GB used, the loaded deduction rows 81.500000000: 0.250000000 GB were deducted in rows not loaded (an earlier month, or not exported)',
    'pkg-trtc-0001: expires 2026-05-07 with ≈ 19,900 分钟 unused',
    'pkg-trtc-0002: expires 2026-05-31 with ≈ 686 分钟 unused',
  ]);
  assert.equal(cdn.projected_exhaustion.slice(0, 10), '2025-06-24');
  assert.deepEqual(
    report.packages.map((p) => [p.package_id, p.unused_at_expiry, p.used_outside_deduction_rows, p.exhausted_on]),
    [
      ['pkg-cdn-0001', null, '0.250000000', null],
      ['pkg-trtc-0001', '19900', null, null],
      ['pkg-trtc-0002', '686', null, null],
    ],
  );
  await page.selectOption('select[name="deduction-findings"]', 'mismatches');
  await page.waitForFunction(() => document.querySelector('.deduction-table caption')?.textContent === '1 deduction row');
  await page.waitForFunction(() => document.querySelectorAll('.deduction-table tbody tr').length === 1);
  const [mismatch] = await cells(page.locator('.deduction-table tbody tr'));
  assert.equal(mismatch.at(-1), 'under-deducted by 0.666666667 分钟 (expected 16.666666667 × 1 = 16.666666667)');
});

test('usage has units, no sum of a rate, the billable 95th percentile in words, and the bandwidth toggle keeps the chart', async () => {
  await loadSampleAndWaitForTheAnswer();
  await page.getByRole('tab', { name: 'Usage' }).click();
  assert.deepEqual(await cells(page.locator('.usage-table thead tr')), [
    ['Source', 'Instance / domain', 'Metric', 'Unit', 'Points', 'Sum', 'Peak', 'Peak at', '95th percentile', 'Average daily peak'],
  ]);
  assert.deepEqual((await cells(page.locator('.usage-table tbody tr'))).map((row) => row.slice(2, 6)), [
    ['带宽(Mbps)', 'Mbps', '2016', '—'],
    ['流量(GB)', 'GB', '2016', '3168.2396'],
  ]);
  assert.equal(
    await page.getAttribute('.usage-table tbody tr:first-child td:nth-child(6)', 'title'),
    'a rate: adding its points means nothing',
  );
  await page.waitForSelector('.usage-chart[data-series="0"] svg');
  assert.equal(
    await page.textContent('.usage .billable'),
    'billable: 75.767 Mbps (95th percentile; the top 5 % of 5-minute points are free)',
  );

  await page.getByLabel('Also as bandwidth (Mbps), from traffic').check();
  await page.waitForFunction(() => document.querySelectorAll('.usage-table tbody tr').length === 3);
  // The chart of the chosen series comes back with the new report, without picking another series.
  await page.waitForSelector('.usage-chart[data-series="0"] svg');
  assert.equal(await page.inputValue('select[name="usage-series"]'), '0');
  await page.selectOption('select[name="usage-series"]', '2');
  await page.waitForSelector('.usage-chart[data-series="2"] svg');
  assert.equal(
    await page.textContent('.usage .billable'),
    'billable: 75.7680 Mbps (95th percentile; the top 5 % of 5-minute points are free)',
  );
  await page.getByLabel('Also as bandwidth (Mbps), from traffic').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('.usage-table tbody tr').length === 2);
  await page.selectOption('select[name="usage-series"]', '1');
  await page.waitForSelector('.usage-chart[data-series="1"] svg');
  assert.equal(await page.$('.usage .billable'), null, 'traffic is billed by its sum, not a percentile');
});

test('a tab picked while the files are read stays: the page does not turn to Overview', async () => {
  // Enough rows that the worker is still reading when the tab is picked.
  const lines = ['产品名称,组件名称,地域,优惠后总价,现金账户支出(元)'];
  for (let i = 0; i < 300000; i++) lines.push(`弹性公网IP,带宽,广州,0.${String(i % 100).padStart(2, '0')},0.${String(i % 100).padStart(2, '0')}`);
  const dataTransfer = await dataTransferOf(page, [{ name: 'eip.csv', bytes: lines.join('\n') + '\n' }]);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });
  await page.waitForSelector('main[data-answer-due="true"]');
  await page.getByRole('tab', { name: 'Usage' }).click();
  assert.equal(await page.$('main[data-answer-due]'), null);
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.file-table tbody.parsing').length === 0, null, { timeout: 60000 });
  await page.waitForSelector('nav [role="tab"]');
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
  assert.equal(await selected('files'), 'true');
  assert.equal(await selected('overview'), 'false');
});

for (const [width, height] of VIEWPORTS) {
  test(`screenshots at ${width}×${height}: the opened check, the packages in words, usage`, async () => {
    await page.close();
    await openPage(width, height);
    await loadSampleAndWaitForTheAnswer();
    await toggleCheck(page.locator('.checks li[data-check="deductions"]'), 2);
    await page.screenshot({ path: join(OUTPUT, `rows-overview-${width}x${height}.png`), fullPage: true });
    await page.getByRole('tab', { name: 'Packages & deductions' }).click();
    await page.waitForSelector('.packages-in-words li');
    await page.screenshot({ path: join(OUTPUT, `rows-packages-${width}x${height}.png`), fullPage: true });
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.waitForSelector('.usage-chart svg');
    await page.screenshot({ path: join(OUTPUT, `rows-usage-${width}x${height}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'the page does not scroll sideways');
  });
}
