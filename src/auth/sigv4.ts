// AWS Signature Version 4 verification (Authorization header and presigned query) for the non-S3 services.
// Error codes and texts follow what AWS's own front end answers; JSON-protocol clients see the coral types.
// In anonymous mode nothing is verified: the credential scope only names the caller, region and service.
import { createHmac, hash as digest } from "node:crypto";
import { AwsError } from "../protocol/errors.ts";
import { CredentialStore, DEFAULT_ACCOUNT } from "./credentials.ts";

export interface SigningInput {
  method: string;
  /** Raw request path without the query string, exactly as on the wire (still percent-encoded). */
  path: string;
  /** Raw query string without '?', '' when none. */
  query: string;
  /** node's req.rawHeaders (name, value, ...); for HTTP/2 it includes ':authority' and the other pseudo headers. */
  rawHeaders: string[];
  /** Hex sha256 of the body the server actually read. */
  bodySha256: string;
  /** headerMap(rawHeaders), when the caller has built it already. */
  headers?: Map<string, string>;
  /** The signing name of the service addressed: the credential scope must name it. */
  service?: string;
}

export interface Caller {
  accessKeyId: string;
  accountId: string;
  region: string;
  service: string;
  /** The request carried a SigV4 credential (verified unless the store is anonymous). */
  signed: boolean;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const TERMINATOR = "aws4_request";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_EXPIRES_S = 7 * 24 * 3600;
const CORAL = "com.amazon.coral.service#";
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;
const ENCODE_MORE = /[!'()*]/g;
const NEEDS_TRIM = /^[ \t]|[ \t]$|[ \t][ \t]|\t/;
const BLANK_RUNS = /[ \t]+/g;
const AMZ_DATE = /^\d{8}T\d{6}Z$/;
const DIGITS = /^\d+$/;

// --- errors -------------------------------------------------------------------------------------------------

function denied(code: string, message: string, coralType: string, status = 403): AwsError {
  return new AwsError(code, message, { status, jsonType: CORAL + coralType });
}
const missingToken = () =>
  denied("MissingAuthenticationToken", "Request is missing Authentication Token", "MissingAuthenticationTokenException");
// A malformed signature is a 400, unlike the other authentication errors (AWS Common Errors: IncompleteSignature, HTTP 400).
const incomplete = (message: string) => denied("IncompleteSignature", message, "IncompleteSignatureException", 400);
const mismatch = (message = SIGNATURE_MISMATCH) => denied("SignatureDoesNotMatch", message, "InvalidSignatureException");
const unknownKey = () =>
  denied("InvalidClientTokenId", "The security token included in the request is invalid.", "UnrecognizedClientException");
const expired = () => denied("AccessDenied", "Request has expired", "AccessDeniedException");

// --- canonical forms ----------------------------------------------------------------------------------------

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded (UTF-8, upper-case hex). */
function encode(s: string): string {
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(ENCODE_MORE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(s: string): string {
  if (s.indexOf("%") < 0 && s.indexOf("+") < 0) return s;
  const spaced = s.replaceAll("+", " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Trims a header value and collapses inner runs of blanks to one space. */
function trimAll(v: string): string {
  return NEEDS_TRIM.test(v) ? v.replace(BLANK_RUNS, " ").trim() : v;
}

/** Lower-cased header names to values; repeated headers are joined with ','. */
export function headerMap(raw: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? raw[i + 1] : `${trimAll(prev)},${trimAll(raw[i + 1])}`);
  }
  return headers;
}

type Pair = [key: string, value: string];

/** Decoded query parameters in wire order. */
function parseQuery(query: string): Pair[] {
  const pairs: Pair[] = [];
  if (query === "") return pairs;
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    pairs.push(eq < 0 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

/** The non-S3 canonical URI: the wire path (already encoded once) with each segment encoded again. */
function canonicalUri(path: string): string {
  if (path === "" || path === "/") return "/";
  if (UNRESERVED_PATH.test(path)) return path;
  return path.split("/").map(encode).join("/");
}

/** The path the AWS SDKs sign when they normalize: no empty, '.' or '..' segments. */
function normalizePath(path: string): string {
  if (path === "/") return path;
  const segments: string[] = [];
  for (const s of path.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") segments.pop();
    else segments.push(s);
  }
  const joined = `/${segments.join("/")}`;
  return segments.length > 0 && path.endsWith("/") ? `${joined}/` : joined;
}

function comparePairs(a: Pair, b: Pair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Encoded pairs sorted by key then value, without X-Amz-Signature. */
function canonicalQuery(params: Pair[]): string {
  if (params.length === 0) return "";
  const encoded: Pair[] = [];
  for (const [k, v] of params) {
    if (k.length === 15 && k.toLowerCase() === "x-amz-signature") continue;
    encoded.push([encode(k), encode(v)]);
  }
  encoded.sort(comparePairs);
  let out = "";
  for (const [k, v] of encoded) out += out === "" ? `${k}=${v}` : `&${k}=${v}`;
  return out;
}

/** "name:value\n" for each signed header; over HTTP/2 'host' and ':authority' stand in for each other. */
function canonicalHeaders(headers: Map<string, string>, signed: string[]): string {
  let out = "";
  for (const name of signed) {
    let value = headers.get(name);
    if (value === undefined) {
      if (name === "host") value = headers.get(":authority");
      else if (name === ":authority") value = headers.get("host");
    }
    out += `${name}:${value === undefined ? "" : trimAll(value)}\n`;
  }
  return out;
}

// --- dates --------------------------------------------------------------------------------------------------

/** The last X-Amz-Date parsed and its time: clients send the same one for a whole second. */
let lastDate = "";
let lastTime = Number.NaN;

function parseAmzDate(s: string): number {
  if (s === lastDate) return lastTime;
  lastTime = parseAmzDateUncached(s);
  lastDate = s;
  return lastTime;
}

function parseAmzDateUncached(s: string): number {
  if (!AMZ_DATE.test(s)) return Number.NaN;
  const n = (from: number, to: number) => Number(s.slice(from, to));
  return Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(9, 11), n(11, 13), n(13, 15));
}

/** ISO 8601 basic format, as in X-Amz-Date: 20261123T184100Z. */
function amzDate(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`;
}

// --- request parsing ----------------------------------------------------------------------------------------

interface Signature {
  presigned: boolean;
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** The request time as signed (ISO 8601 basic). */
  date: string;
  /** X-Amz-Expires, presigned only. */
  expires?: string;
}

function fromAuthorization(auth: string, headers: Map<string, string>): Signature {
  const space = auth.indexOf(" ");
  const algorithm = space < 0 ? auth : auth.slice(0, space);
  let credential = "";
  let signedHeaders = "";
  let signature = "";
  if (space >= 0) {
    for (const part of auth.slice(space + 1).split(",")) {
      const item = part.trim();
      const eq = item.indexOf("=");
      if (eq < 0) continue;
      const key = item.slice(0, eq);
      if (key === "Credential") credential = item.slice(eq + 1);
      else if (key === "SignedHeaders") signedHeaders = item.slice(eq + 1);
      else if (key === "Signature") signature = item.slice(eq + 1);
    }
  }
  let date = headers.get("x-amz-date");
  if (date === undefined) {
    const http = headers.get("date");
    if (http !== undefined) date = Number.isNaN(Date.parse(http)) ? http : amzDate(Date.parse(http));
  }
  let msg = "";
  if (credential === "") msg += "Authorization header requires 'Credential' parameter. ";
  if (signature === "") msg += "Authorization header requires 'Signature' parameter. ";
  if (signedHeaders === "") msg += "Authorization header requires 'SignedHeaders' parameter. ";
  if (date === undefined) msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (msg !== "" || date === undefined) throw incomplete(`${msg}Authorization=${auth}`);
  return { presigned: false, algorithm, credential, signedHeaders, signature, date };
}

function fromQuery(params: Pair[]): Signature {
  const sig: Signature = { presigned: true, algorithm: "", credential: "", signedHeaders: "", signature: "", date: "" };
  for (const [k, v] of params) {
    if (k === "X-Amz-Algorithm") sig.algorithm = v;
    else if (k === "X-Amz-Credential") sig.credential = v;
    else if (k === "X-Amz-Signature") sig.signature = v;
    else if (k === "X-Amz-SignedHeaders") sig.signedHeaders = v;
    else if (k === "X-Amz-Date") sig.date = v;
    else if (k === "X-Amz-Expires") sig.expires = v;
  }
  let msg = "";
  if (sig.algorithm === "") msg += "AWS query-string parameters must include 'X-Amz-Algorithm'. ";
  if (sig.credential === "") msg += "AWS query-string parameters must include 'X-Amz-Credential'. ";
  if (sig.signature === "") msg += "AWS query-string parameters must include 'X-Amz-Signature'. ";
  if (sig.signedHeaders === "") msg += "AWS query-string parameters must include 'X-Amz-SignedHeaders'. ";
  if (sig.date === "") msg += "AWS query-string parameters must include 'X-Amz-Date'. ";
  if (msg !== "") throw incomplete(`${msg}Re-examine the query-string parameters.`);
  return sig;
}

function checkTime(sig: Signature, time: number, nowMs: number): void {
  if (time - nowMs > MAX_SKEW_MS) {
    const later = amzDate(nowMs + MAX_SKEW_MS);
    throw mismatch(`Signature not yet current: ${sig.date} is still later than ${later} (${amzDate(nowMs)} + 15 min.)`);
  }
  if (sig.expires !== undefined) {
    if (!DIGITS.test(sig.expires)) throw incomplete("X-Amz-Expires should be a number");
    const seconds = Number(sig.expires);
    if (seconds > MAX_EXPIRES_S) throw incomplete(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_S}`);
    if (nowMs > time + seconds * 1000) throw expired();
  } else if (nowMs - time > MAX_SKEW_MS) {
    const earlier = amzDate(nowMs - MAX_SKEW_MS);
    throw mismatch(`Signature expired: ${sig.date} is now earlier than ${earlier} (${amzDate(nowMs)} - 15 min.)`);
  }
}

// --- signing ------------------------------------------------------------------------------------------------

const signingKeys = new Map<string, Buffer>();

/**
 * HMAC-SHA256 with a fixed key as two one-shot hashes over precomputed pad blocks (RFC 2104): the same bytes as
 * createHmac, without constructing an Hmac object and its key schedule per request (which was most of SigV4's
 * CPU in the server's profile, bench/sqs-profile.md, fourth pass). The scratch buffers are reused: hash() is
 * synchronous and the loop is single-threaded. Both hashes answer in hex: node's one-shot hash() costs about three
 * times as much with a Buffer answer (a new external buffer each) as with a hex string (sixth pass).
 */
export class HmacKey {
  private inner: Buffer;
  private readonly outer = Buffer.alloc(64 + 32);

  constructor(key: Buffer) {
    // Keys longer than the block are hashed first (RFC 2104 §2); a SigV4 signing key is 32 bytes.
    const k = key.length > 64 ? digest("sha256", key, "buffer") : key;
    this.inner = Buffer.alloc(64 + 256);
    for (let i = 0; i < 64; i++) {
      const b = i < k.length ? k[i] : 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /** The HMAC of `data` (UTF-8), in lower-case hex. */
  sign(data: string): string {
    if (64 + data.length * 3 > this.inner.length) {
      const grown = Buffer.alloc(64 + data.length * 3);
      this.inner.copy(grown, 0, 0, 64);
      this.inner = grown;
    }
    const n = this.inner.write(data, 64, "utf8");
    this.outer.write(digest("sha256", this.inner.subarray(0, 64 + n), "hex"), 64, "hex");
    return digest("sha256", this.outer, "hex");
  }
}

/** Whether a provided signature (64 hex digits, either case) equals an expected one (lower-case hex), in constant time. */
export function sameSignature(provided: string, expected: string): boolean {
  if (provided.length !== 64 || expected.length !== 64) return false;
  let diff = 0;
  for (let i = 0; i < 64; i++) {
    const c = provided.charCodeAt(i);
    // Anything but a hex digit fails the match; | 0x20 then lower-cases A–F and leaves 0–9 as they are.
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) diff = 1;
    diff |= (c | 0x20) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), TERMINATOR);
    if (signingKeys.size >= 1000) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** What a Credential=… value names, checked once per distinct value: the key, scope parts and signing key. */
interface Scope {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  accountId: string;
  kSigning: HmacKey;
  /** The credential scope as it goes into the string to sign (credential without the key id). */
  scope: string;
}

/** Per credential store (servers in one process have their own keys): checked credentials to their scope. */
const scopeCache = new WeakMap<CredentialStore, Map<string, Scope>>();

/**
 * Splits and checks a credential and the request date against its scope (errors as AWS words them, in AWS's
 * order); a credential of a known key is remembered, so later requests skip the parsing and the key chain.
 */
function scopeFor(credential: string, date: string, creds: CredentialStore): Scope {
  let cache = scopeCache.get(creds);
  if (cache === undefined) scopeCache.set(creds, (cache = new Map()));
  const hit = cache.get(credential);
  if (hit !== undefined) {
    checkScopeDate(hit.scopeDate, date);
    return hit;
  }
  const parts = credential.split("/");
  if (parts.length !== 5) {
    throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  if (terminator !== TERMINATOR) {
    throw mismatch(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`);
  }
  checkScopeDate(scopeDate, date);
  const key = creds.lookup(accessKeyId);
  if (key === undefined) throw unknownKey();
  const scope: Scope = {
    accessKeyId, scopeDate, region, service, accountId: key.accountId,
    kSigning: new HmacKey(signingKey(key.secretAccessKey, scopeDate, region, service)), scope: credential.slice(accessKeyId.length + 1),
  };
  if (cache.size >= 1000) cache.clear();
  cache.set(credential, scope);
  return scope;
}

function checkScopeDate(scopeDate: string, date: string): void {
  if (scopeDate.length === 8 && date.startsWith(scopeDate)) return;
  throw mismatch(
    `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${date.slice(0, 8)}', from '${date}'.`,
  );
}

// --- entry points -------------------------------------------------------------------------------------------

/** Verifies the request's SigV4 signature and returns who sent it; throws a 403 AwsError when it does not hold. */
export function verifySigV4(req: SigningInput, creds: CredentialStore, nowMs: number): Caller {
  const headers = req.headers ?? headerMap(req.rawHeaders);
  const auth = headers.get("authorization");
  if (creds.anonymous) {
    const scope = scopeOf(auth, req.query);
    if (scope === undefined) return { accessKeyId: "anonymous", accountId: DEFAULT_ACCOUNT, region: "us-east-1", service: "", signed: false };
    return { ...scope, accountId: CredentialStore.anonymousAccount(scope.accessKeyId), signed: true };
  }

  const params = parseQuery(req.query);
  const presigned = params.some((p) => p[0] === "X-Amz-Algorithm");
  if (presigned && auth !== undefined) {
    throw mismatch("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  let sig: Signature;
  if (presigned) sig = fromQuery(params);
  else if (auth?.startsWith("AWS4-")) sig = fromAuthorization(auth, headers);
  else throw missingToken();

  const time = parseAmzDate(sig.date);
  if (Number.isNaN(time)) throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${sig.date}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  checkTime(sig, time, nowMs);
  const signed = sig.signedHeaders.split(";");
  if (!signed.includes("host") && !signed.includes(":authority")) {
    throw mismatch("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (sig.algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${sig.algorithm}' (only ${ALGORITHM} for now).`);
  const { accessKeyId, region, service, accountId, kSigning, scope } = scopeFor(sig.credential, sig.date, creds);
  // A credential scoped to another service is refused before the signature is computed; AWS answers
  // "Credential should be scoped to correct service: 'batch'. " (aws-signing-proxy issue 25, a response from AWS).
  if (req.service !== undefined && service !== req.service) throw mismatch(`Credential should be scoped to correct service: '${req.service}'. `);

  if (sig.signature.length !== 64) throw mismatch();
  const stringToSignHead = `${ALGORITHM}\n${sig.date}\n${scope}\n`;
  const rest = `\n${canonicalQuery(params)}\n${canonicalHeaders(headers, signed)}\n${sig.signedHeaders}\n`;

  // What clients sign differs in a few places; try each plausible canonical request (almost always one).
  const paths = [req.path];
  const normalized = normalizePath(req.path);
  if (req.path !== "" && normalized !== req.path) paths.push(normalized);
  const payloads = sig.presigned ? [req.bodySha256, UNSIGNED_PAYLOAD] : [req.bodySha256];
  for (const path of paths) {
    const head = `${req.method}\n${canonicalUri(path)}${rest}`;
    for (const payload of payloads) {
      const hash = digest("sha256", head + payload, "hex");
      if (sameSignature(sig.signature, kSigning.sign(stringToSignHead + hash))) return { accessKeyId, accountId, region, service, signed: true };
    }
  }
  throw mismatch();
}

/** Region/service from the credential scope without verifying (for routing); undefined when the request is unsigned. */
export function readScope(req: { query: string; rawHeaders: string[] }): { accessKeyId: string; region: string; service: string } | undefined {
  let auth: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === "authorization") {
      auth = raw[i + 1];
      break;
    }
  }
  return scopeOf(auth, req.query);
}

function scopeOf(auth: string | undefined, query: string): { accessKeyId: string; region: string; service: string } | undefined {
  let credential: string | undefined;
  if (auth?.startsWith("AWS4-")) {
    const at = auth.indexOf("Credential=");
    if (at >= 0) {
      const end = auth.indexOf(",", at);
      credential = auth.slice(at + 11, end < 0 ? auth.length : end).trim();
    }
  } else if (query.includes("X-Amz-Credential=")) {
    for (const part of query.split("&")) {
      if (part.startsWith("X-Amz-Credential=")) credential = decode(part.slice(17));
    }
  }
  const parts = credential?.split("/");
  if (parts === undefined || parts.length !== 5) return undefined;
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}
