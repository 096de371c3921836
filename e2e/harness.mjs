// Shared set-up of the end-to-end tests: serve the release build (dist/) on loopback under a
// sub-path, as a static host would, and drive Debian's Chromium with Playwright.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
export const OUTPUT = join(ROOT, 'test-output');
/** The files "Load sample data" loads, in its order (src/page/files/sample.rs): the CLI must read them in the same. */
export const SAMPLE_FILES = [
  '2025-06-明细账单-L3.csv',
  '2025-06-资源包抵扣明细.csv',
  '2025-06-资源包总览.csv',
  '2025-06-用量明细-CDN-5分钟.csv',
  'DescribeBillSummaryByProduct-2025-06.json',
];
/** Paths of the sample files, for the CLI. */
export const SAMPLE_PATHS = SAMPLE_FILES.map((name) => join(ROOT, 'sample', name));

/** Runs the workspace's CLI, `tcbill ARGS...`, and returns what it printed. */
export function tcbill(...args) {
  return execFileSync('cargo', ['run', '--quiet', '-p', 'tcbill-cli', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
}
/** The app is served below a sub-path to prove that dist/ works from anywhere. */
export const SUB_PATH = '/some/sub/path/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
};

/**
 * Starts a static file server for dist/ on 127.0.0.1 with an ephemeral port. `mounts` serves more
 * directories beside it (`{ '__bench/': dir }`: `SUB_PATH/__bench/x` is `dir/x`), for the benchmark.
 */
export async function serveDist(mounts = {}) {
  // Every path asked for, in order (the benchmark counts how often the worker's wasm is fetched).
  const requests = [];
  // Paths whose requests fail as if the network were gone (`server.cut`): Playwright's offline
  // mode and routes do not reach a worker's own fetches.
  const cut = new Set();
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if ([...cut].some((suffix) => path.endsWith(suffix))) {
      req.socket.destroy();
      return;
    }
    if (!path.startsWith(SUB_PATH)) {
      res.writeHead(404).end();
      return;
    }
    const relative = normalize(path.slice(SUB_PATH.length) || 'index.html');
    if (relative.startsWith('..')) {
      res.writeHead(403).end();
      return;
    }
    const mount = Object.keys(mounts).find((prefix) => relative.startsWith(prefix));
    const file = mount !== undefined ? join(mounts[mount], relative.slice(mount.length)) : join(DIST, relative);
    try {
      const body = await readFile(file);
      // Last-Modified as every static host sends it, so the browser may cache (a part worker's wasm).
      const modified = (await stat(file)).mtime.toUTCString();
      res.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream', 'last-modified': modified });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${SUB_PATH}`, close: () => server.close(), requests, cut };
}

/** Headless Chromium; `extraArgs` adds command-line switches. */
export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * One test file's server and browser, started before its tests and closed after them (call it at
 * the top of the file). `session.open()` opens the app in a fresh browser context (an empty HTTP
 * cache, its own permissions and downloads), collecting what the page throws and logs as errors.
 * After each test every page opened is checked for plain words ([`assertPlainWords`]) and closed,
 * and the test fails if one threw. `browserArgs` adds Chromium switches, `mounts` directories
 * beside dist/ (see [`serveDist`]).
 */
export function useBrowser({ browserArgs = [], mounts = {} } = {}) {
  let opened = [];
  const session = {
    server: undefined,
    browser: undefined,
    /**
     * A page of the app at `width` × `height` in `locale`, at its URL plus `fragment`; with
     * `goto: false`, not yet loaded (to listen to it first). `permissions` are granted to the app.
     */
    async open({ width = 1280, height = 800, locale = 'en-US', fragment = '', permissions = [], goto = true } = {}) {
      const context = await session.browser.newContext({ viewport: { width, height }, locale, acceptDownloads: true });
      if (permissions.length > 0) await context.grantPermissions(permissions, { origin: new URL(session.server.url).origin });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      opened.push({ page, errors });
      if (goto) await page.goto(session.server.url + fragment);
      return page;
    },
  };
  before(async () => {
    session.server = await serveDist(mounts);
    session.browser = await launchBrowser(browserArgs);
    await mkdir(OUTPUT, { recursive: true });
  });
  after(async () => {
    await session.browser?.close();
    session.server?.close();
  });
  afterEach(async () => {
    const closing = opened;
    opened = [];
    for (const { page } of closing) {
      await assertPlainWords(page);
      await page.context().close();
    }
    assert.deepEqual(closing.flatMap(({ errors }) => errors), [], 'the page threw');
  });
  return session;
}

/**
 * The cells of each file's own row (name, size, kind, rows read, accepted, rejected), once
 * `expectedCount` files are listed and none is still being parsed.
 */
export async function fileRows(page, expectedCount) {
  const listedAndRead = (n) =>
    document.querySelectorAll('.file-table tbody').length === n &&
    document.querySelectorAll('.file-table tbody.parsing').length === 0;
  // Once the files given are read the page turns to Overview by itself (unless a tab was picked
  // since): wait until no answer is due, then come back to the Files tab.
  await page.waitForFunction(
    (n) =>
      !document.querySelector('main[data-answer-due]') &&
      (document.querySelector('#tab-overview[aria-selected="true"]') !== null ||
        (document.querySelectorAll('.file-table tbody').length === n &&
          document.querySelectorAll('.file-table tbody.parsing').length === 0)),
    expectedCount,
  );
  if ((await page.getAttribute('#tab-files', 'aria-selected')) !== 'true') await page.click('#tab-files');
  await page.waitForFunction(listedAndRead, expectedCount);
  return page.$$eval('.file-table tbody', (bodies) =>
    bodies.map((body) => [...body.rows[0].cells].slice(0, 6).map((td) => td.textContent)),
  );
}

/** A `DataTransfer` in the page holding files made from `{ name, bytes }` (bytes: a Buffer or string). */
export async function dataTransferOf(page, files) {
  // Base64 crosses into the page far faster than an array of numbers (megabytes of API pages).
  const plain = files.map(({ name, bytes }) => ({ name, base64: Buffer.from(bytes).toString('base64') }));
  return page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const { name, base64 } of files) {
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    }
    return transfer;
  }, plain);
}

/**
 * Fails if the page shows a wasm stack trace or a Rust debug value anywhere (text or attributes):
 * users get plain words. [`useBrowser`] calls it after each test, before closing the test's pages.
 */
export async function assertPlainWords(page) {
  if (page.isClosed()) return;
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  for (const leak of ['wasm-function', 'JsValue(']) {
    const at = html.indexOf(leak);
    if (at >= 0) throw new Error(`the page shows "${leak}": …${html.slice(Math.max(0, at - 200), at + 200)}…`);
  }
}
