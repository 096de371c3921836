// Both languages complete (issue #13, item 8): with the sample month loaded, every tab is opened in
// English and in Chinese (every <details> opened, so a failed check shows its rows), and the page's
// visible text may hold no word of the other script except names: values from the loaded files,
// units, format names. Screenshots of each tab, in both languages, at a laptop's and a phone's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowser, fileRows, dataTransferOf, SAMPLE_FILES, SAMPLE_PATHS, OUTPUT } from './harness.mjs';

const TABS = ['files', 'overview', 'costs', 'compare', 'packages', 'usage'];
const VIEWPORTS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

// What the sample files hold as values: every cell of a line with a digit in it (a header row
// has none; the CDN title line "内容分发网络 CDN 5分钟明细,2025-06" does and names a product), the
// JSON response's string values (not its keys) and the file names. Product, region and package
// names, IDs and domains are data, shown as the files spell them in either language.
// Dropped next to the sample so that the Files tab lists problems: a cell that is not a number and
// a row cut short (core's diagnostics, said by code in Chinese).
const FAULTY = { name: '2025-06-有误的账单.csv', bytes: '产品名称,组件名称,优惠后总价,现金账户支出(元)\n云服务器,CPU,12.3.4,1.50\n云服务器,内存\n' };

const DATA_VALUES = [
  ...SAMPLE_FILES,
  FAULTY.name,
  // All of it, header too: a diagnostic names the column as the file spells it.
  ...FAULTY.bytes.split(/[\n,]/),
  ...SAMPLE_PATHS.filter((path) => path.endsWith('.csv')).flatMap((path) =>
    readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .filter((line) => /\d/.test(line))
      .flatMap((line) => line.split(',')),
  ),
  ...jsonStrings(JSON.parse(readFileSync(SAMPLE_PATHS.find((path) => path.endsWith('.json')), 'utf8'))),
  ...headerNames(),
].join('\n');

// Names a file chooses in its header row, which the page shows as such: cost-allocation tag keys
// (`标签键:env`) and usage metrics (`带宽(Mbps)`).
function headerNames() {
  const headers = SAMPLE_PATHS.filter((path) => path.endsWith('.csv')).flatMap((path) =>
    readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line !== '' && !/\d/.test(line))
      .flatMap((line) => line.split(',')),
  );
  const tagKeys = headers.filter((cell) => cell.startsWith('标签键:')).map((cell) => cell.slice('标签键:'.length));
  const metrics = readFileSync(SAMPLE_PATHS.find((path) => path.includes('用量明细')), 'utf8')
    .split(/\r?\n/)[1]
    .split(',')
    .filter((cell) => cell.includes('('));
  return [...tagKeys, ...metrics];
}

function jsonStrings(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

// Latin words a Chinese page may show: units and currency codes as the console writes them, file
// formats, names of programs and documents.
const LATIN_NAMES = new Set([
  ...['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'KiB', 'MiB', 'GiB', 'bps', 'Kbps', 'Mbps', 'Gbps', 'CNY', 'USD'],
  ...['CSV', 'JSON', 'ZIP', 'XLSX', 'PNG', 'SVG', 'FOCUS', 'API', 'UIN', 'URL', 'ID', 'SecretKey'],
  // Names of programs and documents the page points to.
  ...['tcbill', 'tcbill-proxy', 'README', 'Excel'],
  // Bill levels as the console names its exports (L3 明细账单).
  'L2', 'L3',
  // The language switch names the other language in that language.
  'English',
]);
// The billing API's actions (the fetch form lists them), and its measures, which a Chinese page
// may show only in parentheses after the console's word (`优惠后总价 (RealTotalCost)`) or in a
// card's API-name line (left out of the text below).
const API_ACTION = /^Describe[A-Za-z]+$/;
const MEASURE_IN_PARENTHESES = /[(（]((Real)?TotalCost(Ratio)?|(Cash|Voucher|Incentive|Transfer)PayAmount)[)）]/g;

// The console's Chinese terms that the English page keeps next to its English words, as README
// does (users match them against the console): the measures, 资源包 and its deduction terms.
const CONSOLE_TERMS = ['优惠后总价', '原价', '抵扣系数', '抵扣后包剩余量',
  // The language switch names the other language in that language.
  '中文',
];

/** Latin words in `text` that are not names, for a Chinese page. */
function strayLatin(text) {
  const words = text.replace(MEASURE_IN_PARENTHESES, '').match(/[A-Za-z][A-Za-z0-9_]*(?:[-.][A-Za-z0-9_]+)*/g) ?? [];
  return words.filter((word) => !LATIN_NAMES.has(word) && !API_ACTION.test(word) && !DATA_VALUES.includes(word));
}

/** Runs of Chinese text in `text` that are neither data values nor console terms, for an English page. */
function strayCjk(text) {
  const runs = text.match(/[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+/g) ?? [];
  return runs.filter((run) => !DATA_VALUES.includes(run) && !CONSOLE_TERMS.some((term) => term.includes(run)));
}

const session = useBrowser();

/** The page's visible text, less the cards' API-name lines, and the text of its SVG charts. */
async function visibleText(page) {
  return page.evaluate(() => {
    const apiNames = [...document.querySelectorAll('.card .api-name')];
    apiNames.forEach((node) => (node.style.display = 'none'));
    const text = document.body.innerText;
    apiNames.forEach((node) => (node.style.display = ''));
    const svgText = [...document.querySelectorAll('svg text')].map((node) => node.textContent);
    return [text, ...svgText].join('\n');
  });
}

for (const lang of ['en', 'zh']) {
  for (const viewport of VIEWPORTS) {
    test(`every tab in ${lang} at ${viewport.width}×${viewport.height} is in ${lang} only`, async () => {
      const page = await session.open({ ...viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-US', fragment: `#lang=${lang}` });
      await page.getByRole('button', { name: lang === 'zh' ? '加载示例数据' : 'Load sample data' }).click();
      await fileRows(page, 5);
      await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: await dataTransferOf(page, [FAULTY]) });
      await fileRows(page, 6);
      assert.equal(await page.locator('.diagnostics li').count(), 2, 'the faulty file lists its two problems');
      const strays = {};
      for (const tab of TABS) {
        await page.click(`#tab-${tab}`);
        await page.waitForFunction(() => !document.querySelector('main[data-answer-due]'));
        if (tab === 'overview') await page.locator('.checks li.failed details').first().waitFor();
        await page.evaluate(() => document.querySelectorAll('details').forEach((details) => (details.open = true)));
        // A failed check builds its rows once open.
        await page.waitForFunction(() => [...document.querySelectorAll('.checks details')].every((details) => details.querySelector('.finding-rows')));
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(OUTPUT, `lang-${lang}-${tab}-${viewport.width}.png`), fullPage: true });
        const text = await visibleText(page);
        const found = [...new Set(lang === 'zh' ? strayLatin(text) : strayCjk(text))];
        if (found.length > 0) strays[tab] = found;
      }
      assert.deepEqual(strays, {}, `words of the other script in ${lang}`);
    });
  }
}
