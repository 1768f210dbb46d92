// Viewer access (`--view-token`): a browser without access gets the sign-in page and no
// data; a view token gives a read-only dashboard, a scoped one its panels only; a session
// that ends (on time, or because the token changed) shows the prompt and stops, without a
// loop of reconnects. Uses Playwright's plain `test`: refused requests (401) are logged
// by the browser as console errors, which is expected here.
import { expect, test, type Page } from "@playwright/test";
import { countStreamAttempts } from "./helpers";
import { BIN, serverEnv, Server, startServer } from "./servers";
import { seriousViolations } from "./axe";

const VIEW = "e2e-view-token-0123456789";
const SCREEN = "e2e-screen-token-0123456789";
const PUBLISH = "e2e-publish-token-0123456789";
const TOKENS = ["--view-token", `${VIEW},${SCREEN}:quotes`, "--publish-token", PUBLISH];

async function signIn(page: Page, token: string): Promise<void> {
  const form = page.locator(".sign-in-page form");
  await form.getByLabel("Token").fill(token);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
}

test("without access the page is a sign-in form with no data; a view token opens a read-only dashboard", async ({ page }) => {
  const server = await startServer(TOKENS);
  try {
    const response = await page.goto(server.base);
    expect(response?.status()).toBe(401);
    await expect(page.getByRole("heading", { name: "Sign in to watch" })).toBeVisible();
    const html = await page.content();
    for (const data of ["AAPL", "Notifications", `class="watching"`]) expect(html).not.toContain(data);
    // Accessible, and looked at, in both themes.
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `screenshots/latest/sign-in-${colorScheme}.png` });
    }

    await page.locator(".sign-in-page form").getByLabel("Token").fill("not-the-token-0123456789");
    await page.locator(".sign-in-page form").getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator(".sign-in-page .form-error")).toBeVisible();

    await signIn(page, VIEW);
    await expect(page.locator(".quotes tbody tr").first()).toBeVisible();
    await expect(page.locator("#jobs-title")).toBeVisible();
    // Read-only: no controls that change anything, and a way for an operator to sign in.
    await expect(page.locator("button[data-kind]")).toHaveCount(0);
    await expect(page.locator(".notify-form")).toHaveCount(0);
    await expect(page.locator("details.sign-in summary")).toBeVisible();
    await expect(page.locator(".watching .count")).toHaveText("1 watching");
    await page.screenshot({ path: "screenshots/latest/viewer.png" });

    // A viewer may sign out: the page is the sign-in form again.
    await page.locator(".sign-out-form").getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in to watch" })).toBeVisible();
  } finally {
    await server.stop();
  }
});

test("a scoped token shows only the panels of its topics", async ({ page }) => {
  const server = await startServer(TOKENS);
  try {
    await page.goto(server.base);
    await signIn(page, SCREEN);
    await expect(page.locator(".quotes tbody tr").first()).toBeVisible();
    await expect(page.locator("#jobs-title")).toHaveCount(0);
    await expect(page.locator("#notifications-title")).toHaveCount(0);
    expect((await server.notify("Not for the lobby")).status).toBe(401);
  } finally {
    await server.stop();
  }
});

test("an expired session shows the sign-in prompt and does not reconnect", async ({ page }) => {
  const server = await startServer([...TOKENS, "--session-secs", "4"]);
  try {
    await page.clock.install();
    await page.goto(server.base);
    await signIn(page, VIEW);
    const opened = countStreamAttempts(page);
    // The server ends the stream with `signed_out` when the session does.
    await expect(page.getByRole("heading", { name: "Your session has ended" })).toBeVisible({ timeout: 10_000 });
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "signed_out");
    await expect(page.locator(".quotes")).toBeHidden();
    const attempts = opened();
    // Minutes pass on the page's clock: no timer brings the stream back.
    await page.clock.runFor(5 * 60_000);
    expect(opened()).toBe(attempts);
    // Signing in again brings the dashboard back.
    await signIn(page, VIEW);
    await expect(page.locator(".quotes tbody tr").first()).toBeVisible();
  } finally {
    await server.stop();
  }
});

test("a restart with a new token ends the open pages' sessions", async ({ page }) => {
  const server = await Server.on({ bin: BIN, env: serverEnv() });
  await server.start(["--view-token", VIEW]);
  try {
    await page.goto(server.base);
    await signIn(page, VIEW);
    const opened = countStreamAttempts(page);
    await server.stop();
    await server.start(["--view-token", "e2e-rotated-token-0123456789"]);
    // The page reconnects once, is refused (401), and asks to sign in again.
    await expect(page.getByRole("heading", { name: "Your session has ended" })).toBeVisible({ timeout: 15_000 });
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "signed_out");
    const attempts = opened();
    await page.reload();
    await expect(page.getByRole("heading", { name: "Sign in to watch" })).toBeVisible();
    expect(opened()).toBe(attempts);
  } finally {
    await server.stop();
  }
});
