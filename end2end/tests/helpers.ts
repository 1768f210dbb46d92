import { expect, type Locator, type Page } from "@playwright/test";

/** Opens the dashboard and waits until its event stream is live. */
export async function openLive(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
}

/** Clicks a job kind's start button and returns the new job's card. */
export async function startJob(page: Page, kind: string): Promise<Locator> {
  const ids = () => page.locator("li.job").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-job-id")));
  const before = new Set(await ids());
  await page.locator(`button[data-kind="${kind}"]`).click();
  let id: string | null = null;
  await expect
    .poll(async () => {
      id = (await ids()).find((candidate) => !before.has(candidate)) ?? null;
      return id;
    })
    .not.toBeNull();
  return page.locator(`li.job[data-job-id="${id}"]`);
}

/** A title no other test or run will use. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A dashboard with everything on it: the ticker live, jobs running, a toast showing. */
export async function busyDashboard(page: Page): Promise<void> {
  await openLive(page);
  const percent = await startJob(page, "percent");
  for (const kind of ["phases", "batch", "logs"]) {
    await startJob(page, kind);
  }
  await expect
    .poll(async () => Number(await percent.getByRole("progressbar").getAttribute("aria-valuenow")))
    .toBeGreaterThan(10);
  // The toast last: it dismisses itself after 5 s, which waiting for progress could outlast.
  await page.request.post("/api/notifications", {
    data: { level: "success", title: "Deploy finished", body: "api-7 is serving build 2026.11.21" },
  });
  await expect(page.locator(".toast")).not.toHaveCount(0);
  await settleToasts(page);
}

/** Waits until the toasts' entrance animations are over, so nothing is caught mid-slide. */
export async function settleToasts(page: Page): Promise<void> {
  await page
    .locator(".toast")
    .first()
    .evaluate((el) => Promise.all(el.getAnimations().filter((a) => (a as CSSAnimation).animationName === "toast-in").map((a) => a.finished)));
}

/** Counts the page's attempts at the event stream from now on; call it to read the count. */
export function countStreamAttempts(page: Page): () => number {
  let opened = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/events")) opened += 1;
  });
  return () => opened;
}
