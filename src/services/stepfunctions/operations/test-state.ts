// TestState: one state run on its own (domain/test-state.ts), validated as CreateStateMachine validates it.
import type { RequestContext } from "../../types.ts";
import { checkDefinition, type Json, type State } from "../domain/definition.ts";
import { parseResource } from "../domain/step.ts";
import { testState as run } from "../domain/test-state.ts";
import type { SfnEnv } from "../env.ts";
import { invalidArn, invalidDefinition, invalidInput, validation } from "../errors.ts";

type In = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

function json(text: unknown, what: string): Json {
  try {
    return JSON.parse(String(text)) as Json;
  } catch (e) {
    if (what === "input") throw invalidInput(e instanceof Error ? e.message : String(e));
    throw validation(`The ${what} must be valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function testState(env: SfnEnv, ctx: RequestContext, input: In) {
  const definition = String(input.definition);
  if (definition.length > 1_048_576) throw validation("1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576");
  const doc = json(definition, "definition");
  if (!isObject(doc)) throw invalidDefinition("SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object");
  let name: string;
  let state: State;
  let ql: string;
  let problems: string[];
  if ("States" in doc) {
    // A whole state machine: the state named by stateName is tested (TestState API reference, stateName).
    if (typeof input.stateName !== "string") throw validation("stateName is required when the definition is a state machine");
    name = input.stateName;
    problems = checkDefinition(definition).problems;
    if (problems.length > 0) throw invalidDefinition(problems.join(", "));
    const states = doc.States as Record<string, State>;
    if (!Object.hasOwn(states, name)) throw validation(`The state '${name}' is not in the definition`);
    state = states[name];
    ql = (doc.QueryLanguage as string | undefined) ?? "JSONPath";
  } else {
    name = typeof input.stateName === "string" ? input.stateName : "TestState";
    state = doc as State;
    ql = (state.QueryLanguage as string | undefined) ?? "JSONPath";
    // A state alone: its transitions name states that are not there, which only a whole machine checks.
    problems = checkDefinition(JSON.stringify({ StartAt: name, States: { [name]: doc } })).problems
      .filter((p) => !p.startsWith("MISSING_TRANSITION_TARGET") && !p.startsWith("MISSING_TERMINAL_STATE"));
    if (problems.length > 0) throw invalidDefinition(problems.join(", "));
  }
  if (state.Type === "Parallel" || state.Type === "Map") throw validation(`TestState of ${String(state.Type)} states is not supported by this Mailroom version yet.`);
  if (input.roleArn !== undefined && !/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(String(input.roleArn))) throw invalidArn(String(input.roleArn));
  const level = (input.inspectionLevel as string | undefined) ?? "INFO";
  if (!["INFO", "DEBUG", "TRACE"].includes(level)) throw validation(`1 validation error detected: Value '${level}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]`);
  const mockIn = input.mock as In | undefined;
  let mock: { result?: Json; error?: string; cause?: string } | undefined;
  if (mockIn !== undefined) {
    // Mocked results are used as given: validating them against the integration's response shape is not carried out.
    if (mockIn.fieldValidationMode !== undefined && mockIn.fieldValidationMode !== "NONE") throw validation("mock.fieldValidationMode STRICT and PRESENT are not supported by this Mailroom version yet; use NONE.");
    const err = mockIn.errorOutput as In | undefined;
    if ((mockIn.result === undefined) === (err === undefined)) throw validation("A mock must have exactly one of result or errorOutput");
    mock = err ? { error: err.error === undefined ? "States.TaskFailed" : String(err.error), cause: err.cause === undefined ? undefined : String(err.cause) } : { result: json(mockIn.result, "mock result") };
  }
  if (state.Type === "Task" && !mock) {
    const p = parseResource(String(state.Resource));
    if (p.activity || p.pattern !== "request-response") throw validation("TestState runs request-response Task states only; mock the result of an activity, .sync or .waitForTaskToken task.");
  }
  const variables = input.variables === undefined ? {} : json(input.variables, "variables");
  if (!isObject(variables)) throw validation("The variables must be a JSON object");
  const extra = input.context === undefined ? {} : json(input.context, "context");
  if (!isObject(extra)) throw validation("The context must be a JSON object");
  const now = new Date(env.clock.now()).toISOString();
  const context: Record<string, Json> = {
    Execution: { Id: `arn:aws:states:${ctx.region}:${ctx.accountId}:execution:TestStateMachine:TestState`, Name: "TestState", StartTime: now, RoleArn: String(input.roleArn ?? ""), RedriveCount: 0 },
    StateMachine: { Id: `arn:aws:states:${ctx.region}:${ctx.accountId}:stateMachine:TestStateMachine`, Name: "TestStateMachine" },
    State: { Name: name, EnteredTime: now },
    ...extra,
  };
  const config = (input.stateConfiguration as In | undefined) ?? {};
  const r = await run({
    name, state, queryLanguage: ql, input: input.input === undefined ? {} : json(input.input, "input"), variables, context, mock,
    retrierRetryCount: Number(config.retrierRetryCount ?? 0), invoke: env.resources ? (call) => env.resources!.invoke(call) : undefined,
    account: ctx.accountId, region: ctx.region,
  });
  return {
    status: r.status, output: r.output, error: r.error, cause: r.cause, nextState: r.nextState,
    // INFO answers the outcome only; DEBUG and TRACE add the data after each processing step (API reference, inspectionLevel).
    inspectionData: level === "INFO" ? undefined : r.inspectionData,
  };
}
