// The metrics of one server: a prom-client registry (served at /metrics) and the per-minute figures the CloudWatch
// module stores (namespaces AWS/SQS, AWS/SNS, ...). A service module declares its series once (ResourceMetric: the
// Prometheus name in snake case and, optionally, the CloudWatch metric it is) and then counts with
// `counter.add(account, region, resource, n)`: one map lookup and two additions on the hot path. Gauges are
// collected from the stores when asked (a scrape, or the CloudWatch minute sample), never kept here.
// Every family has a cap on its label sets (labelLimit); past it, new resources (or operations) fold into the
// label value "other", so a client inventing queue names or operations cannot grow the registry without bound.
// The hot path only adds to plain numbers; prom-client formats them when scraped (each family is a registered metric
// whose get() reads the numbers), so a request costs a map lookup and a few additions, not prom-client's label hashing.
import { collectDefaultMetrics, Registry } from "prom-client";

/** The CloudWatch metric a series also is: namespace, metric name, the dimension holding the resource, unit. */
export interface CloudWatchMetric {
  namespace: string;
  metric: string;
  dimension: string;
  unit: string;
  /**
   * Metrics with more than one dimension (AWS/Events: EventBusName and RuleName): the resource's dimensions, in
   * place of `dimension` = resource. The service encodes them in the resource string it counts under.
   */
  dimensions?: (resource: string) => { Name: string; Value: string }[];
}

export interface ResourceMetric {
  /** Prometheus name (snake case; counters end in _total). */
  name: string;
  help: string;
  /** The label naming the resource (queue_name, topic_name, ...). */
  resourceLabel: string;
  /**
   * Series labelled by more than one resource label (event_bus_name and rule_name): the labels of a resource string,
   * in place of `resourceLabel` = resource. Called with "other" for the folded series.
   */
  labels?: (resource: string) => Record<string, string>;
  cloudwatch?: CloudWatchMetric;
}

/** The Prometheus labels of one resource of a series. */
function resourceLabels(metric: ResourceMetric, account: string, region: string, resource: string): Record<string, string> {
  return metric.labels ? { account, region, ...metric.labels(resource) } : { account, region, [metric.resourceLabel]: resource };
}

export interface ResourceCounter {
  add(account: string, region: string, resource: string, n?: number): void;
  /**
   * One resource's counter, for a hot path that counts the same resource again and again (EventBridge's rules): its
   * entry is looked up on the first add, not before (a resource never counted has no series), and again only after a
   * drain forgot it, so each later add is two additions with no key built.
   */
  of(account: string, region: string, resource: string): ResourceHandle;
}

/** A ResourceCounter bound to one resource (ResourceCounter.of). */
export interface ResourceHandle {
  add(n?: number): void;
}

/** A per-resource distribution (latencies, ages): each observation goes to a Prometheus histogram and to CloudWatch's minute statistics. */
export interface ResourceDistribution {
  observe(account: string, region: string, resource: string, value: number): void;
}

/** A distribution's last minute (or since the last drain), as CloudWatch stores a datapoint with statistic values. */
export interface DistributionDelta {
  metric: CloudWatchMetric;
  account: string;
  region: string;
  resource: string;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** At most MAX_KEPT_VALUES of the minute's values (a uniform sample past that), for percentiles. */
  values: number[];
}

/** Values a distribution keeps per resource and minute for CloudWatch percentiles (as PutMetricData keeps 1,000). */
export const MAX_KEPT_VALUES = 1000;

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
/** Minute drains after which a quiet counter entry may be forgotten (only while a family is over its label limit). */
const IDLE_DRAINS = 60;

interface CounterEntry {
  /** Drains since it last changed (entries of resources gone quiet are forgotten past the label limit). */
  idle: number;
  /** Set when a drain forgot the entry: a ResourceHandle holding it looks the resource up again. */
  forgotten: boolean;
  pending: number;
  total: number;
  account: string;
  region: string;
  resource: string;
}

interface DistributionEntry {
  idle: number;
  buckets: Buckets;
  account: string;
  region: string;
  resource: string;
  /** The minute so far (drained by the CloudWatch job). */
  sum: number;
  count: number;
  min: number;
  max: number;
  values: number[];
}

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** Request latency buckets (seconds): from a cached read to a long poll. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** A histogram's numbers: per-bucket counts (not cumulative; the last is +Inf), sum and count. */
class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly bounds: number[];
  constructor(bounds: number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }
  samples(name: string, labels: Labels, out: Sample[]): void {
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i];
      out.push({ metricName: `${name}_bucket`, labels: { le: String(this.bounds[i]), ...labels }, value: cumulative });
    }
    out.push({ metricName: `${name}_bucket`, labels: { le: "+Inf", ...labels }, value: this.count });
    out.push({ metricName: `${name}_sum`, labels, value: this.sum });
    out.push({ metricName: `${name}_count`, labels, value: this.count });
  }
}

interface RequestEntry {
  labels: Labels;
  count: number;
  latency: Buckets;
  throttled: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly labelLimit: number;
  private readonly counters: { metric: ResourceMetric; entries: Map<string, CounterEntry> }[] = [];
  private readonly distributions: { metric: ResourceMetric; entries: Map<string, DistributionEntry> }[] = [];
  private readonly gaugeSources: { metrics: ResourceMetric[]; collect: () => Promise<GaugeSample[]> }[] = [];
  private readonly requests = new Map<string, RequestEntry>();
  private readonly commitSeconds = new Buckets(LATENCY_BUCKETS);
  private readonly commitBatch = new Buckets(BATCH_BUCKETS);
  private connections: () => number | Promise<number> = () => 0;

  constructor(labelLimit = DEFAULT_LABEL_LIMIT) {
    if (!Number.isSafeInteger(labelLimit) || labelLimit < 1) throw new Error(`invalid metrics label limit: ${labelLimit} (a positive whole number)`);
    this.labelLimit = labelLimit;
    const requests = () => [...this.requests.values()];
    this.family("mailroom_requests_total", "API requests by service, operation and error code (empty: success).", "counter",
      () => requests().map((r) => ({ labels: r.labels, value: r.count })));
    this.family("mailroom_request_duration_seconds", "API request latency by service, operation and error code.", "histogram", () => {
      const out: Sample[] = [];
      for (const r of requests()) r.latency.samples("mailroom_request_duration_seconds", r.labels, out);
      return out;
    });
    this.family("mailroom_throttled_requests_total", "API requests answered with a throttling error.", "counter", () => {
      const by = new Map<string, Sample>();
      for (const r of requests()) {
        if (r.throttled === 0) continue;
        const k = `${r.labels.service}\u0000${r.labels.operation}`;
        const s = by.get(k);
        if (s) s.value += r.throttled;
        else by.set(k, { labels: { service: r.labels.service, operation: r.labels.operation }, value: r.throttled });
      }
      return [...by.values()];
    });
    this.family("mailroom_storage_commit_duration_seconds", "Storage transaction commit latency (SQLite group commits, PostgreSQL transactions).", "histogram", () => {
      const out: Sample[] = [];
      this.commitSeconds.samples("mailroom_storage_commit_duration_seconds", {}, out);
      return out;
    });
    this.family("mailroom_storage_commit_batch_size", "Writes per storage commit (SQLite group commit).", "histogram", () => {
      const out: Sample[] = [];
      this.commitBatch.samples("mailroom_storage_commit_batch_size", {}, out);
      return out;
    });
    this.family("mailroom_open_connections", "Open client connections.", "gauge", async () => [{ labels: {}, value: await this.connections() }]);
    // The process's own figures (CPU, memory, event-loop delay, GC, handles), read when scraped.
    collectDefaultMetrics({ register: this.registry, prefix: "mailroom_" });
  }

  /** Registers a family whose values are read when scraped; prom-client formats them. */
  private family(name: string, help: string, type: "counter" | "gauge" | "histogram", collect: () => Sample[] | Promise<Sample[]>): void {
    const metric = {
      name, help, type, aggregator: "sum",
      get: async () => ({ name, help, type, aggregator: "sum", values: await collect() }),
      reset: () => {},
    };
    this.registry.registerMetric(metric as unknown as Parameters<Registry["registerMetric"]>[0]);
  }

  /** A per-resource counter (labels account, region and the resource). */
  counter(metric: ResourceMetric): ResourceCounter {
    const entries = new Map<string, CounterEntry>();
    this.counters.push({ metric, entries });
    const limit = this.labelLimit;
    this.family(metric.name, metric.help, "counter", () => {
      // The first `limit` resources keep their labels; the rest add up under "other" (CloudWatch keeps them by name).
      const out: Sample[] = [];
      let other = 0;
      let n = 0;
      for (const e of entries.values()) {
        if (n++ < limit) out.push({ labels: resourceLabels(metric, e.account, e.region, e.resource), value: e.total });
        else other += e.total;
      }
      if (n > limit) out.push({ labels: resourceLabels(metric, OTHER, OTHER, OTHER), value: other });
      return out;
    });
    const entryOf = (account: string, region: string, resource: string): CounterEntry => {
      const key = `${account}\u0000${region}\u0000${resource}`;
      let e = entries.get(key);
      if (e === undefined) entries.set(key, (e = { idle: 0, forgotten: false, pending: 0, total: 0, account, region, resource }));
      return e;
    };
    return {
      add(account, region, resource, n = 1) {
        const e = entryOf(account, region, resource);
        e.total += n;
        e.pending += n;
      },
      of(account, region, resource) {
        let e: CounterEntry | undefined;
        return {
          add(n = 1) {
            if (e === undefined || e.forgotten) e = entryOf(account, region, resource);
            e.total += n;
            e.pending += n;
          },
        };
      },
    };
  }

  /**
   * A per-resource distribution in `bounds` buckets (Prometheus histogram, labels capped as counters are) whose minute
   * statistics (sum, count, min, max and a sample of values for percentiles) become CloudWatch datapoints.
   */
  distribution(metric: ResourceMetric, bounds: number[]): ResourceDistribution {
    const entries = new Map<string, DistributionEntry>();
    this.distributions.push({ metric, entries });
    const limit = this.labelLimit;
    this.family(metric.name, metric.help, "histogram", () => {
      const out: Sample[] = [];
      let n = 0;
      const other = new Buckets(bounds);
      for (const e of entries.values()) {
        if (n++ < limit) e.buckets.samples(metric.name, resourceLabels(metric, e.account, e.region, e.resource), out);
        else {
          for (let i = 0; i < other.counts.length; i++) other.counts[i] += e.buckets.counts[i];
          other.sum += e.buckets.sum;
          other.count += e.buckets.count;
        }
      }
      if (n > limit) other.samples(metric.name, resourceLabels(metric, OTHER, OTHER, OTHER), out);
      return out;
    });
    return {
      observe(account, region, resource, value) {
        const key = `${account}\u0000${region}\u0000${resource}`;
        let e = entries.get(key);
        if (e === undefined) {
          entries.set(key, (e = { idle: 0, buckets: new Buckets(bounds), account, region, resource, sum: 0, count: 0, min: Infinity, max: -Infinity, values: [] }));
        }
        e.buckets.observe(value);
        e.count++;
        e.sum += value;
        if (value < e.min) e.min = value;
        if (value > e.max) e.max = value;
        // Reservoir sampling keeps a uniform sample of the minute's values once more than MAX_KEPT_VALUES arrive.
        if (e.values.length < MAX_KEPT_VALUES) e.values.push(value);
        else {
          const j = Math.floor(Math.random() * e.count);
          if (j < MAX_KEPT_VALUES) e.values[j] = value;
        }
      },
    };
  }

  /** The distributions' statistics since the last drain, for CloudWatch (only series that are CloudWatch metrics). */
  drainDistributions(): DistributionDelta[] {
    const out: DistributionDelta[] = [];
    for (const d of this.distributions) {
      const cw = d.metric.cloudwatch;
      const crowded = d.entries.size > this.labelLimit;
      for (const [key, e] of d.entries) {
        if (e.count === 0) {
          if (++e.idle > IDLE_DRAINS && crowded) d.entries.delete(key);
          continue;
        }
        if (cw) out.push({ metric: cw, account: e.account, region: e.region, resource: e.resource, sum: e.sum, count: e.count, min: e.min, max: e.max, values: e.values });
        e.idle = 0;
        e.sum = 0;
        e.count = 0;
        e.min = Infinity;
        e.max = -Infinity;
        e.values = [];
      }
    }
    return out;
  }

  /**
   * Gauges read from a service's stores on scrape (and by the CloudWatch minute sample): `collect` returns the
   * current value of each of `metrics` per resource. One collect per scrape serves all of the source's families.
   */
  gauges(metrics: ResourceMetric[], collect: () => Promise<GaugeSample[]>): void {
    this.gaugeSources.push({ metrics, collect });
    let reading: Promise<GaugeSample[]> | undefined;
    const limit = this.labelLimit;
    for (const m of metrics) {
      this.family(m.name, m.help, "gauge", async () => {
        reading ??= collect().finally(() => setImmediate(() => (reading = undefined)));
        const samples = await reading;
        const out: Sample[] = [];
        let n = 0;
        let other = 0;
        for (const s of samples) {
          if (s.metric !== m) continue;
          if (n++ < limit) out.push({ labels: resourceLabels(m, s.account, s.region, s.resource), value: s.value });
          else other += s.value;
        }
        if (n > limit) out.push({ labels: resourceLabels(m, OTHER, OTHER, OTHER), value: other });
        return out;
      });
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
      const crowded = c.entries.size > this.labelLimit;
      for (const [key, e] of c.entries) {
        if (e.pending === 0) {
          // Queues and topics come and go: past the label limit, one quiet for an hour of drains is forgotten (its
          // Prometheus series goes stale, as a deleted resource's should), so the map stays bounded.
          if (++e.idle > IDLE_DRAINS && crowded) {
            c.entries.delete(key);
            e.forgotten = true;
          }
          continue;
        }
        if (cw) out.push({ metric: cw, account: e.account, region: e.region, resource: e.resource, value: e.pending });
        e.pending = 0;
        e.idle = 0;
      }
    }
    return out;
  }

  /** One API request: its service, operation, AWS error code ("" for success) and latency. */
  observeRequest(service: string, operation: string, code: string, seconds: number): void {
    const key = `${service}\u0000${operation}\u0000${code}`;
    let r = this.requests.get(key);
    if (r === undefined) {
      // Operations come from the client (X-Amz-Target, Action): past the backstop, new combinations fold.
      const fold = this.requests.size >= REQUEST_SERIES_LIMIT;
      const k = fold ? `${service}\u0000${OTHER}\u0000${code === "" ? "" : OTHER}` : key;
      r = this.requests.get(k);
      if (r === undefined) {
        r = { labels: { service, operation: fold ? OTHER : operation, code: fold && code !== "" ? OTHER : code }, count: 0, latency: new Buckets(LATENCY_BUCKETS), throttled: 0 };
        this.requests.set(k, r);
      }
    }
    r.count++;
    r.latency.observe(seconds);
    if (code !== "" && isThrottle(code)) r.throttled++;
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
