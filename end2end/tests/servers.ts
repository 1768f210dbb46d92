import { expect } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";

/** The repository root, where the built binaries are. */
export const ROOT = path.resolve(__dirname, "../..");

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
}

/** A server process of the test's own, on a free port, that the test can stop and restart. */
export class Server {
  private process?: ChildProcess;
  private constructor(
    private readonly launch: Launch,
    readonly port: number,
  ) {}

  static async on(launch: Launch): Promise<Server> {
    return new Server(launch, await freePort());
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the binary and waits until it answers `/readyz`. */
  async start(): Promise<void> {
    const { bin, args = [], env, cwd } = this.launch;
    this.process = spawn(bin, [...args, "--addr", `127.0.0.1:${this.port}`], { env, cwd, stdio: "ignore" });
    await expect
      .poll(async () => (await fetch(`${this.base}/readyz`).catch(() => undefined))?.status)
      .toBe(200);
  }

  /** SIGTERM, and wait for the process to exit. */
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
