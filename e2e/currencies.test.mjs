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
