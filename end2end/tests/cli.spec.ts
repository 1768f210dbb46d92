import { spawn } from "node:child_process";
import { once } from "node:events";
import { expect, test } from "./fixtures";
import { openLive, unique } from "./helpers";
import { BIN } from "./servers";

test("a job run by `livedash run` shows its bar, phase and log lines", async ({ page, baseURL }) => {
  await openLive(page);
  const title = unique("Release build");
  // The command waits for a line on its input, so the page is looked at mid-job.
  const script = [
    'echo "::phase compile"',
    'echo "::progress 1/2"',
    'echo "compiling livedash"',
    'echo "::phase package"',
    'echo "::progress 50%"',
    'echo "packing release.tar"',
    "read version",
    'echo "shipped $version"',
  ].join("; ");
  const args = ["run", "--title", title, "--phase", "compile", "--phase", "package", "--", "sh", "-c", script];
  const cli = spawn(BIN, args, {
    env: { ...process.env, LIVEDASH_SERVER: baseURL },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = once(cli, "exit");

  const card = page.locator("li.job", { hasText: title });
  await expect(card.locator(".source")).toHaveText("reported");
  await expect(card.locator(".phase-name")).toHaveText("package");
  await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "75");
  await expect(card.locator(".log pre")).toHaveText("compiling livedash\npacking release.tar");
  await expect(card.locator(".badge")).toHaveText("running");

  cli.stdin!.end("v1.4\n");
  const [code] = await exited;
  expect(code).toBe(0);
  await expect(card.locator(".badge")).toHaveText("completed");
  await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(card.locator(".log pre")).toContainText("shipped v1.4");
});
