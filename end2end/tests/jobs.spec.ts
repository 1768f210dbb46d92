import { expect, test } from "./fixtures";
import { openLive, startJob, unique } from "./helpers";

test("a started job drives its bar to 100% and completed", async ({ page }) => {
  await openLive(page);
  const card = await startJob(page, "percent");
  const bar = card.getByRole("progressbar");
  await expect(bar).toHaveAttribute("aria-valuenow", /^\d+$/);
  await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
  await expect(card.locator(".badge")).toHaveText("completed");
  await expect(card.getByRole("button", { name: /cancel/i })).toHaveCount(0);
});

test("cancelling a job stops it at cancelled", async ({ page, request }) => {
  await openLive(page);
  const card = await startJob(page, "percent");
  const bar = card.getByRole("progressbar");
  await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow"))).toBeGreaterThan(0);
  await card.getByRole("button", { name: /cancel/i }).click();
  await expect(card.locator(".badge")).toHaveText("cancelled");
  const stoppedAt = await bar.getAttribute("aria-valuenow");
  expect(Number(stoppedAt)).toBeLessThan(100);

  // Anything the job still sent would arrive before a notification published now.
  const marker = unique("after cancel");
  await request.post("/api/notifications", { data: { level: "info", title: marker } });
  await expect(page.locator(".feed-item", { hasText: marker })).toBeVisible();
  await expect(bar).toHaveAttribute("aria-valuenow", stoppedAt!);
  await expect(card.locator(".badge")).toHaveText("cancelled");
});

test("each kind shows its own detail", async ({ page }) => {
  await openLive(page);
  const phases = await startJob(page, "phases");
  await expect(phases.locator(".phase-name")).toHaveText(/validate|process|finalize/);
  const batch = await startJob(page, "batch");
  await expect(batch.locator(".meta")).toContainText("succeeded");
  const logs = await startJob(page, "logs");
  await expect(logs.locator(".log pre")).toContainText("/30]");
  await expect(logs.getByRole("progressbar")).not.toHaveAttribute("aria-valuenow", /.*/);
});

test("a job reported through the API shows its bar, phase, status line and log", async ({ page, request }) => {
  await openLive(page);
  const title = unique("Reported deploy");
  const created = await request.post("/api/jobs", {
    data: { kind: "reported", title, phases: [{ name: "build", weight: 3 }, { name: "ship", weight: 1 }] },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const card = page.locator(`li.job[data-job-id="${id}"]`);
  await expect(card.locator(".source")).toHaveText("reported");
  await expect(card.locator(".badge")).toHaveText("running");

  const report = await request.post(`/api/jobs/${id}/report`, {
    data: { phase: "ship", phase_progress: 0.5, message: "rolling out to eu-west", log: ["built image", "pushed image"] },
  });
  expect(report.status()).toBe(200);
  await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "88");
  await expect(card.locator(".phase-name")).toHaveText("ship");
  await expect(card.locator(".job-message")).toHaveText("rolling out to eu-west");
  await expect(card.locator(".log pre")).toHaveText("built image\npushed image");

  await request.post(`/api/jobs/${id}/report`, { data: { state: "completed" } });
  await expect(card.locator(".badge")).toHaveText("completed");
  await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
});
