// End-to-end test of "Fetch from API": the app, served by tcbill-proxy, pulls a month through the proxy
// from a mock Tencent billing server on loopback, and must show what the same pages show when dropped.
// The mock skips signature verification (the proxy's Rust tests check signatures against the same
// algorithm) but refuses requests that were not signed or name no action.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, fileRows, dataTransferOf, ROOT, DIST, OUTPUT } from './harness.mjs';

const FIXTURES = join(ROOT, '..', 'shared', 'fixtures', 'api');
const MONTH = '2025-06';
/** Rows of the mock's DescribeBillDetail month: more than two pages of the maximum Limit, 300. */
const BILL_ROWS = 700;
/** The largest `Limit` each paged action accepts (reference §4.3). */
const LIMITS = { DescribeBillDetail: 300, DescribeCostDetail: 100 };

let mock;
let proxy;
let browser;
let page;
let pageErrors;

before(async () => {
  mock = await startMockBilling();
  proxy = await startProxy(mock.url);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  proxy?.stop();
  mock?.close();
});
beforeEach(async () => {
  mock.reset();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(proxy.url);
  await page.getByRole('button', { name: 'Fetch', exact: true }).waitFor();
});
afterEach(async () => {
  await page.close();
  assert.deepEqual(pageErrors, [], 'the page threw');
  assert.deepEqual(mock.refusals, [], 'the mock refused a request');
});

/** Fetches `MONTH` with exactly `actions` ticked, through the proxy URL the form proposes (the page's origin). */
async function fetchMonth(actions) {
  await page.getByLabel('Month').fill(MONTH);
  for (const box of await page.locator('input[name="action"]').all()) {
    await box.setChecked(actions.includes(await box.getAttribute('value')));
  }
  await page.getByRole('button', { name: 'Fetch', exact: true }).click();
}

/** The Overview's measure cards, as `{ measure: text }`. */
async function overviewCards(target) {
  await target.getByRole('tab', { name: 'Overview' }).click();
  await target.locator('.card[data-measure]').first().waitFor();
  return target.locator('.card[data-measure]').evaluateAll((cards) =>
    Object.fromEntries(cards.map((card) => [card.dataset.measure, card.querySelector('dd').textContent])),
  );
}

/** File rows without the size column (a pull counts its pages' bytes, a file also its brackets). */
const withoutSize = (rows) => rows.map(([name, , ...rest]) => [name, ...rest]);

test('a fetched month pages through every row once and totals the same as its pages dropped as files', async () => {
  const actions = ['DescribeBillSummaryByProduct', 'DescribeBillDetail', 'DescribeCostDetail'];
  await fetchMonth(actions);
  const fetchedRows = await fileRows(page, 3);
  assert.deepEqual(
    fetchedRows.map(([name, , kind, read, accepted, rejected]) => [name, kind, read, accepted, rejected]),
    [
      [`DescribeBillSummaryByProduct-${MONTH}.json`, 'API DescribeBillSummaryByProduct', '1', '1', '0'],
      [`DescribeBillDetail-${MONTH}.json`, 'API DescribeBillDetail (bill details)', '700', '700', '0'],
      [`DescribeCostDetail-${MONTH}.json`, 'API DescribeCostDetail (cost details)', '1', '1', '0'],
    ],
  );
  const billPages = mock.calls.filter((call) => call.action === 'DescribeBillDetail').map((call) => call.body);
  assert.deepEqual(
    billPages.map(({ Month, Offset, Limit, Context }) => ({ Month, Offset, Limit, Context })),
    [
      { Month: MONTH, Offset: 0, Limit: 300, Context: undefined },
      { Month: MONTH, Offset: 300, Limit: 300, Context: 'cursor-300' },
      { Month: MONTH, Offset: 600, Limit: 300, Context: 'cursor-600' },
    ],
  );
  const summary = mock.calls.find((call) => call.action === 'DescribeBillSummaryByProduct');
  assert.deepEqual(summary.body, { BeginTime: MONTH, EndTime: MONTH });

  // The download holds the raw pages the mock served, one JSON file (an array of pages) per action.
  const downloads = [];
  page.on('download', (download) => downloads.push(download));
  await page.getByRole('button', { name: 'Download fetched data (JSON)' }).click();
  for (const deadline = Date.now() + 10_000; downloads.length < actions.length; ) {
    assert.ok(Date.now() < deadline, `${downloads.length} of ${actions.length} files downloaded`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const saved = {};
  for (const download of downloads) {
    saved[download.suggestedFilename()] = JSON.parse(await readFile(await download.path(), 'utf8'));
  }
  for (const action of actions) {
    assert.deepEqual(saved[`${action}-${MONTH}.json`], mock.served[action], `${action}: the saved pages`);
  }
  const fetchedCards = await overviewCards(page);
  assert.equal(fetchedCards.RealTotalCost, '-56623.00000000', '700 × the example row\'s -80.89, each row once');

  // The same pages, dropped as files on a fresh page, give the same table and the same totals.
  const dropped = await browser.newPage({ locale: 'en-US' });
  await dropped.goto(proxy.url);
  const files = actions.map((action) => ({
    name: `${action}-${MONTH}.json`,
    bytes: JSON.stringify(mock.served[action]),
  }));
  const dataTransfer = await dataTransferOf(dropped, files);
  await dropped.dispatchEvent('.drop-zone', 'drop', { dataTransfer });
  assert.deepEqual(withoutSize(await fileRows(dropped, 3)), withoutSize(fetchedRows));
  assert.deepEqual(await overviewCards(dropped), fetchedCards);
  await dropped.close();
});

test('Ready: 0 shows "data not ready"; an error envelope shows its Code and RequestId', async () => {
  await fetchMonth(['DescribeBillSummaryByRegion', 'DescribeBillSummaryByPayMode']);
  await fileRows(page, 2);
  // The form keeps what was typed while the table re-renders.
  assert.equal(await page.getByLabel('Month').inputValue(), MONTH);
  assert.equal(await page.locator('input[name="action"]:checked').count(), 2);
  const messages = await page.locator('.file-table tbody td.error').allTextContents();
  assert.equal(messages.length, 2);
  assert.match(messages[0], /^data not ready/);
  assert.match(messages[1], /AuthFailure\.UnauthorizedOperation/);
  assert.match(messages[1], /RequestId mock-error-1/);
  assert.equal(await page.getByRole('button', { name: 'Download fetched data (JSON)' }).count(), 0);
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'fetch-from-api.png'), fullPage: true });
});

/**
 * A mock of billing.tencentcloudapi.com on loopback: fixture summaries, `BILL_ROWS` synthetic bill rows
 * paged by Offset/Limit with a Context cursor, `Ready: 0` for the region summary and an error envelope
 * for the pay-mode summary. `served[action]` is every page it answered, in order.
 */
async function startMockBilling() {
  const fixture = async (name) => JSON.parse(await readFile(join(FIXTURES, name), 'utf8'));
  const summaryByProduct = await fixture('DescribeBillSummaryByProduct.example1.json');
  const costDetail = await fixture('DescribeCostDetail.example1.json');
  const billTemplate = (await fixture('DescribeBillDetail.example1.json')).Response.DetailSet[0];
  const calls = [];
  const refusals = [];
  const served = {};

  const answer = (action, body) => {
    const limit = LIMITS[action];
    if (limit !== undefined && !(body.Limit > 0 && body.Limit <= limit)) {
      return error('InvalidParameter.ParamCheckFailed', `Limit must be 1..${limit}`, 'mock-limit');
    }
    switch (action) {
      case 'DescribeBillSummaryByProduct':
        return summaryByProduct;
      case 'DescribeBillSummaryByRegion':
        return { Response: { Ready: 0, SummaryOverview: [], RequestId: 'mock-not-ready' } };
      case 'DescribeBillSummaryByPayMode':
        return error('AuthFailure.UnauthorizedOperation', 'you are not authorized to read bills', 'mock-error-1');
      case 'DescribeCostDetail':
        return costDetail;
      case 'DescribeBillDetail': {
        if (body.Offset > 0 && body.Context !== `cursor-${body.Offset}`) {
          return error('InvalidParameter', 'Context does not match Offset', 'mock-context');
        }
        const end = Math.min(body.Offset + body.Limit, BILL_ROWS);
        const rows = [];
        for (let index = body.Offset; index < end; index += 1) {
          rows.push({ ...billTemplate, BillId: `mock-bill-${index}` });
        }
        return {
          Response: { Context: `cursor-${end}`, DetailSet: rows, Total: BILL_ROWS, RequestId: `mock-page-${body.Offset}` },
        };
      }
      default:
        return error('InvalidAction', `the mock does not serve ${action}`, 'mock-unknown');
    }
  };

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const action = req.headers['x-tc-action'];
    const authorization = req.headers.authorization ?? '';
    let reply;
    if (!authorization.startsWith('TC3-HMAC-SHA256 ') || !action) {
      refusals.push({ action, authorization });
      reply = error('AuthFailure.SignatureFailure', 'unsigned request', 'mock-unsigned');
    } else {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      calls.push({ action, body });
      reply = answer(action, body);
      (served[action] ??= []).push(reply);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    refusals,
    served,
    /** Forgets what earlier tests asked for. */
    reset: () => {
      calls.length = 0;
      refusals.length = 0;
      for (const action of Object.keys(served)) delete served[action];
    },
    close: () => server.close(),
  };
}

function error(Code, Message, RequestId) {
  return { Response: { Error: { Code, Message }, RequestId } };
}

/** Builds tcbill-proxy and starts it on a free loopback port, serving dist/, with dummy credentials. */
async function startProxy(endpoint) {
  execFileSync('cargo', ['build', '--quiet', '-p', 'tcbill-proxy'], { cwd: ROOT, stdio: 'inherit' });
  const port = await freePort();
  const { TCBILL_PROXY_TOKEN, TCBILL_PROXY_ALLOW_ORIGINS, ...environment } = process.env;
  const child = spawn(
    join(ROOT, 'target', 'debug', 'tcbill-proxy'),
    ['--endpoint', endpoint, '--serve-dist', DIST, '--listen', `127.0.0.1:${port}`],
    {
      env: { ...environment, TENCENTCLOUD_SECRET_ID: 'AKIDmockmockmockmock', TENCENTCLOUD_SECRET_KEY: 'mock-secret-key' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`tcbill-proxy exited with ${code}: ${log}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
