import { expect, test } from "./fixtures";
import { unique } from "./helpers";

test("an event published between page render and stream connect shows exactly once", async ({ page, request }) => {
  // Hold the page's event stream until a notification has been published after render.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/events/, async (route) => {
    await held;
    await route.continue();
  });
  const streamRequested = page.waitForRequest(/\/api\/events/);
  await page.goto("/");
  // It resumes from the snapshot the page was rendered from.
  expect((await streamRequested).headers()["last-event-id"]).toMatch(/^\d+-\d+$/);

  const title = unique("Between render and connect");
  await request.post("/api/notifications", { data: { level: "info", title } });
  release();

  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  await expect(page.locator(".toast", { hasText: title })).toBeVisible();
  // A marker published later arrives after anything replayed; then count.
  const marker = unique("Marker");
  await request.post("/api/notifications", { data: { level: "info", title: marker } });
  await expect(page.locator(".toast", { hasText: marker })).toBeVisible();
  await expect(page.locator(".toast", { hasText: title })).toHaveCount(1);
  await expect(page.locator(".feed-item", { hasText: title })).toHaveCount(1);
});
