import { expect, test } from "./fixtures";
import { openLive, unique } from "./helpers";

test("a notification from the API appears in two pages and auto-dismisses", async ({ context, request }) => {
  // Two tabs, each with its own event stream.
  const pages = await Promise.all([context.newPage(), context.newPage()]);
  await Promise.all(pages.map(openLive));

  const title = unique("Deploy finished");
  const response = await request.post("/api/notifications", {
    data: { level: "success", title, body: "<b>api-7</b> is serving the new build" },
  });
  expect(response.status()).toBe(202);

  for (const page of pages) {
    const toast = page.locator(".toast", { hasText: title });
    await expect(toast).toBeVisible();
    await expect(toast).toHaveClass(/level-success/);
    // Markup in the text is shown as text, never interpreted.
    await expect(toast.locator(".body")).toHaveText("<b>api-7</b> is serving the new build");
    await expect(page.locator(".toasts")).toHaveAttribute("aria-live", "polite");
  }
  for (const page of pages) {
    await expect(page.locator(".toast", { hasText: title })).toBeHidden({ timeout: 12_000 });
    await expect(page.locator(".feed-item", { hasText: title })).toBeVisible();
  }
});

test("toasts can be closed, pause while hovered and are capped", async ({ page, request }) => {
  await openLive(page);
  const first = unique("Hover me");
  await request.post("/api/notifications", { data: { level: "warning", title: first } });
  const toast = page.locator(".toast", { hasText: first });
  await toast.hover();
  const state = () => toast.locator(".timer").evaluate((el) => el.getAnimations()[0]?.playState);
  await expect.poll(state).toBe("paused");
  await toast.getByRole("button", { name: "Dismiss notification" }).click();
  await expect(toast).toHaveCount(0);

  const burst = unique("Burst");
  for (let i = 0; i < 6; i++) {
    await request.post("/api/notifications", { data: { level: "info", title: `${burst} #${i}` } });
  }
  await expect(page.locator(".toast", { hasText: `${burst} #5` })).toBeVisible();
  expect(await page.locator(".toast").count()).toBeLessThanOrEqual(4);
});

test("the page's own form sends a notification", async ({ page }) => {
  await openLive(page);
  const title = unique("From the form");
  await page.getByLabel("Level").selectOption("error");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Message").fill("sent from the dashboard");
  await page.getByRole("button", { name: "Send notification" }).click();
  await expect(page.locator(".toast.level-error", { hasText: title })).toBeVisible();
});

test("bad input to the API is a 400 with a message", async ({ request }) => {
  const response = await request.post("/api/notifications", { data: { level: "panic", title: "x" } });
  expect(response.status()).toBe(400);
  expect((await response.json()).error).toContain("unknown variant `panic`");
});

test("markup in notifications is shown as text and never runs", async ({ page, request }) => {
  await openLive(page);
  let ran = false;
  page.on("dialog", async (dialog) => {
    ran = true;
    await dialog.dismiss();
  });
  await page.exposeFunction("xssRan", () => (ran = true));
  const title = `<img src=x onerror="xssRan()">${unique("XSS")}`;
  const body = `<script>xssRan()</script><svg onload="alert(1)">`;
  await request.post("/api/notifications", { data: { level: "error", title, body } });
  const toast = page.locator(".toast", { hasText: "XSS" });
  await expect(toast.locator(".title")).toHaveText(title);
  await expect(toast.locator(".body")).toHaveText(body);
  await expect(toast.locator("img, script, svg:not(.sparkline)")).toHaveCount(0);
  await page.reload();
  await expect(page.locator(".feed-item .title", { hasText: "XSS" }).first()).toHaveText(title);
  expect(ran).toBe(false);
});
