import { expect, test } from "./fixtures";
import { openLive } from "./helpers";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the server-rendered page already shows every price", async ({ page }) => {
    await page.goto("/");
    const rows = page.locator("tr.quote");
    expect(await rows.count()).toBeGreaterThanOrEqual(20);
    for (const price of await page.locator("td.price").allTextContents()) {
      expect(price).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    }
    await expect(page.locator("tr.quote").first().locator("svg.sparkline polyline")).toHaveAttribute("points", /\d/);
  });
});

test("prices change live", async ({ page }) => {
  await openLive(page);
  const before = await page.locator("td.price").allTextContents();
  await expect
    .poll(async () => {
      const now = await page.locator("td.price").allTextContents();
      return now.filter((price, i) => price !== before[i]).length;
    })
    .toBeGreaterThan(0);
});
