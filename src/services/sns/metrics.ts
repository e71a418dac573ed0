// SNS's series: the CloudWatch AWS/SNS metrics in snake case (Amazon SNS developer guide, "Amazon SNS metrics"),
// labelled by account, region and topic_name; they are also the per-minute AWS/SNS datapoints (dimension TopicName).
import type { Metrics, ResourceCounter, ResourceMetric } from "../../metrics/registry.ts";

const counter = (name: string, metric: string, help: string): ResourceMetric =>
  ({ name, help, resourceLabel: "topic_name", cloudwatch: { namespace: "AWS/SNS", metric, dimension: "TopicName", unit: "Count" } });

export const SNS_SERIES = {
  published: counter("mailroom_sns_number_of_messages_published_total", "NumberOfMessagesPublished", "Messages published to a topic."),
  delivered: counter("mailroom_sns_number_of_notifications_delivered_total", "NumberOfNotificationsDelivered", "Notifications delivered to subscriptions (queues and sinks at the publish's commit, HTTP/S when the endpoint accepted them)."),
  failed: counter("mailroom_sns_number_of_notifications_failed_total", "NumberOfNotificationsFailed", "Deliveries that failed: HTTP/S attempts the endpoint refused or could not take, copies for queues that no longer exist."),
  filteredOut: counter("mailroom_sns_number_of_notifications_filtered_out_total", "NumberOfNotificationsFilteredOut", "Notifications not sent because the subscription's filter policy rejected the message."),
};

export interface SnsMetrics {
  published: ResourceCounter;
  delivered: ResourceCounter;
  failed: ResourceCounter;
  filteredOut: ResourceCounter;
}

export function snsMetrics(metrics: Metrics): SnsMetrics {
  const s = SNS_SERIES;
  return { published: metrics.counter(s.published), delivered: metrics.counter(s.delivered), failed: metrics.counter(s.failed), filteredOut: metrics.counter(s.filteredOut) };
}
