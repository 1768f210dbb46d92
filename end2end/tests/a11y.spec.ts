import { seriousViolations } from "./axe";
import { expect, test } from "./fixtures";
import { busyDashboard } from "./helpers";

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme, viewport: { width: 1360, height: 900 } });

    test("axe finds nothing serious with the ticker live, a job running and a toast showing", async ({ page }) => {
      await busyDashboard(page);
      // Hovering holds the toast (its timer pauses), so it is still there when axe looks.
      await page.locator(".toast").first().hover();
      await expect(page.locator(".job.state-running")).not.toHaveCount(0);
      await expect(page.locator(".toast")).not.toHaveCount(0);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test("axe finds nothing serious on a job's page, running with its log", async ({ page, request }) => {
      const started = await request.post("/api/jobs", { data: { kind: "phases", step_ms: 200 } });
      const id = (await started.json()).id;
      await page.goto(`/jobs/${id}`);
      await expect(page.locator(".job-main .connection")).toHaveAttribute("data-state", "live");
      await expect(page.locator(".job-page .phase-name")).toHaveText(/process|finalize/);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
