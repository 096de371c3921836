// End-to-end tests of comparing months (issue #16, item 3): the Overview's line per currency, the
// Compare tab's waterfall with the exact parts, the drivers sorted, rolled up and opened to their
// rows in both months, the filters, another pair of months picked (and the report download then
// equal to `tcbill analyze --from --to`), and the monthly trend across every loaded month.
//
// The bill is core's two-month fixture (crates/tcbill-core/tests/data/l3-two-months.csv, whose
// every part core's tests/compare.rs derives by hand); e2e/fixtures/2025-08-two-rows-L3.csv adds
// an August with ins-keep as in September (40.00) and disk-old (12.50).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, tcbill, ROOT, OUTPUT } from './harness.mjs';

const TWO_MONTHS = join(ROOT, 'crates', 'tcbill-core', 'tests', 'data', 'l3-two-months.csv');
const AUGUST = join(ROOT, 'e2e', 'fixtures', '2025-08-two-rows-L3.csv');

const session = useBrowser();
let page;

beforeEach(async () => {
  page = await session.open({ height: 900 });
});

/** Drops the files at `paths` (named as on disk) and waits for the report. */
async function drop(paths, listed) {
  const files = await Promise.all(paths.map(async (path) => ({ name: path.split('/').pop(), bytes: await readFile(path) })));
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
  await fileRows(page, listed);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
}

/** Each row's cells: an amount by its exact value, anything else by its text. */
const cells = (locator) =>
  locator.evaluateAll((rows) =>
    rows.map((row) => [...row.cells].map((c) => (c.classList.contains('parts') ? c.textContent : c.querySelector('data')?.value ?? c.textContent))),
  );

/** The waterfall of `currency`: [part, exact amount, amount as shown] per step. */
const waterfall = (currency) =>
  page.locator(`.waterfall[data-currency="${currency}"] tbody tr`).evaluateAll((rows) =>
    rows.map((row) => [row.dataset.part, row.querySelector('data').value, row.querySelector('data').textContent]),
  );

async function openCompare() {
  await page.click('#tab-compare');
  await page.locator('.waterfall').first().waitFor();
}

/** Waits until the drivers table differs from `before` (the worker answered). */
async function driversChange(before) {
  await page.waitForFunction(
    (before) => document.querySelector('.drivers tbody')?.innerText !== before,
    before,
  );
}

const SEPTEMBER_TO_OCTOBER = [
  ['a', '172.50', '¥172.50'],
  ['new_resources', '30.00', '+¥30.00'],
  ['removed_resources', '-12.50', '-¥12.50'],
  ['usage', '20.00', '+¥20.00'],
  ['package_coverage', '100.00', '+¥100.00'],
  ['price', '4.00', '+¥4.00'],
  ['savings_plan', '30.00', '+¥30.00'],
  ['refunds_adjustments', '-5.00', '-¥5.00'],
  ['no_usage_or_price', '8.00', '+¥8.00'],
  ['rounding', '0.00000001', '¥0.00'],
  ['b', '347.00000001', '¥347.00'],
];

test('the Overview says what changed per currency and the Compare tab shows each part exactly', async () => {
  await drop([TWO_MONTHS], 1);
  await page.click('#tab-overview');
  const lines = await page.locator('.overview .compare-line .compare-summary').allTextContents();
  assert.deepEqual(lines, [
    '+¥174.50 vs 2025-09: +¥30.00 new resources, -¥12.50 removed resources, +¥20.00 usage change, ' +
      '+¥100.00 package coverage change, +¥4.00 price or discount change, +¥30.00 savings plan, ' +
      '-¥5.00 refunds and adjustments, +¥8.00 other charges (no usage or price)',
    '+US$2.00 vs 2025-09: +US$2.00 usage change',
  ]);
  await page.locator('.overview .open-compare').first().click();
  await page.locator('.waterfall').first().waitFor();
  assert.equal(await page.getAttribute('#tab-compare', 'aria-selected'), 'true');
  assert.match(page.url(), /#tab=compare/);

  assert.deepEqual(await waterfall('CNY'), SEPTEMBER_TO_OCTOBER);
  assert.equal(await page.inputValue('select[name="compare-a"]'), '2025-09');
  assert.equal(await page.inputValue('select[name="compare-b"]'), '2025-10');
  // The rows have two currencies: the switch shows the dollars, never added to the yuan.
  await page.selectOption('.compare select[name="currency"]', 'USD');
  await page.locator('.waterfall[data-currency="USD"]').waitFor();
  assert.deepEqual(await waterfall('USD'), [
    ['a', '2.00', 'US$2.00'],
    ['new_resources', '0.00', 'US$0.00'],
    ['removed_resources', '0.00', 'US$0.00'],
    ['usage', '2.00', '+US$2.00'],
    ['price', '0.00', 'US$0.00'],
    ['package_coverage', '0.00', 'US$0.00'],
    ['b', '4.00', 'US$4.00'],
  ].sort((x, y) => PART_ORDER.indexOf(x[0]) - PART_ORDER.indexOf(y[0])));
  // Every digit, when the page is asked for them.
  await page.selectOption('select[name="currency"]', 'CNY');
  await page.selectOption('#precision', 'exact');
  await page.locator('.waterfall[data-currency="CNY"] tr[data-part="rounding"] data', { hasText: '+¥0.00000001' }).waitFor();
  await page.screenshot({ path: join(OUTPUT, 'compare.png'), fullPage: true });
});

// The report's order of the parts (core's `Parts::named`), the totals around them.
const PART_ORDER = ['a', 'new_resources', 'removed_resources', 'usage', 'package_coverage', 'price', 'savings_plan',
  'reserved_instances', 'refunds_adjustments', 'no_usage_or_price', 'rounding', 'b'];

test('drivers sort, roll up to products and open to their rows in both months', async () => {
  await drop([TWO_MONTHS], 1);
  await openCompare();
  const driverRows = () => cells(page.locator('.drivers[data-currency="CNY"] tbody tr'));
  // Largest change first, by resource.
  const resources = (rows) => rows.map((row) => `${row[2]} ${row[6]}`);
  assert.deepEqual(resources(await driverRows()), [
    'cdn-a 100.00', 'ins-new 30.00', 'ins-sp 30.00', 'ins-keep 28.00', 'disk-old -12.50', 'bucket-1 -1.00',
    'ins-round 0.00000001',
  ]);
  assert.equal(await page.textContent('.drivers caption'), '7 changes');
  // Sorted by the change: increases first, then (clicked again) decreases first.
  await page.locator('.drivers th', { hasText: 'Change' }).getByRole('button').click();
  assert.deepEqual(resources(await driverRows()), [
    'cdn-a 100.00', 'ins-new 30.00', 'ins-sp 30.00', 'ins-keep 28.00', 'ins-round 0.00000001', 'bucket-1 -1.00',
    'disk-old -12.50',
  ]);
  await page.locator('.drivers th', { hasText: 'Change' }).getByRole('button').click();
  assert.equal(await page.getAttribute('.drivers th:has-text("Change")', 'aria-sort'), 'ascending');
  assert.deepEqual((await driverRows()).map((row) => row[2]), [
    'disk-old', 'bucket-1', 'ins-round', 'ins-keep', 'ins-new', 'ins-sp', 'cdn-a',
  ]);
  const keep = (await driverRows()).find((row) => row[2] === 'ins-keep');
  assert.deepEqual(keep.slice(3), ['changed', '40.00', '68.00', '28.00', '+¥20.00 usage change+¥8.00 other charges (no usage or price)', '1 + 2 rows']);

  // By product: the parts of each product's resources added up (still sorted as chosen, decreases first).
  await page.selectOption('select[name="driver-level"]', 'product');
  await page.waitForFunction(() => document.querySelector('.drivers caption')?.textContent === '4 changes');
  assert.match(page.url(), /level=product/);
  assert.deepEqual(await driverRows(), [
    ['云硬盘CBS', 'removed', '12.50', '0.00', '-12.50', '-¥12.50 removed resources', '1 + 0 rows'],
    ['COS 对象存储', 'changed', '20.00', '19.00', '-1.00', '+¥4.00 price or discount change-¥5.00 refunds and adjustments', '1 + 2 rows'],
    ['云服务器CVM', 'changed', '120.00', '208.00000001', '88.00000001',
      '+¥30.00 new resources+¥20.00 usage change+¥30.00 savings plan+¥8.00 other charges (no usage or price)¥0.00 rounding',
      '3 + 5 rows'],
    ['内容分发网络CDN', 'changed', '20.00', '120.00', '100.00', '+¥100.00 package coverage change', '1 + 1 rows'],
  ]);

  // The rows behind 云服务器CVM: three in September, five in October, each with its line.
  await page.getByRole('button', { name: 'Show the rows of 云服务器CVM' }).click();
  await page.locator('.driver-rows tbody tr').nth(7).waitFor();
  assert.equal(await page.locator('.driver-rows [role="region"]').getAttribute('aria-label'), '云服务器CVM: 3 bill rows in 2025-09, 5 in 2025-10');
  const rows = await page.locator('.driver-rows tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.cells].slice(0, 2).map((c) => c.textContent).join(' ')),
  );
  assert.deepEqual(rows, [
    '2025-09 l3-two-months.csv:2', '2025-09 l3-two-months.csv:6', '2025-09 l3-two-months.csv:7',
    '2025-10 l3-two-months.csv:9', '2025-10 l3-two-months.csv:10', '2025-10 l3-two-months.csv:11',
    '2025-10 l3-two-months.csv:15', '2025-10 l3-two-months.csv:16',
  ]);
  const headers = await page.locator('.driver-rows thead th').allTextContents();
  assert.deepEqual(headers.slice(0, 3), ['Month', 'File:line', 'BusinessCodeName']);
  await page.screenshot({ path: join(OUTPUT, 'compare-drivers.png'), fullPage: true });
});

test('a filter narrows the comparison, and another pair of months is compared as the CLI compares it', async () => {
  // One after the other, so that the files are in the report in the order the CLI is given them.
  await drop([TWO_MONTHS], 1);
  await drop([AUGUST], 2);
  await openCompare();
  // The COS bucket alone: a price rise and a refund.
  const caption = await page.innerText('.drivers tbody');
  await page.selectOption('.compare select[name="filter-dimension"]', 'product');
  await page.waitForSelector('select[name="filter-value"] option[value="COS 对象存储"]', { state: 'attached' });
  await page.selectOption('select[name="filter-value"]', 'COS 对象存储');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await driversChange(caption);
  assert.deepEqual((await waterfall('CNY')).map(([part, amount]) => `${part} ${amount}`), [
    'a 20.00', 'new_resources 0.00', 'removed_resources 0.00', 'usage 0.00', 'package_coverage 0.00', 'price 4.00',
    'refunds_adjustments -5.00', 'b 19.00',
  ]);
  await page.click('.active-filters .remove-filter');
  await page.waitForFunction(() => document.querySelectorAll('.drivers[data-currency="CNY"] tbody tr').length === 7);

  // August against October: the months offered are every loaded one.
  assert.deepEqual(await page.locator('select[name="compare-a"] option').allTextContents(), ['2025-08', '2025-09', '2025-10']);
  await page.selectOption('select[name="compare-a"]', '2025-08');
  await page.locator('.waterfall[data-currency="CNY"] tr[data-part="a"] data[value="52.50"]').waitFor();
  assert.deepEqual((await waterfall('CNY')).map(([part, amount]) => `${part} ${amount}`), [
    'a 52.50', 'new_resources 279.00000001', 'removed_resources -12.50', 'usage 20.00', 'package_coverage 0.00',
    'price 0.00', 'no_usage_or_price 8.00', 'b 347.00000001',
  ]);
  // The Overview follows the pair picked, and the report download is the CLI's with --from/--to.
  await page.click('#tab-overview');
  assert.match(await page.textContent('.compare-line .compare-summary'), /^\+¥294\.50 vs 2025-08: \+¥279\.00 new resources, /);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report (JSON)' }).click(),
  ]);
  const fromPage = await readFile(await download.path(), 'utf8');
  assert.equal(fromPage, tcbill('analyze', TWO_MONTHS, AUGUST, '--json', '--from', '2025-08', '--to', '2025-10'));
  assert.equal(JSON.parse(fromPage).comparison.currencies[0].RealTotalCost.change, '294.50000001');

  // The monthly trend: every loaded month, per product, largest total first.
  await page.click('#tab-compare');
  await page.locator('.monthly tbody tr').first().waitFor();
  assert.deepEqual(await cells(page.locator('.monthly thead tr')), [['BusinessCodeName', '2025-08', '2025-09', '2025-10', 'Total']]);
  assert.deepEqual((await cells(page.locator('.monthly tbody tr'))).slice(0, 2), [
    ['云服务器CVM', '40.00', '120.00', '208.00000001', '368.00000001'],
    ['内容分发网络CDN', '—', '20.00', '120.00', '140.00'],
  ]);
  const rows = await page.locator('.monthly tbody tr').count();
  await page.selectOption('select[name="months-by"]', 'region');
  await page.waitForFunction((rows) => document.querySelectorAll('.monthly tbody tr').length !== rows, rows);
  assert.match(page.url(), /months_by=region/);
});

test('the report download of the two months is the CLI\'s byte for byte', async () => {
  await drop([TWO_MONTHS], 1);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report (JSON)' }).click(),
  ]);
  const fromPage = await readFile(await download.path(), 'utf8');
  assert.equal(fromPage, tcbill('analyze', TWO_MONTHS, '--json'));
  assert.equal(JSON.parse(fromPage).comparison.currencies[0].RealTotalCost.change, '174.50000001');
});

test('the Costs and Compare row tables each keep their own rows across tab switches', async () => {
  // 30 CVM instances billed in both months (60 rows: more than a row table's first window) and a
  // COS bucket whose price rose.
  const header = (await readFile(TWO_MONTHS, 'utf8')).split('\n')[0];
  const lines = [header];
  for (const [month, day] of [['2025-09', '30'], ['2025-10', '31']]) {
    for (let i = 1; i <= 30; i++) {
      lines.push(`${month},云服务器CVM,CPU,ins-${i},按量计费小时结,T${month}-${i},,0.5,10,1,0,5.00,1,0,5.00,${month}-${day} 10:00:00`);
    }
  }
  lines.push('2025-09,COS 对象存储,标准存储容量,bucket-1,按量计费日结,T-cos-9,,0.1,200,1,0,20.00,1,0,20.00,2025-09-30 10:00:00');
  lines.push('2025-10,COS 对象存储,标准存储容量,bucket-1,按量计费日结,T-cos-10,,0.12,200,1,0,24.00,1,0,24.00,2025-10-31 10:00:00');
  const files = [{ name: 'many-rows.csv', bytes: Buffer.from(lines.join('\n') + '\n') }];
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
  await fileRows(page, 1);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
  const place = (table, row) => page.locator(`${table} tbody tr[data-row="${row}"] td`).nth(table === '.driver-rows' ? 1 : 0);

  // Costs: the CVM's 60 rows.
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.getByRole('button', { name: 'Show the rows of 云服务器CVM' }).click();
  assert.equal(await place('.costs .drill-down', 0).textContent(), 'many-rows.csv:2');
  // Compare: the bucket's two rows, selected after the Costs rows.
  await openCompare();
  await page.selectOption('select[name="driver-level"]', 'product');
  await page.waitForFunction(() => document.querySelector('.drivers caption')?.textContent === '1 changes');
  await page.getByRole('button', { name: 'Show the rows of COS 对象存储' }).click();
  assert.equal(await place('.driver-rows', 1).textContent(), 'many-rows.csv:63');
  // Back on Costs, scrolled to the end: the last of the CVM's rows, asked for after the bucket's
  // were selected, still come from the Costs selection.
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.locator('.costs .drill-down .viewport').evaluate((viewport) => { viewport.scrollTop = viewport.scrollHeight; });
  assert.equal(await place('.costs .drill-down', 59).textContent(), 'many-rows.csv:61');
  assert.equal(await page.textContent('.costs .drill-down caption'), '云服务器CVM: 60 bill rows');
  // And Compare still shows the bucket's two rows, each with its month.
  await openCompare();
  const rows = await page.locator('.driver-rows tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.cells].slice(0, 2).map((c) => c.textContent).join(' ')));
  assert.deepEqual(rows, ['2025-09 many-rows.csv:62', '2025-10 many-rows.csv:63']);
});

test('the monthly trend of a bill without 优惠后总价 shows its 原价', async () => {
  const bill = [
    '账单月份,产品名称,组件名称,资源ID,交易ID,组件原价,扣费时间',
    '2025-09,云服务器CVM,CPU,ins-1,T1,10.00,2025-09-30 10:00:00',
    '2025-10,云服务器CVM,CPU,ins-1,T2,15.50,2025-10-31 10:00:00',
    '2025-10,云硬盘CBS,云硬盘,disk-1,T3,2.25,2025-10-31 10:00:00',
  ].join('\n') + '\n';
  const files = [{ name: 'list-prices.csv', bytes: Buffer.from(bill) }];
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
  await fileRows(page, 1);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
  await page.click('#tab-compare');
  await page.locator('.monthly tbody tr').nth(1).waitFor();
  assert.deepEqual(await cells(page.locator('.monthly tbody tr')), [
    ['云服务器CVM', '10.00', '15.50', '25.50'],
    ['云硬盘CBS', '—', '2.25', '2.25'],
  ]);
});

test('on a phone the Compare tab fits the screen: wide tables scroll inside their box', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await drop([TWO_MONTHS], 1);
  await openCompare();
  await page.getByRole('button', { name: 'Show the rows of 云服务器CVM / CPU / ins-keep' }).click();
  await page.locator('.driver-rows tbody tr').nth(2).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.equal(overflow, 0, 'the page does not scroll sideways');
  const hidden = await page.locator('.drivers').evaluate((table) => table.parentElement.scrollWidth - table.parentElement.clientWidth);
  assert.ok(hidden > 0, 'the drivers table scrolls in its box');
  // Every waterfall amount is in view, right of its label.
  const cut = await page.locator('.waterfall td.num').evaluateAll((cells) =>
    cells.filter((cell) => cell.getBoundingClientRect().right > window.innerWidth).length);
  assert.equal(cut, 0, 'no waterfall amount is cut off');
  await page.screenshot({ path: join(OUTPUT, 'compare-390.png'), fullPage: true });
});
