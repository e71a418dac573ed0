// TLS on the shared port: the SQS client over https (HTTP/1.1) trusting Mailroom's certificate from
// /_mailroom/tls/certificate.pem, HTTP/2 chosen by ALPN, the certificate kept per database across restarts,
// and --tls-cert/--tls-key files instead of the self-signed one. Plain HTTP and h2c on the same port are
// covered by the other tests (transport.test.ts).
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http2 from "node:http2";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { after, before, test } from "node:test";
import { CreateQueueCommand, DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Mailroom } from "../../../src/index.ts";
import { selfSigned } from "../../../src/util/x509.ts";
import { TEST_CREDENTIALS, startTestServer } from "../../helpers/server.ts";
import { mailroomCa } from "../../helpers/tls.ts";

let server: Mailroom;
let httpsEndpoint: string;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "mailroom-tls-"));
  server = await startTestServer({ memory: false, dataDir: dir });
  httpsEndpoint = server.endpoint.replace(/^http:/, "https:");
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (ca?: string) => new SQSClient({
  endpoint: httpsEndpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent(ca ? { ca } : {}) }),
});

/** The certificate the TLS handshake presents (DER). */
function peerCertificate(port: number, ca: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, ca }, () => {
      resolve(s.getPeerCertificate().raw);
      s.end();
    });
    s.on("error", reject);
  });
}

test("the SQS client sends and receives over https, trusting the certificate from the internal route", async () => {
  const ca = await mailroomCa(server.endpoint);
  const cert = new X509Certificate(ca);
  assert.match(cert.subjectAltName!, /DNS:localhost/);
  assert.match(cert.subjectAltName!, /IP Address:127\.0\.0\.1/);
  const sqs = client(ca);
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "over-tls" }));
    assert.ok(QueueUrl?.startsWith("https://"), `a queue URL over TLS is https: ${QueueUrl}`);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "secret 📬" }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages ?? [];
    assert.equal(m?.Body, "secret 📬");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    assert.ok((await peerCertificate(server.port, ca)).equals(cert.raw));
  } finally {
    sqs.destroy();
  }
});

test("a client that does not trust the certificate fails the handshake", async () => {
  const sqs = client();
  try {
    await assert.rejects(sqs.send(new ListQueuesCommand({})), /self-signed certificate/);
  } finally {
    sqs.destroy();
  }
});

test("ALPN picks HTTP/2 over TLS", async () => {
  const ca = await mailroomCa(server.endpoint);
  const session = http2.connect(httpsEndpoint, { ca });
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const req = session.request({ ":path": "/_mailroom/health" });
      let text = "";
      req.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve(text)).on("error", reject);
    });
    assert.equal(JSON.parse(body).status, "ok");
    assert.equal(session.alpnProtocol, "h2");
  } finally {
    session.close();
  }
});

test("the certificate is kept in the database: a restart serves the same one", async () => {
  const before = await (await fetch(`${server.endpoint}/_mailroom/tls/certificate.pem`)).text();
  await server.close();
  server = await startTestServer({ memory: false, dataDir: dir });
  httpsEndpoint = server.endpoint.replace(/^http:/, "https:");
  assert.equal(await (await fetch(`${server.endpoint}/_mailroom/tls/certificate.pem`)).text(), before);
});

test("--tls-cert and --tls-key replace the self-signed certificate; a key that does not match fails at startup", async () => {
  const own = selfSigned({ commonName: "own", key: "ec", altNames: ["127.0.0.1"] });
  const other = selfSigned({ commonName: "other", key: "ec" });
  const files = { cert: join(dir, "cert.pem"), key: join(dir, "key.pem"), otherKey: join(dir, "other.pem") };
  await writeFile(files.cert, own.certificate);
  await writeFile(files.key, own.privateKey);
  await writeFile(files.otherKey, other.privateKey);
  const s = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
  try {
    assert.equal(await (await fetch(`${s.endpoint}/_mailroom/tls/certificate.pem`)).text(), own.certificate);
    assert.ok((await peerCertificate(s.port, own.certificate)).equals(new X509Certificate(own.certificate).raw));
  } finally {
    await s.close();
  }
  await assert.rejects(startTestServer({ tlsCert: files.cert, tlsKey: files.otherKey }), /key values mismatch/);
  await assert.rejects(startTestServer({ tlsCert: files.cert }), /both --tls-cert and --tls-key/);
});
