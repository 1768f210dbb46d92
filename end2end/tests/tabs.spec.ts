// One stream per browser: the tabs of one browser context elect a holder (Web Locks) that
// keeps the only stream and relays its events to the others (BroadcastChannel). Each test
// that counts streams starts a server of its own, so no other test's page is counted.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { startJob, unique } from "./helpers";
import { openStreams, startServer } from "./servers";

/** `n` tabs of `context` on `base`, each live. */
async function openTabs(context: BrowserContext, base: string, n: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(base);
    pages.push(page);
  }
  for (const page of pages) await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  return pages;
}

const role = (page: Page) => page.evaluate(() => document.documentElement.dataset.stream);

async function withContext<T>(browser: Browser, f: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await f(context);
  } finally {
    await context.close();
  }
}

test("ten tabs share one stream, and a toast reaches each of them once", async ({ browser }) => {
  const server = await startServer();
  try {
    await withContext(browser, async (context) => {
      const pages = await openTabs(context, server.base, 10);
      const roles = await Promise.all(pages.map(role));
      expect(roles.filter((r) => r === "leader")).toHaveLength(1);
      expect(roles.filter((r) => r === "follower")).toHaveLength(9);
      await expect.poll(() => openStreams(server.base)).toBe(1);

      const title = unique("To every tab");
      await server.notify(title);
      for (const page of pages) {
        await expect(page.locator(".toast", { hasText: title })).toHaveCount(1);
        await expect(page.locator(".feed-item", { hasText: title })).toHaveCount(1);
      }
      expect(await openStreams(server.base)).toBe(1);
    });
  } finally {
    await server.stop();
  }
});

test("closing the holder: another tab takes over within 2 s, and a toast sent meanwhile shows once in every tab", async ({ browser }) => {
  const server = await startServer();
  try {
    await withContext(browser, async (context) => {
      const pages = await openTabs(context, server.base, 4);
      const roles = await Promise.all(pages.map(role));
      const leader = pages[roles.indexOf("leader")];
      const rest = pages.filter((p) => p !== leader);
      const before = unique("Before the takeover");
      await server.notify(before);
      for (const page of rest) await expect(page.locator(".feed-item", { hasText: before })).toHaveCount(1);

      const closed = Date.now();
      await leader.close();
      const during = unique("During the takeover");
      await server.notify(during);
      await expect.poll(async () => (await Promise.all(rest.map(role))).filter((r) => r === "leader").length, { timeout: 2_000 }).toBe(1);
      for (const page of rest) {
        await expect(page.locator(".connection")).toHaveAttribute("data-state", "live", { timeout: 2_000 });
      }
      expect(Date.now() - closed, "the takeover took longer than 2 s").toBeLessThan(2_000);

      for (const page of rest) {
        await expect(page.locator(".toast", { hasText: during })).toHaveCount(1);
        await expect(page.locator(".feed-item", { hasText: during })).toHaveCount(1);
        await expect(page.locator(".feed-item", { hasText: before })).toHaveCount(1);
      }
      await expect.poll(() => openStreams(server.base)).toBe(1);
    });
  } finally {
    await server.stop();
  }
});

// Over HTTP/1.1 a browser opens at most six connections to one origin: with a stream per
// tab, the seventh tab never loaded (README "Tabs"). The shared server speaks HTTP/1.1.
test("ten tabs over HTTP/1.1 all load, go live, and their buttons work", async ({ browser }) => {
  await withContext(browser, async (context) => {
    const pages = await openTabs(context, "/", 10);
    for (const page of [pages[0], pages[9]]) {
      const card = await startJob(page, "percent");
      await expect(card).toBeVisible();
    }
    const title = unique("Over HTTP/1.1");
    const answer = await pages[6].request.post("/api/notifications", { data: { level: "info", title } });
    expect(answer.status()).toBe(202);
    await expect(pages[9].locator(".toast", { hasText: title })).toHaveCount(1);
  });
});

test("without Web Locks, each tab keeps a stream of its own, as before", async ({ browser }) => {
  const server = await startServer();
  try {
    await withContext(browser, async (context) => {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, "locks", { configurable: true, get: () => undefined });
      });
      const pages = await openTabs(context, server.base, 2);
      expect(await Promise.all(pages.map(role))).toEqual(["solo", "solo"]);
      await expect.poll(() => openStreams(server.base)).toBe(2);
      const title = unique("Alone");
      await server.notify(title);
      for (const page of pages) await expect(page.locator(".toast", { hasText: title })).toHaveCount(1);
    });
  } finally {
    await server.stop();
  }
});
