// End-to-end tests of a big CSV file read in parts by several Web Workers (src/worker/parts.rs):
// the report is byte for byte the one reading it whole gives, a cut that does not fall between
// records makes the file be read whole, a cancel stops every worker of the file, a part worker
// that dies fails its file with a message while the file worker keeps the others, part workers
// that cannot load (the page offline) leave the file to be read whole, and the spare part workers
// started with the file worker read a big file's parts even so.
// Files here are small, so the tests set the file worker's knobs (`self.tcbill_parts`, read at
// each file): read in parts from 64 KiB on, by a fixed number of workers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, tcbill, ROOT, OUTPUT, SAMPLE_PATHS } from './harness.mjs';

const session = useBrowser();
let page;
let bill;

before(async () => {
  // A generated L3 bill of 6,000 rows (2.8 MB): tags, Chinese text, every amount column.
  const dir = await mkdtemp(join(tmpdir(), 'tcbill-parts-'));
  bill = join(dir, 'l3-6000.csv');
  execFileSync('cargo', ['run', '--quiet', '-p', 'tcbill-gen', '--', 'l3', '--rows', '6000', '--seed', '11', '--out', bill], { cwd: ROOT });
});

/** A fresh page whose file worker reads files of 64 KiB and more in `workers` parts. */
async function openApp(knobs) {
  page = await session.open({ goto: false });
  const started = page.waitForEvent('worker');
  await page.goto(session.server.url);
  // The page starts its worker at the first sign of use, once it shows: a drag entering the window.
  await page.waitForSelector('.drop-zone');
  await page.dispatchEvent('body', 'dragenter');
  const worker = await started;
  await worker.evaluate((knobs) => {
    self.tcbill_parts = knobs;
  }, { min_len: 65536, ...knobs });
  return worker;
}

async function drop(files) {
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, files) });
}

/**
 * Drops `large.csv`, about 90 MB of rows built in the page (as costs.test.mjs does), so its parse is
 * still going when the test acts; with `andEmpty`, an empty `empty.csv` after it, in the same drop.
 */
async function dropLarge({ andEmpty = false } = {}) {
  await page.evaluate((andEmpty) => {
    const header = '产品名称,组件名称,地域,优惠后总价,现金账户支出(元)\n';
    const row = '云服务器,CPU,华南地区（广州）,0.12,0.12\n';
    const chunk = row.repeat(Math.ceil((1 << 20) / row.length));
    const transfer = new DataTransfer();
    transfer.items.add(new File([header, ...Array(90).fill(chunk)], 'large.csv'));
    if (andEmpty) transfer.items.add(new File([], 'empty.csv'));
    document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, andEmpty);
}

async function downloadReport() {
  await page.getByRole('button', { name: 'Download report (JSON)' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report (JSON)' }).click()]);
  return readFile(await download.path(), 'utf8');
}

test('a file read by three workers gives the report of reading it whole, byte for byte', async () => {
  const wasmFetches = () => session.server.requests.filter((path) => path.endsWith('/tcbill-worker_bg.wasm')).length;
  const fetchedBefore = wasmFetches();
  const worker = await openApp({ workers: 3 });
  await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }]);
  const [row] = await fileRows(page, 1);
  assert.deepEqual(row.slice(3), ['6,000', '6,000', '0']);
  // It was read in parts: three parts joined, the two part workers' memory reported.
  const last = await worker.evaluate(() => self.tcbill_parts_last);
  assert.equal(last.parts, 3);
  assert.equal(last.joined, true);
  assert.equal(last.memory.length, 2);
  // The part workers started on the file worker's compiled module: the worker wasm was fetched once.
  assert.equal(wasmFetches() - fetchedBefore, 1);
  assert.ok(session.server.requests.some((path) => path.endsWith('/tcbill-part_loader.js')));
  // The CLI reads a file this small whole (its threshold is 16 MiB).
  assert.equal(await downloadReport(), tcbill('analyze', bill, '--json'));
});

test('a bill with more alerts than a screen shows draws them all, in the report\'s order', async () => {
  // The Overview draws the alert list 25 rows at a time, after each painted frame (overview.rs).
  const report = JSON.parse(tcbill('analyze', bill, '--json'));
  const alerts = report.alerts.alerts;
  assert.equal(alerts.length, 99, 'the generated bill raises 99 alerts');
  await openApp({ workers: 2 });
  await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }]);
  await fileRows(page, 1);
  await page.click('#tab-overview');
  const rows = page.locator('.alert-list tbody tr');
  await rows.nth(alerts.length - 1).waitFor();
  assert.equal(await rows.count(), alerts.length);
  // Every row's subject, in order, as the CLI's report lists them.
  const subjects = await rows.evaluateAll((rows) => rows.map((row) => row.cells[1].textContent));
  assert.deepEqual(
    subjects.map((subject) => subject.replace(/^\S+ /, '')),
    alerts.map((alert) => alert.subject),
  );
});

test('diagnostics in later parts name the lines reading the file whole names, in their words too', async () => {
  // Each later part counts its lines from its own start; the join moves them to their place. Broken
  // rows in the second and third of three parts: a quote closing with text after it on its record's
  // second line, rejecting the lines until a row comes, a bad number and a row too wide. (A quote
  // that never closes is left to core's tests: deciding its line looks ahead to the next quote, and
  // a part ending before that is refused.)
  const header = '产品名称,组件名称,交易ID,优惠后总价\n';
  const plain = (from, count) => Array.from({ length: count }, (_, i) => `云服务器,CPU,tx${from + i},0.${(from + i) % 100}\n`).join('');
  const broken = (i) =>
    `云服务器,"CPU\n第二行",tx${i},"1"x\nnot,a\nrow\n` +
    `云服务器,CPU,tx${i + 2},1.2.3\n云服务器,CPU,tx${i + 3},1,extra\n`;
  const text = header + plain(0, 3000) + broken(3000) + plain(3100, 1500) + broken(4600) + plain(4700, 500);
  const dir = await mkdtemp(join(tmpdir(), 'tcbill-parts-'));
  const path = join(dir, 'broken-rows.csv');
  await writeFile(path, text);
  const report = tcbill('analyze', path, '--json');
  assert.match(report, /broken-rows\.csv:3002 column 优惠后总价: lines 3002–3005 rejected \(4 rows\): the quote opened in this column at line 3003 /);
  const worker = await openApp({ workers: 3 });
  await drop([{ name: 'broken-rows.csv', bytes: text }]);
  await fileRows(page, 1);
  const last = await worker.evaluate(() => self.tcbill_parts_last);
  assert.equal(last.parts, 3);
  assert.equal(last.joined, true);
  assert.equal(await downloadReport(), report);
});

test('a cut inside a quoted cell is refused and the file is read whole, with the same report', async () => {
  // A cell quoted across 10,000 lines spans the middle of the file, where the cut of two workers
  // falls: the second part starts at a line inside it (a guess: nothing before it is read), so the
  // first part ends inside a quoted cell, which the join refuses.
  const header = '产品名称,组件名称,交易ID,优惠后总价\n';
  const before = [];
  const after = [];
  for (let i = 0; i < 4500; i += 1) before.push(`云服务器,CPU,tx${i},0.${i % 100}\n`);
  for (let i = 4501; i < 9001; i += 1) after.push(`对象存储,存储,tx${i},0.0${i % 10}\n`);
  const cell = Array.from({ length: 10000 }, (_, i) => `第${i}行`).join('\n');
  const text = `${header}${before.join('')}云服务器,"${cell}",tx4500,2.25\n${after.join('')}`;
  const size = Buffer.byteLength(text);
  const cellStart = Buffer.byteLength(text.slice(0, text.indexOf('"第0行')));
  assert.ok(cellStart < size / 2 && size / 2 < cellStart + Buffer.byteLength(cell), 'the middle is inside the cell');
  const dir = await mkdtemp(join(tmpdir(), 'tcbill-parts-'));
  const path = join(dir, 'long-cell.csv');
  await writeFile(path, text);
  const worker = await openApp({ workers: 2 });
  await drop([{ name: 'long-cell.csv', bytes: text }]);
  const [row] = await fileRows(page, 1);
  assert.deepEqual(row.slice(3), ['9,001', '9,001', '0']);
  const last = await worker.evaluate(() => self.tcbill_parts_last);
  assert.equal(last.parts, 2);
  assert.equal(last.joined, false, 'the cut was refused');
  assert.equal(await downloadReport(), tcbill('analyze', path, '--json'));
});

test('cancelling a file read in parts stops every worker of it, and the next file is read', async () => {
  const worker = await openApp({ workers: 3 });
  await dropLarge();
  // The part workers are reading once the page shows bytes read: the file's row has a progress bar
  // from the drop on, but the worker reports bytes only from the parts (after it started the team).
  await page.waitForFunction(() => Number(document.querySelector('.file-table tbody.parsing progress')?.value) > 0);
  assert.equal(await worker.evaluate(() => self.tcbill_parts_live), 2);
  await page.getByRole('button', { name: 'Cancel large.csv' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.file-table tbody.parsing').length === 0);
  assert.match(await page.textContent('.file-table tbody'), /cancelled/);
  assert.equal(await page.getByRole('button', { name: 'Download report (JSON)' }).count(), 0);
  // Every part worker was terminated: the file worker holds none.
  assert.equal(await worker.evaluate(() => self.tcbill_parts_live), 0);
  // The file worker is free: the next big file is read in parts again, and exactly.
  await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }]);
  const rows = await fileRows(page, 2);
  assert.deepEqual(rows[1].slice(3), ['6,000', '6,000', '0']);
  assert.equal((await worker.evaluate(() => self.tcbill_parts_last)).joined, true);
  assert.equal(await downloadReport(), tcbill('analyze', bill, '--json'));
});

test('files dropped together are read one after another and the report is built once, when the last is read', async () => {
  const worker = await openApp({ workers: 2 });
  // What the file worker posts, as (kind, file id), recorded before the page gets it.
  await worker.evaluate(() => {
    const post = self.postMessage.bind(self);
    self.tcbill_posted = [];
    self.postMessage = (posted, transfer) => {
      if (typeof posted?.message === 'string') {
        const message = JSON.parse(posted.message);
        const kind = typeof message === 'string' ? message : Object.keys(message)[0];
        self.tcbill_posted.push([kind, message[kind]?.id ?? null]);
      }
      return transfer === undefined ? post(posted) : post(posted, transfer);
    };
  });
  const samples = await Promise.all(SAMPLE_PATHS.slice(0, 3).map(async (path) => ({ name: basename(path), bytes: await readFile(path) })));
  await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }, ...samples]);
  const rows = await fileRows(page, 4);
  assert.deepEqual(rows[0].slice(3), ['6,000', '6,000', '0']);
  const posted = (await worker.evaluate(() => self.tcbill_posted)).filter(([kind]) => kind !== 'Summary');
  // Each file's progress and result come before the next file's first word: in drop order.
  const files = posted.filter(([kind]) => kind === 'Progress' || kind === 'Parsed').map(([, id]) => id);
  const order = [...new Set(files)];
  assert.equal(order.length, 4);
  assert.deepEqual(files, order.flatMap((id) => files.filter((other) => other === id)));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  // One report, after the last file's Parsed.
  assert.deepEqual(posted.filter(([kind]) => kind === 'Report'), [['Report', null]]);
  assert.deepEqual(posted.at(-1), ['Report', null]);
});

test('a file cancelled while it waits its turn is not read, even an empty one', async () => {
  await openApp({ workers: 2 });
  // The big file is read first; the empty file waits behind it.
  await dropLarge({ andEmpty: true });
  await page.waitForFunction(() => Number(document.querySelector('.file-table tbody.parsing progress')?.value) > 0);
  await page.getByRole('button', { name: 'Cancel empty.csv' }).click();
  await page.getByRole('button', { name: 'Cancel large.csv' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.file-table tbody.parsing').length === 0);
  const rows = await page.$$eval('.file-table tbody', (bodies) => bodies.map((body) => body.textContent));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /large\.csv.*cancelled/);
  assert.match(rows[1], /empty\.csv.*cancelled/);
});

test('a big file dropped after the page went offline is read whole, its part workers unable to load', async () => {
  // Offline once the file worker loaded: the part loader, which its spare part worker and any fresh
  // one ask for, does not come (cut before the file worker starts its spare: once fetched, the
  // browser may take it from its cache).
  session.server.cut.add('/tcbill-part_loader.js');
  let worker;
  try {
    worker = await openApp({ workers: 2 });
    await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }]);
    const [row] = await fileRows(page, 1);
    assert.deepEqual(row.slice(3), ['6,000', '6,000', '0']);
    assert.deepEqual(await page.locator('.file-table td.error').allTextContents(), []);
  } finally {
    session.server.cut.clear();
  }
  // No part worker ran (none could load): the file worker read the file whole.
  assert.equal(await worker.evaluate(() => self.tcbill_parts_last), undefined);
  assert.equal(await downloadReport(), tcbill('analyze', bill, '--json'));
});

test('the spare part worker, started with the file worker, reads a big file\'s part after the page went offline', async () => {
  const loaderFetches = () => session.server.requests.filter((path) => path.endsWith('/tcbill-part_loader.js')).length;
  const before = loaderFetches();
  const worker = await openApp({ workers: 2 });
  for (let wait = 0; wait < 200 && loaderFetches() === before; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(loaderFetches(), before + 1, 'the file worker started its spare part worker');
  // The spare is ready once it answers; give it a moment to instantiate the module it was posted.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  session.server.cut.add('/tcbill-part_loader.js');
  try {
    await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }]);
    const [row] = await fileRows(page, 1);
    assert.deepEqual(row.slice(3), ['6,000', '6,000', '0']);
  } finally {
    session.server.cut.clear();
  }
  const last = await worker.evaluate(() => self.tcbill_parts_last);
  assert.equal(last.parts, 2);
  assert.equal(last.joined, true);
  assert.equal(await downloadReport(), tcbill('analyze', bill, '--json'));
});

test('a part worker that dies fails its file with a message; the file worker keeps the others', async () => {
  const worker = await openApp({ workers: 2 });
  await drop([{ name: 'l3-6000.csv', bytes: await readFile(bill) }]);
  await fileRows(page, 1);
  await worker.evaluate(() => {
    self.tcbill_parts.crash_drill = true;
  });
  await drop([{ name: 'again.csv', bytes: await readFile(bill) }]);
  await fileRows(page, 2);
  const error = page.locator('.file-table td.error');
  await error.waitFor();
  assert.match(await error.textContent(), /^cannot read the file: part worker 1 stopped: a crash drill in a part worker/);
  assert.equal(await worker.evaluate(() => self.tcbill_parts_live), 0);
  // The first file is still loaded in the same worker (it did not restart): its report is whole.
  assert.equal(await downloadReport(), tcbill('analyze', bill, '--json'));
  await page.screenshot({ path: join(OUTPUT, 'part-worker-died.png'), fullPage: true });
});
