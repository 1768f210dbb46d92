// Uses Playwright's plain `test`: while the server is down the browser logs its failed
// reconnects as console errors, which is expected here.
import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { unique } from "./helpers";

/** The server binary `cargo leptos end-to-end` built (debug), and its site folder. */
const ROOT = path.resolve(__dirname, "../..");
const BIN = process.env.LIVEDASH_BIN ?? path.join(ROOT, "target/debug/livedash");

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** A server of our own, so the test can kill and restart it. */
class Server {
  private process?: ChildProcess;
  constructor(readonly port: number) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(BIN, [], {
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: path.join(ROOT, "target/site"),
        LEPTOS_OUTPUT_NAME: "livedash",
        LIVEDASH_RETRY_MS: "200",
      },
      stdio: "ignore",
    });
    await expect
      .poll(async () => (await fetch(`${this.base}/api/quotes`).catch(() => undefined))?.status)
      .toBe(200);
  }

  async stop(): Promise<void> {
    const process = this.process;
    if (!process || process.exitCode !== null) return;
    process.kill("SIGTERM");
    await once(process, "exit");
  }

  notify(title: string): Promise<Response> {
    return fetch(`${this.base}/api/notifications`, { method: "POST", body: JSON.stringify({ level: "info", title }) });
  }
}

test("after a server restart the page goes reconnecting, then live with the new state, without a reload", async ({ page }) => {
  expect(existsSync(BIN), `server binary ${BIN} (built by cargo leptos end-to-end)`).toBe(true);
  const server = new Server(await freePort());
  await server.start();
  try {
    await page.goto(server.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    const before = unique("Before restart");
    await server.notify(before);
    await expect(page.locator(".feed-item", { hasText: before })).toBeVisible();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await server.stop();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", /reconnecting|offline/);

    await server.start();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    // The new server lifetime's snapshot replaced the old state...
    await expect(page.locator(".feed-item", { hasText: before })).toHaveCount(0);
    // ...and live events flow again.
    const after = unique("After restart");
    await server.notify(after);
    await expect(page.locator(".toast", { hasText: after })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  } finally {
    await server.stop();
  }
});
