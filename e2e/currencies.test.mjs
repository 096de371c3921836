// End-to-end test of issue #13's "wrong by construction" drop: a Chinese L3 bill (CNY), an
// international bill (USD) and a ZIP pack holding the Chinese bill again. The Overview shows each
// currency apart with its billing period, counts the packed copy once and says so; with nothing
// analysable loaded it says that instead of "passed"; and a hostile bill whose totals may be rounded
// says which column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, ROOT, OUTPUT } from './harness.mjs';

const CNY_BILL = '2024-11-明细账单-L3.csv';
const USD_BILL = '2021-08-intl-bill-details.csv';
const PACK = '100012345678-202411-明细账单.zip';

const session = useBrowser();
const openApp = () => session.open({ height: 900 });

/** Drops one file and waits until the Files table lists `count` parsed files. */
async function drop(page, name, bytes, count) {
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, [{ name, bytes }]) });
  await fileRows(page, count);
}

const fixture = (name) => readFile(join(ROOT, 'e2e', 'fixtures', name));

test('yuan and dollars are shown apart with their periods, and a month loaded twice counts once', async () => {
  const page = await openApp();
  // One at a time, as a user adds files: the first copy of a month is the one counted.
  await drop(page, CNY_BILL, await fixture(CNY_BILL), 1);
  await drop(page, USD_BILL, await fixture(USD_BILL), 2);
  await drop(page, PACK, await fixture(PACK), 3);
  await page.waitForFunction(() => document.querySelector('.file-table tbody.parsing') === null);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('.overview .duplicates').waitFor();

  const periods = await page.locator('.overview .currency h3.period').allTextContents();
  assert.deepEqual(periods, ['CNY, billing period 2024-11', 'USD, billing period 2021-08']);
  const card = (currency, measure) =>
    page.locator(`.currency[data-currency="${currency}"] .card[data-measure="${measure}"] dd`).textContent();
  // Each amount shows its own currency's symbol, with the exact value in its title.
  const exact = (currency, measure) =>
    page.locator(`.currency[data-currency="${currency}"] .card[data-measure="${measure}"] dd data`).getAttribute('title');
  assert.equal(await card('CNY', 'RealTotalCost'), '¥0.28');
  assert.equal(await exact('CNY', 'RealTotalCost'), '0.28000000');
  assert.equal(await card('CNY', 'TotalCost'), '¥0.47');
  assert.equal(await card('USD', 'RealTotalCost'), 'US$0.04');
  assert.equal(await exact('USD', 'RealTotalCost'), '0.03523359');
  assert.equal(await card('USD', 'TotalCost'), 'US$0.04');
  const topProducts = await page
    .locator('.currency[data-currency="CNY"] .top-products tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.cells].map((c) => c.textContent)));
  assert.deepEqual(topProducts, [
    ['云服务器CVM', '¥0.26', '92.86%'],
    ['负载均衡CLB', '¥0.02', '7.14%'],
  ]);
  assert.deepEqual(await page.locator('.overview .duplicates li').allTextContents(), [
    `2 rows of ${PACK}/100012345678-202411-按扣费周期-明细账单.csv are already loaded from ${CNY_BILL}: ` +
      'counted once (skipped as duplicates).',
  ]);
  await page.screenshot({ path: join(OUTPUT, 'overview-currencies-and-duplicates.png'), fullPage: true });

  // The Costs tab shows one currency at a time.
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.locator('select[name="currency"]').waitFor();
  const footer = () =>
    page.locator('.cost-table tfoot tr').evaluate((row) => [...row.cells].map((c) => c.textContent));
  await page.waitForFunction(() => document.querySelector('.costs .period')?.textContent === 'CNY, billing period 2024-11');
  assert.equal((await footer())[1], '¥0.28');
  await page.selectOption('select[name="currency"]', 'USD');
  await page.waitForFunction(() => document.querySelector('.costs .period')?.textContent === 'USD, billing period 2021-08');
  assert.equal((await footer())[1], 'US$0.04');
  await page.screenshot({ path: join(OUTPUT, 'costs-usd.png'), fullPage: true });
});

test('with only unusable files loaded the Overview says nothing is analysable, never "passed"', async () => {
  const page = await openApp();
  await drop(page, 'notes.csv', 'hello,world\n1,2\n', 1);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('.nothing-analysable').waitFor();
  assert.equal(
    await page.textContent('.nothing-analysable'),
    'Nothing analysable loaded: no file had bill, deduction, package or usage rows.',
  );
  assert.equal(await page.getByText('Every check that could run passed.').count(), 0);
  await page.screenshot({ path: join(OUTPUT, 'overview-nothing-analysable.png') });
});

test('a bill whose values need more than 28 digits when added names the column whose totals may be rounded', async () => {
  const page = await openApp();
  const name = 'l3-past-28-digits.csv';
  await drop(page, name, await readFile(join(ROOT, 'crates/tcbill-core/tests/data', name)), 1);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('.overview .rounding').waitFor();
  const notice = (column) =>
    `The ${column} values of ${name} need more than the 28 significant digits an exact decimal holds when added: ` +
    'its totals may be rounded in their last decimals.';
  assert.deepEqual(await page.locator('.overview .rounding li').allTextContents(), [
    notice('Cost'),
    notice('RealCost'),
    notice('CashPayAmount'),
  ]);
  // The total shown is the decimal's, 9000000000000000 + 0.0000000000001 rounded: the notice is why.
  const exact = await page
    .locator('.currency[data-currency="CNY"] .card[data-measure="RealTotalCost"] dd data')
    .getAttribute('title');
  assert.equal(exact, '9000000000000000.000000000000');
  await page.screenshot({ path: join(OUTPUT, 'overview-rounding.png'), fullPage: true });
});

// An L3 bill of June beside an L2 resource bill of May and June: June is read from the L3, May from
// the L2 (its June rows are the same money, not added), and the Overview says May is read from the
// less detailed bill; the comparison of May with June says it compares at the detail both have.
const L3_JUNE = `账单月份,产品名称,子产品名称,计费模式,地域,资源ID,交易类型,交易ID,扣费时间,开始使用时间,结束使用时间,组件类型,组件名称,组件刊例价,组件用量,使用时长,组件原价,折扣率,优惠后总价,现金账户支出（元）
2025-06,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,T1,2025-06-10 01:00:00,2025-06-10 00:00:00,2025-06-10 00:59:59,运算组件,CPU,0.5,100,1,50.00,0.8,40.00,40.00
2025-06,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,T2,2025-06-10 01:00:00,2025-06-10 00:00:00,2025-06-10 00:59:59,存储组件,云硬盘,0.1,100,1,10.00,1,10.00,10.00
`;
const L2_MAY_JUNE = `支付者UIN,使用者UIN,产品名称,子产品名称,计费模式,地域,资源ID,交易类型,扣费时间,开始使用时间,结束使用时间,原价,折扣率,优惠后总价,现金账户支出(元)
100,100,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,2025-05-10 01:00:00,2025-05-10 00:00:00,2025-05-10 00:59:59,37.65432098,0.8,30.12345678,30.12345678
100,100,负载均衡CLB,负载均衡CLB-标准型,按量计费,华东地区（上海）,lb-1,按量计费小时结,2025-05-10 01:00:00,2025-05-10 00:00:00,2025-05-10 00:59:59,5.00000001,1,5.00000001,5.00000001
100,100,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,2025-06-10 01:00:00,2025-06-10 00:00:00,2025-06-10 00:59:59,62.4875,0.8,49.99,49.99
`;

test('each month is read from the most detailed bill loaded for it, and a month read from an L2 is named', async () => {
  const page = await openApp();
  await drop(page, 'l3-2025-06.csv', L3_JUNE, 1);
  await drop(page, 'l2-2025-05-06.csv', L2_MAY_JUNE, 2);
  await page.waitForFunction(() => document.querySelector('.file-table tbody.parsing') === null);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('.overview .lower-detail').waitFor();
  assert.deepEqual(await page.locator('.overview .lower-detail li').allTextContents(), [
    '2025-05 (CNY) is read from the L2 resource bill (l2-2025-05-06.csv): no L3 bill loaded covers it, ' +
      "so its costs have that bill's detail only.",
  ]);
  assert.deepEqual(await page.locator('.overview .currency h3.period').allTextContents(), [
    'CNY, billing period 2025-05, 2025-06',
  ]);
  // May's L2 (30.12345678 + 5.00000001) and June's L3 (40.00 + 10.00), not the L2's June 49.99.
  const exact = await page
    .locator('.currency[data-currency="CNY"] .card[data-measure="RealTotalCost"] dd data')
    .getAttribute('title');
  assert.equal(exact, '85.12345679');
  assert.equal(
    await page.textContent('.overview .currency .source'),
    'Summed over 4 rows of the most detailed bill loaded for each month.',
  );
  await page.screenshot({ path: join(OUTPUT, 'overview-lower-detail.png'), fullPage: true });

  await page.locator('.overview .open-compare').first().click();
  await page.locator('.compare .mixed-detail').waitFor();
  assert.equal(
    await page.textContent('.compare .mixed-detail'),
    'These periods are read from bills of different detail (L3 bill, L2 resource bill): they are compared by ' +
      'product and resource only, and the change is not split into usage and price (it is under “other charges”).',
  );
});
