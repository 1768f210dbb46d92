// Uses Playwright's plain `test`: while the server is down the browser logs its failed
// reconnects as console errors, which is expected here.
import { expect, test } from "@playwright/test";
import { existsSync } from "node:fs";
import { unique } from "./helpers";
import { BIN, serverEnv, Server } from "./servers";

test("after a server restart the page goes reconnecting, then live with the new state, without a reload", async ({ page }) => {
  expect(existsSync(BIN), `server binary ${BIN} (built by make dist)`).toBe(true);
  const server = await Server.on({
    bin: BIN,
    env: serverEnv({ LIVEDASH_RETRY_MS: "200" }),
  });
  await server.start();
  try {
    await page.goto(server.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    const before = unique("Before restart");
    await server.notify(before);
    await expect(page.locator(".feed-item", { hasText: before })).toBeVisible();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await server.stop();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", /reconnecting|offline/);

    await server.start();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    // The new server lifetime's snapshot replaced the old state...
    await expect(page.locator(".feed-item", { hasText: before })).toHaveCount(0);
    // ...and live events flow again.
    const after = unique("After restart");
    await server.notify(after);
    await expect(page.locator(".toast", { hasText: after })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  } finally {
    await server.stop();
  }
});
