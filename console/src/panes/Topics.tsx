// Topics (SNS): topics and their subscriptions with state and filter policy, subscribe, publish, edit a filter
// policy, a filter-policy tester that runs the server's own matcher (src/patterns, bundled) on a sample message,
// and the local sinks (email, SMS, push, ...) as inboxes (/_aws/sns/*-messages).
import { useState } from "react";
import {
  CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand,
  ListTopicsCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand, UnsubscribeCommand, type MessageAttributeValue,
} from "@aws-sdk/client-sns";
import type { Clients } from "../aws.ts";
import { arnName } from "../lib/arn.ts";
import type { Route } from "../lib/route.ts";
import { checkFilterPolicy, compileStoredFilterPolicy, matchesAttributes, matchesBody, type AttributeValue, type FilterScope } from "../../../src/patterns/filter-policy.ts";
import { Action, ErrorLine, Field, Form, Json, jsonField, KeyValues, Link, MetricCharts, Section, useLoad } from "../ui.tsx";

export function Topics({ clients, route }: { clients: Clients; route: Route }) {
  return route.id ? <TopicDetail key={route.id} clients={clients} arn={route.id} /> : <TopicList clients={clients} />;
}

function TopicList({ clients }: { clients: Clients }) {
  const { data, error, reload } = useLoad(async () => {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const out = await clients.sns.send(new ListTopicsCommand({ NextToken: token }));
      arns.push(...(out.Topics ?? []).map((t) => t.TopicArn!).filter(Boolean));
      token = out.NextToken;
    } while (token && arns.length < 200);
    // Attributes (subscription counts) of the first 200 only: one GetTopicAttributes each, every few seconds.
    return Promise.all(arns.slice(0, 200).map(async (arn) => ({ arn, attrs: ((await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })).catch(() => undefined))?.Attributes ?? {}) as Record<string, string> })));
  }, [clients], 5000);
  return (
    <>
      <Section title="Topics">
        <ErrorLine error={error} />
        <div className="table-wrap">
          <table data-testid="topic-list">
            <thead><tr><th>Name</th><th className="num">Confirmed</th><th className="num">Pending</th><th>ARN</th></tr></thead>
            <tbody>
              {(data ?? []).map((t) => (
                <tr key={t.arn}>
                  <td><Link to={{ pane: "topics", id: t.arn }}>{arnName(t.arn)}</Link>{t.attrs.FifoTopic === "true" ? <span className="tag">FIFO</span> : null}</td>
                  <td className="num">{t.attrs.SubscriptionsConfirmed ?? "–"}</td>
                  <td className="num">{t.attrs.SubscriptionsPending ?? "–"}</td>
                  <td><code>{t.arn}</code></td>
                </tr>
              ))}
              {data && data.length === 0 ? <tr><td colSpan={4} className="empty">No topics.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Create a topic">
        <Form label="Create topic" testId="create-topic" submit={(v) => clients.sns.send(new CreateTopicCommand({ Name: v.name.trim(), Attributes: v.name.trim().endsWith(".fifo") ? { FifoTopic: "true" } : undefined }))} onDone={() => void reload()}>
          <Field label="Name" name="name" required />
        </Form>
      </Section>
      <Inboxes clients={clients} />
    </>
  );
}

interface Sub {
  arn: string;
  protocol: string;
  endpoint: string;
  attrs: Record<string, string>;
}

function TopicDetail({ clients, arn }: { clients: Clients; arn: string }) {
  const { data: attrs, error } = useLoad(async () => ((await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {}) as Record<string, string>, [arn, clients], 5000);
  const { data: subs, reload } = useLoad(async () => {
    const out = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
    return Promise.all((out.Subscriptions ?? []).map(async (s): Promise<Sub> => {
      const confirmed = s.SubscriptionArn && s.SubscriptionArn.startsWith("arn:");
      const a = confirmed ? ((await clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn })).catch(() => undefined))?.Attributes ?? {}) : {};
      return { arn: s.SubscriptionArn ?? "", protocol: s.Protocol ?? "", endpoint: s.Endpoint ?? "", attrs: a as Record<string, string> };
    }));
  }, [arn, clients], 5000);
  const [deleted, setDeleted] = useState(false);
  const name = arnName(arn);
  if (deleted) return <Section title={name}><p>Deleted.</p><Link to={{ pane: "topics" }}>Back to topics</Link></Section>;
  return (
    <>
      <nav className="crumbs"><Link to={{ pane: "topics" }}>Topics</Link> / <span>{name}</span></nav>
      <Section title={name} actions={<Action label="Delete topic" confirm="Delete this topic?" danger run={() => clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }))} onDone={() => setDeleted(true)} />}>
        <ErrorLine error={error} />
        {attrs ? <KeyValues values={{ ARN: <code>{arn}</code>, Confirmed: attrs.SubscriptionsConfirmed, Pending: attrs.SubscriptionsPending, FIFO: attrs.FifoTopic ?? "false" }} /> : null}
        <MetricCharts clients={clients} namespace="AWS/SNS" dimensions={[{ Name: "TopicName", Value: name }]} metrics={[
          { label: "Published", name: "NumberOfMessagesPublished", stat: "Sum" },
          { label: "Delivered", name: "NumberOfNotificationsDelivered", stat: "Sum" },
          { label: "Filtered out", name: "NumberOfNotificationsFilteredOut", stat: "Sum" },
          { label: "Failed", name: "NumberOfNotificationsFailed", stat: "Sum" },
        ]} />
      </Section>
      <Section title="Subscriptions">
        <div className="table-wrap">
          <table data-testid="subscriptions">
            <thead><tr><th>Protocol</th><th>Endpoint</th><th>State</th><th>Filter policy</th><th /></tr></thead>
            <tbody>
              {(subs ?? []).map((s) => (
                <tr key={s.arn + s.endpoint}>
                  <td>{s.protocol}</td>
                  <td className="wrap">{s.endpoint.startsWith("arn:aws:sqs:") ? <Link to={{ pane: "queues", id: s.endpoint }}>{arnName(s.endpoint)}</Link> : s.endpoint}</td>
                  <td>{s.arn.startsWith("arn:") ? (s.attrs.PendingConfirmation === "true" ? "pending" : "confirmed") : s.arn}</td>
                  <td><FilterPolicyEditor clients={clients} sub={s} onSaved={() => void reload()} /></td>
                  <td>{s.arn.startsWith("arn:") ? <Action label="Unsubscribe" confirm="Unsubscribe?" danger run={() => clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: s.arn }))} onDone={() => void reload()} /> : null}</td>
                </tr>
              ))}
              {subs && subs.length === 0 ? <tr><td colSpan={5} className="empty">No subscriptions.</td></tr> : null}
            </tbody>
          </table>
        </div>
        <h3>Subscribe</h3>
        <Form
          label="Subscribe"
          testId="subscribe"
          submit={async (v) => {
            const attributes: Record<string, string> = {};
            if (v.filterPolicy.trim()) {
              attributes.FilterPolicy = v.filterPolicy;
              attributes.FilterPolicyScope = v.scope;
            }
            if (v.raw === "true") attributes.RawMessageDelivery = "true";
            await clients.sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: v.protocol, Endpoint: v.endpoint.trim(), Attributes: attributes, ReturnSubscriptionArn: true }));
          }}
          onDone={() => void reload()}
        >
          <div className="grid">
            <Field label="Protocol" name="protocol" options={["sqs", "http", "https", "email", "email-json", "sms", "application", "lambda", "firehose"]} />
            <Field label="Endpoint (queue ARN, URL, address, number)" name="endpoint" required />
            <Field label="Filter policy scope" name="scope" options={["MessageAttributes", "MessageBody"]} />
            <Field label="Raw message delivery" name="raw" options={["false", "true"]} />
          </div>
          <Field label="Filter policy (JSON, optional)" name="filterPolicy" textarea rows={3} />
        </Form>
      </Section>
      <FilterTester subs={subs ?? []} />
      <Section title="Publish a message">
        <Form
          label="Publish"
          testId="publish"
          submit={(v) => clients.sns.send(new PublishCommand({
            TopicArn: arn, Message: v.message, Subject: v.subject || undefined,
            MessageAttributes: jsonField(v.attributes, "Message attributes") as Record<string, MessageAttributeValue> | undefined,
            MessageGroupId: v.group || undefined,
          }))}
        >
          <Field label="Message" name="message" textarea required />
          <div className="grid">
            <Field label="Subject" name="subject" />
            <Field label="Message group ID (FIFO)" name="group" />
          </div>
          <Field label='Message attributes (JSON, e.g. {"kind": {"DataType": "String", "StringValue": "a"}})' name="attributes" textarea rows={2} />
        </Form>
      </Section>
    </>
  );
}

function FilterPolicyEditor({ clients, sub, onSaved }: { clients: Clients; sub: Sub; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  if (!sub.arn.startsWith("arn:")) return null;
  if (!editing) {
    return (
      <div>
        {sub.attrs.FilterPolicy ? <Json text={sub.attrs.FilterPolicy} /> : <span className="muted">none</span>}
        <button type="button" className="link" onClick={() => setEditing(true)}>Edit</button>
      </div>
    );
  }
  return (
    <Form
      label="Save policy"
      submit={async (v) => {
        await clients.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: sub.arn, AttributeName: "FilterPolicyScope", AttributeValue: v.scope }));
        await clients.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: sub.arn, AttributeName: "FilterPolicy", AttributeValue: v.policy }));
      }}
      onDone={() => {
        setEditing(false);
        onSaved();
      }}
    >
      <Field label="Scope" name="scope" options={["MessageAttributes", "MessageBody"]} value={sub.attrs.FilterPolicyScope ?? "MessageAttributes"} />
      <Field label="Filter policy (empty removes it)" name="policy" textarea rows={4} value={sub.attrs.FilterPolicy ?? ""} />
    </Form>
  );
}

/** Which subscriptions a sample message would reach: the server's own matcher (src/patterns), run in the page. */
export function filterVerdicts(subs: { arn: string; endpoint: string; attrs: Record<string, string> }[], message: string, attributes: Record<string, AttributeValue> | undefined) {
  return subs.map((s) => {
    // A subscription pending confirmation receives nothing (SNS developer guide, "Subscribing to a topic").
    if (!s.arn.startsWith("arn:")) return { sub: s, reaches: false, why: "pending confirmation: nothing is delivered until it is confirmed" };
    const policy = s.attrs.FilterPolicy;
    if (!policy) return { sub: s, reaches: true, why: "no filter policy" };
    const scope = (s.attrs.FilterPolicyScope ?? "MessageAttributes") as FilterScope;
    let compiled;
    try {
      compiled = checkFilterPolicy(policy, scope);
    } catch {
      compiled = compileStoredFilterPolicy(policy, scope);
    }
    if (!compiled) return { sub: s, reaches: false, why: "policy does not compile" };
    const reaches = scope === "MessageBody" ? matchesBody(compiled, message) : matchesAttributes(compiled, attributes);
    return { sub: s, reaches, why: reaches ? `matches (${scope})` : `filtered out (${scope})` };
  });
}

function FilterTester({ subs }: { subs: Sub[] }) {
  const [result, setResult] = useState<ReturnType<typeof filterVerdicts> | undefined>();
  return (
    <Section title="Filter policy tester">
      <p className="muted">Runs the server's matcher on a sample message and shows which subscriptions it would reach. Nothing is published.</p>
      <Form
        label="Test"
        testId="filter-tester"
        submit={async (v) => {
          const attrs = jsonField(v.attributes, "Message attributes") as Record<string, AttributeValue> | undefined;
          setResult(filterVerdicts(subs, v.message, attrs));
        }}
      >
        <Field label="Message" name="message" textarea rows={3} value='{"kind": "order"}' />
        <Field label='Message attributes (JSON, e.g. {"kind": {"DataType": "String", "StringValue": "order"}})' name="attributes" textarea rows={2} />
      </Form>
      {result ? (
        <ul className="verdicts" data-testid="filter-verdicts">
          {result.map((r) => (
            <li key={r.sub.arn} className={r.reaches ? "reach" : "miss"} data-reaches={String(r.reaches)}>
              <b>{r.reaches ? "✓ reaches" : "✗ does not reach"}</b> {r.sub.endpoint} — {r.why}
            </li>
          ))}
          {result.length === 0 ? <li>No subscriptions.</li> : null}
        </ul>
      ) : null}
    </Section>
  );
}

const SINKS = [
  ["email", "/_aws/sns/email-messages", "email_messages"],
  ["SMS", "/_aws/sns/sms-messages", "sms_messages"],
  ["Push", "/_aws/sns/platform-endpoint-messages", "platform_endpoint_messages"],
] as const;

function Inboxes({ clients }: { clients: Clients }) {
  const { data, error } = useLoad(async () => {
    const q = `?accountId=${encodeURIComponent(clients.account)}&region=${encodeURIComponent(clients.region)}`;
    return Promise.all(SINKS.map(async ([label, path, key]) => {
      const r = await fetch(path + q, { headers: { accept: "application/json" } });
      const body = (await r.json()) as Record<string, Record<string, unknown[]>>;
      return { label, messages: body[key] ?? {} };
    }));
  }, [clients], 5000);
  return (
    <Section title="Inboxes (local sinks)">
      <p className="muted">Email, SMS and push deliveries the server keeps instead of sending.</p>
      <ErrorLine error={error} />
      {(data ?? []).map((s) => (
        <details key={s.label}>
          <summary>{s.label}: {Object.values(s.messages).reduce((n, l) => n + l.length, 0)} message(s)</summary>
          {Object.entries(s.messages).map(([target, list]) => (
            <div key={target}>
              <h3>{target}</h3>
              {list.map((m, i) => <Json key={i} text={JSON.stringify(m)} />)}
            </div>
          ))}
        </details>
      ))}
    </Section>
  );
}
