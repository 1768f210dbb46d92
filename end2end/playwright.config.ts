import { defineConfig } from "@playwright/test";

/** The shared server's address; with `BASE_URL` set, the suite runs against that server. */
const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

/**
 * Run by `make end2end` (and `make test`) against the binary that ships: `make dist` builds
 * target/dist/livedash once, and Playwright starts it here as the shared server (tests
 * that need a server of their own start the same binary, see `servers.ts`). Chromium comes
 * from the system (Debian's package), never from a Playwright download.
 */
export default defineConfig({
  testDir: "./tests",
  timeout: 45_000,
  expect: { timeout: 10_000 },
  // The tests share one server (and its job list), so they run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  // Started fresh for every run (never reused: a server left over from another build would
  // be tested instead), and stopped with SIGTERM at the end.
  webServer: process.env.BASE_URL
    ? undefined
    : {
        // Its state in a fresh data dir: the suite starts from an empty dashboard.
        command: `${process.env.LIVEDASH_BIN ?? "../target/dist/livedash"} --addr ${new URL(BASE_URL).host} --data-dir "$(mktemp -d)"`,
        url: `${BASE_URL}/readyz`,
        reuseExistingServer: false,
        gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
        stdout: "ignore",
        stderr: "pipe",
      },
});
