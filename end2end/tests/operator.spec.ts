// With a publish token, over HTTPS and HTTP/2: the dashboard is read-only until the viewer
// signs in with the token; then the page's own controls work (their same-origin check
// compares against HTTP/2's :authority, as there is no Host header).
import { expect, test } from "@playwright/test";
import { existsSync } from "node:fs";
import { seriousViolations } from "./axe";
import { unique } from "./helpers";
import { BIN, serverEnv, selfSignedCertificate, Server } from "./servers";

const TOKEN = "e2e-operator-token-0123456789";

let server: Server;

test.beforeAll(async () => {
  expect(existsSync(BIN), `server binary ${BIN} (built by make dist)`).toBe(true);
  server = await Server.on({ bin: BIN, env: serverEnv({ LIVEDASH_PUBLISH_TOKEN: TOKEN }), tls: selfSignedCertificate() });
  await server.start();
});

test.afterAll(async () => {
  await server?.stop();
});

test.use({ ignoreHTTPSErrors: true });

test("a viewer signs in with the token and operates the dashboard over HTTP/2", async ({ page }) => {
  // Only the refused sign-in may log an error (its 401 response); anything else fails.
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("401")) errors.push(m.text());
  });

  await page.goto(server.base);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  const protocol = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).nextHopProtocol);
  expect(protocol).toBe("h2");

  // Read-only: no controls, a note saying so, and a way to sign in.
  await expect(page.locator("button[data-kind]")).toHaveCount(0);
  await expect(page.locator(".notify-form")).toHaveCount(0);
  await expect(page.locator(".read-only-note")).toHaveCount(2);
  await page.locator(".sign-in summary").click();
  await page.screenshot({ path: "screenshots/latest/dashboard-read-only.png" });
  await page.locator(".sign-in summary").click();
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousViolations(page), `${colorScheme} theme, read-only`).toEqual([]);
  }

  await page.locator(".sign-in summary").click();
  const field = page.getByLabel("Operator token");
  await field.fill("not-the-token-0123456789");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("that token is not valid here");

  await field.fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.locator(".read-only-note")).toHaveCount(0);
  // The session is HttpOnly: no script on the page can read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain("livedash_operator");

  // The page's controls, over HTTP/2.
  await page.locator('button[data-kind="logs"]').click();
  const card = page.locator("li.job").first();
  await expect(card.locator(".badge")).toHaveText(/queued|running/);
  const title = unique("Signed in");
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Send notification" }).click();
  await expect(page.locator(".toast", { hasText: title })).toBeVisible();
  await card.getByRole("button", { name: /cancel/i }).click();
  await expect(card.locator(".badge")).toHaveText("cancelled");

  // A reload keeps the session (the server renders the controls)...
  await page.reload();
  await expect(page.locator('button[data-kind="logs"]')).toBeVisible();
  // ...until signing out.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.locator(".read-only-note")).toHaveCount(2);
  await page.reload();
  await expect(page.locator("button[data-kind]")).toHaveCount(0);
  expect(errors).toEqual([]);
});
