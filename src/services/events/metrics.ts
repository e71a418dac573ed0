// EventBridge's series: the CloudWatch AWS/Events metrics of rules in snake case (EventBridge user guide, "Monitoring
// Amazon EventBridge"), labelled by account, region, event_bus_name and rule_name; they are also the per-minute
// AWS/Events datapoints. "Metrics that specify only the RuleName dimension refer to the default event bus. Metrics that
// specify both the EventBusName and RuleName dimensions refer to a custom event bus" (same page): a rule of the default
// bus has the one dimension RuleName, a rule of another bus both.
// Counted where the work commits: a dispatch's matches and in-process invocations after its transaction (PutEvents,
// replays, schedules), outbox invocations (API destinations, Kinesis streams, state machines) when the delivery engine
// settles them (DestinationKind.settled), so retries are not invocations until they end.
import type { DestinationKind, OutboxRow } from "../../delivery/types.ts";
import type { Metrics, ResourceCounter, ResourceHandle, ResourceMetric } from "../../metrics/registry.ts";
import { OTHER } from "../../metrics/registry.ts";
import { DEFAULT_BUS } from "./domain/names.ts";

const SEP = "\u0000";

/** The resource string a rule is counted under (bus names and rule names hold no NUL). */
export const ruleResource = (bus: string, rule: string) => `${bus}${SEP}${rule}`;

function split(resource: string): [string, string] {
  const i = resource.indexOf(SEP);
  return i < 0 ? [resource, resource] : [resource.slice(0, i), resource.slice(i + 1)];
}

const counter = (name: string, metric: string, help: string): ResourceMetric => ({
  name, help, resourceLabel: "rule_name",
  labels: (r) => (r === OTHER ? { event_bus_name: OTHER, rule_name: OTHER } : (([bus, rule]) => ({ event_bus_name: bus, rule_name: rule }))(split(r))),
  cloudwatch: {
    namespace: "AWS/Events", metric, dimension: "RuleName", unit: "Count",
    dimensions: (r) => {
      const [bus, rule] = split(r);
      return bus === DEFAULT_BUS ? [{ Name: "RuleName", Value: rule }] : [{ Name: "EventBusName", Value: bus }, { Name: "RuleName", Value: rule }];
    },
  },
});

export const EVENTS_SERIES = {
  triggeredRules: counter("mailroom_events_triggered_rules_total", "TriggeredRules", "Times a rule ran: an event matched its pattern, or its schedule fired."),
  matchedEvents: counter("mailroom_events_matched_events_total", "MatchedEvents", "Events that matched the rule's pattern (PutEvents, replays)."),
  invocations: counter("mailroom_events_invocations_total", "Invocations", "Target invocations, successful and failed for good (retries are not counted until they end)."),
  failedInvocations: counter("mailroom_events_failed_invocations_total", "FailedInvocations", "Target invocations that failed for good."),
  sentToDlq: counter("mailroom_events_invocations_sent_to_dlq_total", "InvocationsSentToDlq", "Failed invocations moved to the target's dead-letter queue."),
  failedToDlq: counter("mailroom_events_invocations_failed_to_be_sent_to_dlq_total", "InvocationsFailedToBeSentToDlq", "Failed invocations whose dead-letter queue does not exist."),
  deadLetterInvocations: counter("mailroom_events_dead_letter_invocations_total", "DeadLetterInvocations", "Invocations not made: an event bus target reached from another bus (one hop only)."),
};

export type EventsMetrics = { [K in keyof typeof EVENTS_SERIES]: ResourceCounter };

export function eventsMetrics(metrics: Metrics): EventsMetrics {
  const out = {} as EventsMetrics;
  for (const [k, m] of Object.entries(EVENTS_SERIES)) out[k as keyof EventsMetrics] = metrics.counter(m);
  return out;
}

/** Where an outbox row's invocation is counted: the rule whose target it is (written into the row's payload). */
export interface RuleRef {
  account: string;
  region: string;
  bus: string;
  rule: string;
}

type Series = keyof EventsMetrics;
const SERIES = Object.keys(EVENTS_SERIES) as Series[];

/**
 * One rule's counters, made once per rule record of a cached rule index (put-events.ts): its RuleRef and, per series,
 * a handle bound to the rule's resource (ResourceCounter.of), so counting a match builds no key. Handles are made on
 * the series' first count: a rule that never fails has no failed-invocation series.
 */
export class RuleCounters {
  readonly ref: RuleRef;
  private readonly metrics: EventsMetrics | undefined;
  private readonly handles: (ResourceHandle | undefined)[] = new Array(SERIES.length);
  constructor(metrics: EventsMetrics | undefined, ref: RuleRef) {
    this.metrics = metrics;
    this.ref = ref;
  }
  add(what: Series, n: number): void {
    if (!this.metrics) return;
    const i = SERIES.indexOf(what);
    let h = this.handles[i];
    if (h === undefined) h = this.handles[i] = this.metrics[what].of(this.ref.account, this.ref.region, ruleResource(this.ref.bus, this.ref.rule));
    h.add(n);
  }
}

/**
 * One dispatch's counts, added once its transaction committed: a flat list of (rule, series, n), with no per-count
 * key or object (a PutEvents of 10 events matching 10 different rules adds 30 counts).
 */
export class DispatchCounts {
  private readonly rules: RuleCounters[] = [];
  private readonly what: Series[] = [];
  private readonly n: number[] = [];
  add(rule: RuleCounters, what: Series, n = 1): void {
    this.rules.push(rule);
    this.what.push(what);
    this.n.push(n);
  }
  apply(): void {
    for (let i = 0; i < this.rules.length; i++) this.rules[i].add(this.what[i], this.n[i]);
  }
}

/**
 * A destination kind of EventBridge's outbox rows, counting each row's invocation when it settles: delivered, or
 * failed for good (and then sent to the dead-letter queue, or not because that queue is missing).
 */
export function countSettled(kind: DestinationKind, m: EventsMetrics): DestinationKind {
  return {
    ...kind,
    settled(row: OutboxRow, outcome) {
      let ref: RuleRef | undefined;
      try {
        ref = (JSON.parse(row.payload) as { rule?: RuleRef }).rule;
      } catch {
        return;
      }
      // Rows written before this version name no rule: not counted.
      if (!ref) return;
      const r = ruleResource(ref.bus, ref.rule);
      m.invocations.add(ref.account, ref.region, r);
      if (outcome.ok) return;
      m.failedInvocations.add(ref.account, ref.region, r);
      if (outcome.deadLettered === true) m.sentToDlq.add(ref.account, ref.region, r);
      else if (outcome.deadLettered === false) m.failedToDlq.add(ref.account, ref.region, r);
    },
  };
}
