// The main thread's long tasks while the app reads one bill (issue #12: "no main-thread block
// > 50 ms"): RUNS fresh page loads of the release app in headless Chromium, each dropping FILE and
// waiting until the report is shown, as bench/browser.mjs does; prints each run's longest block
// (PerformanceObserver 'longtask'), every long task beside the worker message that came before it,
// and, from a Chrome trace of the same run, what each long task spent its time on (script, style,
// layout, paint, ...) and the largest single events in it. Prints figures only; nothing is asserted.
//
//   node bench/long-tasks.mjs FILE [RUNS]       (FILE: e.g. `tcbill-gen l3 --rows 100000 --seed 7`)
//
// TCBILL_BENCH_TRACE=0 skips the trace (tracing itself slows the page a little); TCBILL_BENCH_PROFILE=1
// adds a V8 CPU profile of the page (self time by function; wasm names need a build whose wasm keeps them);
// TCBILL_BENCH_WARM_FONT=1 shows CJK text before the drop, so the fallback font is loaded before the report.
import { serveDist, launchBrowser } from '../e2e/harness.mjs';
import { openApp, dropFiles, waitUntilShown } from './app-run.mjs';

const [file, runsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/long-tasks.mjs FILE [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const tracing = process.env.TCBILL_BENCH_TRACE !== '0';
const profiling = process.env.TCBILL_BENCH_PROFILE === '1';

// Trace event names, by what the Performance panel calls them.
const KIND = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.compile': 'script',
  V8Execute: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  'v8.callFunction': 'script',
  RunMicrotasks: 'script',
  MajorGC: 'gc',
  MinorGC: 'gc',
  'V8.GC_MARK_COMPACTOR': 'gc',
  'BlinkGC.AtomicPhase': 'gc',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  UpdateLayerTree: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  'Document::updateStyleAndLayout': 'layout',
  CommitLoad: 'other',
  HitTest: 'other',
  ParseHTML: 'script',
};

/** Per long task (trace `RunTask` of the renderer's main thread over 50 ms): time by kind, biggest events. */
function analyseTrace(events) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((t) => t.pid === e.pid && t.name === 'FunctionCall'));
  if (!main) return [];
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur > 50_000);
  return tasks.map((task) => {
    const end = task.ts + task.dur;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
    // Self time of each kind: an event's duration less its known children's (nested events are
    // complete events on one thread, so they nest properly).
    const kinds = {};
    const byName = {};
    for (const e of inside) {
      const kind = KIND[e.name];
      if (!kind) continue;
      byName[e.name] = (byName[e.name] ?? 0) + e.dur;
    }
    const known = inside.filter((e) => KIND[e.name]).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    for (const e of known) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      e.self = e.dur;
      if (parent) parent.self -= e.dur;
      stack.push(e);
    }
    for (const e of known) kinds[KIND[e.name]] = (kinds[KIND[e.name]] ?? 0) + e.self;
    const accounted = Object.values(kinds).reduce((a, b) => a + b, 0);
    kinds.unaccounted = task.dur - accounted;
    const layouts = inside
      .filter((e) => e.name === 'Layout')
      .map((e) => `${(e.dur / 1000).toFixed(1)} ms (${e.args?.beginData?.dirtyObjects ?? '?'} of ${e.args?.beginData?.totalObjects ?? '?'} objects)`);
    const styles = inside
      .filter((e) => e.name === 'UpdateLayoutTree')
      .map((e) => `${(e.dur / 1000).toFixed(1)} ms (${e.args?.elementCount ?? '?'} elements)`);
    const biggest = known
      .filter((e) => e.self > 2_000)
      .sort((a, b) => b.self - a.self)
      .slice(0, 8)
      .map((e) => `${e.name} ${(e.self / 1000).toFixed(1)} ms${e.args?.data?.functionName ? ` (${e.args.data.functionName})` : ''}${e.args?.data?.type ? ` (${e.args.data.type})` : ''}`);
    const names = {};
    for (const e of events) {
      if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || e.ts < task.ts || e.ts > end || KIND[e.name] || e.name === 'RunTask') continue;
      names[e.name] = (names[e.name] ?? 0) + (e.dur ?? 0);
    }
    const fonts = Object.entries(names).filter(([, us]) => us > 2000).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join('; ');
    return { fonts, ts: task.ts, ms: task.dur / 1000, cpuMs: (task.tdur ?? task.dur) / 1000, kinds, byName, layouts, styles, biggest };
  });
}

const server = await serveDist();
const browser = await launchBrowser();
const longest = [];
try {
  for (let run = 1; run <= runs; run += 1) {
    const { page, worker, errors } = await openApp(browser, server.url);
    if (tracing) {
      await browser.startTracing(page, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'v8', 'blink.user_timing', 'blink_gc', '__metadata', 'fonts', 'disabled-by-default-fonts', 'blink', 'disabled-by-default-blink.debug.layout'],
      });
    }
    if (process.env.TCBILL_BENCH_WARM_FONT === '1') {
      await page.evaluate(() => {
        const span = Object.assign(document.createElement('span'), { textContent: '云服务器 对象存储 内容分发网络 广州 上海 北京 按量计费 包年包月' });
        document.body.append(span);
      });
      await page.waitForTimeout(500);
    }
    const cdp = profiling ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const start = await dropFiles(page, [file]);
    const shown = await waitUntilShown(page, worker, start, 1);
    const profile = cdp ? (await cdp.send('Profiler.stop')).profile : null;
    const trace = tracing ? JSON.parse((await browser.stopTracing()).toString('utf8')) : null;
    const messages = await page.evaluate(() => window.__bench.messages);
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    const block = shown.longTasks.reduce((max, [, d]) => Math.max(max, d), 0);
    longest.push(block);
    const load = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`\n=== run ${run}: drop -> report shown ${shown.seconds.toFixed(2)} s; load ${load}; ${nodes} elements on the page`);
    console.log(`main thread longest block ${block.toFixed(0)} ms (${shown.longTasks.length} long tasks)`);
    for (const [at, duration] of shown.longTasks) {
      const before = messages.filter(([, t]) => t <= at + 1).pop();
      console.log(`  long task at +${((at - start) / 1000).toFixed(3)} s: ${duration.toFixed(0)} ms, after worker message ${before?.[0] ?? '-'} at +${before ? ((before[1] - start) / 1000).toFixed(3) : '?'} s`);
    }
    if (trace) {
      for (const task of analyseTrace(trace.traceEvents ?? trace)) {
        const kinds = Object.entries(task.kinds)
          .filter(([, us]) => Math.abs(us) >= 500)
          .sort((a, b) => b[1] - a[1])
          .map(([kind, us]) => `${kind} ${(us / 1000).toFixed(1)}`)
          .join(', ');
        console.log(`  trace: task of ${task.ms.toFixed(1)} ms (${task.cpuMs.toFixed(1)} ms on the CPU): ${kinds} (ms, self time)`);
        if (task.styles.length) console.log(`    style recalcs: ${task.styles.join(', ')}`);
        if (task.layouts.length) console.log(`    layouts: ${task.layouts.join(', ')}`);
        console.log(`    largest: ${task.biggest.join('; ')}`);
        if (task.fonts) console.log(`    inside: ${task.fonts}`);
      }
    }
    if (profile) {
      // Self time by function over the whole run (the page's main thread is idle but for the report).
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      const self = new Map();
      for (let i = 0; i < profile.samples.length; i += 1) {
        const frame = byId.get(profile.samples[i]).callFrame;
        const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}`;
        self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
      }
      const top = [...self].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25);
      console.log('  profile, self time (ms):');
      for (const [name, us] of top) console.log(`    ${(us / 1000).toFixed(1).padStart(7)}  ${name}`);
    }
    if (errors.length) console.log(`page errors: ${errors.join(' | ')}`);
    await page.close();
  }
  console.log(`\nlongest block per run (ms): ${longest.map((ms) => ms.toFixed(0)).join(', ')}`);
} finally {
  await browser.close();
  server.close();
}
