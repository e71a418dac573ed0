// EventBridge Pipes' series: the CloudWatch AWS/EventBridge/Pipes metrics of pipes (EventBridge user guide, "Logging
// and monitoring Amazon EventBridge Pipes": dimension PipeName, unit None) in snake case, labelled by account, region
// and pipe_name; they are also the per-minute AWS/EventBridge/Pipes datapoints. Counted by the runner per execution
// (one batch through enrichment and target): Invocations and EventCount when it starts, the failure series when it ends.
import type { Metrics, ResourceCounter, ResourceMetric } from "../../metrics/registry.ts";

const counter = (name: string, metric: string, help: string): ResourceMetric => ({
  name, help, resourceLabel: "pipe_name",
  cloudwatch: { namespace: "AWS/EventBridge/Pipes", metric, dimension: "PipeName", unit: "None" },
});

export const PIPES_SERIES = {
  invocations: counter("mailroom_pipes_invocations_total", "Invocations", "Pipe executions: batches sent through the enrichment and the target."),
  eventCount: counter("mailroom_pipes_event_count_total", "EventCount", "Events the pipe processed (records of its executions, after filtering)."),
  executionFailed: counter("mailroom_pipes_execution_failed_total", "ExecutionFailed", "Executions that failed (left to the source's retries)."),
  executionPartiallyFailed: counter("mailroom_pipes_execution_partially_failed_total", "ExecutionPartiallyFailed", "Executions the target accepted only part of."),
  enrichmentStageFailed: counter("mailroom_pipes_enrichment_stage_failed_total", "EnrichmentStageFailed", "Executions whose enrichment failed."),
  targetStageFailed: counter("mailroom_pipes_target_stage_failed_total", "TargetStageFailed", "Executions whose target refused the whole batch."),
  targetStagePartiallyFailed: counter("mailroom_pipes_target_stage_partially_failed_total", "TargetStagePartiallyFailed", "Executions whose target refused part of the batch."),
};

export type PipesMetrics = { [K in keyof typeof PIPES_SERIES]: ResourceCounter };

export function pipesMetrics(metrics: Metrics): PipesMetrics {
  const out = {} as PipesMetrics;
  for (const [k, m] of Object.entries(PIPES_SERIES)) out[k as keyof PipesMetrics] = metrics.counter(m);
  return out;
}
