import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * The browser benchmark (`make bench-browser`), never part of `make test`: it measures,
 * it does not pass or fail on speed. It starts its own release server (`make dist`).
 */
export default defineConfig({
  ...base,
  testDir: "./bench",
  testMatch: "*.bench.ts",
  timeout: 600_000,
  // Each benchmark starts its own release server.
  webServer: undefined,
});
