// With `--market off` the ticker shows only what systems feed through `POST /api/quotes`,
// and says so; a fed symbol appears live with its price, change and sparkline.
import { expect, test } from "./fixtures";
import { existsSync } from "node:fs";
import { BIN, serverEnv, Server } from "./servers";

let server: Server;

test.beforeAll(async () => {
  expect(existsSync(BIN), `server binary ${BIN} (built by make dist)`).toBe(true);
  server = await Server.on({ bin: BIN, env: serverEnv({ LIVEDASH_MARKET: "off" }) });
  await server.start();
});

test.afterAll(async () => {
  await server?.stop();
});

async function feed(quotes: object[]): Promise<void> {
  const response = await fetch(`${server.base}/api/quotes`, { method: "POST", body: JSON.stringify(quotes) });
  expect(response.status).toBe(202);
}

test("a quote fed through the API shows in the ticker with its sparkline", async ({ page }) => {
  await page.goto(server.base);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  const hint = page.locator(".ticker .hint");
  await expect(hint).toHaveText("0 symbols · fed through the API");
  await expect(page.locator(".ticker .empty")).toContainText("POST /api/quotes");

  await feed([{ symbol: "ACME", price: 12.5, name: "Acme Corp", previous_close: 12 }]);
  const row = page.locator('tr[data-symbol="ACME"]');
  await expect(row.locator(".price")).toHaveText("12.50");
  await expect(row.locator(".company")).toHaveText("Acme Corp");
  await expect(hint).toHaveText("1 symbol · fed through the API");
  await expect(page.locator(".ticker .empty")).toHaveCount(0);

  await feed([{ symbol: "ACME", price: 12.75 }]);
  await expect(row.locator(".price")).toHaveText("12.75");
  await expect(row.locator(".pill")).toHaveText("+6.25%");
  await expect(row).toHaveClass(/gain/);
  // Two prices, two points on the line.
  await expect.poll(async () => (await row.locator("polyline").getAttribute("points"))?.split(" ").length).toBe(2);
});
