// End-to-end tests of GB18030 files: the parsing worker and the archive worker decode GB18030 with
// the browser's own TextDecoder (src/worker/gb18030.rs), the CLI with encoding_rs; a GB18030 bill
// with a four-byte character (in a column the report does not show: tests/gb18030.rs checks such
// characters) and a byte valid in no encoding gives the CLI's report byte for byte,
// read as a CSV file and from a ZIP pack, and the bad byte's row is rejected with its line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, tcbill, ROOT } from './harness.mjs';

// e2e/fixtures/2025-06-three-days-L3.csv in GB18030, then a row whose 实例名称 holds U+20000 (four
// bytes) and one whose 实例名称 holds 云 and then 0xFF; the ZIP holds the same file.
const CSV = '2025-06-three-days-L3-gb18030.csv';
const PACK = '2025-06-three-days-L3-gb18030.zip';
const fixturePath = (name) => join(ROOT, 'e2e', 'fixtures', name);

const session = useBrowser();
let page;

async function openApp() {
  page = await session.open();
}

async function drop(name) {
  const files = [{ name, bytes: await readFile(fixturePath(name)) }];
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
}

async function downloadReport() {
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report (JSON)' }).click()]);
  return readFile(await download.path(), 'utf8');
}

for (const [name, how] of [[CSV, 'as a CSV file'], [PACK, 'from a ZIP pack']]) {
  test(`a GB18030 bill read ${how} gives the CLI's report, its bad byte rejected at its line and column`, async () => {
    await openApp();
    await drop(name);
    const [row] = await fileRows(page, 1);
    assert.deepEqual([row[0], ...row.slice(3)], [name, '38', '37', '1']);
    const problems = page.locator('.file-table tbody').first().locator('details');
    await problems.locator('summary').click();
    const member = name === PACK ? `${PACK}/${CSV}` : CSV;
    assert.deepEqual(await problems.locator('li').allTextContents(), [
      `${member}:39 column 实例名称: the cell holds bytes that are valid neither in gb18030 nor in UTF-8`,
    ]);
    const report = await downloadReport();
    assert.equal(report, tcbill('analyze', fixturePath(name), '--json'));
    assert.ok(report.includes('"encoding": "gb18030"'));
  });
}
