// The ticker under load, and what a first visit downloads, in Chromium, against the
// deployable binary (`make dist`, the release wasm) over HTTPS (browsers ask for brotli
// only over TLS).
//
// For each quote rate, a fresh page shows 50 symbols; after it settles, for 10 s:
// - frames per second: requestAnimationFrame callbacks counted in the page;
// - long tasks (over 50 ms): the browser's own PerformanceObserver("longtask");
// - main-thread time: Chromium's TaskDuration (DevTools protocol), per second.
// Results are printed as a Markdown table (README "Performance").
import { test, type Page } from "@playwright/test";
import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT, selfSignedCertificate, Server } from "../tests/servers";

const DIST = process.env.LIVEDASH_DIST_BIN ?? path.join(ROOT, "target/dist/livedash");
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `S${String(i).padStart(2, "0")}`);
const WINDOW_MS = 10_000;

test.use({ ignoreHTTPSErrors: true });

async function serve(quoteRate: number): Promise<Server> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is built by \`make dist\``);
  const server = await Server.on({
    bin: DIST,
    args: ["serve", "--symbols", SYMBOLS.join(","), "--quote-rate", String(quoteRate)],
    env: { PATH: process.env.PATH },
    tls: selfSignedCertificate(),
  });
  await server.start();
  return server;
}

interface Sample {
  fps: number;
  longTasks: number;
  longestMs: number;
  /** Main-thread milliseconds per second: all tasks, and script, style and layout. */
  mainThreadMsPerS: number;
  scriptMsPerS: number;
  styleMsPerS: number;
  layoutMsPerS: number;
}

async function measure(page: Page): Promise<Sample> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const durations = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const seconds = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    return ["TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration"].map(seconds);
  };
  const before = await durations();
  const inPage = await page.evaluate(async (windowMs) => {
    const long: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) long.push(entry.duration);
    });
    observer.observe({ type: "longtask" });
    let frames = 0;
    const start = performance.now();
    await new Promise<void>((done) => {
      const tick = (now: number) => {
        frames += 1;
        if (now - start < windowMs) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    observer.disconnect();
    const elapsed = performance.now() - start;
    return { fps: (frames * 1000) / elapsed, long, elapsed };
  }, WINDOW_MS);
  const after = await durations();
  const perS = (i: number) => ((after[i] - before[i]) * 1000) / (inPage.elapsed / 1000);
  return {
    fps: inPage.fps,
    longTasks: inPage.long.length,
    longestMs: Math.max(0, ...inPage.long),
    mainThreadMsPerS: perS(0),
    scriptMsPerS: perS(1),
    styleMsPerS: perS(2),
    layoutMsPerS: perS(3),
  };
}

test("ticker frame rate at 100 and 500 quotes/s, and the first load", async ({ browser }) => {
  const rows: string[] = [];
  for (const rate of [100, 500]) {
    const server = await serve(rate);
    try {
      const page = await browser.newPage({ ignoreHTTPSErrors: true });
      await page.goto(`${server.base}/`);
      await page.locator("tr.quote").nth(SYMBOLS.length - 1).waitFor();
      await page.locator(`.connection[data-state="live"]`).waitFor();
      await page.waitForTimeout(2_000); // settle: the measured window starts warm
      const s = await measure(page);
      rows.push(
        `| ${rate} quotes/s, ${SYMBOLS.length} symbols | ${s.fps.toFixed(1)} | ${s.longTasks} | ${s.longestMs.toFixed(0)} ms | ` +
          `${s.mainThreadMsPerS.toFixed(0)} ms/s | ${s.scriptMsPerS.toFixed(0)} / ${s.styleMsPerS.toFixed(0)} / ${s.layoutMsPerS.toFixed(0)} ms/s |`,
      );
      await page.close();
    } finally {
      await server.stop();
    }
  }

  // First load: a new context (empty cache), the page until the stream is live.
  const server = await serve(12);
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${server.base}/`, { waitUntil: "load" });
    const sizes = await page.evaluate(() =>
      (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
        .map((r) => ({ name: r.name, bytes: r.encodedBodySize }))
        .filter((r) => /\.(wasm|js|css)(\?|$)/.test(r.name)),
    );
    const by = (ext: string) => sizes.filter((s) => s.name.includes(ext)).reduce((a, s) => a + s.bytes, 0);
    const kb = (n: number) => (n / 1000).toFixed(1);
    const total = by(".wasm") + by(".js") + by(".css");
    console.log(
      `\n| first load (compressed, as sent) | wasm | JS | CSS | total |\n| --- | ---: | ---: | ---: | ---: |\n` +
        `| ${sizes.length} files | ${kb(by(".wasm"))} KB | ${kb(by(".js"))} KB | ${kb(by(".css"))} KB | **${kb(total)} KB** |`,
    );
    await context.close();
  } finally {
    await server.stop();
  }
  console.log(
    `\n| ticker | frames/s | long tasks (10 s) | longest | main thread busy | of which script / style / layout |\n` +
      `| --- | ---: | ---: | ---: | ---: | ---: |\n${rows.join("\n")}`,
  );
});
