// The deployable binary (`make dist`): copied alone into an empty directory, with no
// LEPTOS_* environment, it must serve the whole dashboard from what is embedded in it.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { expect, test } from "./fixtures";
import { ROOT, Server } from "./servers";

const DIST = process.env.LIVEDASH_DIST_BIN ?? path.join(ROOT, "target/dist/livedash");

let server: Server;
let dir: string;

test.beforeAll(async () => {
  expect(existsSync(DIST), `${DIST} is built by \`make dist\` (\`make test\` runs it first)`).toBe(true);
  dir = mkdtempSync(path.join(tmpdir(), "livedash-dist-"));
  const bin = path.join(dir, "livedash");
  copyFileSync(DIST, bin);
  // Nothing from cargo-leptos's environment: only what any shell has.
  server = await Server.on({ bin, cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, dataDir: "default" });
  await server.start();
  // With no flag its state is kept where the README says: under $HOME/.local/state.
  expect(existsSync(path.join(dir, ".local/state/livedash/livedash.db"))).toBe(true);
});

test.afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with exactly these headers, and the body as sent (not decompressed). */
function raw(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

/** The bundle's URLs, as the server-rendered page names them. */
async function bundle(): Promise<{ js: string; wasm: string; css: string }> {
  const page = await raw(`${server.base}/`);
  const html = page.body.toString();
  const find = (ext: string) => {
    const match = html.match(new RegExp(`/pkg/[0-9a-f]{16}/livedash\\.${ext}`));
    expect(match, `the page links a versioned livedash.${ext}`).not.toBeNull();
    return `${server.base}${match![0]}`;
  };
  return { js: find("js"), wasm: find("wasm"), css: find("css") };
}

test("the page is served as HTML and names a versioned bundle", async () => {
  const page = await raw(`${server.base}/`, { "accept-encoding": "identity" });
  expect(page.status).toBe(200);
  expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(page.body.toString()).toContain('id="ticker-title"');
  await bundle();
});

for (const [ext, type] of [
  ["wasm", "application/wasm"],
  ["js", "text/javascript"],
  ["css", "text/css"],
] as const) {
  test(`livedash.${ext}: ${type}, brotli or gzip by Accept-Encoding, ETag, cached for a year`, async () => {
    const url = (await bundle())[ext];
    const plain = await raw(url, { "accept-encoding": "identity" });
    const br = await raw(url, { "accept-encoding": "gzip, br" });
    const gzip = await raw(url, { "accept-encoding": "gzip" });
    for (const res of [plain, br, gzip]) {
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe(type);
      expect(res.headers["cache-control"]).toBe("max-age=31536000, immutable");
      expect(res.headers["vary"]).toBe("accept-encoding");
      expect(res.headers["etag"]).toMatch(/^"[0-9a-f]{64}"$/);
    }
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(br.headers["content-encoding"]).toBe("br");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    // The same file in three encodings, the compressed ones smaller.
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    if (ext === "wasm") expect(plain.body.subarray(0, 4).toString("latin1")).toBe("\0asm");

    const again = await raw(url, { "accept-encoding": "br", "if-none-match": plain.headers["etag"] as string });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
}

test("public files are served at the root; another version of the bundle is not", async () => {
  const icon = await raw(`${server.base}/favicon.svg`);
  expect(icon.status).toBe(200);
  expect(icon.headers["content-type"]).toBe("image/svg+xml");
  const { wasm } = await bundle();
  const stale = await raw(wasm.replace(/\/pkg\/[0-9a-f]{16}\//, "/pkg/0000000000000000/"));
  expect(stale.status).toBe(404);
});

test("in a browser the page hydrates and goes live, the bundle arriving brotli-compressed", async ({ page }) => {
  const encodings = new Map<string, string | undefined>();
  page.on("response", async (response) => {
    if (response.url().includes("/pkg/")) encodings.set(new URL(response.url()).pathname, (await response.allHeaders())["content-encoding"]);
  });
  await page.goto(server.base);
  await expect(page.locator(".connection")).toHaveAttribute("data-state", "live");
  // Hydrated: the page's own controls work through the embedded bundle.
  await page.locator('button[data-kind="percent"]').click();
  await expect(page.locator("li.job").first()).toBeVisible();
  await expect.poll(() => [...encodings.keys()].map((p) => p.split("/").pop()).sort()).toEqual(["livedash.css", "livedash.js", "livedash.wasm"]);
  expect([...encodings.values()]).toEqual(["br", "br", "br"]);
  await expect(page.locator("body")).toHaveCSS("margin", "0px");
});
