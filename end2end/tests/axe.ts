import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** Runs axe on the page as it is and returns its serious and critical findings. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
