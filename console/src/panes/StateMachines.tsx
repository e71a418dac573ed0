// State machines (Step Functions): the definition drawn as a graph, executions filtered by status, start, stop and
// redrive, and an execution's path coloured on the graph with its history as a timeline of each state's input and
// output.
import { useState } from "react";
import {
  CreateStateMachineCommand, DescribeExecutionCommand, DescribeStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand,
  ListStateMachinesCommand, RedriveExecutionCommand, StartExecutionCommand, StopExecutionCommand, type ExecutionStatus, type HistoryEvent as SfnEvent,
} from "@aws-sdk/client-sfn";
import type { Clients } from "../aws.ts";
import { arnName } from "../lib/arn.ts";
import { formatTime } from "../lib/format.ts";
import { executionPath, layoutDefinition, NODE_H, NODE_W, type Graph, type HistoryEvent, type Step } from "../lib/graph.ts";
import type { Route } from "../lib/route.ts";
import { Action, ErrorLine, Field, Form, Json, KeyValues, Link, MetricCharts, Section, useLoad } from "../ui.tsx";

export function StateMachines({ clients, route }: { clients: Clients; route: Route }) {
  if (route.id && route.sub) return <ExecutionDetail key={route.sub} clients={clients} machineArn={route.id} arn={route.sub} />;
  return route.id ? <MachineDetail key={route.id} clients={clients} arn={route.id} /> : <MachineList clients={clients} />;
}

const EXAMPLE = JSON.stringify({ StartAt: "Hello", States: { Hello: { Type: "Pass", Result: { hello: "world" }, Next: "Done" }, Done: { Type: "Succeed" } } }, null, 2);

function MachineList({ clients }: { clients: Clients }) {
  const { data, error, reload } = useLoad(async () => (await clients.sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }))).stateMachines ?? [], [clients], 5000);
  return (
    <>
      <Section title="State machines">
        <ErrorLine error={error} />
        <div className="table-wrap">
          <table data-testid="machine-list">
            <thead><tr><th>Name</th><th>Type</th><th>Created</th></tr></thead>
            <tbody>
              {(data ?? []).map((m) => <tr key={m.stateMachineArn}><td><Link to={{ pane: "statemachines", id: m.stateMachineArn! }}>{m.name}</Link></td><td>{m.type}</td><td>{formatTime(m.creationDate)}</td></tr>)}
              {data && data.length === 0 ? <tr><td colSpan={3} className="empty">No state machines.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Create a state machine">
        <Form
          label="Create"
          testId="create-machine"
          submit={(v) => clients.sfn.send(new CreateStateMachineCommand({ name: v.name.trim(), definition: v.definition, roleArn: `arn:aws:iam::${clients.account}:role/mailroom`, type: v.type as "STANDARD" | "EXPRESS" }))}
          onDone={() => void reload()}
        >
          <div className="grid"><Field label="Name" name="name" required /><Field label="Type" name="type" options={["STANDARD", "EXPRESS"]} /></div>
          <Field label="Definition (Amazon States Language)" name="definition" textarea rows={8} value={EXAMPLE} />
        </Form>
      </Section>
    </>
  );
}

const STATUSES = ["ALL", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

function MachineDetail({ clients, arn }: { clients: Clients; arn: string }) {
  const { data: machine, error } = useLoad(async () => clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })), [arn, clients]);
  const [status, setStatus] = useState("ALL");
  const { data: executions, reload } = useLoad(
    async () => (await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: status === "ALL" ? undefined : (status as ExecutionStatus), maxResults: 100 }))).executions ?? [],
    [arn, status, clients],
    2000,
  );
  const [started, setStarted] = useState<string | undefined>();
  let graph: Graph | undefined;
  try {
    graph = machine?.definition ? layoutDefinition(machine.definition) : undefined;
  } catch {
    graph = undefined;
  }
  return (
    <>
      <nav className="crumbs"><Link to={{ pane: "statemachines" }}>State machines</Link> / <span>{arnName(arn)}</span></nav>
      <Section title={arnName(arn)}>
        <ErrorLine error={error} />
        {machine ? <KeyValues values={{ ARN: <code>{arn}</code>, Type: machine.type, Status: machine.status, Created: formatTime(machine.creationDate) }} /> : null}
        {graph ? <GraphView graph={graph} /> : null}
        <MetricCharts clients={clients} namespace="AWS/States" dimensions={[{ Name: "StateMachineArn", Value: arn }]} metrics={[
          { label: "Started", name: "ExecutionsStarted", stat: "Sum" },
          { label: "Succeeded", name: "ExecutionsSucceeded", stat: "Sum" },
          { label: "Failed", name: "ExecutionsFailed", stat: "Sum" },
        ]} />
        <details><summary>Definition</summary><Json text={machine?.definition} /></details>
      </Section>
      <Section title="Start an execution">
        <Form
          label="Start execution"
          testId="start-execution"
          submit={async (v) => (await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: v.name.trim() || undefined, input: v.input || "{}" }))).executionArn}
          onDone={(r) => {
            setStarted(r as string);
            void reload();
          }}
        >
          <Field label="Name (optional)" name="name" />
          <Field label="Input (JSON)" name="input" textarea rows={3} value="{}" />
        </Form>
        {started ? <p>Started <Link to={{ pane: "statemachines", id: arn, sub: started }} testId="started-execution">{arnName(started)}</Link></p> : null}
      </Section>
      <Section title="Executions" actions={<select aria-label="Status filter" value={status} onChange={(e) => setStatus(e.target.value)}>{STATUSES.map((s) => <option key={s}>{s}</option>)}</select>}>
        <div className="table-wrap">
          <table data-testid="executions">
            <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Stopped</th></tr></thead>
            <tbody>
              {(executions ?? []).map((e) => (
                <tr key={e.executionArn}>
                  <td><Link to={{ pane: "statemachines", id: arn, sub: e.executionArn! }}>{e.name}</Link></td>
                  <td><span className={`state ${e.status?.toLowerCase()}`}>{e.status}</span></td>
                  <td>{formatTime(e.startDate)}</td>
                  <td>{formatTime(e.stopDate)}</td>
                </tr>
              ))}
              {executions && executions.length === 0 ? <tr><td colSpan={4} className="empty">No executions.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Section>
    </>
  );
}

/** The definition's graph; `path` colours the states an execution went through by their outcome. */
function GraphView({ graph, path }: { graph: Graph; path?: Step[] }) {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const status = new Map<string, string>();
  for (const s of path ?? []) status.set(s.name, s.status);
  const visitedEdges = new Set<string>();
  for (let i = 1; i < (path?.length ?? 0); i++) visitedEdges.add(`${path![i - 1].name}>${path![i].name}`);
  return (
    <div className="graph-wrap">
      <svg className="graph" width={graph.width} height={graph.height} viewBox={`0 0 ${graph.width} ${graph.height}`} role="img" aria-label="State machine graph" data-testid="graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor" /></marker>
        </defs>
        {graph.edges.map((e) => {
          const a = byName.get(e.from)!;
          const b = byName.get(e.to)!;
          const x1 = a.x + NODE_W / 2;
          const y1 = a.y + NODE_H;
          const x2 = b.x + NODE_W / 2;
          const y2 = b.layer > a.layer ? b.y : b.y + NODE_H / 2;
          const d = b.layer > a.layer ? `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}` : `M${x1},${y1} C${x1 + 80},${y1 + 40} ${b.x + NODE_W + 40},${y2} ${b.x + NODE_W},${y2}`;
          return <path key={`${e.from}>${e.to}>${e.kind}`} d={d} className={`edge ${e.kind} ${visitedEdges.has(`${e.from}>${e.to}`) ? "visited" : ""}`} markerEnd="url(#arrow)" />;
        })}
        {graph.nodes.map((n) => (
          <g key={n.name} transform={`translate(${n.x},${n.y})`} className={`node ${status.get(n.name) ?? ""}`} data-state={n.name} data-status={status.get(n.name) ?? "none"}>
            <rect width={NODE_W} height={NODE_H} rx={n.type === "Choice" ? 18 : 6} />
            <text x={NODE_W / 2} y={17} textAnchor="middle" className="node-name">{n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name}</text>
            <text x={NODE_W / 2} y={32} textAnchor="middle" className="node-type">{n.type}</text>
          </g>
        ))}
      </svg>
    </div>
  );
}

function ExecutionDetail({ clients, machineArn, arn }: { clients: Clients; machineArn: string; arn: string }) {
  const { data: exec, error, reload } = useLoad(async () => clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn })), [arn, clients], 1500);
  const { data: machine } = useLoad(async () => clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn })), [machineArn, clients]);
  const { data: events } = useLoad(async () => {
    const all: SfnEvent[] = [];
    let token: string | undefined;
    do {
      const out = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000, nextToken: token }));
      all.push(...(out.events ?? []));
      token = out.nextToken;
    } while (token && all.length < 25000);
    return all;
  }, [arn, clients], 1500);
  let graph: Graph | undefined;
  try {
    graph = machine?.definition ? layoutDefinition(machine.definition) : undefined;
  } catch {
    graph = undefined;
  }
  const path = events && graph ? executionPath(events as HistoryEvent[], new Set(graph.nodes.map((n) => n.name))) : [];
  const running = exec?.status === "RUNNING";
  return (
    <>
      <nav className="crumbs"><Link to={{ pane: "statemachines" }}>State machines</Link> / <Link to={{ pane: "statemachines", id: machineArn }}>{arnName(machineArn)}</Link> / <span>{arnName(arn)}</span></nav>
      <Section
        title={`Execution ${arnName(arn)}`}
        actions={
          <>
            {running ? <Action label="Stop" confirm="Stop this execution?" danger testId="stop-execution" run={() => clients.sfn.send(new StopExecutionCommand({ executionArn: arn, cause: "Stopped from the console" }))} onDone={() => void reload()} /> : null}
            {exec && ["FAILED", "TIMED_OUT", "ABORTED"].includes(exec.status ?? "") ? <Action label="Redrive" testId="redrive-execution" run={() => clients.sfn.send(new RedriveExecutionCommand({ executionArn: arn }))} onDone={() => void reload()} /> : null}
          </>
        }
      >
        <ErrorLine error={error} />
        {exec ? <KeyValues values={{ Status: <span className={`state ${exec.status?.toLowerCase()}`} data-testid="execution-status">{exec.status}</span>, Started: formatTime(exec.startDate), Stopped: formatTime(exec.stopDate), Error: exec.error, Cause: exec.cause, "Redrive count": String(exec.redriveCount ?? 0) }} /> : null}
        {graph ? <GraphView graph={graph} path={path} /> : null}
        {exec ? <div className="io"><div><h3>Input</h3><Json text={exec.input} /></div><div><h3>Output</h3><Json text={exec.output} /></div></div> : null}
      </Section>
      <Section title="Timeline">
        <ol className="timeline" data-testid="timeline">
          {path.map((s, i) => (
            <li key={i} className={s.status}>
              <details>
                <summary><b>{s.name}</b> <span className={`state ${s.status}`}>{s.status}</span> <span className="muted">{formatTime(s.entered)}{s.exited ? ` → ${formatTime(s.exited)}` : ""}</span></summary>
                <div className="io"><div><h3>Input</h3><Json text={s.input} /></div><div><h3>Output</h3><Json text={s.output} /></div></div>
              </details>
            </li>
          ))}
        </ol>
        <details><summary>All {events?.length ?? 0} history events</summary>
          <ol className="events">{(events ?? []).map((e) => <li key={e.id}><code>{e.id}</code> {e.type} <span className="muted">{formatTime(e.timestamp)}</span></li>)}</ol>
        </details>
      </Section>
    </>
  );
}
