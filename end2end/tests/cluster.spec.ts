// Three nodes on one Redis behind nginx, configured as the README says. Uses Playwright's
// plain `test`: when its node is killed the browser logs the cut stream as a console error,
// which is expected here.
import { expect, test } from "@playwright/test";
import { Nginx, Redis } from "./cluster";
import { startJob, unique } from "./helpers";
import { BIN, serverEnv, freePort, openStreams, Server } from "./servers";

test("through nginx, the page shows a toast published on another node and keeps working when its node is killed", async ({ page }) => {
  const redis = await Redis.start();
  const nginxPort = await freePort();
  const env = serverEnv({
    LIVEDASH_REDIS_URL: redis.url,
    LIVEDASH_RETRY_MS: "200",
    LIVEDASH_PUBLIC_ORIGIN: `http://127.0.0.1:${nginxPort}`,
  });
  const nodes = [await Server.on({ bin: BIN, env }), await Server.on({ bin: BIN, env }), await Server.on({ bin: BIN, env })];
  let nginx: Nginx | undefined;
  try {
    for (const node of nodes) await node.start();
    nginx = await Nginx.start(nginxPort, nodes.map((n) => n.port));
    // The streams the nodes count before the page opens its own: none, unless another
    // client found a node's port. (Once in CI a second stream was counted for 10 s while
    // the browser had made one request; the page's node is told by what it adds.)
    const streams = () => Promise.all(nodes.map((node) => openStreams(node.base)));
    const before = await streams();
    await page.goto(nginx.base);
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");

    // The node serving the page's stream (the one stream added), and a toast published on
    // another one.
    let mine = -1;
    await expect
      .poll(async () => {
        const added = (await streams()).map((n, i) => n - before[i]);
        mine = added.findIndex((n) => n > 0);
        return added.reduce((a, b) => a + b);
      })
      .toBe(1);
    const first = unique("From another node");
    expect((await nodes[(mine + 1) % 3].notify(first)).status).toBe(202);
    await expect(page.locator(".toast", { hasText: first })).toBeVisible();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await nodes[mine].kill();
    // The page's stream moves to a node still up and resumes: what it had stays, what
    // comes next arrives, and the page's own actions go through the others.
    const second = unique("After its node died");
    const sent = await fetch(`${nginx.base}/api/notifications`, {
      method: "POST",
      body: JSON.stringify({ level: "info", title: second }),
    });
    expect(sent.status).toBe(202);
    await expect(page.locator(".toast", { hasText: second })).toBeVisible();
    await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
    await expect(page.locator(".feed-item", { hasText: first })).toBeVisible();
    const card = await startJob(page, "percent");
    await expect.poll(async () => Number(await card.getByRole("progressbar").getAttribute("aria-valuenow"))).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  } finally {
    await nginx?.stop();
    for (const node of nodes) await node.kill();
    await redis.stop();
  }
});
