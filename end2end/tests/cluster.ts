import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { exited, freePort, ROOT } from "./servers";

/** Resolves once `child` prints a line containing `text` on `stream`; rejects if it exits. */
function lineContaining(child: ChildProcess, stream: "stdout" | "stderr", text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child[stream]! });
    const said: string[] = [];
    lines.on("line", (line) => {
      said.push(line);
      if (line.includes(text)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before "${text}":\n${said.join("\n")}`)));
  });
}

/** A redis-server of the test's own (Debian's package) on a free port, without persistence. */
export class Redis {
  private constructor(
    private readonly process: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<Redis> {
    const port = await freePort();
    const child = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await lineContaining(child, "stdout", "Ready to accept connections");
    return new Redis(child, port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/`;
  }

  async stop(): Promise<void> {
    if (exited(this.process)) return;
    this.process.kill("SIGKILL");
    await once(this.process, "exit");
  }
}

/** The README's nginx block for the cluster (the one `tests/api/nginx.rs` runs too). */
function readmeConfig(): string {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const block = /```nginx\n(upstream livedash[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("the README's Scaling out section lost its nginx block");
  return block[1];
}

/** nginx (Debian's package) in front of `nodes`, configured as the README says. */
export class Nginx {
  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** On `port` (chosen beforehand, so the nodes can be told their public origin). */
  static async start(port: number, nodes: number[]): Promise<Nginx> {
    const dir = mkdtempSync(path.join(tmpdir(), "livedash-nginx-"));
    // Started as root, nginx's worker runs as nobody: it must reach its temporary files
    // (a large response, such as the debug build's wasm, is buffered there).
    chmodSync(dir, 0o755);
    let listed = false;
    const server = readmeConfig()
      .split("\n")
      .flatMap((line) => {
        const node = /^\s*server 10\.\S+ (.*)$/.exec(line);
        if (node) {
          if (listed) return [];
          listed = true;
          return nodes.map((p) => `    server 127.0.0.1:${p} ${node[1]}`);
        }
        return [line.replace("listen 80;", `listen 127.0.0.1:${port};`)];
      })
      .join("\n");
    const conf = path.join(dir, "nginx.conf");
    writeFileSync(
      conf,
      `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log stderr notice;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${server}
}
`,
    );
    const bin = process.env.NGINX ?? "/usr/sbin/nginx";
    const child = spawn(bin, ["-p", dir, "-c", conf, "-e", "stderr"], { stdio: ["ignore", "ignore", "pipe"] });
    await lineContaining(child, "stderr", "start worker process");
    return new Nginx(child, dir, port);
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (!exited(this.process)) {
      // SIGTERM: the master stops its worker too.
      this.process.kill("SIGTERM");
      await once(this.process, "exit");
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
