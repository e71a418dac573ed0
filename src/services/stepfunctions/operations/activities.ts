// CreateActivity, DescribeActivity, ListActivities, DeleteActivity, GetActivityTask. An activity's tasks are the
// task rows a Task state with the activity's ARN as Resource opens; GetActivityTask hands the oldest one to one
// worker (a transaction claims it: SKIP LOCKED on PostgreSQL), long-polling up to 60 seconds and woken by the
// notifier when the runner schedules a task for the activity (nothing is polled on a timer).
import type { RequestContext } from "../../types.ts";
import { cancelOf } from "../../../util/cancel.ts";
import { validName } from "../domain/arns.ts";
import { activityKey } from "../jobs/runner.ts";
import { decodeToken, encodeToken, type SfnEnv } from "../env.ts";
import { invalidArn, invalidName, invalidToken, sfnError, validation } from "../errors.ts";
import type { ActivityRecord } from "../store.ts";
import { checkTokenLength, pageSize } from "./state-machines.ts";
import { mergeTags, readTags } from "./tags.ts";

type In = Record<string, unknown>;

/** GetActivityTask waits up to 60 seconds for a task (API reference: "The maximum time the service holds on to the request before responding is 60 seconds"). */
const POLL_MS = 60_000;

export const activityArn = (region: string, account: string, name: string) => `arn:aws:states:${region}:${account}:activity:${name}`;

function parseActivityArn(arn: string): { region: string; account: string; name: string } | undefined {
  const p = arn.split(":");
  if (p.length !== 7 || p[0] !== "arn" || p[2] !== "states" || p[5] !== "activity" || !/^\d{12}$/.test(p[4]) || p[6] === "") return undefined;
  return { region: p[3], account: p[4], name: p[6] };
}

const notFound = (arn: string) => sfnError("ActivityDoesNotExist", `Activity Does Not Exist: '${arn}'`);

async function resolveActivity(env: SfnEnv, ctx: RequestContext, arn: unknown): Promise<ActivityRecord> {
  const s = String(arn);
  const p = parseActivityArn(s);
  if (!p) throw invalidArn(s);
  const a = p.account === ctx.accountId && p.region === ctx.region ? await env.store.getActivity(s) : undefined;
  if (!a) throw notFound(s);
  return a;
}

export async function createActivity(env: SfnEnv, ctx: RequestContext, input: In) {
  const name = String(input.name);
  if (!validName(name)) throw invalidName(name);
  if (input.encryptionConfiguration !== undefined) throw validation("encryptionConfiguration is not supported by this Mailroom version yet.");
  const arn = activityArn(ctx.region, ctx.accountId, name);
  const tags = mergeTags([], readTags(input.tags), arn);
  const { activity } = await env.store.createActivity({ arn, account: ctx.accountId, region: ctx.region, name, createdAt: env.clock.now(), tags });
  // Idempotent: an existing activity of that name is answered (CreateActivity API reference, "idempotent").
  return { activityArn: arn, creationDate: new Date(activity.createdAt) };
}

export async function describeActivity(env: SfnEnv, ctx: RequestContext, input: In) {
  const a = await resolveActivity(env, ctx, input.activityArn);
  return { activityArn: a.arn, name: a.name, creationDate: new Date(a.createdAt) };
}

export async function listActivities(env: SfnEnv, ctx: RequestContext, input: In) {
  checkTokenLength(input.nextToken, 1024);
  const limit = pageSize(input.maxResults);
  const after = decodeToken(input.nextToken);
  if (after === undefined && input.nextToken !== undefined) throw invalidToken(String(input.nextToken));
  const rows = await env.store.listActivities(ctx.accountId, ctx.region, after ?? "", limit + 1);
  const page = rows.slice(0, limit);
  return {
    activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: new Date(a.createdAt) })),
    nextToken: rows.length > limit ? encodeToken(page[page.length - 1].arn) : undefined,
  };
}

export async function deleteActivity(env: SfnEnv, ctx: RequestContext, input: In) {
  const arn = String(input.activityArn);
  const p = parseActivityArn(arn);
  if (!p) throw invalidArn(arn);
  if (p.account === ctx.accountId && p.region === ctx.region) await env.store.deleteActivity(arn);
  return {};
}

export async function getActivityTask(env: SfnEnv, ctx: RequestContext, input: In) {
  const a = await resolveActivity(env, ctx, input.activityArn);
  const worker = input.workerName === undefined ? undefined : String(input.workerName);
  // workerName: at most 80 characters (GetActivityTask API reference).
  if (worker !== undefined && worker.length > 80) throw validation("1 validation error detected: Value at 'workerName' failed to satisfy constraint: Member must have length less than or equal to 80");
  const until = env.clock.now() + POLL_MS;
  const cancel = cancelOf(ctx);
  for (;;) {
    // Subscribe before looking, so a task scheduled between the look and the wait still wakes this poll.
    const sub = env.notifier?.subscribe(activityKey(a.arn));
    try {
      const t = await env.store.claimActivityTask(a.arn, worker, env.clock.now());
      if (t) {
        env.metrics?.activity("activitiesStarted", a.arn);
        env.wake();
        return { taskToken: t.token, input: t.input };
      }
      const left = until - env.clock.now();
      // Nothing within 60 seconds: an empty answer (API reference: "taskToken ... is returned empty").
      if (left <= 0 || !sub) return {};
      await sub.wait(left, cancel);
      if (cancel.aborted) return {};
    } finally {
      sub?.close();
    }
  }
}
