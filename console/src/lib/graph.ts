// A state machine's definition as a graph, and an execution's path through it (ADR 0032). Pure: no DOM.
// Layout: states are placed in layers by their shortest distance from StartAt (breadth first over Next, Default,
// Choices[].Next and Catch[].Next), states in a layer side by side in the order they were reached; states no
// transition reaches go in a last layer. Parallel branches and Map iterators are drawn as one node each.

export interface GraphNode {
  name: string;
  type: string;
  layer: number;
  index: number;
  x: number;
  y: number;
  end: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: "next" | "choice" | "default" | "catch";
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_W = 160;
export const NODE_H = 40;
const GAP_X = 30;
const GAP_Y = 50;

type State = Record<string, unknown>;

function targets(state: State): { to: string; kind: GraphEdge["kind"] }[] {
  const out: { to: string; kind: GraphEdge["kind"] }[] = [];
  if (typeof state.Next === "string") out.push({ to: state.Next, kind: "next" });
  if (Array.isArray(state.Choices)) {
    for (const c of state.Choices as State[]) if (typeof c?.Next === "string") out.push({ to: c.Next, kind: "choice" });
  }
  if (typeof state.Default === "string") out.push({ to: state.Default, kind: "default" });
  if (Array.isArray(state.Catch)) {
    for (const c of state.Catch as State[]) if (typeof c?.Next === "string") out.push({ to: c.Next, kind: "catch" });
  }
  return out;
}

/** The graph of a definition (its JSON text or parsed value); throws when it is not an ASL object with States. */
export function layoutDefinition(definition: string | Record<string, unknown>): Graph {
  const def = typeof definition === "string" ? (JSON.parse(definition) as Record<string, unknown>) : definition;
  const states = def?.States as Record<string, State> | undefined;
  if (!states || typeof states !== "object") throw new Error("The definition has no States");
  const names = Object.keys(states);
  const layerOf = new Map<string, number>();
  const start = typeof def.StartAt === "string" && names.includes(def.StartAt) ? def.StartAt : names[0];
  const order: string[] = [];
  if (start !== undefined) {
    layerOf.set(start, 0);
    const queue = [start];
    while (queue.length > 0) {
      const n = queue.shift()!;
      order.push(n);
      for (const t of targets(states[n] ?? {})) {
        if (!layerOf.has(t.to) && t.to in states) {
          layerOf.set(t.to, layerOf.get(n)! + 1);
          queue.push(t.to);
        }
      }
    }
  }
  const deepest = Math.max(-1, ...layerOf.values());
  for (const n of names) {
    if (!layerOf.has(n)) {
      layerOf.set(n, deepest + 1);
      order.push(n);
    }
  }
  const perLayer = new Map<number, number>();
  const nodes: GraphNode[] = order.map((name) => {
    const layer = layerOf.get(name)!;
    const index = perLayer.get(layer) ?? 0;
    perLayer.set(layer, index + 1);
    const s = states[name] ?? {};
    const type = typeof s.Type === "string" ? s.Type : "?";
    return { name, type, layer, index, x: 0, y: layer * (NODE_H + GAP_Y) + 10, end: s.End === true || type === "Succeed" || type === "Fail" };
  });
  const widest = Math.max(1, ...perLayer.values());
  const width = widest * (NODE_W + GAP_X) + GAP_X;
  for (const node of nodes) {
    const count = perLayer.get(node.layer)!;
    const rowWidth = count * NODE_W + (count - 1) * GAP_X;
    node.x = Math.round((width - rowWidth) / 2 + node.index * (NODE_W + GAP_X));
  }
  const edges: GraphEdge[] = [];
  for (const name of names) {
    for (const t of targets(states[name] ?? {})) if (t.to in states) edges.push({ from: name, to: t.to, ...{ kind: t.kind } });
  }
  const layers = Math.max(0, ...nodes.map((n) => n.layer)) + 1;
  return { nodes, edges, width, height: layers * (NODE_H + GAP_Y) + 10 };
}

export type StepStatus = "succeeded" | "failed" | "running" | "caught";

export interface HistoryEvent {
  id?: number;
  type?: string;
  timestamp?: Date | string;
  stateEnteredEventDetails?: { name?: string; input?: string };
  stateExitedEventDetails?: { name?: string; output?: string };
  [key: string]: unknown;
}

export interface Step {
  name: string;
  status: StepStatus;
  input?: string;
  output?: string;
  entered?: Date | string;
  exited?: Date | string;
}

/**
 * The states an execution went through, in order, from its history: entered and exited states succeeded, a state
 * entered and never exited is running, or failed when a failure event follows it (…Failed, …TimedOut, …Aborted).
 * A redrive (ExecutionRedriven) sets the failed states running again.
 * Only top-level states count (events inside a Parallel or Map branch are skipped by name: not in `known`).
 */
export function executionPath(events: HistoryEvent[], known?: Set<string>): Step[] {
  const steps: Step[] = [];
  const open = new Map<string, Step>();
  let last: Step | undefined;
  for (const e of events) {
    const type = e.type ?? "";
    if (type.endsWith("StateEntered") && e.stateEnteredEventDetails?.name) {
      const name = e.stateEnteredEventDetails.name;
      if (known && !known.has(name)) continue;
      const step: Step = { name, status: "running", input: e.stateEnteredEventDetails.input, entered: e.timestamp };
      steps.push(step);
      open.set(name, step);
      last = step;
    } else if (type.endsWith("StateExited") && e.stateExitedEventDetails?.name) {
      const step = open.get(e.stateExitedEventDetails.name);
      if (step) {
        step.status = step.status === "failed" ? "caught" : "succeeded";
        step.output = e.stateExitedEventDetails.output;
        step.exited = e.timestamp;
        open.delete(step.name);
      }
    } else if (type === "ExecutionRedriven") {
      // A redrive resumes the states that failed (RedriveExecution API reference): running again until they exit.
      for (const step of open.values()) if (step.status === "failed") step.status = "running";
    } else if (/(Failed|TimedOut|Aborted)$/.test(type) && last && last.status === "running") {
      last.status = "failed";
    }
  }
  return steps;
}
