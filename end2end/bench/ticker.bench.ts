// The dashboard at rest and under load, and what a first visit downloads, in Chromium,
// against the deployable binary (`make dist`, the release wasm) over HTTPS (browsers ask
// for brotli only over TLS). With `LIVEDASH_BASELINE_BIN` (e.g. an older `make dist`
// binary), the same measurements of that build run in the same session, side by side:
// these machines differ by 2x from day to day, so only figures of one run compare.
//
// - At rest: a page with (almost) no quotes arriving (one every 5 s), for 10 s, with no
//   measurement loop in the page: the CPU time of Chromium's renderer and GPU processes,
//   read from /proc, as a share of the machine (all its cores).
// - Under load, for each quote rate, a fresh page shows 50 symbols; after it settles, for
//   10 s: frames per second (requestAnimationFrame callbacks counted in the page), long
//   tasks (over 50 ms, the browser's own PerformanceObserver("longtask")), main-thread
//   time (Chromium's TaskDuration, DevTools protocol) per second, and the renderer's and
//   GPU process's CPU (/proc) as a share of the machine; at 500 quotes/s also with the
//   renderer slowed 4x (DevTools' CPU throttling), since a fast day puts both builds at
//   the 60 fps ceiling.
// Results are printed as Markdown tables (README "Performance").
import { test, type Page } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { ROOT, selfSignedCertificate, Server } from "../tests/servers";

const DIST = process.env.LIVEDASH_DIST_BIN ?? path.join(ROOT, "target/dist/livedash");
/** An older build to measure beside this one (it may predate `--data-dir`). */
const BASELINE = process.env.LIVEDASH_BASELINE_BIN;
const BUILDS: { name: string; bin: string; dataDir?: string }[] = [
  { name: "this build", bin: DIST },
  ...(BASELINE ? [{ name: path.basename(BASELINE), bin: BASELINE, dataDir: "default" }] : []),
];
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `S${String(i).padStart(2, "0")}`);
const WINDOW_MS = 10_000;

test.use({ ignoreHTTPSErrors: true });

async function serve(build: (typeof BUILDS)[number], quoteRate: number): Promise<Server> {
  if (!existsSync(build.bin)) throw new Error(`${build.bin} is built by \`make dist\``);
  const server = await Server.on({
    bin: build.bin,
    args: ["serve", "--symbols", SYMBOLS.join(","), "--quote-rate", String(quoteRate)],
    env: { PATH: process.env.PATH },
    tls: selfSignedCertificate(),
    dataDir: build.dataDir,
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
  /** Renderer plus GPU process CPU, as a share of the machine (from /proc). */
  machinePct: number;
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
  const [cpuBefore, cpuStart] = [chromiumCpuMs(), Date.now()];
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
  const [cpuAfter, cpuSeconds] = [chromiumCpuMs(), (Date.now() - cpuStart) / 1000];
  const perS = (i: number) => ((after[i] - before[i]) * 1000) / (inPage.elapsed / 1000);
  return {
    fps: inPage.fps,
    longTasks: inPage.long.length,
    longestMs: Math.max(0, ...inPage.long),
    mainThreadMsPerS: perS(0),
    machinePct: machineShare(cpuBefore, cpuAfter, cpuSeconds),
    scriptMsPerS: perS(1),
    styleMsPerS: perS(2),
    layoutMsPerS: perS(3),
  };
}

/** CPU time (ms) used so far by Chromium's renderer and GPU processes, from /proc. */
function chromiumCpuMs(): { renderer: number; gpu: number } {
  const tick = 1000 / 100; // USER_HZ: 100 on Linux
  const total = { renderer: 0, gpu: 0 };
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    let stat: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const kind = cmdline.includes("--type=renderer") ? "renderer" : cmdline.includes("--type=gpu-process") ? "gpu" : undefined;
    if (!kind) continue;
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    total[kind] += (Number(fields[11]) + Number(fields[12])) * tick;
  }
  return total;
}

type CpuMs = ReturnType<typeof chromiumCpuMs>;

/** Renderer plus GPU process CPU between two readings, as a share (%) of all the cores. */
function machineShare(before: CpuMs, after: CpuMs, seconds: number): number {
  const used = after.renderer - before.renderer + after.gpu - before.gpu;
  return (used / seconds / (1000 * cpus().length)) * 100;
}

/**
 * The page at rest: renderer and GPU CPU over the window, and the frames the compositor
 * drew (DrawFrame in a Chromium trace of the window).
 */
async function atRest(page: Page): Promise<string> {
  await page.context().browser()!.startTracing(page, { categories: ["disabled-by-default-devtools.timeline.frame"] });
  const [before, start] = [chromiumCpuMs(), Date.now()];
  await new Promise((done) => setTimeout(done, WINDOW_MS)); // the measured window itself
  const [after, seconds] = [chromiumCpuMs(), (Date.now() - start) / 1000];
  const trace = JSON.parse((await page.context().browser()!.stopTracing()).toString()) as { traceEvents: { name: string }[] };
  const drawn = trace.traceEvents.filter((e) => e.name === "DrawFrame").length;
  const renderer = (after.renderer - before.renderer) / seconds;
  const gpu = (after.gpu - before.gpu) / seconds;
  const share = machineShare(before, after, seconds);
  return `${renderer.toFixed(0)} ms/s | ${gpu.toFixed(0)} ms/s | **${share.toFixed(1)} %** | ${(drawn / seconds).toFixed(1)}`;
}

test("the dashboard at rest, the ticker at 100 and 500 quotes/s, and the first load", async ({ browser }) => {
  const rest: string[] = [];
  const load: string[] = [];
  const first: string[] = [];
  for (const build of BUILDS) {
    // At rest: one quote every 5 s.
    const quiet = await serve(build, 0.2);
    try {
      const page = await browser.newPage({ ignoreHTTPSErrors: true });
      await page.goto(`${quiet.base}/`);
      await page.locator(`.connection[data-state="live"]`).waitFor();
      await page.waitForTimeout(6_000); // settle: the "live" ping (a few seconds) is over
      rest.push(`| ${build.name} | ${await atRest(page)} |`);
      await page.close();
    } finally {
      await quiet.stop();
    }

    // 4x: the renderer's CPU slowed by DevTools, so that neither build sits at the 60 fps
    // ceiling (on a fast day both reach it at 500 quotes/s).
    for (const [rate, slowdown] of [[100, 1], [500, 1], [500, 4]]) {
      const server = await serve(build, rate);
      try {
        const page = await browser.newPage({ ignoreHTTPSErrors: true });
        if (slowdown > 1) {
          const cdp = await page.context().newCDPSession(page);
          await cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown });
        }
        await page.goto(`${server.base}/`);
        await page.locator("tr.quote").nth(SYMBOLS.length - 1).waitFor();
        await page.locator(`.connection[data-state="live"]`).waitFor();
        await page.waitForTimeout(2_000); // settle: the measured window starts warm
        const s = await measure(page);
        load.push(
          `| ${build.name} | ${rate} quotes/s, ${SYMBOLS.length} symbols${slowdown > 1 ? `, CPU ÷${slowdown}` : ""} | ${s.fps.toFixed(1)} | ${s.longTasks} | ${s.longestMs.toFixed(0)} ms | ` +
            `${s.mainThreadMsPerS.toFixed(0)} ms/s | ${s.scriptMsPerS.toFixed(0)} / ${s.styleMsPerS.toFixed(0)} / ${s.layoutMsPerS.toFixed(0)} ms/s | ${s.machinePct.toFixed(0)} % |`,
        );
        await page.close();
      } finally {
        await server.stop();
      }
    }

    // First load: a new context (empty cache) for each page, loaded until `load`: the
    // dashboard, and a job's page (a job started for it; a build without job pages
    // answers it with its 404 page, measured all the same).
    const server = await serve(build, 12);
    try {
      const starter = await browser.newContext({ ignoreHTTPSErrors: true });
      const started = await starter.request.post(`${server.base}/api/jobs`, {
        data: { kind: "percent", steps: 1000, step_ms: 100 },
      });
      const job = (await started.json()).id;
      await starter.close();
      for (const path of ["/", `/jobs/${job}`]) {
        const context = await browser.newContext({ ignoreHTTPSErrors: true });
        const page = await context.newPage();
        await page.goto(`${server.base}${path}`, { waitUntil: "load" });
        const sizes = await page.evaluate(() =>
          (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
            .map((r) => ({ name: r.name, bytes: r.encodedBodySize }))
            .filter((r) => /\.(wasm|js|css)(\?|$)/.test(r.name)),
        );
        const by = (ext: string) => sizes.filter((s) => s.name.includes(ext)).reduce((a, s) => a + s.bytes, 0);
        const kb = (n: number) => (n / 1000).toFixed(1);
        const total = by(".wasm") + by(".js") + by(".css");
        const where = path === "/" ? "`/`" : "`/jobs/{id}`";
        first.push(`| ${build.name} | ${where} | ${sizes.length} files | ${kb(by(".wasm"))} KB | ${kb(by(".js"))} KB | ${kb(by(".css"))} KB | **${kb(total)} KB** |`);
        await context.close();
      }
    } finally {
      await server.stop();
    }
  }
  console.log(
    `\n| at rest (10 s, ${cpus().length} cores) | renderer | GPU process | of the machine | frames drawn/s |\n| --- | ---: | ---: | ---: | ---: |\n${rest.join("\n")}`,
  );
  console.log(
    `\n| build | ticker | frames/s | long tasks (10 s) | longest | main thread busy | of which script / style / layout | renderer + GPU, of the machine |\n` +
      `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n${load.join("\n")}`,
  );
  console.log(
    `\n| first load (compressed, as sent) | page | files | wasm | JS | CSS | total |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n${first.join("\n")}`,
  );
});
