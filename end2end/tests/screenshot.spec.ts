import { expect, test } from "./fixtures";
import { busyDashboard } from "./helpers";

/** Where the suite leaves its screenshots (not committed; `make screenshot` copies them). */
const DIR = "screenshots/latest";

test.describe("desktop", () => {
  test.use({ viewport: { width: 1360, height: 900 } });

  test("screenshot: light", async ({ page }) => {
    await busyDashboard(page);
    await page.screenshot({ path: `${DIR}/dashboard.png` });
  });

  test("screenshot: a job's page", async ({ page, request }) => {
    const started = await request.post("/api/jobs", { data: { kind: "logs", lines: 200, step_ms: 60 } });
    const id = (await started.json()).id;
    await page.goto(`/jobs/${id}`);
    await expect(page.locator(".job-main .connection")).toHaveAttribute("data-state", "live");
    await expect(page.locator(".job-log-panel .log pre")).toContainText("[  40/200]");
    await page.screenshot({ path: `${DIR}/job-page.png` });
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
