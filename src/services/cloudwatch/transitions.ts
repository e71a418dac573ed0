// What a state change writes besides the state: its history items (AWS's StateUpdate and Action items, their JSON
// HistoryData) and, when the alarm's actions are enabled, one outbox row per SNS topic of the new state's actions.
import type { NewOutboxItem } from "../../delivery/types.ts";
import type { AlarmRecord, AlarmState, HistoryItem } from "./store.ts";
import { type AlarmConfig, alarmMessage, type Evaluation } from "./domain/alarms.ts";

/** The delivery engine's "publish to an SNS topic" kind and its payload (services/sns/index.ts). */
export interface TopicPublish {
  kind: string;
  payload(p: { baseUrl: string; message: string; subject?: string }): string;
}

/** Publishing to a topic is retried a few times a second apart, then given up (a deleted topic is not retried). */
const ACTION_RETRY = { kind: "fixed" as const, retries: 3, backoffMs: 1000 };

export function actionsFor(c: AlarmConfig, state: AlarmState): string[] {
  return state === "ALARM" ? c.AlarmActions : state === "OK" ? c.OKActions : c.InsufficientDataActions;
}

export function transitionWrites(a: AlarmRecord, to: Evaluation, at: number, topics: TopicPublish): { history: HistoryItem[]; outbox: NewOutboxItem[] } {
  const c = a.config as unknown as AlarmConfig;
  const key = { account: a.account, region: a.region, name: a.name };
  const history: HistoryItem[] = [{
    ...key, ts: at, type: "StateUpdate", summary: `Alarm updated from ${a.state} to ${to.state}`,
    data: JSON.stringify({
      version: "1.0",
      oldState: { stateValue: a.state, stateReason: a.stateReason, ...(a.stateReasonData ? { stateReasonData: JSON.parse(a.stateReasonData) as unknown } : {}) },
      newState: { stateValue: to.state, stateReason: to.reason, ...(to.reasonData ? { stateReasonData: JSON.parse(to.reasonData) as unknown } : {}) },
    }),
  }];
  const outbox: NewOutboxItem[] = [];
  if (a.actionsEnabled) {
    const { subject, message } = alarmMessage(c, a.account, a.region, a.state, to, at, a.configUpdatedAt);
    for (const arn of actionsFor(c, to.state)) {
      outbox.push({ kind: topics.kind, target: arn, payload: topics.payload({ baseUrl: c.baseUrl, message, subject }), dueAt: at, policy: ACTION_RETRY });
      history.push({
        ...key, ts: at, type: "Action", summary: `Published a notification to ${arn}`,
        data: JSON.stringify({ actionState: "Queued", stateUpdateTimestamp: at, notificationResource: arn, publishedMessage: { subject } }),
      });
    }
  }
  return { history, outbox };
}
