// End-to-end tests of issue #13's items 2, 5 and 7: money as people read it (grouped digits,
// ¥, two decimals, the exact value on hover and focus), the precision switch kept in the URL,
// nothing cut (cards, drill-down cells), charts with text of 11 px or more that fit a phone, and
// the Costs CSV that names what it holds. Screenshots at 1366×900 and 390×844 go to test-output/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, ROOT, OUTPUT } from './harness.mjs';

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * A bill of two rows with amounts that need grouping and rounding: 1234.5678 (云服务器) and
 * 123456.005 (对象存储, a half that rounds up), so RealTotalCost is 124690.5728.
 */
async function bill() {
  const fixture = await readFile(join(ROOT, 'e2e', 'fixtures', '2025-06-three-days-L3.csv'), 'utf8');
  const header = fixture.split('\n')[0];
  const row = (product, resource, list, real) =>
    `2025-06,100012345678,100012345678,100012345678,${product},标准型,按量计费,web,华南地区（广州）,ap-guangzhou,-,-,境内,` +
    `${resource},${resource},-,按量计费日结,-,20250600${resource.slice(-2)},2025-06-01 23:00:00,2025-06-01 00:00:00,` +
    `2025-06-01 23:59:59,计算,实例,${list},${list},元/天,1,个,1,天,${list},1,-,-,-,0,${real},0,0,${real},-,prod,-`;
  return [header, row('云服务器', 'ins-00000001', '1500', '1234.5678'), row('对象存储', 'cos-00000002', '123456.005', '123456.005')].join('\n') + '\n';
}

const session = useBrowser();
/** The app at `viewport` (`DESKTOP`, `PHONE`), its URL followed by `fragment`. */
const openApp = (viewport, fragment = '') => session.open({ ...viewport, fragment });

async function dropBill(page) {
  const transfer = await dataTransferOf(page, [{ name: 'money.csv', bytes: await bill() }]);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: transfer });
  await fileRows(page, 1);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
}

/** Each amount of `selector`: what it shows, its title, its value and whether it takes focus. */
function amounts(page, selector) {
  return page.locator(selector).evaluateAll((elements) =>
    elements.map((e) => [e.textContent, e.getAttribute('title'), e.getAttribute('value'), e.tabIndex]),
  );
}

const card = (page, measure) => page.locator(`.card[data-measure="${measure}"] dd`).textContent();

test('amounts show grouped digits, the currency and two decimals, with the exact value on hover and focus', async () => {
  const page = await openApp(DESKTOP);
  await dropBill(page);
  await page.getByRole('tab', { name: 'Overview' }).click();
  assert.deepEqual(await amounts(page, '.card[data-measure="RealTotalCost"] dd data'), [
    ['¥124,690.57', '124690.5728', '124690.5728', 0],
  ]);
  assert.equal(await card(page, 'TotalCost'), '¥124,956.01');
  assert.equal(await card(page, 'TransferPayAmount'), '—');
  assert.deepEqual(await amounts(page, '.top-products td.num data'), [
    ['¥123,456.01', '123456.005', '123456.005', 0],
    ['¥1,234.57', '1234.5678', '1234.5678', 0],
  ]);
  // No card cuts a digit: the six-figure amount fits its box.
  const cut = await page.locator('.card dd').evaluateAll((dds) => dds.filter((dd) => dd.scrollWidth > dd.clientWidth).length);
  assert.equal(cut, 0);
  // The keyboard reaches an amount, and its exact value is what it names.
  await page.locator('.card[data-measure="RealTotalCost"] data').focus();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('title')), '124690.5728');
  await page.screenshot({ path: join(OUTPUT, 'money-overview-1366.png'), fullPage: true });

  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('.cost-table tbody tr');
  const rows = await page.locator('.cost-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(0, 3).map((c) => c.textContent)));
  assert.deepEqual(rows, [
    ['对象存储', '¥123,456.01', '¥123,456.01'],
    ['云服务器', '¥1,234.57', '¥1,500.00'],
  ]);
  assert.deepEqual((await amounts(page, '.cost-table tfoot data')).slice(0, 2), [
    ['¥124,690.57', '124690.5728', '124690.5728', 0],
    ['¥124,956.01', '124956.005', '124956.005', 0],
  ]);
  // Right-aligned in tabular figures with fixed decimals: the decimal points of a column line up.
  const alignment = await page.locator('.cost-table').evaluate((table) => {
    const cells = [...table.querySelectorAll('tbody tr, tfoot tr')].map((tr) => tr.querySelector('td.num'));
    const points = cells.map((td) => {
      const data = td.querySelector('data');
      const range = document.createRange();
      const text = data.firstChild;
      const dot = text.textContent.indexOf('.');
      range.setStart(text, dot);
      range.setEnd(text, dot + 1);
      return Math.round(range.getBoundingClientRect().left);
    });
    const style = getComputedStyle(cells[0]);
    return { points, align: style.textAlign, figures: style.fontVariantNumeric };
  });
  assert.equal(alignment.align, 'right');
  assert.equal(alignment.figures, 'tabular-nums');
  assert.equal(new Set(alignment.points).size, 1, `decimal points at ${alignment.points}`);
  await page.screenshot({ path: join(OUTPUT, 'money-costs-1366.png'), fullPage: true });
});

test('the precision switch changes every amount and survives a reload through the URL', async () => {
  const page = await openApp(DESKTOP);
  await dropBill(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('.cost-table tbody tr');
  await page.selectOption('select[name="precision"]', '4');
  const firstAmounts = () => page.locator('.cost-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.cells[1].textContent));
  assert.deepEqual(await firstAmounts(), ['¥123,456.0050', '¥1,234.5678']);
  assert.match(page.url(), /[#&]digits=4(&|$)/);

  await page.reload();
  assert.equal(await page.locator('select[name="precision"]').inputValue(), '4');
  await page.getByRole('tab', { name: 'Files' }).click();
  await dropBill(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('.cost-table tbody tr');
  assert.deepEqual(await firstAmounts(), ['¥123,456.0050', '¥1,234.5678']);

  await page.selectOption('select[name="precision"]', 'exact');
  assert.deepEqual(await firstAmounts(), ['¥123,456.005', '¥1,234.5678']);
  assert.match(page.url(), /[#&]digits=exact(&|$)/);
  await page.getByRole('tab', { name: 'Overview' }).click();
  assert.equal(await card(page, 'RealTotalCost'), '¥124,690.5728');
  await page.selectOption('select[name="precision"]', '2');
  assert.equal(await card(page, 'RealTotalCost'), '¥124,690.57');
  assert.doesNotMatch(page.url(), /digits=/);
});

test('the Costs CSV names its grouping, filters and currency, in the table\'s column order, with a total row', async () => {
  const page = await openApp(DESKTOP);
  await dropBill(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('.cost-table tbody tr');
  const download = async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    return [file.suggestedFilename(), await readFile(await file.path(), 'utf8')];
  };
  const [name, csv] = await download();
  assert.equal(name, 'tcbill-costs-by-product-CNY.csv');
  assert.deepEqual(csv.split('\r\n'), [
    '\ufeff# tcbill costs; currency: CNY; grouped by: product; filters: none',
    'currency,product,RealTotalCost,TotalCost,CashPayAmount,VoucherPayAmount,IncentivePayAmount,TransferPayAmount,RealTotalCostRatio,row_count',
    'CNY,对象存储,123456.005,123456.005,123456.005,0,0,,99.01,1',
    'CNY,云服务器,1234.5678,1500,1234.5678,0,0,,0.99,1',
    'CNY,Total,124690.5728,124956.005,124690.5728,0,0,,100.00,2',
    '',
  ]);

  await page.selectOption('select[name="filter-dimension"]', 'product');
  await page.locator('select[name="filter-value"] option[value="云服务器"]').waitFor({ state: 'attached' });
  await page.selectOption('select[name="filter-value"]', '云服务器');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.cost-table tbody tr').length === 1);
  const [filteredName, filtered] = await download();
  assert.equal(filteredName, 'tcbill-costs-by-product-CNY-filtered.csv');
  const lines = filtered.split('\r\n');
  assert.equal(lines[0], '\ufeff# tcbill costs; currency: CNY; grouped by: product; filters: product = 云服务器');
  assert.equal(lines.at(-2), 'CNY,Total,1234.5678,1500,1234.5678,0,0,,100.00,1');
});

test('charts: text of 11 px or more, grouped ticks, every bar labelled in full, no empty bar', async () => {
  const page = await openApp(DESKTOP);
  await dropBill(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  const groups = page.locator('figure[data-chart="groups"] svg');
  await groups.waitFor();
  assert.equal(await groups.locator('rect[fill="#0052D9"]').count(), 2, 'one bar per group, none empty');
  const texts = await groups.locator('text').evaluateAll((ts) => ts.map((t) => t.textContent.trim()));
  assert.ok(texts.includes('对象存储') && texts.includes('云服务器'), texts.join('|'));
  assert.ok(texts.includes('RealTotalCost (CNY)'), texts.join('|'));
  const ticks = texts.filter((t) => /^[\d,.]+$/.test(t));
  assert.ok(ticks.some((t) => /^\d{1,3}(,\d{3})+$/.test(t)), `grouped ticks: ${ticks}`);
  assert.ok(!ticks.some((t) => /\.0$/.test(t)), `no "5000.0": ${ticks}`);
  assert.deepEqual(await smallestText(page), { under11: [], charts: 3 });
});

test('at 390×844 every chart fits the phone and keeps its text legible; drill-down cells are never cut', async () => {
  const page = await openApp(PHONE);
  await dropBill(page);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('.card').first().waitFor();
  const cut = await page.locator('.card dd').evaluateAll((dds) => dds.filter((dd) => dd.scrollWidth > dd.clientWidth).length);
  assert.equal(cut, 0);
  await page.screenshot({ path: join(OUTPUT, 'money-overview-390.png'), fullPage: true });

  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.locator('figure[data-chart="trend"] svg').waitFor();
  const overflowing = await page.locator('figure.chart').evaluateAll((figures) =>
    figures
      .map((figure) => ({ chart: figure.dataset.chart, right: figure.querySelector('svg').getBoundingClientRect().right, scroll: figure.scrollWidth - figure.clientWidth }))
      .filter(({ right, scroll }) => right > innerWidth || scroll > 0),
  );
  assert.deepEqual(overflowing, []);
  assert.deepEqual(await smallestText(page), { under11: [], charts: 3 });
  await page.screenshot({ path: join(OUTPUT, 'money-costs-390.png'), fullPage: true });

  await page.getByRole('button', { name: 'Show the rows of 对象存储' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.row-table tbody tr').length === 1);
  const cells = await page.locator('.row-table td').evaluateAll((tds) =>
    tds.map((td) => ({ text: td.textContent, cut: td.scrollWidth > td.clientWidth, ellipsis: getComputedStyle(td).textOverflow === 'ellipsis', title: td.title })),
  );
  assert.deepEqual(cells.filter((c) => c.cut || c.ellipsis), []);
  assert.ok(cells.every((c) => c.title === c.text));
  assert.ok(cells.some((c) => c.text === 'cos-00000002'));
  await page.locator('.drill-down').screenshot({ path: join(OUTPUT, 'money-drill-down-390.png') });
});

/** Chart texts drawn below 11 CSS pixels (font-size times the SVG's scale), and how many charts. */
function smallestText(page) {
  return page.locator('figure.chart svg').evaluateAll((svgs) => ({
    under11: svgs.flatMap((svg) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')]
        .map((t) => ({ text: t.textContent.trim(), px: Number(t.getAttribute('font-size')) * scale }))
        .filter(({ text, px }) => text && px < 11);
    }),
    charts: svgs.length,
  }));
}
