// Event buses (EventBridge): buses, their rules and targets, an event pattern tester (TestEventPattern, answered by
// the server's matcher), PutEvents, archives and replays with a progress bar (DescribeReplay's last replayed time
// between the replay's start and end).
import { useState } from "react";
import {
  CancelReplayCommand, CreateArchiveCommand, CreateEventBusCommand, DescribeReplayCommand, ListArchivesCommand, ListEventBusesCommand,
  ListReplaysCommand, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, StartReplayCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import type { Clients } from "../aws.ts";
import { arnName } from "../lib/arn.ts";
import { formatTime, progressPercent } from "../lib/format.ts";
import type { Route } from "../lib/route.ts";
import { Action, ErrorLine, Field, Form, Json, Link, MetricCharts, Progress, Section, useLoad } from "../ui.tsx";

export function Buses({ clients, route }: { clients: Clients; route: Route }) {
  if (!route.id) return <BusList clients={clients} />;
  // The route names the bus by its ARN (a plain name is read as a bus of the signed-in account).
  const arn = route.id.startsWith("arn:") ? route.id : `arn:aws:events:${clients.region}:${clients.account}:event-bus/${route.id}`;
  return <BusDetail key={arn} clients={clients} busArn={arn} />;
}

function BusList({ clients }: { clients: Clients }) {
  const { data, error, reload } = useLoad(async () => (await clients.events.send(new ListEventBusesCommand({}))).EventBuses ?? [], [clients], 5000);
  return (
    <>
      <Section title="Event buses">
        <ErrorLine error={error} />
        <div className="table-wrap">
          <table data-testid="bus-list">
            <thead><tr><th>Name</th><th>ARN</th></tr></thead>
            <tbody>
              {(data ?? []).map((b) => (
                <tr key={b.Arn}><td><Link to={{ pane: "buses", id: b.Arn! }}>{b.Name}</Link></td><td><code>{b.Arn}</code></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Create an event bus">
        <Form label="Create bus" submit={(v) => clients.events.send(new CreateEventBusCommand({ Name: v.name.trim() }))} onDone={() => void reload()}>
          <Field label="Name" name="name" required />
        </Form>
      </Section>
    </>
  );
}

function BusDetail({ clients, busArn }: { clients: Clients; busArn: string }) {
  const name = arnName(busArn);
  // EventBusName takes the bus's name or ARN (EventBridge API reference): the ARN reaches another account's bus too.
  const { data: rules, error, reload } = useLoad(async () => {
    const out = await clients.events.send(new ListRulesCommand({ EventBusName: busArn }));
    return Promise.all((out.Rules ?? []).map(async (r) => ({
      rule: r,
      targets: (await clients.events.send(new ListTargetsByRuleCommand({ Rule: r.Name!, EventBusName: busArn })).catch(() => undefined))?.Targets ?? [],
    })));
  }, [busArn, clients], 5000);
  return (
    <>
      <nav className="crumbs"><Link to={{ pane: "buses" }}>Event buses</Link> / <span>{name}</span></nav>
      <Section title={`Rules on ${name}`}>
        <ErrorLine error={error} />
        <div className="table-wrap">
          <table data-testid="rules">
            <thead><tr><th>Rule</th><th>State</th><th>Pattern or schedule</th><th>Targets</th></tr></thead>
            <tbody>
              {(rules ?? []).map(({ rule, targets }) => (
                <tr key={rule.Name}>
                  <td>{rule.Name}</td>
                  <td>{rule.State}</td>
                  <td>{rule.EventPattern ? <Json text={rule.EventPattern} /> : rule.ScheduleExpression}</td>
                  <td>{targets.map((t) => <div key={t.Id}>{t.Id}: {t.Arn?.startsWith("arn:aws:sqs:") ? <Link to={{ pane: "queues", id: t.Arn }}>{arnName(t.Arn)}</Link> : <code>{t.Arn}</code>}</div>)}</td>
                </tr>
              ))}
              {rules && rules.length === 0 ? <tr><td colSpan={4} className="empty">No rules.</td></tr> : null}
            </tbody>
          </table>
        </div>
        <h3>Add a rule</h3>
        <Form
          label="Put rule"
          testId="put-rule"
          submit={async (v) => {
            await clients.events.send(new PutRuleCommand({ Name: v.name.trim(), EventBusName: busArn, EventPattern: v.pattern }));
            if (v.target.trim()) await clients.events.send(new PutTargetsCommand({ Rule: v.name.trim(), EventBusName: busArn, Targets: [{ Id: "t1", Arn: v.target.trim() }] }));
          }}
          onDone={() => void reload()}
        >
          <div className="grid"><Field label="Name" name="name" required /><Field label="Target ARN (optional)" name="target" /></div>
          <Field label="Event pattern" name="pattern" textarea rows={3} value='{"source": ["my.app"]}' />
        </Form>
        <MetricCharts clients={clients} namespace="AWS/Events" dimensions={[{ Name: "EventBusName", Value: name }]} metrics={[
          { label: "Invocations", name: "Invocations", stat: "Sum" },
          { label: "Matched events", name: "MatchedEvents", stat: "Sum" },
          { label: "Failed invocations", name: "FailedInvocations", stat: "Sum" },
        ]} />
      </Section>
      <PatternTester clients={clients} />
      <Section title="Put an event">
        <Form
          label="Put event"
          testId="put-event"
          submit={async (v) => {
            const out = await clients.events.send(new PutEventsCommand({ Entries: [{ EventBusName: busArn, Source: v.source, DetailType: v.detailType, Detail: v.detail }] }));
            if (out.FailedEntryCount) throw new Error(`${out.Entries?.[0]?.ErrorCode}: ${out.Entries?.[0]?.ErrorMessage}`);
          }}
        >
          <div className="grid"><Field label="Source" name="source" value="my.app" required /><Field label="Detail type" name="detailType" value="example" required /></div>
          <Field label="Detail (JSON)" name="detail" textarea rows={3} value='{"kind": "order"}' />
        </Form>
      </Section>
      <Archives clients={clients} busArn={busArn} />
    </>
  );
}

function PatternTester({ clients }: { clients: Clients }) {
  const [result, setResult] = useState<boolean | undefined>();
  const sample = JSON.stringify({ id: "1", "detail-type": "example", source: "my.app", account: clients.account, time: new Date(0).toISOString(), region: clients.region, resources: [], detail: { kind: "order" } }, null, 2);
  return (
    <Section title="Event pattern tester">
      <Form
        label="Test pattern"
        testId="pattern-tester"
        submit={async (v) => {
          setResult(undefined);
          const out = await clients.events.send(new TestEventPatternCommand({ EventPattern: v.pattern, Event: v.event }));
          setResult(out.Result === true);
        }}
      >
        <Field label="Event pattern" name="pattern" textarea rows={3} value='{"source": ["my.app"], "detail": {"kind": ["order"]}}' />
        <Field label="Event" name="event" textarea rows={8} value={sample} />
      </Form>
      {result !== undefined ? <div className={result ? "verdict reach" : "verdict miss"} data-testid="pattern-verdict">{result ? "✓ The pattern matches the event" : "✗ The pattern does not match the event"}</div> : null}
    </Section>
  );
}

function Archives({ clients, busArn }: { clients: Clients; busArn: string }) {
  const { data: archives, reload } = useLoad(async () => (await clients.events.send(new ListArchivesCommand({ EventSourceArn: busArn }))).Archives ?? [], [busArn, clients], 5000);
  const { data: replays, reload: reloadReplays } = useLoad(async () => {
    const list = (await clients.events.send(new ListReplaysCommand({}))).Replays ?? [];
    const names = new Set((archives ?? []).map((a) => a.ArchiveName));
    const mine = list.filter((r) => r.EventSourceArn && names.has(arnName(r.EventSourceArn)));
    return Promise.all(mine.map(async (r) => (await clients.events.send(new DescribeReplayCommand({ ReplayName: r.ReplayName! })).catch(() => undefined)) ?? r));
  }, [archives, clients], 1000);
  return (
    <Section title="Archives and replays">
      <div className="table-wrap">
        <table data-testid="archives">
          <thead><tr><th>Archive</th><th>State</th><th className="num">Events</th><th>Retention (days)</th></tr></thead>
          <tbody>
            {(archives ?? []).map((a) => <tr key={a.ArchiveName}><td>{a.ArchiveName}</td><td>{a.State}</td><td className="num">{a.EventCount}</td><td>{a.RetentionDays || "forever"}</td></tr>)}
            {archives && archives.length === 0 ? <tr><td colSpan={4} className="empty">No archives.</td></tr> : null}
          </tbody>
        </table>
      </div>
      <h3>Create an archive</h3>
      <Form label="Create archive" testId="create-archive" submit={(v) => clients.events.send(new CreateArchiveCommand({ ArchiveName: v.name.trim(), EventSourceArn: busArn, EventPattern: v.pattern.trim() || undefined }))} onDone={() => void reload()}>
        <div className="grid"><Field label="Name" name="name" required /><Field label="Event pattern (optional)" name="pattern" /></div>
      </Form>
      <h3>Replays</h3>
      {(replays ?? []).map((r) => {
        const start = r.EventStartTime ? new Date(r.EventStartTime).getTime() : 0;
        const end = r.EventEndTime ? new Date(r.EventEndTime).getTime() : 0;
        const last = "EventLastReplayedTime" in r && r.EventLastReplayedTime ? new Date(r.EventLastReplayedTime).getTime() : start;
        const pct = r.State === "COMPLETED" ? 100 : progressPercent(last - start, end - start);
        return (
          <div key={r.ReplayName} className="task" data-testid="replay" data-state={r.State}>
            <Progress percent={pct} label={`${r.ReplayName}: ${r.State} (${formatTime(start)} → ${formatTime(end)})`} />
            {r.State === "RUNNING" || r.State === "STARTING" ? <Action label="Cancel replay" run={() => clients.events.send(new CancelReplayCommand({ ReplayName: r.ReplayName! }))} onDone={() => void reloadReplays()} /> : null}
          </div>
        );
      })}
      {archives && archives.length > 0 ? (
        <Form
          label="Start replay"
          testId="start-replay"
          submit={(v) => clients.events.send(new StartReplayCommand({
            ReplayName: v.name.trim(),
            // arn:aws:events:<region>:<account>:archive/<name>, beside the bus's own ARN.
            EventSourceArn: `${busArn.slice(0, busArn.indexOf(":event-bus/"))}:archive/${v.archive}`,
            EventStartTime: new Date(v.from), EventEndTime: new Date(v.to || Date.now()),
            Destination: { Arn: busArn },
          }))}
          onDone={() => void reloadReplays()}
        >
          <div className="grid">
            <Field label="Replay name" name="name" required />
            <Field label="Archive" name="archive" options={archives.map((a) => a.ArchiveName!)} />
            <Field label="From (ISO time)" name="from" value={new Date(Date.now() - 3600_000).toISOString()} />
            <Field label="To (ISO time, empty: now)" name="to" />
          </div>
        </Form>
      ) : null}
    </Section>
  );
}
