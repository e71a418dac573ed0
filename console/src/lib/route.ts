// Hash routing (ADR 0032): every view has a bookmarkable URL of the form #/<pane>[/<resource>[/<sub>]], where the
// resource is its ARN, percent-encoded as one segment (a bus or stream may also be named by its name). Pure: no DOM.

export const PANES = ["queues", "topics", "buses", "streams", "statemachines"] as const;
export type Pane = (typeof PANES)[number];

export interface Route {
  pane: Pane;
  /** The selected resource: its ARN. */
  id?: string;
  /** A view inside the resource, e.g. an execution ARN under a state machine. */
  sub?: string;
}

export const PANE_TITLES: Record<Pane, string> = {
  queues: "Queues",
  topics: "Topics",
  buses: "Event buses",
  streams: "Streams",
  statemachines: "State machines",
};

/** The route a location hash names; anything unknown is the queues list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/^\//, "");
  const parts = path.split("/").filter((p) => p !== "");
  const pane = (PANES as readonly string[]).includes(parts[0] ?? "") ? (parts[0] as Pane) : "queues";
  const decode = (s: string | undefined) => {
    if (s === undefined) return undefined;
    try {
      return decodeURIComponent(s);
    } catch {
      return undefined;
    }
  };
  const route: Route = { pane };
  if (pane !== parts[0]) return route;
  const id = decode(parts[1]);
  if (id) route.id = id;
  const sub = decode(parts[2]);
  if (id && sub) route.sub = sub;
  return route;
}

/** The hash for a route (the inverse of parseRoute). */
export function formatRoute(r: Route): string {
  let s = `#/${r.pane}`;
  if (r.id) {
    s += `/${encodeURIComponent(r.id)}`;
    if (r.sub) s += `/${encodeURIComponent(r.sub)}`;
  }
  return s;
}

/** The pane a keyboard digit (1-5) opens, for the keyboard shortcuts. */
export function paneForKey(key: string): Pane | undefined {
  const n = Number(key);
  return Number.isInteger(n) && n >= 1 && n <= PANES.length ? PANES[n - 1] : undefined;
}
