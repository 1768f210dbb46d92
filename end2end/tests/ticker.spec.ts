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

/** How many ticker cells are animating (flashing: the tinted layer under a price) right now. */
const flashing = (page: import("@playwright/test").Page) =>
  page.evaluate(() => [...document.querySelectorAll("tr.quote > *")].filter((cell) => cell.getAnimations({ subtree: true }).length > 0).length);

test("price moves flash the price", async ({ page }) => {
  await openLive(page);
  await expect.poll(() => flashing(page)).toBeGreaterThan(0);
});

test.describe("with reduced motion", () => {
  test.use({ reducedMotion: "reduce" });

  test("prices still update but nothing flashes", async ({ page }) => {
    await openLive(page);
    const before = await page.locator("td.price").allTextContents();
    for (let update = 0; update < 5; update++) {
      await expect
        .poll(async () => (await page.locator("td.price").allTextContents()).filter((p, i) => p !== before[i]).length)
        .toBeGreaterThan(update);
      expect(await flashing(page)).toBe(0);
    }
  });
});

test.describe("themes", () => {
  const background = async (page: import("@playwright/test").Page) => {
    await page.goto("/");
    return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  };

  test("light and dark follow prefers-color-scheme", async ({ browser }) => {
    const light = await (await browser.newContext({ colorScheme: "light" })).newPage();
    const dark = await (await browser.newContext({ colorScheme: "dark" })).newPage();
    expect(await background(light)).toBe("rgb(245, 246, 248)");
    expect(await background(dark)).toBe("rgb(11, 15, 23)");
  });
});
