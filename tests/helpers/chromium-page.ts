// A page in headless Debian Chromium (driven by playwright-core), served from
// 127.0.0.1 by a throwaway HTTP server: the browser host for the real-TFLite
// oracle and the browser benchmarks.
import { createServer, type Server } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const TYPES: Record<string, string> = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

export interface PageSpec {
  /** The page served at "/". */
  html: string;
  /** URL path -> file on disk. */
  files: Record<string, string>;
  /** URL prefix -> directory whose plain file names are served under it. */
  directories?: Record<string, string>;
  /** A global the page sets to true when it is ready. */
  readyFlag: string;
}

export class ChromiumPage {
  readonly page: Page;
  readonly #server: Server;
  readonly #context: BrowserContext;
  readonly #profile: string;

  private constructor(page: Page, server: Server, context: BrowserContext, profile: string) {
    this.page = page;
    this.#server = server;
    this.#context = context;
    this.#profile = profile;
  }

  static async open(spec: PageSpec): Promise<ChromiumPage> {
    const server = createServer((req, res) => {
      const url = (req.url ?? "/").split("?")[0]!;
      let file: string | undefined = spec.files[url];
      for (const [prefix, dir] of Object.entries(spec.directories ?? {})) {
        const name = url.slice(prefix.length);
        if (!file && url.startsWith(prefix) && /^[\w.-]+$/.test(name)) file = join(dir, name);
      }
      if (url === "/") {
        res.writeHead(200, { "content-type": "text/html" }).end(spec.html);
      } else if (file) {
        readFile(file).then(
          (body) => res.writeHead(200, { "content-type": TYPES[file!.slice(file!.lastIndexOf("."))] ?? "application/octet-stream" }).end(body),
          () => res.writeHead(404).end(),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const profile = await mkdtemp(join(tmpdir(), "wasmlite-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page
      .waitForFunction((flag) => (window as unknown as Record<string, unknown>)[flag] === true, spec.readyFlag, { timeout: 30_000 })
      .catch((e) => {
        throw new Error(`page did not start: ${errors.join("; ") || (e as Error).message}`);
      });
    return new ChromiumPage(page, server, context, profile);
  }

  async close(): Promise<void> {
    await this.#context.close();
    await new Promise((resolve) => this.#server.close(resolve));
    await rm(this.#profile, { recursive: true, force: true });
  }
}
