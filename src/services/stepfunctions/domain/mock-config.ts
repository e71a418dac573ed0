// Mocked task results in the mock-config format of Step Functions Local (Step Functions developer guide, "Using
// mocked service integrations for testing in Step Functions Local"): StateMachines → <machine name> → TestCases →
// <test case> → { <state name>: <mocked response name> }, and MockedResponses → <name> → { "<invocation>" or
// "<first>-<last>": { Return: <result> } or { Throw: { Error, Cause } } }. Invocations count from 0 per state and
// execution (each retry is one). A test case is chosen by starting the execution on "<state machine ARN>#<test case>".
import type { Json } from "./definition.ts";
import type { TaskOutcome } from "./tasks.ts";

interface MockedStep { first: number; last: number; outcome: TaskOutcome }

export interface MockConfig {
  /** machine name → test case → state name → the mocked response's steps. */
  machines: Map<string, Map<string, Map<string, MockedStep[]>>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses and checks the file's text; throws an Error naming the first problem (Mailroom refuses to start with a bad file). */
export function parseMockConfig(text: string): MockConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`mock config is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(doc) || !isObject(doc.StateMachines)) throw new Error("mock config: StateMachines must be an object");
  const responses = isObject(doc.MockedResponses) ? doc.MockedResponses : {};
  const parsedResponses = new Map<string, MockedStep[]>();
  for (const [name, r] of Object.entries(responses)) {
    if (!isObject(r)) throw new Error(`mock config: MockedResponses.${name} must be an object`);
    const steps: MockedStep[] = [];
    for (const [key, v] of Object.entries(r)) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(key);
      if (!m) throw new Error(`mock config: MockedResponses.${name}: "${key}" is not an invocation number or range`);
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      if (last < first) throw new Error(`mock config: MockedResponses.${name}: range "${key}" ends before it starts`);
      if (!isObject(v) || ("Return" in v) === ("Throw" in v)) throw new Error(`mock config: MockedResponses.${name}.${key} must have exactly one of Return or Throw`);
      if ("Return" in v) steps.push({ first, last, outcome: { type: "succeeded", output: v.Return as Json } });
      else {
        const t = v.Throw;
        if (!isObject(t) || typeof t.Error !== "string") throw new Error(`mock config: MockedResponses.${name}.${key}.Throw needs an Error string`);
        steps.push({ first, last, outcome: { type: "failed", error: t.Error, cause: typeof t.Cause === "string" ? t.Cause : undefined } });
      }
    }
    parsedResponses.set(name, steps);
  }
  const machines = new Map<string, Map<string, Map<string, MockedStep[]>>>();
  for (const [machine, body] of Object.entries(doc.StateMachines)) {
    if (!isObject(body) || !isObject(body.TestCases)) throw new Error(`mock config: StateMachines.${machine}.TestCases must be an object`);
    const cases = new Map<string, Map<string, MockedStep[]>>();
    for (const [tc, states] of Object.entries(body.TestCases)) {
      if (!isObject(states)) throw new Error(`mock config: StateMachines.${machine}.TestCases.${tc} must be an object`);
      const byState = new Map<string, MockedStep[]>();
      for (const [state, response] of Object.entries(states)) {
        const steps = typeof response === "string" ? parsedResponses.get(response) : undefined;
        if (!steps) throw new Error(`mock config: StateMachines.${machine}.TestCases.${tc}.${state} names no MockedResponses entry (${JSON.stringify(response)})`);
        byState.set(state, steps);
      }
      cases.set(tc, byState);
    }
    machines.set(machine, cases);
  }
  return { machines };
}

/** "arn:…:stateMachine:Name#TestCase" → the machine ARN and the test case (Step Functions Local's selector). */
export function splitTestCase(arn: string): { arn: string; testCase?: string } {
  const i = arn.indexOf("#");
  return i < 0 ? { arn } : { arn: arn.slice(0, i), testCase: arn.slice(i + 1) };
}

/**
 * The mocked outcome of a state's n-th invocation (from 0) in a test case, undefined when the state is not mocked
 * there; a mocked state whose responses do not cover n fails the task (States.Runtime), never calls the service.
 */
export function mockedOutcome(config: MockConfig, machine: string, testCase: string, state: string, n: number): TaskOutcome | undefined {
  const steps = config.machines.get(machine)?.get(testCase)?.get(state);
  if (!steps) return undefined;
  const step = steps.find((s) => n >= s.first && n <= s.last);
  return step?.outcome ?? { type: "failed", error: "States.Runtime", cause: `The mocked response for state '${state}' in test case '${testCase}' has no entry for invocation ${n}.` };
}

/** Whether the config names the test case for that machine (StartExecution refuses unknown ones). */
export function hasTestCase(config: MockConfig, machine: string, testCase: string): boolean {
  return config.machines.get(machine)?.has(testCase) ?? false;
}
