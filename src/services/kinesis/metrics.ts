// Kinesis's series: the stream-level CloudWatch AWS/Kinesis metrics in snake case (Kinesis Data Streams developer
// guide, "Monitoring the Amazon Kinesis Data Streams service with Amazon CloudWatch", basic stream-level metrics),
// labelled by account, region and stream_name (and consumer_name for enhanced fan-out); they are also the per-minute AWS/Kinesis datapoints (dimension
// StreamName). Counted where the operation's records are committed (PutRecord, PutRecords) or read (GetRecords).
// Bytes are the records' data blobs.
import { OTHER, type Metrics, type ResourceCounter, type ResourceDistribution, type ResourceMetric } from "../../metrics/registry.ts";

const SEP = "\u0000";
/** The resource a consumer's series count under: the stream and the consumer (names hold no NUL). */
export const consumerResource = (stream: string, consumer: string) => `${stream}${SEP}${consumer}`;
const split = (r: string): [string, string] => {
  const i = r.indexOf(SEP);
  return i < 0 ? [r, r] : [r.slice(0, i), r.slice(i + 1)];
};

/** Enhanced fan-out series: dimensions StreamName and ConsumerName (same guide, SubscribeToShardEvent metrics). */
const consumerCounter = (name: string, metric: string, help: string, unit = "Count"): ResourceMetric => ({
  name, help, resourceLabel: "stream_name",
  labels: (r) => (r === OTHER ? { stream_name: OTHER, consumer_name: OTHER } : (([stream, consumer]) => ({ stream_name: stream, consumer_name: consumer }))(split(r))),
  cloudwatch: {
    namespace: "AWS/Kinesis", metric, dimension: "StreamName", unit,
    dimensions: (r) => (([stream, consumer]) => [{ Name: "StreamName", Value: stream }, { Name: "ConsumerName", Value: consumer }])(split(r)),
  },
});

const counter = (name: string, metric: string, help: string, unit = "Count"): ResourceMetric =>
  ({ name, help, resourceLabel: "stream_name", cloudwatch: { namespace: "AWS/Kinesis", metric, dimension: "StreamName", unit } });

export const KINESIS_SERIES = {
  incomingRecords: counter("mailroom_kinesis_incoming_records_total", "IncomingRecords", "Records successfully put to the stream (PutRecord, PutRecords)."),
  incomingBytes: counter("mailroom_kinesis_incoming_bytes_total", "IncomingBytes", "Bytes of data successfully put to the stream (PutRecord, PutRecords).", "Bytes"),
  putRecordSuccess: counter("mailroom_kinesis_put_record_success_total", "PutRecord.Success", "Successful PutRecord operations."),
  putRecordBytes: counter("mailroom_kinesis_put_record_bytes_total", "PutRecord.Bytes", "Bytes put with PutRecord.", "Bytes"),
  putRecordsSuccess: counter("mailroom_kinesis_put_records_success_total", "PutRecords.Success", "PutRecords operations where at least one record succeeded."),
  putRecordsTotalRecords: counter("mailroom_kinesis_put_records_total_records_total", "PutRecords.TotalRecords", "Records sent in PutRecords operations."),
  putRecordsSuccessfulRecords: counter("mailroom_kinesis_put_records_successful_records_total", "PutRecords.SuccessfulRecords", "Records written by PutRecords operations."),
  putRecordsThrottledRecords: counter("mailroom_kinesis_put_records_throttled_records_total", "PutRecords.ThrottledRecords", "Records PutRecords refused for the shard's throughput limit."),
  putRecordsBytes: counter("mailroom_kinesis_put_records_bytes_total", "PutRecords.Bytes", "Bytes put with PutRecords.", "Bytes"),
  getRecordsSuccess: counter("mailroom_kinesis_get_records_success_total", "GetRecords.Success", "Successful GetRecords operations."),
  getRecordsRecords: counter("mailroom_kinesis_get_records_records_total", "GetRecords.Records", "Records returned by GetRecords."),
  getRecordsBytes: counter("mailroom_kinesis_get_records_bytes_total", "GetRecords.Bytes", "Bytes of data returned by GetRecords.", "Bytes"),
  writeThrottled: counter("mailroom_kinesis_write_provisioned_throughput_exceeded_total", "WriteProvisionedThroughputExceeded", "Records refused for a shard's write throughput limit (--kinesis-throughput-limits)."),
  readThrottled: counter("mailroom_kinesis_read_provisioned_throughput_exceeded_total", "ReadProvisionedThroughputExceeded", "GetRecords calls refused for a shard's read throughput limit (--kinesis-throughput-limits)."),
  subscribeRecords: consumerCounter("mailroom_kinesis_subscribe_to_shard_event_records_total", "SubscribeToShardEvent.Records", "Records pushed to SubscribeToShard subscribers."),
  subscribeBytes: consumerCounter("mailroom_kinesis_subscribe_to_shard_event_bytes_total", "SubscribeToShardEvent.Bytes", "Bytes of data pushed to SubscribeToShard subscribers.", "Bytes"),
};

/**
 * GetRecords.IteratorAgeMilliseconds: "the difference between the current time and when the last record of the
 * GetRecords call was written to the stream"; "a value of zero indicates that the records being read are completely
 * caught up" (Kinesis developer guide, stream-level metrics). Observed per GetRecords call, as MillisBehindLatest is.
 */
export const ITERATOR_AGE: ResourceMetric = {
  name: "mailroom_kinesis_get_records_iterator_age_milliseconds", help: "Age of the last record of each GetRecords call (0 when caught up).",
  resourceLabel: "stream_name", cloudwatch: { namespace: "AWS/Kinesis", metric: "GetRecords.IteratorAgeMilliseconds", dimension: "StreamName", unit: "Milliseconds" },
};
const AGE_BUCKETS = [0, 100, 1000, 10_000, 60_000, 600_000, 3_600_000, 86_400_000, 604_800_000];

export type KinesisMetrics = { [K in keyof typeof KINESIS_SERIES]: ResourceCounter } & { iteratorAge: ResourceDistribution };

export function kinesisMetrics(metrics: Metrics): KinesisMetrics {
  const out = {} as KinesisMetrics;
  for (const [k, m] of Object.entries(KINESIS_SERIES)) (out as unknown as Record<string, ResourceCounter>)[k] = metrics.counter(m);
  out.iteratorAge = metrics.distribution(ITERATOR_AGE, AGE_BUCKETS);
  return out;
}
