// Which protocol a request speaks and which operation it names, from what it carries: X-Amz-Target
// (AWS JSON), or a form-encoded body / query string with Action (query protocol). Knows no services.

export type Detected =
  | { protocol: "json"; prefix: string; operation: string; contentType: string }
  | { protocol: "query"; action: string | undefined; params: URLSearchParams }
  | { protocol: "unknown" };

export function header(rawHeaders: string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

export function detect(method: string, query: string, contentType: string | undefined, target: string | undefined, body: Buffer): Detected {
  const ct = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (target) {
    const dot = target.lastIndexOf(".");
    return {
      protocol: "json",
      prefix: dot >= 0 ? target.slice(0, dot) : target,
      operation: dot >= 0 ? target.slice(dot + 1) : "",
      contentType: ct.startsWith("application/x-amz-json-") ? ct : "application/x-amz-json-1.0",
    };
  }
  if (ct === "application/x-www-form-urlencoded" || (method === "GET" && query.includes("Action="))) {
    const params = new URLSearchParams(query);
    if (ct === "application/x-www-form-urlencoded" && body.length > 0) {
      for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params.append(k, v);
    }
    return { protocol: "query", action: params.get("Action") ?? undefined, params };
  }
  return { protocol: "unknown" };
}
