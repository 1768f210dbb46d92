import { test as base, expect } from "@playwright/test";

/**
 * Every test fails if a page in its browser context logs a console error or throws:
 * a hydration mismatch, a panic in the wasm or a failed request shows up here.
 */
export const test = base.extend<{ browserErrors: string[] }>({
  browserErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      context.on("weberror", (e) => errors.push(`uncaught: ${e.error().message}`));
      context.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      await use(errors);
      expect(errors, "errors in the browser").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
