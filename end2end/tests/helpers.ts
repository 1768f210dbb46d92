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
