// Who is watching, on a cluster: three browsers (contexts) over two nodes on one Redis
// count 3 on every page, a browser's second tab does not count again, and when one
// browser closes every page counts 2 within the grace (3 s) plus 1 s.
import { expect, test, type Page } from "@playwright/test";
import { Redis } from "./cluster";
import { BIN, serverEnv, Server } from "./servers";

/** `livedash_watching` as the node at `base` reports it. */
async function watching(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("livedash_watching "));
  return line ? Number(line.split(" ")[1]) : -1;
}

test("three browsers over two nodes count 3, and 2 soon after one closes", async ({ browser }) => {
  const redis = await Redis.start();
  const env = serverEnv({ LIVEDASH_REDIS_URL: redis.url });
  const nodes = [await Server.on({ bin: BIN, env }), await Server.on({ bin: BIN, env })];
  try {
    for (const node of nodes) await node.start();
    const contexts = await Promise.all([0, 1, 2].map(() => browser.newContext()));
    const pages: Page[] = [];
    for (const [i, context] of contexts.entries()) {
      const page = await context.newPage();
      await page.goto(nodes[i % 2].base);
      await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
      pages.push(page);
    }
    for (const page of pages) await expect(page.locator(".watching .count")).toHaveText("3 watching");
    // Operators see the same count in each node's metrics.
    for (const node of nodes) await expect.poll(() => watching(node.base)).toBe(3);

    // A second tab of the first browser shares its stream: still 3.
    const second = await contexts[0].newPage();
    await second.goto(nodes[0].base); // the same origin: tabs share by origin
    await expect(second.locator(".watching .count")).toHaveText("3 watching");
    await expect(second.locator("html")).toHaveAttribute("data-stream", "follower");

    const closed = Date.now();
    await contexts[2].close();
    for (const page of [...pages.slice(0, 2), second]) {
      await expect(page.locator(".watching .count")).toHaveText("2 watching", { timeout: 4_000 });
    }
    expect(Date.now() - closed).toBeLessThan(4_000);
    for (const context of contexts.slice(0, 2)) await context.close();
  } finally {
    for (const node of nodes) await node.kill();
    await redis.stop();
  }
});
