// End-to-end test of "Fetch from API": the app, served by tcbill-proxy, pulls months or days through the
// proxy from a mock Tencent billing server on loopback, and must show what the same pages show when dropped.
// The mock skips signature verification (the proxy's Rust tests check signatures against the same
// algorithm) but refuses requests that were not signed or name no action, and requests Tencent refuses:
// a bill request across months, a usage span over 7 days, a Limit over the action's maximum. Any refusal
// fails the test, so passing tests prove the app asks for the right windows.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchBrowser, fileRows, dataTransferOf, ROOT, DIST, OUTPUT, assertPlainWords } from './harness.mjs';

const FIXTURES = join(ROOT, 'fixtures', 'api');
const MONTH = '2025-06';
const EARLIER_MONTH = '2025-05';
/** Rows of the mock's DescribeBillDetail months: more than two pages of the maximum Limit, 300, for `MONTH`. */
const billRows = (month) => (month === MONTH ? 700 : 350);
/** The largest `Limit` each paged action accepts (reference §4.3). */
const LIMITS = { DescribeBillDetail: 300, DescribeCostDetail: 100 };

let mock;
let proxy;
let trap;
let browser;
let page;
let pageErrors;

before(async () => {
  mock = await startMockBilling();
  proxy = await startProxy(mock.url);
  trap = await startTrap();
  // `evil.test` stands for any host off this machine; it resolves to the trap, so nothing leaves loopback.
  browser = await launchBrowser([`--host-resolver-rules=MAP evil.test 127.0.0.1`]);
});
after(async () => {
  await browser?.close();
  proxy?.stop();
  mock?.close();
  trap?.close();
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
  // The form is folded under the drop zone until opened.
  assert.equal(await page.getByRole('button', { name: 'Fetch', exact: true }).isVisible(), false);
  await page.locator('summary', { hasText: 'Fetch from API' }).click();
  await page.getByRole('button', { name: 'Fetch', exact: true }).waitFor();
});
afterEach(async () => {
  await assertPlainWords(page);
  await page.close();
  assert.deepEqual(pageErrors, [], 'the page threw');
  assert.deepEqual(mock.refusals, [], 'the mock refused a request');
});

/**
 * Fetches months `from`..`to` (or days, with `unit: 'day'`) with exactly `actions` ticked, through the proxy
 * URL the form proposes (the page's origin). `fill` types into the fields an action adds (tag key, domain).
 */
async function fetchRange(actions, { from = MONTH, to = from, unit = 'month', fill = {} } = {}) {
  await page.locator('select[name="unit"]').selectOption(unit);
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  for (const box of await page.locator('input[name="action"]').all()) {
    await box.setChecked(actions.includes(await box.getAttribute('value')));
  }
  for (const [label, value] of Object.entries(fill)) await page.getByLabel(label).fill(value);
  await page.getByRole('button', { name: 'Fetch', exact: true }).click();
}

const fetchMonth = (actions) => fetchRange(actions);

/** Clicks "Download fetched data (JSON)" and returns each saved file's JSON by name, once `count` are saved. */
async function downloadFetched(count) {
  const downloads = [];
  page.on('download', (download) => downloads.push(download));
  await page.getByRole('button', { name: 'Download fetched data (JSON)' }).click();
  for (const deadline = Date.now() + 10_000; downloads.length < count; ) {
    assert.ok(Date.now() < deadline, `${downloads.length} of ${count} files downloaded`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const saved = {};
  for (const download of downloads) {
    saved[download.suggestedFilename()] = JSON.parse(await readFile(await download.path(), 'utf8'));
  }
  return saved;
}

/** A fresh page with `files` (`{ name: pages }`) dropped on it, once their `count` rows are parsed. */
async function droppedPage(files) {
  const dropped = await browser.newPage({ locale: 'en-US' });
  await dropped.goto(proxy.url);
  const list = Object.entries(files).map(([name, pages]) => ({ name, bytes: JSON.stringify(pages) }));
  const dataTransfer = await dataTransferOf(dropped, list);
  await dropped.dispatchEvent('.drop-zone', 'drop', { dataTransfer });
  await fileRows(dropped, list.length);
  return dropped;
}

/** The Overview's measure cards, as `{ measure: exact value }` (what an amount shows is money.test.mjs's). */
async function overviewCards(target) {
  await target.getByRole('tab', { name: 'Overview' }).click();
  await target.locator('.card[data-measure]').first().waitFor();
  return target.locator('.card[data-measure]').evaluateAll((cards) =>
    Object.fromEntries(cards.map((card) => [card.dataset.measure, card.querySelector('dd data')?.value ?? card.querySelector('dd').textContent])),
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
      { Month: MONTH, Offset: 300, Limit: 300, Context: `cursor-${MONTH}-300` },
      { Month: MONTH, Offset: 600, Limit: 300, Context: `cursor-${MONTH}-600` },
    ],
  );
  const summary = mock.calls.find((call) => call.action === 'DescribeBillSummaryByProduct');
  assert.deepEqual(summary.body, { BeginTime: MONTH, EndTime: MONTH });

  // The download holds the raw pages the mock served, one JSON file (an array of pages) per action.
  const saved = await downloadFetched(actions.length);
  for (const action of actions) {
    assert.deepEqual(saved[`${action}-${MONTH}.json`], mock.served[action], `${action}: the saved pages`);
  }
  const fetchedCards = await overviewCards(page);
  // 700 × the bill example's -80.89, each row once, and the cost-details example's 0.00104875: its month
  // (2021-11) has no bill details, so it is read from the cost details.
  assert.equal(fetchedCards.RealTotalCost, '-56622.99895125', 'every bill row once, and the cost row of its own month');

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
  const failures = page.locator('.fetch-panel .pulls .error');
  await page.waitForFunction(() => document.querySelectorAll('.fetch-panel .pulls .error').length === 2);
  // The form keeps what was typed while the panel re-renders.
  assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), MONTH);
  assert.equal(await page.locator('input[name="action"]:checked').count(), 2);
  // Failed pulls stay in the fetch panel: the Files table lists loaded data only.
  assert.equal(await page.locator('.file-table').count(), 0);
  assert.equal(await page.locator('.fetch-panel .pulls li').count(), 2, 'only the two failed pulls');
  const messages = await failures.allTextContents();
  assert.match(messages[0], /^data not ready/);
  assert.match(messages[1], /AuthFailure\.UnauthorizedOperation/);
  assert.match(messages[1], /RequestId mock-error-1/);
  assert.equal(await page.getByRole('button', { name: 'Download fetched data (JSON)' }).count(), 0);
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'fetch-from-api.png'), fullPage: true });
  // A retry replaces the failures rather than adding to them: once the retry's own failure shows (the
  // mock numbers its error replies), the panel still lists two pulls, not the old two and the new two.
  await page.getByRole('button', { name: 'Fetch', exact: true }).click();
  await failures.filter({ hasText: 'RequestId mock-error-2' }).waitFor();
  assert.equal(await page.locator('.fetch-panel .pulls li').count(), 2);
});

test('a proxy URL off this machine is refused in the worker: the listener there receives nothing', async () => {
  // The mapping works: a page outside the app reaches the trap as evil.test.
  const probe = await browser.newPage();
  await probe.goto(`http://evil.test:${trap.port}/probe`);
  await probe.close();
  assert.deepEqual(trap.requests.map(({ host, url }) => [host, url]), [[`evil.test:${trap.port}`, '/probe']]);
  trap.requests.length = 0;

  const refusals = {
    [`http://evil.test:${trap.port}`]: `evil.test is not this machine (127.0.0.1, [::1], localhost) nor this page's own address`,
    [`http://127.0.0.1@evil.test:${trap.port}`]: 'it has a user name or password before the host',
  };
  await page.getByLabel('Access token (if the proxy requires one)').fill('secret-token-0123456789');
  for (const [url, why] of Object.entries(refusals)) {
    await page.getByLabel('Proxy URL').fill(url);
    await page.getByRole('button', { name: 'Fetch', exact: true }).click();
    const alert = page.locator('.fetch-panel [role="alert"]');
    await alert.filter({ hasText: why }).waitFor();
    assert.equal(
      await alert.textContent(),
      `Refused to send the access token and requests to this proxy URL: ${why}. Nothing was sent.`,
    );
  }
  // Give a request that slipped through time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(trap.requests, [], 'the listener off loopback received a request');
  assert.equal(await page.locator('.fetch-panel .pulls li').count(), 0);
  assert.equal(await page.locator('.file-table').count(), 0);
  assert.deepEqual(mock.calls, []);
});

test('with no proxy running the pull stops with one plain message and the command that starts one', async () => {
  const port = await freePort();
  const origin = new URL(proxy.url).origin;
  await page.getByLabel('Proxy URL').fill(`http://127.0.0.1:${port}`);
  for (let click = 0; click < 2; click++) {
    await page.getByRole('button', { name: 'Fetch', exact: true }).click();
    const alert = page.locator('.fetch-panel [role="alert"]');
    await alert.waitFor();
    assert.equal(
      await alert.textContent(),
      `No tcbill-proxy answered at http://127.0.0.1:${port}; start it with ` +
        `\`cargo run --release -p tcbill-proxy -- --allow-origin ${origin} --listen 127.0.0.1:${port}\``,
    );
    assert.equal(await page.locator('.fetch-panel .pulls li').count(), 0, 'no entry is left fetching or failed');
    assert.equal(await page.locator('.file-table').count(), 0, 'no failed pull in the Files table');
  }
  await page.screenshot({ path: join(OUTPUT, 'fetch-no-proxy.png'), fullPage: true });
});

test('a two-month range is one entry per month and action, each asked for its month, and totals the same as its pages dropped', async () => {
  await fetchRange(['DescribeBillSummaryByTag', 'DescribeBillDetail'], {
    from: EARLIER_MONTH,
    to: MONTH,
    fill: { 'Tag key': 'env' },
  });
  const fetchedRows = await fileRows(page, 4);
  assert.deepEqual(
    fetchedRows.map(([name, , kind, read, accepted, rejected]) => [name, kind, read, accepted, rejected]),
    [
      [`DescribeBillSummaryByTag-env-${EARLIER_MONTH}.json`, 'API DescribeBillSummaryByTag', '2', '2', '0'],
      [`DescribeBillDetail-${EARLIER_MONTH}.json`, 'API DescribeBillDetail (bill details)', '350', '350', '0'],
      [`DescribeBillSummaryByTag-env-${MONTH}.json`, 'API DescribeBillSummaryByTag', '2', '2', '0'],
      [`DescribeBillDetail-${MONTH}.json`, 'API DescribeBillDetail (bill details)', '700', '700', '0'],
    ],
  );
  assert.deepEqual(
    mock.calls.map(({ action, body }) => [action, body.BeginTime ?? body.Month, body.Offset ?? body.TagKey]),
    [
      ['DescribeBillSummaryByTag', EARLIER_MONTH, 'env'],
      ['DescribeBillDetail', EARLIER_MONTH, 0],
      ['DescribeBillDetail', EARLIER_MONTH, 300],
      ['DescribeBillSummaryByTag', MONTH, 'env'],
      ['DescribeBillDetail', MONTH, 0],
      ['DescribeBillDetail', MONTH, 300],
      ['DescribeBillDetail', MONTH, 600],
    ],
  );
  // Each entry downloads as the pages the mock served for its month; dropped, they give the same table and totals.
  const saved = await downloadFetched(4);
  for (const month of [EARLIER_MONTH, MONTH]) {
    const pages = mock.calls
      .filter((call) => call.action === 'DescribeBillDetail' && call.body.Month === month)
      .map((call) => call.reply);
    assert.deepEqual(saved[`DescribeBillDetail-${month}.json`], pages, `${month}: the saved pages`);
  }
  const fetchedCards = await overviewCards(page);
  assert.equal(fetchedCards.RealTotalCost, '-84934.50000000', '(350 + 700) × the example row\'s -80.89');
  const dropped = await droppedPage(saved);
  const byName = (rows) => withoutSize(rows).sort();
  assert.deepEqual(byName(await fileRows(dropped, 4)), byName(fetchedRows));
  assert.deepEqual(await overviewCards(dropped), fetchedCards);
  await dropped.close();
});

test('usage over 10 days is asked for in 2 windows of at most 7 days and reads like its pages dropped', async () => {
  await page.getByLabel('From', { exact: true }).fill(MONTH);
  await page.getByLabel('To', { exact: true }).fill(MONTH);
  await page.locator('select[name="unit"]').selectOption('day');
  // Switching to days keeps the range: the months become their first and last days.
  assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), `${MONTH}-01`);
  assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), `${MONTH}-30`);
  await page.locator('input[name="action"][value="DescribeDosageDetailByDate"]').check();
  await page.locator('select[name="product_code"]').selectOption('102383');
  await fetchRange(['DescribeDosageDetailByDate'], {
    unit: 'day',
    from: `${MONTH}-01`,
    to: `${MONTH}-10`,
    fill: { 'Domain (CDN; empty for other products)': 'cdn.example.com' },
  });
  const name = `DescribeDosageDetailByDate-102383-${MONTH}-01_${MONTH}-10.json`;
  const fetchedRows = await fileRows(page, 1);
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'fetch-usage-by-date.png'), fullPage: true });
  assert.deepEqual(fetchedRows.map(([file, , kind, read]) => [file, kind, read]), [
    [name, 'API DescribeDosageDetailByDate (usage)', '240'],
  ]);
  assert.deepEqual(
    mock.calls.map(({ action, body }) => [action, body]),
    [
      ['DescribeDosageDetailByDate', { StartDate: `${MONTH}-01`, EndDate: `${MONTH}-07`, ProductCode: '102383', Domain: 'cdn.example.com' }],
      ['DescribeDosageDetailByDate', { StartDate: `${MONTH}-08`, EndDate: `${MONTH}-10`, ProductCode: '102383', Domain: 'cdn.example.com' }],
    ],
  );
  await page.getByRole('tab', { name: 'Usage' }).click();
  const usage = async (target) => {
    await target.locator('.usage-table tbody tr').first().waitFor();
    return target.locator('.usage-table tbody tr').evaluateAll((rows) =>
      rows.map((row) => [...row.cells].map((cell) => cell.textContent)),
    );
  };
  const fetchedUsage = await usage(page);
  // 10 days × 24 hours of day × 1000 + hour × 7 GB: 24 × 1000 × 55 + 10 × 7 × 276 = 1339320; the peak is day 10, 23:00.
  assert.deepEqual(
    fetchedUsage.map(([, instance, , , points, total, peak, at]) => [instance, points, total, peak, at]),
    [['cdn.example.com', '240', '1339320', '10161', `${MONTH}-10 23:00:00`]],
  );

  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('summary', { hasText: 'Fetch from API' }).click();
  const saved = await downloadFetched(1);
  assert.deepEqual(saved[name], mock.served.DescribeDosageDetailByDate);
  const dropped = await droppedPage(saved);
  await dropped.getByRole('tab', { name: 'Usage' }).click();
  assert.deepEqual(await usage(dropped), fetchedUsage);
  await dropped.close();
});

test('the mock refuses what Tencent refuses: a usage span over 7 days, a bill summary across months', async () => {
  const post = async (action, body) => {
    const response = await fetch(`${proxy.url}api/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()).Response.Error?.Code;
  };
  const usage = { ProductCode: '102383', Domain: '' };
  assert.equal(await post('DescribeDosageDetailByDate', { ...usage, StartDate: '2025-06-01', EndDate: '2025-06-07' }), undefined);
  assert.equal(
    await post('DescribeDosageDetailByDate', { ...usage, StartDate: '2025-06-01', EndDate: '2025-06-08' }),
    'InvalidParameter.ParamCheckFailed',
  );
  assert.equal(
    await post('DescribeBillSummaryByProduct', { BeginTime: EARLIER_MONTH, EndTime: MONTH }),
    'InvalidParameter.ParamCheckFailed',
  );
  assert.equal(
    await post('DescribeBillDetail', { BeginTime: `${EARLIER_MONTH}-01 00:00:00`, EndTime: `${MONTH}-30 23:59:59`, Offset: 0, Limit: 300 }),
    'InvalidParameter.ParamCheckFailed',
  );
  assert.equal(mock.refusals.length, 3);
  mock.refusals.length = 0;
});

/**
 * A mock of billing.tencentcloudapi.com on loopback: fixture summaries, `billRows(month)` synthetic bill rows
 * paged by Offset/Limit with a Context cursor, `Ready: 0` for the region summary and an error envelope
 * for the pay-mode summary, and hourly usage points of each requested day. It refuses (into `refusals`,
 * with an error envelope) what Tencent refuses (reference §4.3). `served[action]` is every page it answered,
 * in order; `calls` each request with its reply.
 */
async function startMockBilling() {
  const fixture = async (name) => JSON.parse(await readFile(join(FIXTURES, name), 'utf8'));
  const summaryByProduct = await fixture('DescribeBillSummaryByProduct.example1.json');
  const summaryByTag = await fixture('DescribeBillSummaryByTag.example1.json');
  const costDetail = await fixture('DescribeCostDetail.example1.json');
  const billTemplate = (await fixture('DescribeBillDetail.example1.json')).Response.DetailSet[0];
  const calls = [];
  const refusals = [];
  const served = {};

  /** The month of a monthly request, or why Tencent would refuse it. */
  const monthOf = (body, keys) => {
    const months = keys.map((key) => body[key]).map((value) => /^(\d{4}-\d{2})(-\d{2} \d{2}:\d{2}:\d{2})?$/.exec(value ?? '')?.[1]);
    if (months.some((month) => month === undefined)) return { refused: `${keys.join(', ')} must be set` };
    if (new Set(months).size !== 1) return { refused: `${keys.join(' and ')} must be the same month (不支持跨月查询)` };
    return { month: months[0] };
  };
  const billMonth = (body) => monthOf(body, body.Month !== undefined ? ['Month'] : ['BeginTime', 'EndTime']);

  const answer = (action, body) => {
    const refuse = (message) => {
      refusals.push({ action, body, message });
      return error('InvalidParameter.ParamCheckFailed', message, 'mock-refused');
    };
    const limit = LIMITS[action];
    if (limit !== undefined && !(body.Limit > 0 && body.Limit <= limit)) return refuse(`Limit must be 1..${limit}`);
    const { month, refused } = action.startsWith('DescribeBillSummaryBy')
      ? monthOf(body, ['BeginTime', 'EndTime'])
      : limit !== undefined
        ? billMonth(body)
        : {};
    if (refused) return refuse(refused);
    switch (action) {
      case 'DescribeBillSummaryByProduct':
        return summaryByProduct;
      case 'DescribeBillSummaryByTag':
        return body.TagKey ? summaryByTag : refuse('TagKey is required');
      case 'DescribeBillSummaryByRegion':
        return { Response: { Ready: 0, SummaryOverview: [], RequestId: 'mock-not-ready' } };
      case 'DescribeBillSummaryByPayMode':
        return error(
          'AuthFailure.UnauthorizedOperation',
          'you are not authorized to read bills',
          `mock-error-${calls.filter((call) => call.action === action).length + 1}`,
        );
      case 'DescribeCostDetail':
        return costDetail;
      case 'DescribeBillDetail': {
        if (body.Offset > 0 && body.Context !== `cursor-${month}-${body.Offset}`) {
          return refuse('Context does not match Offset');
        }
        const end = Math.min(body.Offset + body.Limit, billRows(month));
        const rows = [];
        for (let index = body.Offset; index < end; index += 1) {
          const day = { BillMonth: `${month}-01 00:00:00`, BillDay: `${month}-17 00:00:00` };
          rows.push({ ...billTemplate, ...day, BillId: `mock-bill-${month}-${index}` });
        }
        const page = { Context: `cursor-${month}-${end}`, DetailSet: rows, Total: billRows(month) };
        return { Response: { ...page, RequestId: `mock-page-${month}-${body.Offset}` } };
      }
      case 'DescribeDosageDetailByDate': {
        const days = usageDays(body.StartDate, body.EndDate);
        if (typeof days === 'string') return refuse(days);
        if (!body.ProductCode || typeof body.Domain !== 'string') return refuse('ProductCode and Domain are required');
        const DetailPoints = days.flatMap((day) =>
          Array.from({ length: 24 }, (_, hour) => ({
            Time: `${day} ${String(hour).padStart(2, '0')}:00:00`,
            Value: String(usageValue(day, hour)),
          })),
        );
        const DetailSets = [{ Domain: body.Domain, InstanceID: body.InstanceID ?? body.Domain, DetailPoints }];
        return { Response: { RetCode: 0, RetMsg: 'ok', Unit: 'GB', DetailSets, RequestId: `mock-usage-${body.StartDate}` } };
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
      reply = answer(action, body);
      calls.push({ action, body, reply });
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

/** The days `StartDate`..`EndDate` (`yyyy-mm-dd`), or why Tencent would refuse them: a span over 7 days. */
function usageDays(start, end) {
  const dates = [start, end].map((text) => (/^\d{4}-\d{2}-\d{2}$/.test(text ?? '') ? Date.parse(`${text}T00:00:00Z`) : NaN));
  if (dates.some(Number.isNaN)) return 'StartDate and EndDate must be yyyy-mm-dd';
  const count = (dates[1] - dates[0]) / 86_400_000 + 1;
  if (count < 1 || count > 7) return `StartDate..EndDate spans ${count} days (时间跨度不超过7天)`;
  return Array.from({ length: count }, (_, index) => new Date(dates[0] + index * 86_400_000).toISOString().slice(0, 10));
}

/** The mock's usage on `day` (`yyyy-mm-dd`) at `hour`, in GB: whole numbers, so sums are exact in JavaScript. */
const usageValue = (day, hour) => Number(day.slice(8)) * 1000 + hour * 7;

function error(Code, Message, RequestId) {
  return { Response: { Error: { Code, Message }, RequestId } };
}

/** Builds tcbill-proxy and starts it on a free loopback port, serving dist/, with dummy credentials. */
async function startProxy(endpoint) {
  execFileSync('cargo', ['build', '--quiet', '-p', 'tcbill-proxy'], { cwd: ROOT, stdio: 'inherit' });
  const port = await freePort();
  const { TCBILL_PROXY_TOKEN, TCBILL_PROXY_ALLOW_ORIGINS, ...environment } = process.env;
  // Where cargo put it: CARGO_TARGET_DIR when set (a shared build directory), else ./target.
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
  const child = spawn(
    join(targetDir, 'debug', 'tcbill-proxy'),
    ['--insecure-test-endpoint', endpoint, '--serve-dist', DIST, '--listen', `127.0.0.1:${port}`],
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
    child.on('error', (failure) => reject(new Error(`tcbill-proxy did not start: ${failure.message}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

/** A listener that must never be called: it records every request that reaches it. */
async function startTrap() {
  const requests = [];
  const server = createServer((req, res) => {
    // Chromium asks for the probe page's icon on its own, sometimes after the probe closed; the app's
    // worker never asks for that path, so it is not counted.
    if (req.url === '/favicon.ico') return res.writeHead(404).end();
    requests.push({ host: req.headers.host, url: req.url, authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('trap');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, requests, close: () => server.close() };
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
