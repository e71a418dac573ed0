// Tests for SigV4 verification and access-key parsing, with the AWS SDK's own signer (@smithy/signature-v4)
// producing the requests, so what is checked is agreement with real clients rather than with ourselves.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsError } from "../protocol/errors.ts";
import { CredentialStore, parseAccessKeys } from "./credentials.ts";
import { HmacKey, readScope, sameSignature, type SigningInput, verifySigV4 } from "./sigv4.ts";
import { Sha256 } from "../../test/helpers/sha256.ts";

const AKID = "AKIDEXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const ACCOUNT = "123456789012";
const SIGNED_AT = Date.UTC(2026, 10, 23, 18, 41, 0);
const NOW = SIGNED_AT + 60_000;
const keyed = new CredentialStore([{ accessKeyId: AKID, secretAccessKey: SECRET, accountId: ACCOUNT }]);
const anonymous = new CredentialStore([]);

function escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}

interface Spec {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  /** Query string as sent, when it should differ from the default encoding of `query`. */
  wireQuery?: string;
  headers?: Record<string, string>;
  body?: string;
  accessKeyId?: string;
  secret?: string;
  presign?: boolean;
  expiresIn?: number;
  signedAt?: number;
}

/** Signs a request with the SDK signer and returns what the server would see. */
async function signed(spec: Spec): Promise<SigningInput> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: spec.accessKeyId ?? AKID, secretAccessKey: spec.secret ?? SECRET },
    region: "eu-west-1",
    service: "sqs",
    sha256: Sha256,
  });
  const request = {
    method: spec.method ?? "POST",
    protocol: "http:",
    hostname: "localhost",
    port: 4566,
    path: spec.path ?? "/",
    query: spec.query ?? {},
    headers: spec.headers ?? { host: "localhost:4566", "content-type": "application/x-www-form-urlencoded" },
    body: spec.body,
  };
  const signingDate = new Date(spec.signedAt ?? SIGNED_AT);
  const out = spec.presign
    ? await signer.presign(request, { signingDate, expiresIn: spec.expiresIn ?? 300 })
    : await signer.sign(request, { signingDate });
  const query =
    spec.wireQuery ??
    Object.entries(out.query ?? {})
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${escape(k)}=${escape(String(x))}`))
      .join("&");
  const rawHeaders = Object.entries(out.headers).flat();
  return { method: out.method, path: out.path, query, rawHeaders, bodySha256: sha256Hex(spec.body ?? "") };
}

function rejects(fn: () => unknown, code: string, message?: string | RegExp): AwsError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.status, code === "IncompleteSignature" ? 400 : 403);
    if (typeof message === "string") assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

function setHeader(req: SigningInput, name: string, value: string): SigningInput {
  const raw = [...req.rawHeaders];
  const i = raw.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name);
  raw[i + 1] = value;
  return { ...req, rawHeaders: raw };
}

const BODY = "Action=SendMessage&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F123456789012%2Fq&MessageBody=hi";

describe("verifySigV4 with keys", () => {
  test("accepts a header-signed POST", async () => {
    const req = await signed({ body: BODY });
    assert.deepEqual(verifySigV4(req, keyed, NOW), {
      accessKeyId: AKID,
      accountId: ACCOUNT,
      region: "eu-west-1",
      service: "sqs",
      signed: true,
    });
  });

  test("the credential scope must name the service addressed", async () => {
    const req = await signed({ body: BODY });
    assert.equal(verifySigV4({ ...req, service: "sqs" }, keyed, NOW).service, "sqs");
    const err = rejects(() => verifySigV4({ ...req, service: "sns" }, keyed, NOW), "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sns'. ");
    assert.equal(err.jsonType, "com.amazon.coral.service#InvalidSignatureException");
    const presigned = await signed({ method: "GET", headers: { host: "localhost:4566" }, query: { Action: "ListQueues" }, presign: true });
    rejects(() => verifySigV4({ ...presigned, service: "states" }, keyed, NOW), "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'states'. ");
  });

  test("accepts a presigned GET (body hash and UNSIGNED-PAYLOAD)", async () => {
    const req = await signed({ method: "GET", headers: { host: "localhost:4566" }, query: { Action: "ListQueues" }, presign: true });
    assert.match(req.query, /X-Amz-Signature=/);
    assert.equal(verifySigV4(req, keyed, NOW).accountId, ACCOUNT);

    const unsigned = await signed({
      method: "GET",
      headers: { host: "localhost:4566", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      query: { Action: "ListQueues" },
      presign: true,
      body: "ignored",
    });
    assert.match(unsigned.query, /x-amz-content-sha256=UNSIGNED-PAYLOAD/i);
    assert.equal(verifySigV4({ ...unsigned, bodySha256: sha256Hex("something else") }, keyed, NOW).signed, true);
  });

  test("rejects a wrong secret", async () => {
    const req = await signed({ body: BODY, secret: "not-the-secret" });
    const e = rejects(() => verifySigV4(req, keyed, NOW), "SignatureDoesNotMatch", /^The request signature we calculated does not match/);
    assert.equal(e.jsonType, "com.amazon.coral.service#InvalidSignatureException");
  });

  test("rejects an unknown key", async () => {
    const req = await signed({ body: BODY, accessKeyId: "AKIDUNKNOWN" });
    rejects(() => verifySigV4(req, keyed, NOW), "InvalidClientTokenId", "The security token included in the request is invalid.");
  });

  test("rejects a tampered body, header or signature", async () => {
    const req = await signed({ body: BODY });
    rejects(() => verifySigV4({ ...req, bodySha256: sha256Hex(`${BODY}x`) }, keyed, NOW), "SignatureDoesNotMatch");
    rejects(() => verifySigV4(setHeader(req, "content-type", "text/plain"), keyed, NOW), "SignatureDoesNotMatch");
    const auth = req.rawHeaders[req.rawHeaders.indexOf("authorization") + 1];
    rejects(() => verifySigV4(setHeader(req, "authorization", `${auth.slice(0, -4)}zzzz`), keyed, NOW), "SignatureDoesNotMatch");
    rejects(() => verifySigV4(setHeader(req, "authorization", `${auth}00`), keyed, NOW), "SignatureDoesNotMatch");
  });

  test("accepts :authority (HTTP/2) in place of host, both ways", async () => {
    const req = await signed({ body: BODY });
    const h2 = req.rawHeaders.map((h) => (h === "host" ? ":authority" : h));
    assert.equal(verifySigV4({ ...req, rawHeaders: [":method", "POST", ...h2] }, keyed, NOW).signed, true);

    const signedH2 = await signed({ body: BODY, headers: { ":authority": "localhost:4566", "content-type": "text/plain" } });
    const h1 = signedH2.rawHeaders.map((h) => (h === ":authority" ? "Host" : h));
    assert.equal(verifySigV4({ ...signedH2, rawHeaders: h1 }, keyed, NOW).signed, true);
  });

  test("accepts paths with encoded and special characters", async () => {
    for (const path of ["/000000000000/my%20queue", "/000000000000/a!'()*~b", "/123/%C3%A9t%C3%A9.fifo", "/a%2Fb/"]) {
      const req = await signed({ path, body: BODY });
      assert.equal(verifySigV4(req, keyed, NOW).signed, true, path);
      rejects(() => verifySigV4({ ...req, path: `${path}x` }, keyed, NOW), "SignatureDoesNotMatch");
    }
    // The SDK signs the path with empty segments removed but sends it as is.
    const req = await signed({ path: "//000000000000//q", body: BODY });
    assert.equal(verifySigV4(req, keyed, NOW).signed, true);
  });

  test("accepts an empty path as '/'", async () => {
    const req = await signed({ body: BODY });
    assert.equal(verifySigV4({ ...req, path: "" }, keyed, NOW).signed, true);
  });

  test("accepts repeated, unsorted and encoded query keys", async () => {
    const query = { b: "2", a: ["3", "1"], "c d": "x y+z", "a-b": "0", e: "" };
    const req = await signed({ method: "GET", headers: { host: "localhost:4566" }, query, wireQuery: "b=2&a=3&c%20d=x%20y%2Bz&a-b=0&e=&a=1" });
    assert.equal(verifySigV4(req, keyed, NOW).signed, true);
    // '+' on the wire is a space, like %20.
    assert.equal(verifySigV4({ ...req, query: "e&a=1&b=2&c+d=x+y%2bz&a-b=0&a=3" }, keyed, NOW).signed, true);
    rejects(() => verifySigV4({ ...req, query: "b=2&a=3&c%20d=x%20y%2Bz&a-b=0&e=&a=2" }, keyed, NOW), "SignatureDoesNotMatch");
  });

  test("joins repeated headers and collapses blanks", async () => {
    const req = await signed({ body: BODY, headers: { host: "localhost:4566", "x-amz-meta": "one,two", "x-spaced": "a   b \t c" } });
    const raw = [...req.rawHeaders];
    const i = raw.indexOf("x-amz-meta");
    raw.splice(i, 2, "X-Amz-Meta", "  one ", "x-amz-meta", "two");
    assert.equal(verifySigV4({ ...req, rawHeaders: raw }, keyed, NOW).signed, true);
  });

  test("rejects a request time more than 15 minutes away", async () => {
    const req = await signed({ body: BODY });
    assert.equal(verifySigV4(req, keyed, SIGNED_AT + 14 * 60_000).signed, true);
    rejects(
      () => verifySigV4(req, keyed, SIGNED_AT + 16 * 60_000),
      "SignatureDoesNotMatch",
      "Signature expired: 20261123T184100Z is now earlier than 20261123T184200Z (20261123T185700Z - 15 min.)",
    );
    rejects(
      () => verifySigV4(req, keyed, SIGNED_AT - 16 * 60_000),
      "SignatureDoesNotMatch",
      "Signature not yet current: 20261123T184100Z is still later than 20261123T184000Z (20261123T182500Z + 15 min.)",
    );
  });

  test("rejects a presigned request past X-Amz-Expires", async () => {
    const req = await signed({ method: "GET", headers: { host: "localhost:4566" }, presign: true, expiresIn: 3600 });
    assert.equal(verifySigV4(req, keyed, SIGNED_AT + 3599_000).signed, true);
    rejects(() => verifySigV4(req, keyed, SIGNED_AT + 3601_000), "AccessDenied", "Request has expired");
  });

  test("requires authentication", async () => {
    const req = await signed({ body: BODY });
    const bare = req.rawHeaders.filter((_, i, a) => a[i - (i % 2)] !== "authorization");
    const e = rejects(() => verifySigV4({ ...req, rawHeaders: bare }, keyed, NOW), "MissingAuthenticationToken", "Request is missing Authentication Token");
    assert.equal(e.jsonType, "com.amazon.coral.service#MissingAuthenticationTokenException");
    rejects(() => verifySigV4(setHeader(req, "authorization", "Bearer abc"), keyed, NOW), "MissingAuthenticationToken");
  });

  test("rejects a malformed Authorization header", async () => {
    const req = await signed({ body: BODY });
    const auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date";
    rejects(
      () => verifySigV4(setHeader(req, "authorization", auth), keyed, NOW),
      "IncompleteSignature",
      `Authorization header requires 'Signature' parameter. Authorization=${auth}`,
    );
    const badCredential = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/sqs, SignedHeaders=host;x-amz-date, Signature=abc";
    rejects(
      () => verifySigV4(setHeader(req, "authorization", badCredential), keyed, NOW),
      "IncompleteSignature",
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20261123/sqs'",
    );
    rejects(() => verifySigV4(setHeader(req, "x-amz-date", "2026-11-23"), keyed, NOW), "IncompleteSignature", /^Date must be in ISO-8601 'basic format'/);
  });

  test("rejects an incomplete presigned query", async () => {
    const req = await signed({ method: "GET", headers: { host: "localhost:4566" }, presign: true });
    const query = req.query.split("&").filter((p) => !p.startsWith("X-Amz-Signature=")).join("&");
    rejects(
      () => verifySigV4({ ...req, query }, keyed, NOW),
      "IncompleteSignature",
      "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
    );
  });
});

describe("verifySigV4 in anonymous mode", () => {
  test("accepts a bad signature and takes the account from a 12-digit key", async () => {
    const req = await signed({ body: BODY, accessKeyId: "210987654321", secret: "whatever" });
    assert.deepEqual(verifySigV4(req, anonymous, NOW + 3600_000), {
      accessKeyId: "210987654321",
      accountId: "210987654321",
      region: "eu-west-1",
      service: "sqs",
      signed: true,
    });
    const other = await signed({ body: BODY, accessKeyId: "test", secret: "test" });
    assert.equal(verifySigV4(other, anonymous, NOW).accountId, "000000000000");
  });

  test("accepts unsigned requests", () => {
    const req = { method: "POST", path: "/", query: "", rawHeaders: ["Host", "localhost"], bodySha256: sha256Hex("") };
    assert.deepEqual(verifySigV4(req, anonymous, NOW), {
      accessKeyId: "anonymous",
      accountId: "000000000000",
      region: "us-east-1",
      service: "",
      signed: false,
    });
  });
});

describe("readScope", () => {
  test("reads the scope of header-signed and presigned requests", async () => {
    const scope = { accessKeyId: AKID, region: "eu-west-1", service: "sqs" };
    assert.deepEqual(readScope(await signed({ body: BODY })), scope);
    assert.deepEqual(readScope(await signed({ method: "GET", headers: { host: "h" }, presign: true })), scope);
    assert.equal(readScope({ query: "Action=ListQueues", rawHeaders: ["Host", "h"] }), undefined);
    assert.equal(readScope({ query: "", rawHeaders: ["Authorization", "AWS4-HMAC-SHA256 Credential=a/b"] }), undefined);
  });
});

describe("credentials", () => {
  test("parseAccessKeys", () => {
    assert.deepEqual(parseAccessKeys(""), []);
    assert.deepEqual(parseAccessKeys("AK1:S1:111111111111, AK2:S/2+x"), [
      { accessKeyId: "AK1", secretAccessKey: "S1", accountId: "111111111111" },
      { accessKeyId: "AK2", secretAccessKey: "S/2+x", accountId: "000000000000" },
    ]);
    assert.throws(() => parseAccessKeys("AK1"), /AKID:SECRET/);
    assert.throws(() => parseAccessKeys("AK1:S1:1:2"), /AKID:SECRET/);
    assert.throws(() => parseAccessKeys("AK1:"), /empty secret/);
    assert.throws(() => parseAccessKeys(":S1"), /invalid access key id/);
    assert.throws(() => parseAccessKeys("AK1:S1:12345"), /12 digits/);
    assert.throws(() => parseAccessKeys("AK1:S1,,AK2:S2"), /#2 is empty/);
    assert.throws(() => parseAccessKeys("AK1:S1,AK1:S2"), /listed twice/);
  });

  test("CredentialStore", () => {
    assert.equal(anonymous.anonymous, true);
    assert.equal(keyed.anonymous, false);
    assert.equal(keyed.lookup(AKID)?.accountId, ACCOUNT);
    assert.equal(keyed.lookup("nope"), undefined);
    assert.equal(CredentialStore.anonymousAccount("123456789012"), "123456789012");
    assert.equal(CredentialStore.anonymousAccount("12345678901a"), "000000000000");
    assert.equal(CredentialStore.anonymousAccount("test"), "000000000000");
  });
});

describe("HmacKey", () => {
  test("gives createHmac's bytes for keys and data of every size, reusing and growing its buffers", () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = Buffer.alloc(keyLength, 0xa7);
      const h = new HmacKey(key);
      // Long data grows the scratch buffer; short data after it must not see the longer data's bytes.
      for (const data of ["", "a", "AWS4-HMAC-SHA256\n20261123T184100Z\n20261123/eu-west-1/sqs/aws4_request\n" + "f".repeat(64), "é€😀".repeat(200), "x"]) {
        assert.equal(h.sign(data), createHmac("sha256", key).update(data).digest("hex"), `key ${keyLength}, data ${data.length}`);
      }
    }
  });
});

describe("sameSignature", () => {
  const expected = createHmac("sha256", "k").update("d").digest("hex");
  test("takes the signature in either case, and nothing that is not 64 hex digits", () => {
    assert.equal(sameSignature(expected, expected), true);
    assert.equal(sameSignature(expected.toUpperCase(), expected), true);
    const other = `${expected.slice(0, 63)}${expected[63] === "0" ? "1" : "0"}`;
    assert.equal(sameSignature(other, expected), false);
    assert.equal(sameSignature(expected.slice(1), expected), false);
    assert.equal(sameSignature(`${expected}0`, expected), false);
    // Characters that lower-case onto a hex digit under | 0x20 but are not hex digits themselves.
    assert.equal(sameSignature(expected.replace(/0/g, "\u0010"), expected), expected.includes("0") ? false : true);
    assert.equal(sameSignature("g".repeat(64), "g".repeat(64)), false);
  });
});
