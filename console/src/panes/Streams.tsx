// Streams (Kinesis): streams, their shards with hash key ranges and parent/child links, put a record, and a live
// tail of a shard from TRIM_HORIZON, LATEST or a timestamp (GetShardIterator, then GetRecords once a second).
import { useEffect, useRef, useState } from "react";
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand, PutRecordCommand, type _Record, type ShardIteratorType } from "@aws-sdk/client-kinesis";
import { errorText, type Clients } from "../aws.ts";
import { arnName } from "../lib/arn.ts";
import { formatTime, hashShare } from "../lib/format.ts";
import type { Route } from "../lib/route.ts";
import { ErrorLine, Field, Form, KeyValues, Link, MetricCharts, Section, useLoad } from "../ui.tsx";

export function Streams({ clients, route }: { clients: Clients; route: Route }) {
  if (!route.id) return <StreamList clients={clients} />;
  // The route names the stream by its ARN (a plain name is read as a stream of the signed-in account).
  const arn = route.id.startsWith("arn:") ? route.id : `arn:aws:kinesis:${clients.region}:${clients.account}:stream/${route.id}`;
  return <StreamDetail key={arn} clients={clients} arn={arn} />;
}

function StreamList({ clients }: { clients: Clients }) {
  const { data, error, reload } = useLoad(async () => {
    const out = await clients.kinesis.send(new ListStreamsCommand({ Limit: 1000 }));
    return out.StreamSummaries?.length
      ? out.StreamSummaries.map((s) => ({ name: s.StreamName!, arn: s.StreamARN! }))
      : (out.StreamNames ?? []).map((n) => ({ name: n, arn: `arn:aws:kinesis:${clients.region}:${clients.account}:stream/${n}` }));
  }, [clients], 5000);
  return (
    <>
      <Section title="Streams">
        <ErrorLine error={error} />
        <ul className="list" data-testid="stream-list">
          {(data ?? []).map((s) => <li key={s.arn}><Link to={{ pane: "streams", id: s.arn }}>{s.name}</Link></li>)}
          {data && data.length === 0 ? <li className="empty">No streams.</li> : null}
        </ul>
      </Section>
      <Section title="Create a stream">
        <Form label="Create stream" testId="create-stream" submit={(v) => clients.kinesis.send(new CreateStreamCommand({ StreamName: v.name.trim(), ShardCount: Number(v.shards || "1") }))} onDone={() => void reload()}>
          <div className="grid"><Field label="Name" name="name" required /><Field label="Shards" name="shards" value="1" /></div>
        </Form>
      </Section>
    </>
  );
}

function StreamDetail({ clients, arn }: { clients: Clients; arn: string }) {
  const name = arnName(arn);
  // StreamARN in place of StreamName (Kinesis API reference: either identifies the stream).
  const { data, error } = useLoad(async () => (await clients.kinesis.send(new DescribeStreamCommand({ StreamARN: arn }))).StreamDescription, [arn, clients], 5000);
  const shards = data?.Shards ?? [];
  const children = (id: string) => shards.filter((s) => s.ParentShardId === id || s.AdjacentParentShardId === id).map((s) => s.ShardId);
  return (
    <>
      <nav className="crumbs"><Link to={{ pane: "streams" }}>Streams</Link> / <span>{name}</span></nav>
      <Section title={name}>
        <ErrorLine error={error} />
        {data ? <KeyValues values={{ ARN: <code>{data.StreamARN}</code>, Status: data.StreamStatus, "Retention (hours)": String(data.RetentionPeriodHours), Created: formatTime(data.StreamCreationTimestamp) }} /> : null}
        <MetricCharts clients={clients} namespace="AWS/Kinesis" dimensions={[{ Name: "StreamName", Value: name }]} metrics={[
          { label: "Incoming records", name: "IncomingRecords", stat: "Sum" },
          { label: "Records read", name: "GetRecords.Records", stat: "Sum" },
        ]} />
      </Section>
      <Section title="Shards">
        <div className="table-wrap">
          <table data-testid="shards">
            <thead><tr><th>Shard</th><th>State</th><th>Hash key range</th><th>Share</th><th>Parents</th><th>Children</th></tr></thead>
            <tbody>
              {shards.map((s) => (
                <tr key={s.ShardId}>
                  <td>{s.ShardId}</td>
                  <td>{s.SequenceNumberRange?.EndingSequenceNumber ? "closed" : "open"}</td>
                  <td className="wrap"><code>{s.HashKeyRange?.StartingHashKey} – {s.HashKeyRange?.EndingHashKey}</code></td>
                  <td>{hashShare(s.HashKeyRange?.StartingHashKey ?? "", s.HashKeyRange?.EndingHashKey ?? "")}</td>
                  <td>{[s.ParentShardId, s.AdjacentParentShardId].filter(Boolean).join(", ") || "–"}</td>
                  <td>{children(s.ShardId!).join(", ") || "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Put a record">
        <Form label="Put record" testId="put-record" submit={(v) => clients.kinesis.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: v.key, Data: new TextEncoder().encode(v.data) }))}>
          <div className="grid"><Field label="Partition key" name="key" value="pk" required /></div>
          <Field label="Data" name="data" textarea rows={2} required />
        </Form>
      </Section>
      {shards.length ? <Tail clients={clients} arn={arn} shards={shards.map((s) => s.ShardId!)} /> : null}
    </>
  );
}

function Tail({ clients, arn, shards }: { clients: Clients; arn: string; shards: string[] }) {
  const [records, setRecords] = useState<_Record[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const stop = useRef<() => void>(() => {});
  useEffect(() => () => stop.current(), []);
  const start = async (v: Record<string, string>) => {
    stop.current();
    setRecords([]);
    setError(undefined);
    let iterator = (await clients.kinesis.send(new GetShardIteratorCommand({
      StreamARN: arn, ShardId: v.shard, ShardIteratorType: v.type as ShardIteratorType,
      Timestamp: v.type === "AT_TIMESTAMP" ? new Date(v.timestamp) : undefined,
    }))).ShardIterator;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    stop.current = () => {
      live = false;
      clearTimeout(timer);
      setRunning(false);
    };
    setRunning(true);
    const poll = async () => {
      if (!live || !iterator) return;
      try {
        const out = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        if (!live) return;
        iterator = out.NextShardIterator;
        if (out.Records?.length) setRecords((r) => [...r, ...out.Records!].slice(-500));
        if (!iterator) {
          setError("The shard is closed and fully read.");
          stop.current();
          return;
        }
      } catch (e) {
        setError(errorText(e));
      }
      timer = setTimeout(() => void poll(), 1000);
    };
    void poll();
  };
  const decoder = new TextDecoder();
  return (
    <Section title="Live tail" actions={running ? <button type="button" onClick={() => stop.current()} data-testid="stop-tail">Stop</button> : null}>
      <Form label={running ? "Restart tail" : "Start tail"} testId="tail" submit={start}>
        <div className="grid">
          <Field label="Shard" name="shard" options={shards} />
          <Field label="From" name="type" options={["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]} />
          <Field label="Timestamp (for AT_TIMESTAMP)" name="timestamp" value={new Date(Date.now() - 600_000).toISOString()} />
        </div>
      </Form>
      <ErrorLine error={error} />
      <div className="table-wrap">
        <table data-testid="tail-records">
          <thead><tr><th>Sequence number</th><th>Partition key</th><th>Arrived</th><th>Data</th></tr></thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.SequenceNumber}>
                <td className="wrap"><code>{r.SequenceNumber}</code></td>
                <td>{r.PartitionKey}</td>
                <td>{formatTime(r.ApproximateArrivalTimestamp)}</td>
                <td className="wrap">{r.Data ? decoder.decode(r.Data) : ""}</td>
              </tr>
            ))}
            {running && records.length === 0 ? <tr><td colSpan={4} className="empty">Waiting for records…</td></tr> : null}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
