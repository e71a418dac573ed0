// Step Functions' series: the execution metrics of AWS/States in snake case (Step Functions developer guide,
// "Monitoring Step Functions metrics using Amazon CloudWatch", execution metrics, dimension StateMachineArn),
// labelled by account, region and state_machine_arn; they are also the per-minute AWS/States datapoints. Counted
// where the execution's start or end commits: StartExecution (STANDARD), the runner's step that ends an execution,
// StopExecution's abort, and EXPRESS runs (StartExecution, StartSyncExecution) when they start and end. Activity
// tasks (dimension ActivityArn) when the runner's step that schedules, completes or times them out commits, and when
// GetActivityTask hands one to a worker.
import type { Metrics, ResourceCounter, ResourceDistribution, ResourceMetric } from "../../metrics/registry.ts";
import type { ExecutionStatus } from "./store.ts";

const counter = (name: string, metric: string, help: string): ResourceMetric =>
  ({ name, help, resourceLabel: "state_machine_arn", cloudwatch: { namespace: "AWS/States", metric, dimension: "StateMachineArn", unit: "Count" } });
/** Activity metrics: dimension ActivityArn (same guide, activity metrics). */
const activity = (name: string, metric: string, help: string): ResourceMetric =>
  ({ name, help, resourceLabel: "activity_arn", cloudwatch: { namespace: "AWS/States", metric, dimension: "ActivityArn", unit: "Count" } });

export const STATES_SERIES = {
  started: counter("mailroom_states_executions_started_total", "ExecutionsStarted", "Executions started."),
  succeeded: counter("mailroom_states_executions_succeeded_total", "ExecutionsSucceeded", "Executions that completed successfully."),
  failed: counter("mailroom_states_executions_failed_total", "ExecutionsFailed", "Executions that failed."),
  aborted: counter("mailroom_states_executions_aborted_total", "ExecutionsAborted", "Executions aborted or stopped (StopExecution, a Map Run that ended)."),
  timedOut: counter("mailroom_states_executions_timed_out_total", "ExecutionsTimedOut", "Executions that timed out (TimeoutSeconds)."),
  activitiesScheduled: activity("mailroom_states_activities_scheduled_total", "ActivitiesScheduled", "Activity tasks scheduled."),
  activitiesStarted: activity("mailroom_states_activities_started_total", "ActivitiesStarted", "Activity tasks handed to a worker (GetActivityTask)."),
  activitiesSucceeded: activity("mailroom_states_activities_succeeded_total", "ActivitiesSucceeded", "Activity tasks that completed successfully (recorded by the execution)."),
  activitiesFailed: activity("mailroom_states_activities_failed_total", "ActivitiesFailed", "Activity tasks that failed (recorded by the execution)."),
  activitiesTimedOut: activity("mailroom_states_activities_timed_out_total", "ActivitiesTimedOut", "Activity tasks that timed out (TimeoutSeconds or HeartbeatSeconds)."),
};

/** ExecutionTime: "the interval, in milliseconds, between the time the execution starts and the time it closes" (same guide). */
export const EXECUTION_TIME: ResourceMetric = {
  name: "mailroom_states_execution_time_milliseconds", help: "Time from an execution's start to its close.", resourceLabel: "state_machine_arn",
  cloudwatch: { namespace: "AWS/States", metric: "ExecutionTime", dimension: "StateMachineArn", unit: "Milliseconds" },
};
const EXECUTION_TIME_BUCKETS = [1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 60_000, 300_000, 3_600_000, 86_400_000];

type Series = { [K in keyof typeof STATES_SERIES]: ResourceCounter };

export interface SfnMetrics extends Series {
  /** One execution of `machineArn` ended with `status` (RUNNING: nothing is counted) after `ms` milliseconds when known. */
  ended(machineArn: string, status: ExecutionStatus, ms?: number): void;
  /** One execution of `machineArn` started. */
  startedOne(machineArn: string): void;
  /** One activity task of `activityArn` (arn:aws:states:<region>:<account>:activity:<name>). */
  activity(which: "activitiesScheduled" | "activitiesStarted" | "activitiesSucceeded" | "activitiesFailed" | "activitiesTimedOut", activityArn: string): void;
}

const BY_STATUS: Partial<Record<ExecutionStatus, keyof Series>> = { SUCCEEDED: "succeeded", FAILED: "failed", ABORTED: "aborted", TIMED_OUT: "timedOut" };

export function sfnMetrics(metrics: Metrics): SfnMetrics {
  const s = {} as Series;
  for (const [k, m] of Object.entries(STATES_SERIES)) s[k as keyof Series] = metrics.counter(m);
  const time: ResourceDistribution = metrics.distribution(EXECUTION_TIME, EXECUTION_TIME_BUCKETS);
  const add = (c: ResourceCounter, arn: string) => {
    // arn:aws:states:<region>:<account>:stateMachine:<name>[...]
    const p = arn.split(":", 5);
    if (p.length === 5) c.add(p[4], p[3], arn);
  };
  return {
    ...s,
    ended(arn, status, ms) {
      const k = BY_STATUS[status];
      if (!k) return;
      add(s[k], arn);
      const p = arn.split(":", 5);
      if (ms !== undefined && p.length === 5) time.observe(p[4], p[3], arn, Math.max(0, ms));
    },
    startedOne(arn) {
      add(s.started, arn);
    },
    activity(which, arn) {
      add(s[which], arn);
    },
  };
}
