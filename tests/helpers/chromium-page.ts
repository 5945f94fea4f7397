// Headless Debian Chromium driven by playwright-core: `Chromium.launch()`
// opens one browser on a fresh profile; `ChromiumPage.open()` serves one page
// from 127.0.0.1 by a throwaway HTTP server (the browser host for the
// real-TFLite oracle and the browser benchmarks).
import { createServer, type Server } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium as playwright, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** One headless Chromium on a fresh profile directory, deleted on close(). */
export class Chromium {
  readonly context: BrowserContext;
  readonly #profile: string;

  private constructor(context: BrowserContext, profile: string) {
    this.context = context;
    this.#profile = profile;
  }

  static async launch(): Promise<Chromium> {
    const profile = await mkdtemp(join(tmpdir(), "wasmlite-chromium-"));
    const context = await playwright.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    return new Chromium(context, profile);
  }

  /**
   * Opens `url` in a new tab, after running `initScript` (if given) before
   * any of the page's own scripts, and waits until the page sets the global
   * `readyFlag` (to anything truthy); fails with the page's errors or `errorGlobal`'s value.
   */
  async visit(url: string, readyFlag: string, options: { initScript?: string; errorGlobal?: string } = {}) {
    const page = await this.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    if (options.initScript) await page.addInitScript(options.initScript);
    await page.goto(url);
    const state = (names: [string, string | undefined]) => {
      const w = window as unknown as Record<string, unknown>;
      if (names[1] && w[names[1]]) return { error: String(w[names[1]]) };
      return w[names[0]] ? { ready: true } : false;
    };
    const outcome = await page
      .waitForFunction(state, [readyFlag, options.errorGlobal] as [string, string | undefined], { timeout: 60_000 })
      .then((handle) => handle.jsonValue())
      .catch((e: Error) => ({ error: errors.join("; ") || e.message }));
    if (typeof outcome === "object" && outcome && "error" in outcome) {
      throw new Error(`${url} did not start: ${outcome.error}`);
    }
    return page;
  }

  async close(): Promise<void> {
    await this.context.close();
    await rm(this.#profile, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html",
};

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

/** One page, its own server and its own Chromium. */
export class ChromiumPage {
  readonly page: Page;
  readonly #server: Server;
  readonly #browser: Chromium;

  private constructor(page: Page, server: Server, browser: Chromium) {
    this.page = page;
    this.#server = server;
    this.#browser = browser;
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
        const type = TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream";
        readFile(file).then(
          (body) => res.writeHead(200, { "content-type": type }).end(body),
          () => res.writeHead(404).end(),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const browser = await Chromium.launch();
    const page = await browser.visit(`http://127.0.0.1:${port}/`, spec.readyFlag);
    return new ChromiumPage(page, server, browser);
  }

  async close(): Promise<void> {
    await this.#browser.close();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
