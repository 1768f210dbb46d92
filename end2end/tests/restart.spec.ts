// A deploy nobody notices: the server restarts (SIGTERM, then the same binary on the same
// data dir), and the open page keeps everything it showed, with no snapshot replacing its
// state; then a different build starts, and the page says so and reloads itself once.
// Uses Playwright's plain `test`: while the server is down the browser logs its failed
// reconnects as console errors, which is expected here.
import { expect, test, type Page } from "@playwright/test";
import { existsSync } from "node:fs";
import { unique } from "./helpers";
import { BIN, serverEnv, Server } from "./servers";

/**
 * The name of every server-sent event the page receives, read from Chromium's network
 * layer: each stream's body is streamed to the test as it arrives.
 */
async function recordEvents(page: Page): Promise<string[]> {
  const names: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const partial = new Map<string, string>();
  const take = (requestId: string, base64: string) => {
    const text = (partial.get(requestId) ?? "") + Buffer.from(base64, "base64").toString("utf8");
    const blocks = text.split("\n\n");
    partial.set(requestId, blocks.pop() ?? "");
    for (const block of blocks) {
      const name = /^event: (.*)$/m.exec(block);
      if (name) names.push(name[1]);
    }
  };
  const streams = new Set<string>();
  cdp.on("Network.responseReceived", (e) => {
    if (!e.response.url.includes("/api/events")) return;
    streams.add(e.requestId);
    cdp.send("Network.streamResourceContent", { requestId: e.requestId }).then(
      ({ bufferedData }) => take(e.requestId, bufferedData),
      () => {}, // the stream ended before it could be followed
    );
  });
  cdp.on("Network.dataReceived", (e) => {
    if (streams.has(e.requestId) && e.data) take(e.requestId, e.data);
  });
  return names;
}

test("after a restart on the same data dir the page keeps its feed, jobs and prices, with no snapshot", async ({ page }) => {
  expect(existsSync(BIN), `server binary ${BIN} (built by make dist)`).toBe(true);
  const server = await Server.on({ bin: BIN, env: serverEnv({ LIVEDASH_RETRY_MS: "200" }) });
  await server.start();
  try {
    const events = await recordEvents(page);
    await page.goto(server.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    const before = unique("Before restart");
    await server.notify(before);
    await expect(page.locator(".feed-item", { hasText: before })).toBeVisible();
    const job = await (
      await fetch(`${server.base}/api/jobs`, { method: "POST", body: JSON.stringify({ kind: "reported", title: "Nightly import", total: 10 }) })
    ).json();
    await fetch(`${server.base}/api/jobs/${job.id}/report`, { method: "POST", body: JSON.stringify({ done: 4 }) });
    const card = page.locator(`li.job[data-job-id="${job.id}"]`);
    await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "40");
    const symbols = await page.locator("tr.quote").count();
    expect(symbols).toBeGreaterThan(0);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const snapshotsBefore = events.filter((e) => e === "snapshot").length;

    await server.stop();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", /reconnecting|offline/);
    await server.start();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");

    // A toast published right after the restart shows once, in the toasts and the feed...
    const after = unique("After restart");
    await server.notify(after);
    await expect(page.locator(".toast", { hasText: after })).toHaveCount(1);
    await expect(page.locator(".feed-item", { hasText: after })).toHaveCount(1);
    // ...and everything from before is still there, live: the job takes its next report.
    await expect(page.locator(".feed-item", { hasText: before })).toHaveCount(1);
    await fetch(`${server.base}/api/jobs/${job.id}/report`, { method: "POST", body: JSON.stringify({ done: 7 }) });
    await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "70");
    await expect(page.locator("tr.quote")).toHaveCount(symbols);
    // The recording sees both streams (each opens with a hello), so "no snapshot" is real.
    await expect.poll(() => events.filter((e) => e === "hello").length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e === "snapshot").length, "the restart reset the page with a snapshot").toBe(snapshotsBefore);
    await expect(page.locator(".update-notice")).toBeHidden();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  } finally {
    await server.stop();
  }
});

test("a page open while another build starts says so, reloads itself once, and then carries the new build", async ({ page }) => {
  const server = await Server.on({ bin: BIN, env: serverEnv({ LIVEDASH_RETRY_MS: "200" }) });
  await server.start();
  try {
    let loads = 0;
    page.on("load", () => loads++);
    const builds: string[] = [];
    page.on("response", (r) => {
      if (r.request().resourceType() === "document") builds.push(r.headers()["x-livedash-build"]);
    });
    await page.goto(server.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    expect(loads).toBe(1);

    await server.stop();
    await server.start(["--build-tag", "next"]);
    // The notice, announced politely, while the page waits for a safe moment (the page is
    // visible and idle: the reload comes once it has been idle long enough).
    const notice = page.getByRole("status").filter({ hasText: "livedash was updated" });
    await expect(notice).toBeVisible();
    await notice.screenshot({ path: "screenshots/latest/update-notice.png" });
    await expect.poll(() => loads, { timeout: 40_000 }).toBe(2);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    const state = JSON.parse((await page.locator("#page-state").textContent()) ?? "{}");
    expect(state.Ok.build).toMatch(/-next$/);
    expect(builds).toHaveLength(2);
    expect(builds[1]).toBe(state.Ok.build);
    await expect(page.locator(".update-notice")).toBeHidden();
    // Reloaded once for this build: the tab remembers it, so a page served stale again
    // would not loop.
    expect(await page.evaluate(() => sessionStorage.getItem("livedash.reloaded-for"))).toBe(state.Ok.build);
    expect(loads).toBe(2);
  } finally {
    await server.stop();
  }
});
