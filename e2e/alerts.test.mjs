// End-to-end test of the Overview's alerts (issue #17, item 4): on the built-in sample month, the
// count by kind, each alert's amounts exactly as the report's `alerts` has them, and an alert
// opened to the rows it cites (file:line, as `tcbill analyze --json` cites them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useBrowser, fileRows, tcbill, SAMPLE_PATHS, OUTPUT } from './harness.mjs';

const session = useBrowser();

/** Each row's cells: an amount by its exact value, anything else by its text. */
const cells = (locator) =>
  locator.evaluateAll((rows) => rows.map((row) => [...row.cells].map((c) => c.querySelector('data')?.value ?? c.textContent)));

test('the Overview lists the alerts first, counted by kind, each opening to its rows', async () => {
  const page = await session.open({ height: 900 });
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 5);
  await page.click('#tab-overview');
  await page.locator('.alerts').waitFor();
  // First on the page, before the totals.
  assert.equal(await page.evaluate(() => document.querySelector('.overview h3').textContent), 'Alerts');
  assert.equal(
    await page.textContent('.alert-counts'),
    '7 alerts: Allocation gap 1 · Deduction check failed 2 · Package capacity left unused 2 · Package runs out early 1 · Package worth buying 1',
  );
  assert.deepEqual(await cells(page.locator('.alert-list tbody tr')), [
    ['Allocation gap', 'tag team', '2025-06', '187.20', '0.00', '187.20', '—', '2 rows'],
    ['Deduction check failed', 'check package balances chain (抵扣后包剩余量)', '—', '—', '—', '—', '—', '1 row'],
    ['Deduction check failed', 'check 抵扣系数 = deducted / raw usage', '—', '—', '—', '—', '—', '1 row'],
    ['Package capacity left unused', 'package pkg-trtc-0001', '2026-05-07', '—', '—', '—', '19900 分钟', ''],
    ['Package capacity left unused', 'package pkg-trtc-0002', '2026-05-31', '—', '—', '—', '686 分钟', ''],
    ['Package runs out early', 'package pkg-cdn-0001', '2025-06-24', '—', '—', '—', '418.25 GB', ''],
    ['Package worth buying', 'product 内容分发网络 CDN 境内流量', '2025-06-01', '24.0203523', '—', '—', '134.5678 GB', '1 row'],
  ]);
  // The same alerts as the report the CLI writes for the same files.
  const report = JSON.parse(tcbill('analyze', ...SAMPLE_PATHS, '--json'));
  assert.deepEqual(report.alerts.alerts.map((alert) => [alert.kind, alert.subject, alert.row_count]), [
    ['allocation_gap', 'team', 2],
    ['deduction_check', 'balance', 1],
    ['deduction_check', 'coefficient', 1],
    ['package_waste', 'pkg-trtc-0001', 0],
    ['package_waste', 'pkg-trtc-0002', 0],
    ['package_runs_out_early', 'pkg-cdn-0001', 0],
    ['package_worth_buying', '内容分发网络 CDN 境内流量', 1],
  ]);

  // The allocation gap's two untagged rows, where the report cites them.
  await page.getByRole('button', { name: 'Show the rows of Allocation gap · tag team' }).click();
  await page.locator('.alert-rows tbody tr').nth(1).waitFor();
  assert.equal(await page.locator('.alert-rows [role="region"]').getAttribute('aria-label'), 'Allocation gap · tag team: 2 rows');
  const rows = await page.locator('.alert-rows tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.cells].slice(0, 2).map((c) => c.textContent).join(' ')),
  );
  assert.deepEqual(rows, ['2025-06-明细账单-L3.csv:4 云服务器', '2025-06-明细账单-L3.csv:7 负载均衡']);
  const cited = report.alerts.alerts[0].rows[0];
  assert.deepEqual(cited.places.map((line) => `${cited.file}:${line}`), rows.map((row) => row.split(' ')[0]));
  // Another alert replaces them: the 抵扣系数 mismatch's deduction row.
  await page.getByRole('button', { name: 'Show the rows of Deduction check failed · check 抵扣系数 = deducted / raw usage' }).click();
  await page.locator('.alert-rows [role="region"][aria-label$=": 1 row"]').waitFor();
  assert.deepEqual(await page.locator('.alert-rows tbody tr td:first-child').allTextContents(), ['2025-06-资源包抵扣明细.csv:8']);
  await page.screenshot({ path: join(OUTPUT, 'alerts.png'), fullPage: true });
});
