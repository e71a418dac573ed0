// Mailroom's transport floor: its own HTTP/1.1 fast path (src/server/http1.ts), with the connection setup the front
// gives it (no delay), answering the floors' fixed SQS-shaped JSON (floor-answers.mjs) and doing nothing else (no
// SigV4, no codec, no storage). Every Mailroom request pays at least this; the rest of its CPU is the pipeline's.
// Run as `node --import tsx bench/peers/transport-floor-server.ts <port>`.
import net from "node:net";
import { createHttp1 } from "../../src/server/http1.ts";
import type { Handler } from "../../src/server/wire.ts";
import { floorAnswer } from "./floor-answers.mjs";

const port = Number(process.argv[2]);
const HEADERS = { "content-type": "application/x-amz-json-1.0" };

function target(raw: string[]): string {
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 12 && raw[i].toLowerCase() === "x-amz-target") return raw[i + 1];
  return "";
}

const handler: Handler = {
  wire: async (req) => ({ status: 200, headers: HEADERS, body: floorAnswer(target(req.rawHeaders), req.body.length, port) }),
  isInternal: () => false,
  reject: () => ({ status: 400, headers: HEADERS, body: "{}" }),
  node: (_req, res) => {
    res.statusCode = 500;
    res.end();
  },
};

const serve = createHttp1(handler, (socket) => socket.destroy());
net
  .createServer((socket) => {
    socket.setNoDelay(true);
    serve(socket, false);
  })
  .listen(port, "127.0.0.1", () => console.log("ready"));
