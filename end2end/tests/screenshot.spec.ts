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
