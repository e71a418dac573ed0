// The node:http floor: a server that reads each request body and answers a fixed SendMessage-shaped JSON,
// doing no other work (no SigV4, no parsing, no storage). Its W1 row is the most any node:http server can reach
// on this core with this generator; Mailroom's distance from it is the cost of its own request pipeline.
import http from "node:http";

const port = Number(process.argv[2]);
http
  .createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const target = req.headers["x-amz-target"] ?? "";
      const out = target.endsWith(".CreateQueue")
        ? JSON.stringify({ QueueUrl: `http://127.0.0.1:${port}/000000000000/bench` })
        : JSON.stringify({ MessageId: "00000000-0000-0000-0000-000000000000", MD5OfMessageBody: String(Buffer.concat(chunks).length) });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  })
  .listen(port, "127.0.0.1", () => console.log("ready"));
