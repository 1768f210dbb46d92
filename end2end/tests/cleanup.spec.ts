import { expect, test } from "./fixtures";
import { openLive } from "./helpers";

/**
 * When the dashboard leaves the page, its stream is closed for good: a backoff timer that
 * was waiting to reconnect must not open a new EventSource afterwards. The page's clock is
 * Playwright's, so the test runs the timers forward instead of waiting for them.
 */
test("a pending reconnect is cancelled when the dashboard is cleaned up", async ({ page }) => {
  await page.clock.install();
  // Count every EventSource the page opens, and keep the newest.
  await page.addInitScript(() => {
    const Native = window.EventSource;
    const w = window as unknown as { opened: number; newest?: EventSource };
    w.opened = 0;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        w.opened += 1;
        w.newest = this;
      }
    } as typeof EventSource;
  });
  await openLive(page);
  const opened = () => page.evaluate(() => (window as unknown as { opened: number }).opened);
  expect(await opened()).toBe(1);

  // The browser gives up on the stream (as after an error response): the page goes offline
  // and schedules its own reconnect.
  await page.evaluate(() => {
    const source = (window as unknown as { newest: EventSource }).newest;
    source.close();
    source.dispatchEvent(new Event("error"));
  });
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "offline");

  // The dashboard leaves (a client-side navigation to another route) before the timer fires.
  await page.evaluate(() => {
    history.pushState({}, "", "/elsewhere");
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
  await expect(page.locator(".not-found")).toBeVisible();

  await page.clock.runFor(120_000);
  expect(await opened(), "a stream was opened after the dashboard was gone").toBe(1);
});
