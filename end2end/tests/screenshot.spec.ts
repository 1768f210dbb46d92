import { expect, test } from "./fixtures";
import type { Page } from "@playwright/test";
import { openLive, startJob } from "./helpers";

/** Where the suite leaves its screenshots (not committed; `make screenshot` copies them). */
const DIR = "screenshots/latest";

async function busyDashboard(page: Page): Promise<void> {
  await openLive(page);
  const percent = await startJob(page, "percent");
  for (const kind of ["phases", "batch", "logs"]) {
    await startJob(page, kind);
  }
  await page.request.post("/api/notifications", {
    data: { level: "success", title: "Deploy finished", body: "api-7 is serving build 2026.11.21" },
  });
  await expect(page.locator(".toast")).not.toHaveCount(0);
  await expect
    .poll(async () => Number(await percent.getByRole("progressbar").getAttribute("aria-valuenow")))
    .toBeGreaterThan(10);
  // Let the entrance animation finish so the picture is not caught mid-slide.
  await page
    .locator(".toast")
    .first()
    .evaluate((el) => Promise.all(el.getAnimations().filter((a) => (a as CSSAnimation).animationName === "toast-in").map((a) => a.finished)));
}

test.describe("desktop", () => {
  test.use({ viewport: { width: 1360, height: 900 } });

  test("screenshot: light", async ({ page }) => {
    await busyDashboard(page);
    await page.screenshot({ path: `${DIR}/dashboard.png` });
  });

  test.describe("dark", () => {
    test.use({ colorScheme: "dark" });

    test("screenshot: dark", async ({ page }) => {
      await busyDashboard(page);
      await page.screenshot({ path: `${DIR}/dashboard-dark.png` });
    });
  });
});

test.describe("375 px wide", () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test("screenshot: no horizontal scrolling", async ({ page }) => {
    await busyDashboard(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${DIR}/dashboard-mobile.png`, fullPage: true });
  });
});
