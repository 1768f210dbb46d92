// A job's own page, /jobs/{id}: live over its own filtered stream, cancel, the 404 page,
// history, JavaScript off, a toast's link, and the URL `livedash run` prints.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { test as plain } from "@playwright/test";
import { expect, test } from "./fixtures";
import { openLive, startJob, unique } from "./helpers";
import { BIN } from "./servers";

/** Starts a job through the API; its id. */
async function apiJob(request: import("@playwright/test").APIRequestContext, data: object): Promise<number> {
  const response = await request.post("/api/jobs", { data });
  expect(response.status()).toBe(201);
  return (await response.json()).id;
}

test("a job's page is live: its progress and its longer log, over a stream for that job alone", async ({ page, request }) => {
  const id = await apiJob(request, { kind: "logs", lines: 400, step_ms: 40 });
  const streams: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/events")) streams.push(r.url());
  });
  await page.goto(`/jobs/${id}`);
  const job = page.locator(".job-page");
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  await expect(job.locator(".badge")).toHaveText("running");
  // More lines than a dashboard card keeps (20), all there, oldest first.
  const log = page.locator(".job-log-panel .log pre");
  await expect(log).toContainText("[  30/400]");
  await expect(log).toContainText("[   1/400]");
  await expect(page.locator(".job-log-panel .hint")).toHaveText(/^\d+ lines$/);
  await expect(job.locator(".timeline")).toContainText("Started");
  // The page's stream asks the server for this job alone: no prices, no notifications.
  expect(streams.length).toBeGreaterThan(0);
  for (const url of streams) {
    expect(new URL(url).searchParams.get("job")).toBe(String(id));
    expect(new URL(url).searchParams.get("topics")).toBe("jobs");
  }
  await expect(page.locator("tr.quote")).toHaveCount(0);

  await job.getByRole("button", { name: `Cancel job ${id}` }).click();
  await expect(job.locator(".badge")).toHaveText("cancelled");
  await expect(job.locator(".timeline")).toContainText(/Cancelled after/);
  await expect(job.getByRole("button", { name: /cancel/i })).toHaveCount(0);
});

plain("an unknown job's page is a 404 that says so", async ({ page }) => {
  const response = await page.goto("/jobs/987654321");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("Job 987654321 was not found");
  await expect(page.getByRole("link", { name: "Back to the dashboard" })).toBeVisible();
});

test("a card's link opens the job's page; back, forward and reload keep the place", async ({ page }) => {
  await openLive(page);
  const card = await startJob(page, "percent");
  const id = await card.getAttribute("data-job-id");
  const title = (await card.locator("h3").textContent())!;
  await card.getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(`/jobs/${id}`);
  await expect(page.locator("#job-title")).toHaveText(title);
  await expect(page.locator(".job-main .connection")).toHaveAttribute("data-state", "live");
  await expect.poll(async () => Number(await page.locator(".job-page").getByRole("progressbar").getAttribute("aria-valuenow"))).toBeGreaterThan(0);
  await expect(page.locator(".ticker")).toBeHidden();

  await page.goBack();
  await expect(page).toHaveURL("/");
  await expect(page.locator(".ticker")).toBeVisible();
  await expect(page.locator(".job-page")).toHaveCount(0);
  await expect(page.locator(".connection").first()).toHaveAttribute("data-state", "live");

  await page.goForward();
  await expect(page).toHaveURL(`/jobs/${id}`);
  await expect(page.locator("#job-title")).toHaveText(title);
  await expect(page.locator(".job-main .connection")).toHaveAttribute("data-state", "live");

  await page.reload();
  await expect(page.locator("#job-title")).toHaveText(title);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  // From a page the server rendered, the dashboard link loads the dashboard.
  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL("/");
  await expect(page.locator(".ticker")).toBeVisible();
});

test("with JavaScript off, the job's page and the links still work", async ({ browser, request }) => {
  const id = await apiJob(request, { kind: "phases" });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  const card = page.locator(`li.job[data-job-id="${id}"]`);
  await card.locator("h3 a").click();
  await expect(page).toHaveURL(`/jobs/${id}`);
  await expect(page.locator(".job-page .phase-name")).toHaveText(/validate|process|finalize/);
  await expect(page.locator(".job-page .timeline")).toContainText("Created");
  await expect(page.locator(".job-page").getByRole("progressbar")).toBeVisible();
  await context.close();
});

test("a toast's link leads to its job", async ({ page, request }) => {
  await openLive(page);
  const id = await apiJob(request, { kind: "percent", steps: 400, step_ms: 50 });
  const title = unique("Import failed");
  await request.post("/api/notifications", { data: { level: "error", title, link: `/jobs/${id}` } });
  const toast = page.locator(".toast", { hasText: title });
  await toast.getByRole("link").click();
  await expect(page).toHaveURL(`/jobs/${id}`);
  await expect(page.locator(".job-page")).toHaveAttribute("data-job-id", String(id));
  await expect(page.locator(".job-main .connection")).toHaveAttribute("data-state", "live");
});

test("the URL `livedash run` prints opens the job's page, live", async ({ page, baseURL }) => {
  const title = unique("Nightly import");
  const cli = spawn(BIN, ["run", "--title", title, "--", "sh", "-c", 'echo "first line"; read go; echo "second line"'], {
    env: { ...process.env, LIVEDASH_SERVER: baseURL },
    stdio: ["pipe", "ignore", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => cli.on("exit", resolve));
  let url = "";
  for await (const line of createInterface({ input: cli.stderr! })) {
    if (line.startsWith("Follow: ")) {
      url = line.slice("Follow: ".length);
      break;
    }
  }
  expect(url).toMatch(/\/jobs\/\d+$/);
  await page.goto(url);
  await expect(page.locator("#job-title")).toHaveText(title);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  await expect(page.locator(".job-log-panel .log pre")).toContainText("first line");
  cli.stdin!.end("go\n");
  await expect(page.locator(".job-page .badge")).toHaveText("completed");
  await expect(page.locator(".job-log-panel .log pre")).toContainText("second line");
  expect(await exited).toBe(0);
});
