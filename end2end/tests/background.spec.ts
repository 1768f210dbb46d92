// The stream in the background and after sleep: it pauses while no tab is visible and
// comes back with its position; a stream that went silent (a laptop woke up) is reopened by
// the watchdog; coming back online reopens it at once.
import { test as plain, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { countStreamAttempts, unique } from "./helpers";
import { openStreams, startServer } from "./servers";

/** Makes the page believe it is hidden (or shown), as a tab in the background is. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("a hidden browser's stream pauses after the configured time and resumes with Last-Event-ID", async ({ page }) => {
  const server = await startServer(["--hidden-pause-secs", "1"]);
  try {
    const resumedFrom: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/events")) resumedFrom.push(r.headers()["last-event-id"] ?? "");
    });
    await page.goto(server.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    await setHidden(page, true);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "paused");
    await expect.poll(() => openStreams(server.base)).toBe(0);

    const title = unique("While hidden");
    await server.notify(title);
    const opened = resumedFrom.length;
    await setHidden(page, false);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    await expect(page.locator(".toast", { hasText: title })).toHaveCount(1);
    expect(resumedFrom.length).toBe(opened + 1);
    expect(resumedFrom.at(-1), "the stream reopened without its position").toMatch(/^\d+-\d+$/);
  } finally {
    await server.stop();
  }
});

test("a stream silent for two heartbeat periods is reopened by the watchdog", async ({ page }) => {
  // A server whose stream stays quiet (no quotes, 15 s heartbeats); the page's clock is
  // Playwright's: time jumps as after a sleep, while no heartbeat comes.
  const server = await startServer(["--quote-rate", "0.01"]);
  try {
    await page.clock.install();
    const opened = countStreamAttempts(page);
    await page.goto(server.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    expect(opened()).toBe(1);
    await page.clock.runFor(29_000); // under two periods of the heartbeat
    expect(opened()).toBe(1);
    await page.clock.runFor(9_000); // past two periods and the next check (every half period)
    await expect.poll(opened).toBe(2);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  } finally {
    await server.stop();
  }
});

// Plain `test`: while offline, Chromium logs the failed attempts as console errors.
plain("offline, then online: live again within 1 s", async ({ page, context }) => {
  await page.goto("/");
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  await context.setOffline(true);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "offline");
  await context.setOffline(false);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live", { timeout: 1_000 });
});

// Plain `test`: Chromium logs the refused attempt as a console error.
plain("a 503 from the stream is retried no sooner than its Retry-After", async ({ page }) => {
  await page.clock.install();
  const opened = countStreamAttempts(page);
  const stream = /\/api\/events/;
  await page.route(stream, (route) =>
    route.fulfill({ status: 503, headers: { "Retry-After": "20" }, contentType: "application/json", body: '{"error":"too many streams"}' }),
  );
  await page.goto("/");
  await expect.poll(opened).toBe(1);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "reconnecting");
  await page.unroute(stream);
  await page.clock.runFor(19_000);
  expect(opened(), "retried before the server's Retry-After").toBe(1);
  await page.clock.runFor(2_000);
  await expect.poll(opened).toBe(2);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
});
