// SQS's series: Prometheus names are the CloudWatch AWS/SQS metrics in snake case (Amazon SQS developer guide,
// "Available CloudWatch metrics for Amazon SQS"), labelled by account, region and queue_name; the counters are
// also the per-minute AWS/SQS datapoints of the CloudWatch API. Gauges are read from the store when asked.
import type { Clock } from "../../engine/clock.ts";
import type { Metrics, ResourceCounter, ResourceMetric } from "../../metrics/registry.ts";
import type { SqsStore } from "./store.ts";

const NS = "AWS/SQS";
const counter = (name: string, metric: string, help: string): ResourceMetric =>
  ({ name, help, resourceLabel: "queue_name", cloudwatch: { namespace: NS, metric, dimension: "QueueName", unit: "Count" } });
const gauge = (name: string, metric: string, help: string, unit = "Count"): ResourceMetric =>
  ({ name, help, resourceLabel: "queue_name", cloudwatch: { namespace: NS, metric, dimension: "QueueName", unit } });

export const SQS_SERIES = {
  sent: counter("mailroom_sqs_number_of_messages_sent_total", "NumberOfMessagesSent", "Messages added to a queue."),
  received: counter("mailroom_sqs_number_of_messages_received_total", "NumberOfMessagesReceived", "Messages returned by ReceiveMessage."),
  deleted: counter("mailroom_sqs_number_of_messages_deleted_total", "NumberOfMessagesDeleted", "Messages deleted by a receipt handle that was current."),
  emptyReceives: counter("mailroom_sqs_number_of_empty_receives_total", "NumberOfEmptyReceives", "ReceiveMessage calls that returned no message."),
  // No CloudWatch metric of AWS's counts these (labelled by the source queue).
  movedToDeadLetter: { name: "mailroom_sqs_messages_moved_to_dead_letter_total", help: "Messages a receive moved to the dead-letter queue (maxReceiveCount reached), by source queue.", resourceLabel: "queue_name" } as ResourceMetric,
  visible: gauge("mailroom_sqs_approximate_number_of_messages_visible", "ApproximateNumberOfMessagesVisible", "Messages available for retrieval."),
  notVisible: gauge("mailroom_sqs_approximate_number_of_messages_not_visible", "ApproximateNumberOfMessagesNotVisible", "Messages in flight (received, not yet deleted or visible again)."),
  delayed: gauge("mailroom_sqs_approximate_number_of_messages_delayed", "ApproximateNumberOfMessagesDelayed", "Messages delayed and not yet available."),
  age: gauge("mailroom_sqs_approximate_age_of_oldest_message_seconds", "ApproximateAgeOfOldestMessage", "Age of the oldest message in the queue, in seconds.", "Seconds"),
};

export interface SqsMetrics {
  sent: ResourceCounter;
  received: ResourceCounter;
  deleted: ResourceCounter;
  emptyReceives: ResourceCounter;
  movedToDeadLetter: ResourceCounter;
}

/** Declares SQS's series with the server's metrics; the gauges read every queue's figures in one store call. */
export function sqsMetrics(metrics: Metrics, store: SqsStore, clock: Clock): SqsMetrics {
  const s = SQS_SERIES;
  metrics.gauges([s.visible, s.notVisible, s.delayed, s.age], async () => {
    const now = clock.now();
    return (await store.gauges(now)).flatMap((q) => [
      { metric: s.visible, account: q.account, region: q.region, resource: q.name, value: q.visible },
      { metric: s.notVisible, account: q.account, region: q.region, resource: q.name, value: q.notVisible },
      { metric: s.delayed, account: q.account, region: q.region, resource: q.name, value: q.delayed },
      { metric: s.age, account: q.account, region: q.region, resource: q.name, value: q.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - q.oldestSentAt) / 1000)) },
    ]);
  });
  return { sent: metrics.counter(s.sent), received: metrics.counter(s.received), deleted: metrics.counter(s.deleted), emptyReceives: metrics.counter(s.emptyReceives), movedToDeadLetter: metrics.counter(s.movedToDeadLetter) };
}
