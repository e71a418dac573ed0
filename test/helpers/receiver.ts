// A local HTTP endpoint for SNS deliveries: records every POST (headers, parsed body), answers 500 for the
// first `failures` requests, and verifies each signed document independently (test/helpers/sns-verify.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifySnsMessage } from "./sns-verify.ts";

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json?: Record<string, string>;
  status: number;
  signatureValid?: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How many of the next requests answer 500. */
  failures: number;
  /** Resolves when at least n requests have arrived (real time, up to 5 s). */
  waitFor(n: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = {
    url: "",
    received: [],
    failures: 0,
    async waitFor(n) {
      for (let i = 0; i < 500 && r.received.length < n; i++) await new Promise((x) => setTimeout(x, 10));
      if (r.received.length < n) throw new Error(`expected ${n} deliveries, got ${r.received.length}`);
      // Let signature checks of the last one finish.
      await Promise.all(r.received.map((x) => x.signatureValid));
      return r.received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const status = r.failures > 0 ? 500 : 200;
      if (r.failures > 0) r.failures--;
      const rec: Received = { headers: req.headers, body, status };
      try {
        rec.json = JSON.parse(body);
      } catch {
        rec.json = undefined;
      }
      if (rec.json?.Signature) rec.signatureValid = await verifySnsMessage(rec.json).catch(() => false);
      r.received.push(rec);
      res.writeHead(status);
      res.end();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
