// The node:http floor: a server that reads each request body and answers a fixed SQS-shaped JSON (floor-answers.mjs),
// doing no other work (no SigV4, no parsing, no storage). Its rows are the most any node:http server can reach on
// this core with this generator; Mailroom's distance from them is the cost of its own request pipeline.
import http from "node:http";
import { floorAnswer } from "./floor-answers.mjs";

const port = Number(process.argv[2]);
http
  .createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const out = floorAnswer(String(req.headers["x-amz-target"] ?? ""), Buffer.concat(chunks).length, port);
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  })
  .listen(port, "127.0.0.1", () => console.log("ready"));
