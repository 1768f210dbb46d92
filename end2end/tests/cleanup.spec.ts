import { expect, test } from "./fixtures";
import { countStreamAttempts, openLive } from "./helpers";

/**
 * When the dashboard leaves the page, its stream is closed for good: a backoff timer that
 * was waiting to reconnect must not open a new stream afterwards. The page's clock is
 * Playwright's, so the test runs the timers forward instead of waiting for them.
 */
test("a pending reconnect is cancelled when the dashboard is cleaned up", async ({ page }) => {
  await page.clock.install();
  const opened = countStreamAttempts(page);
  await openLive(page);
  expect(opened()).toBe(1);

  // The browser says it went offline: the page drops the stream and schedules a reconnect.
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "offline");

  // The dashboard leaves (a client-side navigation to another route) before the timer fires.
  await page.evaluate(() => {
    history.pushState({}, "", "/elsewhere");
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
  await expect(page.locator(".not-found")).toBeVisible();

  await page.clock.runFor(120_000);
  expect(opened(), "a stream was opened after the dashboard was gone").toBe(1);
});
