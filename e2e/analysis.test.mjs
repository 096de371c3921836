// End-to-end tests of the analysis views on the built-in sample month: exact amounts in the
// page, the planted deduction faults, group-by and sorting, downloads, and the URL-held view.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { useBrowser, fileRows, dataTransferOf, tcbill, SAMPLE_PATHS, ROOT, OUTPUT } from './harness.mjs';

const session = useBrowser();
let page;

beforeEach(async () => {
  page = await session.open();
  await loadSample(page);
});

async function loadSample(page) {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 5);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
}

// Amounts by their exact value (what they show, rounded, is tested in money.test.mjs).
const cells = (locator) => locator.evaluateAll((rows) => rows.map((row) => [...row.cells].map((c) => c.querySelector('data')?.value ?? c.textContent)));

test('overview shows the exact totals, the top products and the planted deduction faults', async () => {
  await page.getByRole('tab', { name: 'Overview' }).click();
  const card = (measure) =>
    page.locator(`.card[data-measure="${measure}"] dd`).evaluate((dd) => dd.querySelector('data')?.value ?? dd.textContent);
  assert.equal(await card('RealTotalCost'), '559.6363523');
  assert.equal(await card('TotalCost'), '592.675238');
  assert.equal(await card('CashPayAmount'), '514.4363523');
  assert.equal(await card('VoucherPayAmount'), '25.20');
  assert.equal(await card('IncentivePayAmount'), '20.00');
  assert.equal(await card('TransferPayAmount'), '—');
  assert.deepEqual(await cells(page.locator('.top-products tbody tr')), [
    ['云服务器', '460.8', '82.34%'],
    ['对象存储', '60.416', '10.80%'],
    ['内容分发网络 CDN', '24.0203523', '4.29%'],
    ['负载均衡', '14.4', '2.57%'],
  ]);
  assert.equal(
    await page.locator('.checks li').first().locator('summary').textContent(),
    'Resource-package deductions: 1 balance-chain breaks, 1 抵扣系数 mismatches',
  );
  assert.equal(await page.locator('.checks li[data-check="summary_vs_details"] .status').textContent(), 'ok (4 rows)');
  await page.screenshot({ path: join(OUTPUT, 'overview.png'), fullPage: true });
});

test('packages show burn-down figures, the chain break and the coefficient mismatch', async () => {
  await page.getByRole('tab', { name: 'Packages & deductions' }).click();
  const packages = await cells(page.locator('.package-table tbody tr'));
  assert.deepEqual(packages[0].slice(0, 7), [
    'pkg-cdn-0001', 'CDN境内流量包500GB', '总量递减', '81.500000000 GB', '418.250000000 GB', '500.000000000 GB', '16.35%',
  ]);
  assert.deepEqual(await cells(page.locator('.breaks tbody tr')), [
    ['pkg-cdn-0001', '2025-06-资源包抵扣明细.csv:5', '2025-06-04 01:00:10', '437.250000000', '437.000000000', '-0.250000000'],
  ]);
  assert.deepEqual(await cells(page.locator('.mismatches tbody tr')), [
    ['pkg-trtc-0002', '2025-06-资源包抵扣明细.csv:8', '2025-06-03 04:10:47', '1000.000000000 秒', '16.000000000 分钟', '1', '0.96'],
  ]);
  await page.screenshot({ path: join(OUTPUT, 'packages.png'), fullPage: true });
});

test('costs group by any two dimensions, sort, and download as CSV', async () => {
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.selectOption('select[name="group-by-0"]', 'region');
  await page.selectOption('select[name="group-by-1"]', 'tag:env');
  await page.waitForFunction(() => document.querySelectorAll('.cost-table thead th').length === 10);
  assert.equal(await page.textContent('.cost-table caption'), '4 groups of 6 rows');
  // region, tag:env, RealTotalCost, share (largest remainder: 10.79 + 0.01 makes 100.00).
  const keyAndShare = async () => (await cells(page.locator('.cost-table tbody tr'))).map((r) => [r[0], r[1], r[2], r[8]]);
  assert.deepEqual(await keyAndShare(), [
    ['华南地区（广州）', 'prod', '288.0', '51.46%'],
    ['华南地区（广州）', 'staging', '187.2', '33.45%'],
    ['华东地区（上海）', 'prod', '60.416', '10.80%'],
    ['中国大陆', 'prod', '24.0203523', '4.29%'],
  ]);
  assert.deepEqual(await cells(page.locator('.cost-table tfoot tr')), [
    ['Total', '559.6363523', '592.675238', '514.4363523', '25.20', '20.00', '—', '100.00%', ''],
  ]);

  // Sorting by share starts with the largest; a second click reverses it.
  await page.getByRole('button', { name: 'Share' }).click();
  assert.equal(await page.getAttribute('th:has(button:text("Share"))', 'aria-sort'), 'descending');
  await page.getByRole('button', { name: 'Share' }).click();
  assert.deepEqual((await keyAndShare()).map((row) => row[3]), ['4.29%', '10.80%', '33.45%', '51.46%']);

  await page.screenshot({ path: join(OUTPUT, 'costs.png'), fullPage: true });

  // The chart draws one bar per group and saves as SVG.
  const groupsChart = page.locator('figure[data-chart="groups"]');
  assert.equal(await groupsChart.locator('svg rect[fill="#0052D9"]').count(), 4);
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), groupsChart.getByRole('button', { name: 'Save chart as SVG' }).click()]);
  assert.equal(svgDownload.suggestedFilename(), 'tcbill-cost-CNY-region-tag_env.svg');
  assert.match(await readFile(await svgDownload.path(), 'utf8'), /^<svg [^>]*width="720" height="260"/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'tcbill-costs-by-region-tag_env-CNY.csv');
  const csv = await readFile(await download.path(), 'utf8');
  assert.ok(
    csv.startsWith('\ufeff# tcbill costs; currency: CNY; grouped by: region / tag:env; filters: none\r\ncurrency,region,tag:env,RealTotalCost,TotalCost,'),
    csv.slice(0, 160),
  );
  // The first line, the header, four groups and the total.
  assert.equal(csv.split('\r\n').filter(Boolean).length, 7);
});

test('a group drills down to its bill rows', async () => {
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.getByRole('button', { name: 'Show the rows of 云服务器' }).click();
  assert.equal(await page.textContent('.row-table caption'), '云服务器: 3 bill rows');
  await page.waitForFunction(() => document.querySelectorAll('.row-table tbody tr').length === 3);
  const rows = await cells(page.locator('.row-table tbody tr'));
  assert.deepEqual(rows.map((row) => [row[0], row[3], row[9]]), [
    ['2025-06-明细账单-L3.csv:2', 'CPU', '172.8'],
    ['2025-06-明细账单-L3.csv:3', '内存', '115.2'],
    ['2025-06-明细账单-L3.csv:4', 'CPU', '172.8'],
  ]);
});

test('a drill-down of 20,000 rows keeps only the visible rows in the page', async () => {
  const lines = ['产品名称,组件名称,地域,优惠后总价,现金账户支出(元)'];
  for (let i = 0; i < 20000; i++) lines.push(`弹性公网IP,带宽,广州,0.${String(i % 100).padStart(2, '0')},0.${String(i % 100).padStart(2, '0')}`);
  const dataTransfer = await dataTransferOf(page, [{ name: 'eip.csv', bytes: lines.join('\n') + '\n' }]);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });
  await fileRows(page, 6);
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.getByRole('button', { name: 'Show the rows of 弹性公网IP' }).click();
  assert.equal(await page.textContent('.row-table caption'), '弹性公网IP: 20000 bill rows');
  await page.waitForSelector('.row-table tbody tr[data-row="0"]');
  const inDom = () => page.locator('.row-table tbody tr').count();
  assert.ok((await inDom()) <= 60, `rows in the DOM: ${await inDom()}`);

  await page.locator('.row-table .viewport').evaluate((viewport) => (viewport.scrollTop = viewport.scrollHeight));
  await page.waitForSelector('.row-table tbody tr[data-row="19999"]');
  assert.ok((await inDom()) <= 60, `rows in the DOM after scrolling: ${await inDom()}`);
  const last = await cells(page.locator('.row-table tbody tr[data-row="19999"]'));
  assert.deepEqual([last[0][0], last[0][9]], ['eip.csv:20001', '0.99']);
  await page.screenshot({ path: join(OUTPUT, 'drill-down.png'), fullPage: true });
});

test('the downloaded report is byte-identical to the CLI report of the same files', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report (JSON)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'tcbill-report.json');
  const fromPage = await readFile(await download.path(), 'utf8');
  const fromCli = tcbill('analyze', ...SAMPLE_PATHS, '--json');
  assert.equal(fromPage, fromCli);
  assert.equal(JSON.parse(fromPage).cost.currencies[0].total.RealTotalCost, '559.6363523');
});

test('the report tables download as one ZIP holding the CLI\'s CSV files byte for byte', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Report tables (CSV, ZIP)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'tcbill-report-csv.zip');
  const members = unzip(await readFile(await download.path()));
  const csvDir = await mkdtemp(join(tmpdir(), 'tcbill-csv-'));
  tcbill('analyze', ...SAMPLE_PATHS, '--csv', csvDir);
  const fromCli = (await readdir(csvDir)).sort();
  assert.deepEqual([...members.keys()].sort(), fromCli);
  for (const name of fromCli) {
    assert.ok(members.get(name).equals(await readFile(join(csvDir, name))), name);
  }
  assert.match(members.get('cost-product.csv').toString('utf8'), /^\uFEFFcurrency,product,TotalCost,.*\r\nCNY,云服务器,489\.6,460\.8,/);
});

test('the FOCUS 1.0 download equals the CLI export of the same files', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'FOCUS 1.0 (CSV)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'tcbill-focus-1.0.csv');
  const fromPage = await readFile(await download.path(), 'utf8');
  const outDir = await mkdtemp(join(tmpdir(), 'tcbill-focus-'));
  tcbill('export', '--focus', ...SAMPLE_PATHS, '--out', outDir);
  assert.equal(fromPage, await readFile(join(outDir, 'billing_month=2025-06', 'focus.csv'), 'utf8'));
  const [header, ...rows] = fromPage.trimEnd().split('\n');
  assert.ok(header.startsWith('AvailabilityZone,BilledCost,BillingAccountId,'), header);
  assert.equal(rows.length, 6);
});

/** The members of a ZIP archive (stored or deflated), by name, read from its central directory. */
function unzip(zip) {
  const members = new Map();
  let end = zip.length - 22;
  while (zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  let entry = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i += 1) {
    const [method, size, nameLength] = [zip.readUInt16LE(entry + 10), zip.readUInt32LE(entry + 20), zip.readUInt16LE(entry + 28)];
    const name = zip.toString('utf8', entry + 46, entry + 46 + nameLength);
    const local = zip.readUInt32LE(entry + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    members.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    entry += 46 + nameLength + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
  }
  return members;
}

test('usage shows the peak, the 95th percentile and the average daily peak per series', async () => {
  await page.getByRole('tab', { name: 'Usage' }).click();
  assert.deepEqual((await cells(page.locator('.usage-table tbody tr'))).map((row) => row.slice(1)), [
    ['static.example.com', '带宽(Mbps)', 'Mbps', '2016', '—', '134.307', '2025-06-05 20:00:00', '75.767', '85.631'],
    ['static.example.com', '流量(GB)', 'GB', '2016', '3168.2396', '5.0365', '2025-06-05 20:00:00', '2.8413', '3.211157'],
  ]);
});

test('traffic also as bandwidth: the derived series equal the CLI\'s --bandwidth report', async () => {
  await page.getByRole('tab', { name: 'Usage' }).click();
  await page.getByLabel('Also as bandwidth (Mbps), from traffic').check();
  await page.waitForFunction(() => document.querySelectorAll('.usage-table tbody tr').length === 3);
  const fromCli = tcbill('analyze', ...SAMPLE_PATHS, '--bandwidth', '--json');
  const derived = JSON.parse(fromCli).usage[2];
  assert.equal(derived.derived_from, '流量(GB) per 300 s, 1 GB = 8000 Mb');
  // 5.0365 GB in 300 s = 5.0365 × 8000 Mb / 300 s = 134.306667 Mbps; the export measured 134.307.
  assert.deepEqual((await cells(page.locator('.usage-table tbody tr')))[2].slice(1), [
    'static.example.com', '带宽(Mbps)←流量(GB)', 'Mbps', '2016', '—', '134.306667', '2025-06-05 20:00:00', '75.7680', '85.630857',
  ]);
  assert.deepEqual(
    [derived.total, derived.peak, derived.percentile_95, derived.daily_peak_average],
    ['84486.389336', '134.306667', '75.7680', '85.630857'],
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report (JSON)' }).click(),
  ]);
  assert.equal(await readFile(await download.path(), 'utf8'), fromCli);
});

test('the view lives in the URL and comes back after a reload and the same drop', async () => {
  await page.getByRole('tab', { name: 'Costs' }).click();
  await page.selectOption('select[name="group-by-0"]', 'project');
  await page.getByRole('button', { name: '中文' }).click();
  await page.waitForFunction(() => location.hash === '#tab=costs&by=project&lang=zh');

  await page.reload();
  assert.equal(await page.getAttribute('#tab-costs', 'aria-selected'), 'true');
  assert.equal(await page.textContent('#panel'), '请先加载账单文件（或示例数据）以查看分析结果。');
  await page.getByRole('tab', { name: '文件' }).click();
  await page.getByRole('button', { name: '加载示例数据' }).click();
  await page.getByRole('tab', { name: '费用' }).click();
  await page.waitForSelector('.cost-table tbody tr');
  assert.equal(await page.inputValue('select[name="group-by-0"]'), 'project');
  assert.deepEqual((await cells(page.locator('.cost-table tbody tr'))).map((row) => row[0]), ['web', 'api', 'data']);
});

test('a check says how many rows it could not check for a blank value, a package how many deductions it could not read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tcbill-missing-'));
  // A bill whose first row has no 优惠后总价, and a deduction in MB of a GB package.
  const [header, first, ...rest] = (await readFile(join(ROOT, 'crates/tcbill-core/tests/data/l3-cn-2024-11.csv'), 'utf8')).split('\n');
  const cellsOf = first.split(',');
  cellsOf[header.split(',').indexOf('优惠后总价')] = '';
  const bill = [header, cellsOf.join(','), ...rest].join('\n');
  const deductions = [
    '资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数',
    'CDN包,pkg-1,内容分发网络 CDN,总量递减,2025-06-01 01:00:00,500GB,10GB,490GB,GB,内容分发网络 CDN,境内流量,10,GB,1',
    'CDN包,pkg-1,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,490GB,30976MB,459.024GB,GB,内容分发网络 CDN,境内流量,30976,MB,1',
    '',
  ].join('\n');
  const files = [{ name: 'blank-cost.csv', bytes: Buffer.from(bill) }, { name: 'units.csv', bytes: Buffer.from(deductions) }];
  for (const { name, bytes } of files) await writeFile(join(dir, name), bytes);
  const report = JSON.parse(tcbill('analyze', ...SAMPLE_PATHS, ...files.map(({ name }) => join(dir, name)), '--json'));
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
  await fileRows(page, 7);

  await page.getByRole('tab', { name: 'Overview' }).click();
  const discount = report.checks.find((check) => check.id === 'discount');
  assert.equal(discount.rows_missing_values, 1);
  const status = discount.status === 'ok'
    ? `ok (${discount.rows_checked} rows)`
    : `${discount.mismatches.length} mismatches in ${discount.rows_checked} rows`;
  assert.equal(
    await page.locator('.checks li[data-check="discount"] .status').textContent(),
    `${status}; 1 rows lack a value and are not checked`,
  );

  await page.getByRole('tab', { name: 'Packages & deductions' }).click();
  const pkg = report.packages.find((p) => p.package_id === 'pkg-1');
  assert.deepEqual([pkg.used, pkg.rows_without_used], ['10', 1]);
  assert.match(
    await page.locator('.packages-in-words li[data-package="pkg-1"]').textContent(),
    /1 of its deduction rows have no 实际抵扣量 to read \(blank, or in another unit than 资源包单位\): they are not in the used figure$/,
  );
});
