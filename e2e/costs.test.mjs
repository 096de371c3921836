// End-to-end tests of the Costs tab's filters and charts: exact filtered totals, shares that add
// up to 100.00, the trend by day and month, PNG export and the clipboard, filters restored from
// the URL, and the page at a phone's width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, ROOT, OUTPUT } from './harness.mjs';

const THREE_DAYS = '2025-06-three-days-L3.csv';

/** A page of the app in a fresh context (its own permissions), failing the test if it throws. */
const openApp = useBrowser().open;

async function loadSample(page) {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 5);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
}

async function dropThreeDays(page) {
  const bytes = await readFile(join(ROOT, 'e2e', 'fixtures', THREE_DAYS));
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, [{ name: THREE_DAYS, bytes }]) });
  await fileRows(page, 1);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
}

async function addFilter(page, dimension, value) {
  const caption = await page.textContent('.cost-table caption');
  await page.selectOption('select[name="filter-dimension"]', dimension);
  await page.waitForSelector(`select[name="filter-value"] option[value="${value}"]`, { state: 'attached' });
  await page.selectOption('select[name="filter-value"]', value);
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.waitForFunction((before) => document.querySelector('.cost-table caption')?.textContent !== before, caption);
}

// Amounts by their exact value (what they show, rounded, is tested in money.test.mjs).
const cells = (locator) => locator.evaluateAll((rows) => rows.map((row) => [...row.cells].map((c) => c.querySelector('data')?.value ?? c.textContent)));
const footer = async (page) => (await cells(page.locator('.cost-table tfoot tr')))[0];

/** Sums decimal strings of at most `scale` decimals exactly (in units of the last decimal). */
function sum(values, scale) {
  const unit = 10n ** BigInt(scale);
  const total = values.reduce((acc, v) => {
    const [whole, fraction = ''] = v.replace('-', '').split('.');
    const units = BigInt(whole) * unit + BigInt(fraction.padEnd(scale, '0'));
    return v.startsWith('-') ? acc - units : acc + units;
  }, 0n);
  const magnitude = total < 0n ? -total : total;
  return `${total < 0n ? '-' : ''}${magnitude / unit}.${String(magnitude % unit).padStart(scale, '0')}`;
}

/** The three-day fixture's rows as objects keyed by header. */
async function fixtureRows() {
  const [header, ...lines] = (await readFile(join(ROOT, 'e2e', 'fixtures', THREE_DAYS), 'utf8')).trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell])));
}

/** The texts of a chart's SVG, and its dots in the colour of the first (or second) line. */
const chartTexts = async (page, kind) =>
  (await page.locator(`figure[data-chart="${kind}"] svg text`).allTextContents()).map((t) => t.trim()).filter(Boolean);
const dots = (page, colour = '#0052D9') => page.locator(`figure[data-chart="trend"] svg circle[fill="${colour}"]`).count();

test('filters narrow the totals, the table, the shares and the drill-down; they come back from the URL', async () => {
  const page = await openApp();
  await loadSample(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('.cost-table tbody tr');

  // 华南地区（广州） is rows 1, 2, 3 and 6 of the sample bill.
  await addFilter(page, 'region', '华南地区（广州）');
  assert.equal(await page.textContent('.cost-table caption'), '2 groups of 4 rows');
  assert.deepEqual(await footer(page), [
    'Total',
    '475.2', // 优惠后总价 172.8 + 115.2 + 172.8 + 14.4
    '504.0', // 组件原价 172.8 + 144 + 172.8 + 14.4
    '440.0', // 现金 172.8 + 100 + 152.8 + 14.4
    '15.20', // 代金券 0 + 15.20 + 0 + 0
    '20.00', // 赠送 0 + 0 + 20.00 + 0
    '—',
    '100.00%',
    '',
  ]);
  const rows = await cells(page.locator('.cost-table tbody tr'));
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[7]]), [
    ['云服务器', '460.8', '96.97%'],
    ['负载均衡', '14.4', '3.03%'],
  ]);
  assert.equal(sum(rows.map((r) => r[7].replace('%', '')), 2), '100.00');
  // The share chart prints the table's shares.
  assert.deepEqual(await chartTexts(page, 'shares'), [
    'Share of RealTotalCost (优惠后总价)', '96.97%  云服务器', '3.03%  负载均衡',
  ]);

  // A second filter on another dimension must hold too; the value list offers only what remains.
  await page.selectOption('select[name="filter-dimension"]', 'tag:env');
  await page.waitForSelector('select[name="filter-value"] option[value="staging"]', { state: 'attached' });
  assert.deepEqual(await page.locator('select[name="filter-value"] option').allTextContents(), ['prod', 'staging']);
  await addFilter(page, 'tag:env', 'prod');
  assert.equal(await page.textContent('.cost-table caption'), '1 groups of 2 rows');
  assert.deepEqual((await footer(page)).slice(1, 3), ['288.0', '316.8']); // 172.8 + 115.2; 172.8 + 144
  await page.getByRole('button', { name: 'Show the rows of 云服务器' }).click();
  assert.equal(await page.textContent('.row-table caption'), '云服务器: 2 bill rows');
  await page.screenshot({ path: join(OUTPUT, 'costs-filtered.png'), fullPage: true });

  // The filters live in the URL: a reload and the same drop bring them back.
  await page.waitForFunction(() => location.hash.includes('&f=tag%3Aenv:prod'));
  assert.match(await page.evaluate(() => location.hash), /&f=region:%E5%8D%8E%E5%8D%97.*&f=tag%3Aenv:prod$/);
  await page.reload();
  await page.getByRole('tab', { name: 'Files' }).click();
  await loadSample(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForFunction(() => document.querySelector('.cost-table caption')?.textContent === '1 groups of 2 rows');
  assert.deepEqual(await page.locator('.active-filters .filter span').allTextContents(), [
    'RegionName = 华南地区（广州）', 'Tag:env = prod',
  ]);

  // Removing a filter widens the rows again.
  await page.getByRole('button', { name: 'Remove filter RegionName = 华南地区（广州）' }).click();
  await page.waitForFunction(() => document.querySelector('.cost-table caption')?.textContent === '3 groups of 4 rows');
  assert.equal((await footer(page))[1], '372.4363523'); // 172.8 + 115.2 + 24.0203523 + 60.416
});

test('the trend has one point per day or month of the filtered rows', async () => {
  const page = await openApp();
  await dropThreeDays(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('figure[data-chart="trend"] svg');
  const rows = await fixtureRows();
  const days = ['2025-06-01', '2025-06-02', '2025-06-03'];
  assert.equal(await dots(page), 3);
  const texts = await chartTexts(page, 'trend');
  assert.ok(days.every((day) => texts.includes(day)), texts.join('|'));
  assert.ok(texts.includes('RealTotalCost (优惠后总价) by day'));
  assert.equal(await dots(page, '#E37318'), 0);

  // TotalCost as a second line, on request.
  await page.check('input[name="trend-total-cost"]');
  await page.waitForFunction(() => document.querySelectorAll('figure[data-chart="trend"] svg circle[fill="#E37318"]').length === 3);

  // Filtered to one resource, still a point per day; the table's total is the fixture's exact sum.
  await addFilter(page, 'resource_id', 'res-07');
  assert.equal(await dots(page), 3);
  assert.equal((await footer(page))[1], sum(rows.filter((r) => r['资源ID'] === 'res-07').map((r) => r['优惠后总价']), 2));

  // By month: one point, drawn alone.
  await page.selectOption('select[name="trend-by"]', 'month');
  await page.waitForFunction(() => location.hash.endsWith('&trend=month'));
  await page.waitForFunction(() => document.querySelectorAll('figure[data-chart="trend"] svg circle[fill="#0052D9"]').length === 1);
  assert.ok((await chartTexts(page, 'trend')).includes('2025-06'));
  await page.screenshot({ path: join(OUTPUT, 'costs-trend.png'), fullPage: true });
});

test('the sample month, whose rows all begin on one day, has a one-point trend', async () => {
  const page = await openApp();
  await loadSample(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.waitForSelector('figure[data-chart="trend"] svg');
  assert.equal(await dots(page), 1);
  assert.ok((await chartTexts(page, 'trend')).includes('2025-06-01'));
  await page.locator('figure[data-chart="trend"]').screenshot({ path: join(OUTPUT, 'costs-trend-one-point.png') });
});

test('the share chart shows the largest groups and the others, adding up to 100.00 like the table', async () => {
  const page = await openApp();
  await dropThreeDays(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.selectOption('select[name="group-by-0"]', 'resource_id');
  await page.waitForFunction(() => document.querySelector('.cost-table caption')?.textContent === '12 groups of 36 rows');
  const rows = await cells(page.locator('.cost-table tbody tr'));
  const tableShares = rows.map((r) => r[7].replace('%', ''));
  assert.equal(sum(tableShares, 2), '100.00');

  const legend = (await chartTexts(page, 'shares')).slice(1);
  assert.equal(legend.length, 10);
  const legendShares = legend.map((text) => text.split('%')[0]);
  assert.equal(sum(legendShares, 2), '100.00');
  // The nine largest exactly as in the table (sorted by RealTotalCost, largest first), then the rest.
  assert.deepEqual(legend.slice(0, 9), rows.slice(0, 9).map((r) => `${r[7]}  ${r[0]}`));
  assert.equal(legend[9], `${sum(tableShares.slice(9), 2)}%  3 others`);
  await page.locator('figure[data-chart="shares"]').screenshot({ path: join(OUTPUT, 'costs-share-chart.png') });
});

test('a chart saves as PNG and copies to the clipboard as PNG', async () => {
  const page = await openApp({ permissions: ['clipboard-read', 'clipboard-write'] });
  await dropThreeDays(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  const trend = page.locator('figure[data-chart="trend"]');
  await trend.locator('svg').waitFor();

  const [download] = await Promise.all([page.waitForEvent('download'), trend.getByRole('button', { name: 'Save as PNG' }).click()]);
  assert.equal(download.suggestedFilename(), 'tcbill-trend-CNY-day.png');
  const png = await readFile(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: twice the chart's 720 × 280 CSS pixels.
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1440, 560]);

  await trend.getByRole('button', { name: 'Copy as PNG' }).click();
  await trend.getByText('Copied to the clipboard.').waitFor();
  const copied = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    const bytes = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
    return { types: item.types, head: [...bytes.subarray(0, 8)] };
  });
  assert.deepEqual(copied, { types: ['image/png'], head: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] });
});

test('without clipboard permission, Copy as PNG saves the PNG instead', async () => {
  const page = await openApp();
  await loadSample(page);
  await page.getByRole('tab', { name: 'Costs' }).click();
  const groups = page.locator('figure[data-chart="groups"]');
  await groups.locator('svg').waitFor();
  // Headless Chromium refuses the write without the permission, as a browser whose user said no does.
  await page.evaluate(() => {
    navigator.clipboard.write = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  const [download] = await Promise.all([page.waitForEvent('download'), groups.getByRole('button', { name: 'Copy as PNG' }).click()]);
  assert.equal(download.suggestedFilename(), 'tcbill-cost-CNY-product.png');
  const png = await readFile(await download.path());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  await groups.getByText('The clipboard is not available here; saved as a PNG file instead.').waitFor();
});

for (const [width, height] of [[390, 844], [1280, 800]]) {
  test(`every tab fits a ${width}×${height} screen without scrolling the page sideways`, async () => {
    const page = await openApp({ width, height });
    await loadSample(page);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(await overflow(), 0, 'files');
    await page.screenshot({ path: join(OUTPUT, `files-${width}.png`), fullPage: true });
    for (const [tab, name] of [['Overview', 'overview'], ['Packages & deductions', 'packages'], ['Usage', 'usage'], ['Costs', 'costs']]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForSelector('#panel table');
      assert.equal(await overflow(), 0, tab);
      if (tab === 'Costs') {
        await page.selectOption('select[name="group-by-1"]', 'tag:env');
        await addFilter(page, 'region', '华南地区（广州）');
        await page.getByRole('button', { name: 'Show the rows of 云服务器 / prod' }).click();
        await page.waitForSelector('.row-table tbody tr');
        assert.equal(await overflow(), 0, 'costs with a filter and a drill-down');
        // The wide cost table scrolls sideways inside its own box (the table itself on narrow screens).
        const hidden = await page.locator('.cost-table').evaluate((t) =>
          Math.max(t.scrollWidth - t.clientWidth, t.parentElement.scrollWidth - t.parentElement.clientWidth));
        if (width < 700) assert.ok(hidden > 0, `${hidden}`);
      }
      await page.screenshot({ path: join(OUTPUT, `${name}-${width}.png`), fullPage: true });
    }
  });
}

test('a large file can be cancelled while it parses, and the page answers clicks meanwhile', async () => {
  const page = await openApp();
  // About 90 MB of bill rows (1.8 million; about two seconds to parse), built in the page from one
  // string of 2 MB repeated, so the test stays quick.
  await page.evaluate(() => {
    const header = '产品名称,组件名称,地域,优惠后总价,现金账户支出(元)\n';
    const row = '云服务器,CPU,华南地区（广州）,0.12,0.12\n';
    const chunk = row.repeat(Math.ceil((1 << 20) / row.length));
    const file = new File([header, ...Array(48).fill(chunk)], 'large.csv');
    const transfer = new DataTransfer();
    transfer.items.add(file);
    window.largeDrop = transfer;
  });
  await page.evaluate(() => document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: window.largeDrop, bubbles: true, cancelable: true })));
  await page.waitForSelector('.file-table tbody.parsing progress');

  // The page is not blocked: switching tabs is handled while the worker parses.
  await page.getByRole('tab', { name: 'Overview' }).click();
  assert.equal(await page.getAttribute('#tab-overview', 'aria-selected'), 'true');
  await page.getByRole('tab', { name: 'Files' }).click();
  assert.equal(await page.locator('.file-table tbody.parsing').count(), 1, 'still parsing');

  await page.getByRole('button', { name: 'Cancel large.csv' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.file-table tbody.parsing').length === 0);
  assert.match(await page.textContent('.file-table tbody'), /cancelled/);
  // Nothing of it was loaded.
  assert.equal(await page.getByRole('button', { name: 'Download report (JSON)' }).count(), 0);
  await page.screenshot({ path: join(OUTPUT, 'cancelled.png'), fullPage: true });
});
