// End-to-end tests of the Packages & deductions and Usage tabs on the built-in sample month: the
// burn-down charts, the deduction table with its planted faults highlighted and filtered, and the
// usage chart's peak and 95th-percentile lines. Expected values come from the sample files and
// from the CLI's report of the same files (the core's numbers), never from the page itself.
import { test, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowser, fileRows, tcbill, SAMPLE_PATHS, ROOT, OUTPUT } from './harness.mjs';

const DEDUCTIONS = '2025-06-资源包抵扣明细.csv';

const session = useBrowser();
let page;
let report;

before(() => {
  report = JSON.parse(tcbill('analyze', ...SAMPLE_PATHS, '--json'));
});
beforeEach(async () => {
  page = await session.open({ height: 900 });
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await fileRows(page, 5);
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
});

const cells = (locator) => locator.evaluateAll((rows) => rows.map((row) => [...row.cells].map((c) => c.textContent)));

/** The deduction sample's data rows as objects by header, quoted fields (`"20,000.000000000分钟"`) unquoted. */
function deductionRows() {
  const [header, ...lines] = readFileSync(join(ROOT, 'sample', DEDUCTIONS), 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/);
  const split = (line) => [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[2] ?? m[1]);
  const names = split(header);
  return lines.map((line) => Object.fromEntries(split(line).map((value, i) => [names[i], value])));
}

/** A console quantity without thousands separators and unit: `"9,990.400000000分钟"` → `9990.400000000`. */
const quantity = (text) => text.replace(/,/g, '').match(/^-?[\d.]+/)[0];

/** The rows of the deduction table in the page, once it shows `count` of them. */
async function deductionTable(count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('.deduction-table tbody tr').length === n && document.querySelector('.deduction-table caption'),
    count,
  );
  return cells(page.locator('.deduction-table tbody tr'));
}

test('every package has a burn-down chart with one point per deduction row, its capacity and projection', async () => {
  await page.getByRole('tab', { name: 'Packages & deductions' }).click();
  const rowsPerPackage = {};
  for (const row of deductionRows()) rowsPerPackage[row['资源包ID']] = (rowsPerPackage[row['资源包ID']] ?? 0) + 1;
  assert.deepEqual(rowsPerPackage, { 'pkg-cdn-0001': 4, 'pkg-trtc-0001': 1, 'pkg-trtc-0002': 2 });

  const charts = page.locator('.burn-down');
  assert.deepEqual(await charts.evaluateAll((all) => all.map((c) => c.dataset.package)), report.packages.map((p) => p.package_id));
  for (const pkg of report.packages) {
    const chart = page.locator(`.burn-down[data-package="${pkg.package_id}"] svg`);
    assert.equal(await chart.locator('circle').count(), rowsPerPackage[pkg.package_id], pkg.package_id);
    const labels = (await chart.locator('text').allTextContents()).map((label) => label.trim());
    assert.ok(labels.includes(`Capacity ${pkg.total} ${pkg.unit}`), labels.join(' | '));
    assert.ok(labels.includes(`Projected exhaustion ${pkg.projected_exhaustion}`), labels.join(' | '));
    assert.ok(labels.includes(`Expires ${pkg.expires}`), labels.join(' | '));
  }
  // pkg-cdn-0001 burns down: each 抵扣后包剩余量 lower than the one before, so each point lower on screen.
  const heights = await page
    .locator('.burn-down[data-package="pkg-cdn-0001"] svg circle')
    .evaluateAll((dots) => dots.map((dot) => Number(dot.getAttribute('cy'))));
  assert.ok(heights.every((y, i) => i === 0 || y > heights[i - 1]), heights.join(' '));
  // The overview sample says it expires 2025-06-30: at the burn rate it runs out six days earlier.
  assert.deepEqual(
    [report.packages[0].projected_exhaustion, report.packages[0].expires, report.packages[0].exhausts_before_expiry],
    ['2025-06-24 13:39:55', '2025-06-30 23:59:59', true],
  );
  await page.locator('.burn-downs').screenshot({ path: join(OUTPUT, 'packages-burn-down.png') });
});

test('the deduction table highlights the planted chain break and 抵扣系数 mismatch, and filters', async () => {
  await page.getByRole('tab', { name: 'Packages & deductions' }).click();
  const file = deductionRows();
  assert.equal(file.length, 7);
  const all = await deductionTable(7);
  assert.equal(await page.textContent('.deduction-table caption'), '7 deduction rows');
  assert.deepEqual(all.map((row) => row[0]), file.map((_, i) => `${DEDUCTIONS}:${i + 2}`), 'the sample is in package and time order: the line after the header is line 2');

  // Line 5 (data row 4): 抵扣前包剩余量 437.000000000GB after row 3 ended at 437.250000000GB.
  const [breakRef] = report.deductions.balance_breaks;
  assert.deepEqual([breakRef.row.line, breakRef.expected, breakRef.found, breakRef.difference], [5, '437.250000000', '437.000000000', '-0.250000000']);
  assert.equal(quantity(file[3]['抵扣前包剩余量']), breakRef.found);
  assert.equal(quantity(file[2]['抵扣后包剩余量']), breakRef.expected);
  const breaks = await cells(page.locator('.deduction-table tbody tr.balance-break'));
  assert.deepEqual(breaks, [
    [
      `${DEDUCTIONS}:5`, 'pkg-cdn-0001', file[3]['抵扣时间'], quantity(file[3]['抵扣前包剩余量']), quantity(file[3]['实际抵扣量']),
      quantity(file[3]['抵扣后包剩余量']), `${file[3]['被抵扣资源原始用量']} GB`, file[3]['抵扣系数'], '1',
      `chain break: the previous 抵扣后包剩余量 was ${breakRef.expected} (difference ${breakRef.difference})`,
    ],
  ]);

  // Line 8 (data row 7): 1000 秒 = 16.666666667 分钟 deducted as 16 分钟: 0.96, exported 1.
  const [mismatch] = report.deductions.coefficient_mismatches;
  assert.equal(mismatch.source.line, 8);
  const mismatches = await cells(page.locator('.deduction-table tbody tr.mismatch'));
  assert.deepEqual(mismatches, [
    [
      `${DEDUCTIONS}:8`, 'pkg-trtc-0002', file[6]['抵扣时间'], quantity(file[6]['抵扣前包剩余量']), quantity(file[6]['实际抵扣量']),
      quantity(file[6]['抵扣后包剩余量']), `${file[6]['被抵扣资源原始用量']} 秒`, file[6]['抵扣系数'], mismatch.recomputed_coefficient,
      `under-deducted by 0.666666667 分钟 (expected ${mismatch.coefficient_check.converted_dosage} × ${mismatch.exported_coefficient} = ${mismatch.coefficient_check.expected_actual_dosage})`,
    ],
  ]);
  assert.deepEqual([mismatch.recomputed_coefficient, mismatch.coefficient_check.expected_actual_dosage], ['0.96', '16.666666667']);
  assert.equal(await page.locator('.deduction-table tbody tr.balance-break, .deduction-table tbody tr.mismatch').count(), 2);
  await page.locator('.deduction-table').screenshot({ path: join(OUTPUT, 'deduction-table.png') });

  await page.selectOption('select[name="deduction-findings"]', 'mismatches');
  const onlyMismatches = await deductionTable(report.deductions.coefficient_mismatches.length);
  assert.deepEqual(onlyMismatches, mismatches);
  assert.equal(await page.textContent('.deduction-table caption'), '1 deduction row');

  await page.selectOption('select[name="deduction-findings"]', 'breaks');
  await page.waitForFunction(() => document.querySelector('.deduction-table tbody tr')?.cells[0].textContent.endsWith(':5'));
  assert.deepEqual(await deductionTable(1), breaks);

  await page.selectOption('select[name="deduction-findings"]', 'all');
  await page.selectOption('select[name="deduction-package"]', 'pkg-trtc-0002');
  const trtc = await deductionTable(2);
  assert.deepEqual(trtc.map((row) => row[0]), [`${DEDUCTIONS}:7`, `${DEDUCTIONS}:8`]);
  assert.deepEqual(await page.locator('.deduction-table tbody tr.mismatch td').first().textContent(), `${DEDUCTIONS}:8`);

  await page.selectOption('select[name="deduction-findings"]', 'breaks');
  await page.waitForFunction(() => document.querySelector('.deduction-table caption')?.textContent === '0 deduction rows');
});

test('the usage chart draws the series with its peak and 95th percentile labelled with the exact values', async () => {
  await page.getByRole('tab', { name: 'Usage' }).click();
  const table = await cells(page.locator('.usage-table tbody tr'));
  for (const [index, series] of report.usage.entries()) {
    await page.selectOption('select[name="usage-series"]', String(index));
    await page.waitForSelector(`.usage-chart[data-series="${index}"] svg`);
    const chart = page.locator('.usage-chart svg');
    // The table's exact values, which are the core's.
    const [peak, p95] = [table[index][6], table[index][8]];
    assert.deepEqual([peak, p95], [series.peak, series.percentile_95]);
    const labels = (await chart.locator('text').allTextContents()).map((label) => label.trim());
    assert.ok(labels.includes(`Peak: ${peak} ${series.unit}`), labels.join(' | '));
    assert.ok(labels.includes(`95th percentile: ${p95} ${series.unit}`), labels.join(' | '));

    // 2016 points are more than the chart draws (2000): thinned, but the peak is the highest point drawn.
    const line = await chart.locator('polyline[stroke="#0052D9"]').getAttribute('points');
    const ys = line.trim().split(/\s+/).map((xy) => Number(xy.split(',')[1]));
    assert.equal(series.point_count, 2016);
    assert.ok(ys.length <= 2000 && ys.length > 1000, `${ys.length} points drawn`);
    assert.equal(await page.textContent('.usage-chart p'), `${ys.length} of 2016 points drawn: where there are more than fit, each stretch keeps its lowest and highest point, so the peak is always drawn.`);
    const peakLine = await chart.locator('polyline[stroke="#D54941"]').getAttribute('points');
    const peakY = Number(peakLine.trim().split(/\s+/)[0].split(',')[1]);
    assert.equal(Math.min(...ys), peakY, 'the highest point drawn lies on the peak line');
  }
  await page.selectOption('select[name="usage-series"]', '0');
  await page.waitForSelector('.usage-chart[data-series="0"] svg');
  await page.screenshot({ path: join(OUTPUT, 'usage-chart.png'), fullPage: true });
});
