// Trusting Mailroom's TLS certificate in tests: fetch its PEM from /_mailroom/tls/certificate.pem over plain
// HTTP on the same port, then make https requests that trust it.
import https from "node:https";

const cas = new Map<string, Promise<string>>();

/** The PEM of the server's TLS certificate; url is any http(s) URL on that server. */
export function mailroomCa(url: string): Promise<string> {
  const u = new URL(url);
  const origin = `http://${u.host}`;
  let ca = cas.get(origin);
  if (!ca) {
    ca = fetch(`${origin}/_mailroom/tls/certificate.pem`).then((r) => r.text());
    cas.set(origin, ca);
  }
  return ca;
}

/** GET an https URL on a Mailroom server, trusting its certificate; the body as text. */
export async function httpsText(url: string): Promise<{ status: number; body: string }> {
  const ca = await mailroomCa(url);
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    }).on("error", reject);
  });
}
