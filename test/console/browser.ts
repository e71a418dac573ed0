// Browser tests of the web console (ADR 0032): playwright-core drives Debian's chromium (/usr/bin/chromium, which
// .ci/run installs; never a downloaded browser) against a server started in this process on a manual clock. Every
// page is watched for script errors and for requests that leave the server's origin (there must be none).
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { ManualClock, type Mailroom, type MailroomOptions } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";

export const CHROMIUM = process.env.MAILROOM_CHROMIUM ?? "/usr/bin/chromium";
/** The reason the browser tests are skipped, or false when they run. */
export const SKIP: string | false = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium): console browser tests skipped`;
if (SKIP) console.log(`# ${SKIP}`);

export interface ConsoleSession {
  server: Mailroom;
  clock: ManualClock;
  browser: Browser;
  page: Page;
  /** Script errors and failed console messages seen on the page. */
  errors: string[];
  /** Requests to any other origin than the server's. */
  external: string[];
  close(): Promise<void>;
}

export async function openConsole(options: MailroomOptions & { viewport?: { width: number; height: number } } = {}): Promise<ConsoleSession> {
  const { viewport, ...serverOptions } = options;
  // The clock starts at the real time: the page's own times (replay windows, metric ranges) come from the browser.
  const clock = new ManualClock(Date.now());
  const server = await startTestServer({ clock, ...serverOptions });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const page = await browser.newPage({ viewport: viewport ?? { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  const external: string[] = [];
  const origin = new URL(server.endpoint).origin;
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // An AWS error answer (4xx) is logged by the browser as a failed load; the page shows those itself.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:")) external.push(u);
  });
  return {
    server, clock, browser, page, errors, external,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

/** Polls `check` (real time, as the page polls) until it returns a value; a generous hang guard. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
