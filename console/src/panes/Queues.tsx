// Queues (SQS): the list with counts, age of the oldest message and dead-letter links; a queue's attributes,
// messages peeked without consuming them (/_aws/sqs/messages), send, purge, delete, and redrive of a dead-letter
// queue with a move task (StartMessageMoveTask, polled with ListMessageMoveTasks, cancellable).
import { useState } from "react";
import {
  CancelMessageMoveTaskCommand, CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand, ListMessageMoveTasksCommand, ListQueuesCommand, PurgeQueueCommand, ReceiveMessageCommand,
  SendMessageCommand, SetQueueAttributesCommand, StartMessageMoveTaskCommand, type Message, type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { PEEK_LIMIT, type Clients } from "../aws.ts";
import { arnName, parseArn, queueArnFromUrl } from "../lib/arn.ts";
import { formatAge, formatTime, oldestAgeSeconds, progressPercent } from "../lib/format.ts";
import type { Route } from "../lib/route.ts";
import { Action, ErrorLine, Field, Form, Json, jsonField, KeyValues, Link, MetricCharts, Progress, Section, useLoad } from "../ui.tsx";

interface Props {
  clients: Clients;
  route: Route;
}

export function Queues({ clients, route }: Props) {
  return route.id ? <QueueDetail key={route.id} clients={clients} arn={route.id} /> : <QueueList clients={clients} />;
}

interface Row {
  url: string;
  arn: string;
  name: string;
  attrs: Record<string, string>;
  age?: number;
}

/** Queues whose counts the list reads at once (one GetQueueAttributes each, every few seconds); a prefix narrows it. */
export const LIST_LIMIT = 200;

async function loadQueues(c: Clients, prefix: string): Promise<{ rows: Row[]; more: boolean }> {
  const out = await c.sqs.send(new ListQueuesCommand({ MaxResults: LIST_LIMIT + 1, QueueNamePrefix: prefix || undefined }));
  const all = out.QueueUrls ?? [];
  const more = all.length > LIST_LIMIT || out.NextToken !== undefined;
  const urls = all.slice(0, LIST_LIMIT);
  const rows = await Promise.all(urls.map(async (url) => {
    const out = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })).catch(() => undefined);
    const attrs = (out?.Attributes ?? {}) as Record<string, string>;
    const arn = attrs.QueueArn ?? queueArnFromUrl(url, c.region) ?? url;
    return { url, arn, name: arnName(arn), attrs } as Row;
  }));
  // Age of the oldest message: the metrics store's latest ApproximateAgeOfOldestMessage of each queue.
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const end = new Date(Math.ceil(Date.now() / 60000) * 60000);
    const out = await c.cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 15 * 60_000), EndTime: end, ScanBy: "TimestampDescending",
      MetricDataQueries: batch.map((r, k) => ({ Id: `q${k}`, MetricStat: { Metric: { Namespace: "AWS/SQS", MetricName: "ApproximateAgeOfOldestMessage", Dimensions: [{ Name: "QueueName", Value: r.name }] }, Period: 60, Stat: "Maximum" } })),
    })).catch(() => undefined);
    for (const res of out?.MetricDataResults ?? []) {
      const k = Number(res.Id?.slice(1));
      if (batch[k] && res.Values?.length) batch[k].age = res.Values[0];
    }
  }
  return { rows: rows.sort((a, b) => a.name.localeCompare(b.name)), more };
}

function QueueList({ clients }: { clients: Clients }) {
  const [filter, setFilter] = useState("");
  const { data: listed, error, reload } = useLoad(() => loadQueues(clients, filter.trim()), [clients, filter], 5000);
  const data = listed?.rows;
  const rows = data ?? [];
  const dlqTargets = new Set(rows.map((r) => deadLetterTarget(r.attrs)).filter(Boolean));
  return (
    <>
      <Section title="Queues" actions={<input className="search" placeholder="Name prefix  /" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter queues" />}>
        <ErrorLine error={error} />
        {listed?.more ? <p className="muted">Showing the first {LIST_LIMIT} queues: type a name prefix to narrow the list.</p> : null}
        <div className="table-wrap">
          <table data-testid="queue-list">
            <thead>
              <tr><th>Name</th><th className="num">Visible</th><th className="num">In flight</th><th className="num">Delayed</th><th className="num">Oldest</th><th>Dead-letter queue</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const dlq = deadLetterTarget(r.attrs);
                return (
                  <tr key={r.url} data-queue={r.name}>
                    <td>
                      <Link to={{ pane: "queues", id: r.arn }}>{r.name}</Link>
                      {dlqTargets.has(r.arn) ? <span className="tag">DLQ</span> : null}
                      {r.attrs.FifoQueue === "true" ? <span className="tag">FIFO</span> : null}
                    </td>
                    <td className="num" data-col="visible">{r.attrs.ApproximateNumberOfMessages ?? "–"}</td>
                    <td className="num" data-col="inflight">{r.attrs.ApproximateNumberOfMessagesNotVisible ?? "–"}</td>
                    <td className="num" data-col="delayed">{r.attrs.ApproximateNumberOfMessagesDelayed ?? "–"}</td>
                    <td className="num">{formatAge(r.age)}</td>
                    <td>{dlq ? <Link to={{ pane: "queues", id: dlq }}>{arnName(dlq)}</Link> : ""}</td>
                  </tr>
                );
              })}
              {data && rows.length === 0 ? <tr><td colSpan={6} className="empty">No queues.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Create a queue">
        <Form
          label="Create queue"
          testId="create-queue"
          submit={async (v) => {
            const attributes = jsonField(v.attributes, "Attributes") as Record<string, string> | undefined;
            const fifo = v.name.endsWith(".fifo");
            await clients.sqs.send(new CreateQueueCommand({ QueueName: v.name.trim(), Attributes: { ...(fifo ? { FifoQueue: "true" } : {}), ...attributes } }));
          }}
          onDone={() => void reload()}
        >
          <Field label="Name (end with .fifo for a FIFO queue)" name="name" required />
          <Field label="Attributes (JSON, optional)" name="attributes" textarea rows={2} placeholder='{"VisibilityTimeout": "30"}' />
        </Form>
      </Section>
    </>
  );
}

function deadLetterTarget(attrs: Record<string, string>): string | undefined {
  try {
    return attrs.RedrivePolicy ? (JSON.parse(attrs.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
  } catch {
    return undefined;
  }
}

const EDITABLE = ["VisibilityTimeout", "DelaySeconds", "MessageRetentionPeriod", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "RedriveAllowPolicy", "Policy", "KmsMasterKeyId", "SqsManagedSseEnabled", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

function QueueDetail({ clients, arn }: { clients: Clients; arn: string }) {
  const a = parseArn(arn);
  const name = arnName(arn);
  const { data: url, error: urlError } = useLoad(
    async () => (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: a?.account || undefined }))).QueueUrl!,
    [arn, clients],
  );
  const { data: attrs, reload: reloadAttrs } = useLoad(
    async () => (url ? ((await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes ?? {}) as Record<string, string> : undefined),
    [url, clients],
    3000,
  );
  const { data: sources } = useLoad(
    async () => (url ? (await clients.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url }))).queueUrls ?? [] : []),
    [url, clients],
  );
  const [deleted, setDeleted] = useState(false);
  if (urlError) return <Section title={name}><ErrorLine error={urlError} /><Link to={{ pane: "queues" }}>Back to queues</Link></Section>;
  if (deleted) return <Section title={name}><p>Deleted.</p><Link to={{ pane: "queues" }}>Back to queues</Link></Section>;
  if (!url || !attrs) return <Section title={name}><p>Loading…</p></Section>;
  const dlq = deadLetterTarget(attrs);
  const fifo = attrs.FifoQueue === "true";
  return (
    <>
      <nav className="crumbs"><Link to={{ pane: "queues" }}>Queues</Link> / <span>{name}</span></nav>
      <Section
        title={name}
        actions={
          <>
            <Action label="Purge" confirm="Purge all messages?" danger testId="purge" run={() => clients.sqs.send(new PurgeQueueCommand({ QueueUrl: url }))} onDone={() => void reloadAttrs()} />
            <Action label="Delete queue" confirm="Delete this queue?" danger testId="delete-queue" run={() => clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }))} onDone={() => setDeleted(true)} />
          </>
        }
      >
        <KeyValues values={{
          ARN: <code>{arn}</code>,
          URL: <code>{url}</code>,
          Visible: <span data-testid="count-visible">{attrs.ApproximateNumberOfMessages}</span>,
          "In flight": <span data-testid="count-inflight">{attrs.ApproximateNumberOfMessagesNotVisible}</span>,
          Delayed: <span data-testid="count-delayed">{attrs.ApproximateNumberOfMessagesDelayed}</span>,
          "Dead-letter queue": dlq ? <Link to={{ pane: "queues", id: dlq }}>{arnName(dlq)}</Link> : "none",
          "Dead-letter queue of": sources && sources.length ? sources.map((u) => { const s = queueArnFromUrl(u, clients.region)!; return <Link key={u} to={{ pane: "queues", id: s }}>{arnName(s)} </Link>; }) : "none",
          Created: formatTime(Number(attrs.CreatedTimestamp) * 1000),
        }} />
        <MetricCharts clients={clients} namespace="AWS/SQS" dimensions={[{ Name: "QueueName", Value: name }]} metrics={[
          { label: "Depth", name: "ApproximateNumberOfMessagesVisible", stat: "Maximum" },
          { label: "Oldest (s)", name: "ApproximateAgeOfOldestMessage", stat: "Maximum" },
          { label: "Sent", name: "NumberOfMessagesSent", stat: "Sum" },
          { label: "Received", name: "NumberOfMessagesReceived", stat: "Sum" },
        ]} />
      </Section>
      {sources && sources.length > 0 ? <Redrive clients={clients} arn={arn} /> : null}
      <Messages clients={clients} url={url} />
      <Section title="Send a message">
        <Form
          label="Send"
          testId="send-message"
          submit={async (v) => {
            const attributes = jsonField(v.attributes, "Message attributes") as Record<string, MessageAttributeValue> | undefined;
            await clients.sqs.send(new SendMessageCommand({
              QueueUrl: url, MessageBody: v.body, MessageAttributes: attributes,
              DelaySeconds: v.delay ? Number(v.delay) : undefined,
              MessageGroupId: v.group || undefined, MessageDeduplicationId: v.dedup || undefined,
            }));
          }}
          onDone={() => void reloadAttrs()}
        >
          <Field label="Body" name="body" textarea required />
          <Field label='Message attributes (JSON, e.g. {"kind": {"DataType": "String", "StringValue": "a"}})' name="attributes" textarea rows={2} />
          {fifo ? <><Field label="Message group ID" name="group" required /><Field label="Deduplication ID" name="dedup" /></> : <Field label="Delay seconds" name="delay" />}
        </Form>
      </Section>
      <Section title="Attributes">
        <Form
          label="Save attributes"
          testId="edit-attributes"
          submit={async (v) => {
            const changed: Record<string, string> = {};
            for (const k of EDITABLE) if (k in v && v[k] !== (attrs[k] ?? "")) changed[k] = v[k];
            if (Object.keys(changed).length === 0) return;
            await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: changed }));
          }}
          onDone={() => void reloadAttrs()}
        >
          <div className="grid">
            {EDITABLE.filter((k) => k in attrs || ["VisibilityTimeout", "DelaySeconds", "MessageRetentionPeriod", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "RedriveAllowPolicy"].includes(k)).map((k) => (
              <Field key={k + (attrs[k] ?? "")} label={k} name={k} value={attrs[k] ?? ""} textarea={k.endsWith("Policy")} rows={2} />
            ))}
          </div>
        </Form>
        <details><summary>All attributes</summary><KeyValues values={attrs} /></details>
      </Section>
    </>
  );
}

function Messages({ clients, url }: { clients: Clients; url: string }) {
  const { data, error, reload } = useLoad(async () => {
    const out = await clients.peek.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"] }));
    return out.Messages ?? [];
  }, [url, clients], 3000);
  const [open, setOpen] = useState<string | undefined>();
  const now = Date.now();
  const age = oldestAgeSeconds((data ?? []).map((m) => m.Attributes?.SentTimestamp), now);
  return (
    <Section title={`Messages (peek${data ? `: ${data.length >= PEEK_LIMIT ? `the oldest ${PEEK_LIMIT}` : data.length}` : ""})`} actions={<><span className="muted">oldest {formatAge(age)}</span><button type="button" onClick={() => void reload()}>Refresh</button></>}>
      <p className="muted">Listed without consuming: receive counts and visibility do not change.</p>
      <ErrorLine error={error} />
      <div className="table-wrap">
        <table data-testid="messages">
          <thead><tr><th>Message</th><th>State</th><th className="num">Receives</th><th>Sent</th><th>Body</th></tr></thead>
          <tbody>
            {(data ?? []).map((m) => (
              <MessageRow key={m.MessageId} m={m} open={open === m.MessageId} toggle={() => setOpen(open === m.MessageId ? undefined : m.MessageId)} />
            ))}
            {data && data.length === 0 ? <tr><td colSpan={5} className="empty">No messages.</td></tr> : null}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function MessageRow({ m, open, toggle }: { m: Message; open: boolean; toggle: () => void }) {
  const a = (m.Attributes ?? {}) as Record<string, string>;
  const state = a.IsDelayed === "true" ? "delayed" : a.IsVisible === "false" ? "in flight" : "visible";
  return (
    <>
      <tr className="clickable" onClick={toggle} data-message={m.MessageId}>
        <td><button type="button" className="link" aria-expanded={open}>{m.MessageId?.slice(0, 8)}…</button></td>
        <td><span className={`state ${state.replace(" ", "-")}`}>{state}</span></td>
        <td className="num">{a.ApproximateReceiveCount}</td>
        <td>{formatTime(a.SentTimestamp)}</td>
        <td className="body-preview">{(m.Body ?? "").slice(0, 80)}</td>
      </tr>
      {open ? (
        <tr className="expanded">
          <td colSpan={5}>
            <h3>Body</h3>
            <Json text={m.Body} testId="message-body" />
            {m.MessageAttributes && Object.keys(m.MessageAttributes).length ? (
              <>
                <h3>Message attributes</h3>
                <KeyValues values={Object.fromEntries(Object.entries(m.MessageAttributes).map(([k, v]) => [k, `${v.StringValue ?? "(binary)"} (${v.DataType})`]))} />
              </>
            ) : null}
            <h3>System attributes</h3>
            <KeyValues values={a} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Redrive of a dead-letter queue: start a move task, watch it, cancel it. */
function Redrive({ clients, arn }: { clients: Clients; arn: string }) {
  const { data: tasks, reload } = useLoad(
    async () => (await clients.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 10 }))).Results ?? [],
    [arn, clients],
    1000,
  );
  const running = tasks?.find((t) => t.Status === "RUNNING" || t.Status === "CANCELLING");
  const latest = running ?? tasks?.[0];
  return (
    <Section title="Redrive (dead-letter queue)" id="redrive">
      {latest ? (
        <div className="task" data-testid="move-task" data-status={latest.Status}>
          <Progress
            testId="move-progress"
            percent={latest.Status === "COMPLETED" ? 100 : progressPercent(latest.ApproximateNumberOfMessagesMoved, latest.ApproximateNumberOfMessagesToMove)}
            label={`${latest.Status}: ${latest.ApproximateNumberOfMessagesMoved ?? 0} of ${latest.ApproximateNumberOfMessagesToMove ?? "?"} moved`}
          />
          <p className="muted">
            To {latest.DestinationArn ? arnName(latest.DestinationArn) : "each message's source queue"}
            {latest.MaxNumberOfMessagesPerSecond ? `, at most ${latest.MaxNumberOfMessagesPerSecond}/s` : ""}; started {formatTime(latest.StartedTimestamp)}
            {latest.FailureReason ? ` — ${latest.FailureReason}` : ""}
          </p>
          {running?.TaskHandle && running.Status === "RUNNING" ? (
            <Action label="Cancel move" testId="cancel-move" run={() => clients.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: running.TaskHandle! }))} onDone={() => void reload()} />
          ) : null}
        </div>
      ) : null}
      {!running ? (
        <Form
          label="Start redrive"
          testId="start-redrive"
          submit={async (v) => {
            await clients.sqs.send(new StartMessageMoveTaskCommand({
              SourceArn: arn,
              DestinationArn: v.destination.trim() || undefined,
              MaxNumberOfMessagesPerSecond: v.rate.trim() ? Number(v.rate) : undefined,
            }));
          }}
          onDone={() => void reload()}
        >
          <Field label="Destination queue ARN (empty: each message's source queue)" name="destination" />
          <Field label="Max messages per second (empty: as fast as possible)" name="rate" />
        </Form>
      ) : null}
    </Section>
  );
}
