import { expect } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { get } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** The repository root, where the built binaries are. */
export const ROOT = path.resolve(__dirname, "../..");

/**
 * The binary under test: what ships, `make dist`'s release build with the site inside
 * (`make test` builds it before the suite runs). It needs no site folder or Leptos settings.
 */
export const BIN = process.env.LIVEDASH_BIN ?? path.join(ROOT, "target/dist/livedash");

/** The test's environment plus `extra` (flags as `LIVEDASH_*` variables). */
export function serverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** How to launch a server binary: its arguments, environment and working directory. */
export interface Launch {
  bin: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Serves HTTPS with this certificate (see `selfSignedCertificate`). */
  tls?: { cert: string; key: string };
  /**
   * Where it keeps its state (`--data-dir`); a fresh directory of its own when absent;
   * `"default"` passes no flag, so the binary picks its documented default.
   */
  dataDir?: string;
}

/** A fresh self-signed certificate for localhost and 127.0.0.1, made with openssl. */
export function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "livedash-tls-"));
  const [cert, key] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  return { cert, key };
}

/** The status of a GET, accepting a self-signed certificate; undefined if nothing answers. */
function status(url: string): Promise<number | undefined> {
  if (!url.startsWith("https:")) return fetch(url).then((r) => r.status, () => undefined);
  return new Promise((resolve) => {
    get(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on("error", () => resolve(undefined));
  });
}

/** Whether `child` has ended (by itself, or by a signal). */
export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A server process of the test's own, on a free port, that the test can stop and restart. */
export class Server {
  private process?: ChildProcess;
  /** Kept across stops and starts: a restart continues from it, as a deploy does. */
  readonly dataDir: string;
  private constructor(
    private readonly launch: Launch,
    readonly port: number,
  ) {
    this.dataDir = launch.dataDir ?? mkdtempSync(path.join(tmpdir(), "livedash-data-"));
  }

  static async on(launch: Launch): Promise<Server> {
    return new Server(launch, await freePort());
  }

  get base(): string {
    return this.launch.tls ? `https://localhost:${this.port}` : `http://127.0.0.1:${this.port}`;
  }

  /** Starts the binary (with `extra` arguments this time) and waits until it answers `/readyz`. */
  async start(extra: string[] = []): Promise<void> {
    const { bin, args = [], env, cwd, tls } = this.launch;
    const tlsArgs = tls ? ["--tls-cert", tls.cert, "--tls-key", tls.key] : [];
    const data = this.dataDir === "default" ? [] : ["--data-dir", this.dataDir];
    const all = [...args, ...extra, ...tlsArgs, ...data, "--addr", `127.0.0.1:${this.port}`];
    this.process = spawn(bin, all, { env, cwd, stdio: "ignore" });
    await expect.poll(() => status(`${this.base}/readyz`)).toBe(200);
  }

  /** SIGTERM, and wait for the process to exit. */
  async stop(): Promise<void> {
    const process = this.process;
    if (!process || exited(process)) return;
    process.kill("SIGTERM");
    await once(process, "exit");
  }

  /** SIGKILL, as a crash would end it, and wait for the process to exit. */
  async kill(): Promise<void> {
    const process = this.process;
    if (!process || exited(process)) return;
    process.kill("SIGKILL");
    await once(process, "exit");
  }

  notify(title: string): Promise<Response> {
    return fetch(`${this.base}/api/notifications`, { method: "POST", body: JSON.stringify({ level: "info", title }) });
  }
}

/** Event streams open on the server at `base`, as it counts them (every stream carries toasts). */
export async function openStreams(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('livedash_sse_connections{topic="toasts"} '));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** The binary under test on a port of its own, started with `extra` flags. */
export async function startServer(extra: string[] = []): Promise<Server> {
  const server = await Server.on({ bin: BIN, env: serverEnv() });
  await server.start(extra);
  return server;
}
