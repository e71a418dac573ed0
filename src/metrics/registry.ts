// The metrics of one server: a prom-client registry (served at /metrics) and the per-minute figures the CloudWatch
// module stores (namespaces AWS/SQS, AWS/SNS, ...). A service module declares its series once (ResourceMetric: the
// Prometheus name in snake case and, optionally, the CloudWatch metric it is) and then counts with
// `counter.add(account, region, resource, n)`: one map lookup and two additions on the hot path. Gauges are
// collected from the stores when asked (a scrape, or the CloudWatch minute sample), never kept here.
// Every family has a cap on its label sets (labelLimit); past it, new resources (or operations) fold into the
// label value "other", so a client inventing queue names or operations cannot grow the registry without bound.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The CloudWatch metric a series also is: namespace, metric name, the dimension holding the resource, unit. */
export interface CloudWatchMetric {
  namespace: string;
  metric: string;
  dimension: string;
  unit: string;
}

export interface ResourceMetric {
  /** Prometheus name (snake case; counters end in _total). */
  name: string;
  help: string;
  /** The label naming the resource (queue_name, topic_name, ...). */
  resourceLabel: string;
  cloudwatch?: CloudWatchMetric;
}

export interface ResourceCounter {
  add(account: string, region: string, resource: string, n?: number): void;
}

/** One gauge value of one resource, as a service's collector reports it. */
export interface GaugeSample {
  metric: ResourceMetric;
  account: string;
  region: string;
  resource: string;
  value: number;
}

/** A counter's growth over the last minute (or since the last drain), for the CloudWatch store. */
export interface CounterDelta {
  metric: CloudWatchMetric;
  account: string;
  region: string;
  resource: string;
  value: number;
}

export const OTHER = "other";
/**
 * Request series at most: operations are the models' (the handler names any other "other") and codes the services'
 * own, so the set is bounded already; this is a backstop, not the settable per-resource cap.
 */
const REQUEST_SERIES_LIMIT = 20_000;
export const DEFAULT_LABEL_LIMIT = 1000;

interface CounterEntry {
  child: Counter.Internal;
  pending: number;
  account: string;
  region: string;
  resource: string;
}

/** Request latency buckets (seconds): from a cached read to a long poll. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export class Metrics {
  readonly registry = new Registry();
  private readonly counters: { metric: ResourceMetric; entries: Map<string, CounterEntry>; family: Counter }[] = [];
  private readonly gaugeSources: { metrics: ResourceMetric[]; collect: () => Promise<GaugeSample[]> }[] = [];
  private readonly requests: Counter;
  private readonly requestSeconds: Histogram;
  private readonly throttled: Counter;
  private readonly requestChildren = new Map<string, { count: Counter.Internal; seconds: Histogram.Internal<string>; throttled?: Counter.Internal }>();
  private readonly commitSeconds: Histogram;
  private readonly commitBatch: Histogram;
  private connections: () => number | Promise<number> = () => 0;

  readonly labelLimit: number;

  constructor(labelLimit = DEFAULT_LABEL_LIMIT) {
    this.labelLimit = labelLimit;
    if (!Number.isSafeInteger(labelLimit) || labelLimit < 1) throw new Error(`invalid metrics label limit: ${labelLimit} (a positive whole number)`);
    const r = [this.registry];
    this.requests = new Counter({ name: "mailroom_requests_total", help: "API requests by service, operation and error code (empty: success).", labelNames: ["service", "operation", "code"], registers: r });
    this.requestSeconds = new Histogram({ name: "mailroom_request_duration_seconds", help: "API request latency by service, operation and error code.", labelNames: ["service", "operation", "code"], buckets: LATENCY_BUCKETS, registers: r });
    this.throttled = new Counter({ name: "mailroom_throttled_requests_total", help: "API requests answered with a throttling error.", labelNames: ["service", "operation"], registers: r });
    this.commitSeconds = new Histogram({ name: "mailroom_storage_commit_duration_seconds", help: "Storage transaction commit latency (SQLite group commits, PostgreSQL transactions).", buckets: LATENCY_BUCKETS, registers: r });
    this.commitBatch = new Histogram({ name: "mailroom_storage_commit_batch_size", help: "Writes per storage commit (SQLite group commit).", buckets: BATCH_BUCKETS, registers: r });
    const self = this;
    new Gauge({ name: "mailroom_open_connections", help: "Open client connections.", registers: r, async collect() {
      this.set(await self.connections());
    } });
  }

  /** A per-resource counter (labels account, region and the resource). */
  counter(metric: ResourceMetric): ResourceCounter {
    const family = new Counter({ name: metric.name, help: metric.help, labelNames: ["account", "region", metric.resourceLabel], registers: [this.registry] });
    const entries = new Map<string, CounterEntry>();
    this.counters.push({ metric, entries, family });
    const limit = this.labelLimit;
    let folded: Counter.Internal | undefined;
    return {
      add(account, region, resource, n = 1) {
        const key = `${account}\u0000${region}\u0000${resource}`;
        let e = entries.get(key);
        if (e === undefined) {
          // Past the cap a new resource's series is "other" in Prometheus; CloudWatch still gets it by name (the
          // resources are real ones: counting happens after the queue or topic was found).
          const child = entries.size >= limit ? (folded ??= family.labels(OTHER, OTHER, OTHER)) : family.labels(account, region, resource);
          e = { child, pending: 0, account, region, resource };
          entries.set(key, e);
        }
        e.child.inc(n);
        e.pending += n;
      },
    };
  }

  /**
   * Gauges read from a service's stores on scrape (and by the CloudWatch minute sample): `collect` returns the
   * current value of each of `metrics` per resource.
   */
  gauges(metrics: ResourceMetric[], collect: () => Promise<GaugeSample[]>): void {
    const source = { metrics, collect };
    this.gaugeSources.push(source);
    const families = new Map<ResourceMetric, Gauge>();
    for (const m of metrics) {
      families.set(m, new Gauge({ name: m.name, help: m.help, labelNames: ["account", "region", m.resourceLabel], registers: [this.registry] }));
    }
    // One collect per scrape for all the source's families: the first family's collect reads, the others use it.
    let reading: Promise<GaugeSample[]> | undefined;
    const limit = this.labelLimit;
    for (const [m, g] of families) {
      (g as unknown as { collect: () => Promise<void> }).collect = async () => {
        reading ??= collect().finally(() => setImmediate(() => (reading = undefined)));
        const samples = await reading;
        g.reset();
        let n = 0;
        let other = 0;
        for (const s of samples) {
          if (s.metric !== m) continue;
          if (n++ < limit) g.labels(s.account, s.region, s.resource).set(s.value);
          else other += s.value;
        }
        if (n > limit) g.labels(OTHER, OTHER, OTHER).set(other);
      };
    }
  }

  /** Every gauge now (the CloudWatch minute sample). */
  async sampleGauges(): Promise<GaugeSample[]> {
    const out: GaugeSample[] = [];
    for (const s of this.gaugeSources) out.push(...(await s.collect()));
    return out;
  }

  /** The counters' growth since the last drain, for CloudWatch (only series that are CloudWatch metrics). */
  drainCounters(): CounterDelta[] {
    const out: CounterDelta[] = [];
    for (const c of this.counters) {
      const cw = c.metric.cloudwatch;
      for (const e of c.entries.values()) {
        if (e.pending === 0) continue;
        if (cw) out.push({ metric: cw, account: e.account, region: e.region, resource: e.resource, value: e.pending });
        e.pending = 0;
      }
    }
    return out;
  }

  /** One API request: its service, operation, AWS error code ("" for success) and latency. */
  observeRequest(service: string, operation: string, code: string, seconds: number): void {
    // One map lookup on the hot path: the label children of each (service, operation, code) are made once.
    const key = `${service}\u0000${operation}\u0000${code}`;
    let c = this.requestChildren.get(key);
    if (c === undefined) {
      // Operations come from the client (X-Amz-Target, Action): past the backstop, new combinations fold.
      const [op, cd] = this.requestChildren.size >= REQUEST_SERIES_LIMIT ? [OTHER, code === "" ? "" : OTHER] : [operation, code];
      c = {
        count: this.requests.labels(service, op, cd), seconds: this.requestSeconds.labels(service, op, cd),
        throttled: cd !== "" && isThrottle(cd) ? this.throttled.labels(service, op) : undefined,
      };
      if (this.requestChildren.size < REQUEST_SERIES_LIMIT) this.requestChildren.set(key, c);
    }
    c.count.inc();
    c.seconds.observe(seconds);
    c.throttled?.inc();
  }

  /** One storage commit: its latency and how many writes it carried. */
  observeCommit(seconds: number, batch: number): void {
    this.commitSeconds.observe(seconds);
    this.commitBatch.observe(batch);
  }

  /** Where the open-connection count comes from (the front). */
  countConnections(fn: () => number | Promise<number>): void {
    this.connections = fn;
  }

  /** The Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/** AWS's throttling error codes (SQS RequestThrottled, SNS Throttled, ThrottlingException, Kinesis ProvisionedThroughputExceeded). */
export function isThrottle(code: string): boolean {
  return /Throttl|ProvisionedThroughputExceeded|TooManyRequests|SlowDown/.test(code);
}
