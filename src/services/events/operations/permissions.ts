// PutPermission and RemovePermission: a bus's resource policy, which lets other accounts put events on it (user
// guide, "Permissions for Amazon EventBridge event buses"; API reference PutPermission, RemovePermission). The policy
// is evaluated by auth/policy.ts when another account's PutEvents names the bus, or a rule of another account has
// the bus as its target.
import { accountRoot, readPolicy } from "../../../auth/policy.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import { busArn } from "../domain/names.ts";
import { resolveBus, type EventsEnv } from "../env.ts";
import { constraint, validation } from "../errors.ts";

type Input = Record<string, unknown>;

/** Event bus policy size: 10,240 characters (EventBridge quotas, "Event bus policy size"). */
export const MAX_POLICY_CHARS = 10_240;

function checkBusName(name: unknown): string | undefined {
  if (name === undefined || name === null) return undefined;
  const s = String(name);
  // EventBusName of PutPermission/RemovePermission: a name, not an ARN (NonPartnerEventBusName: [\.\-_A-Za-z0-9]+, 1-256).
  if (s.length > 256) throw constraint(s, "eventBusName", "have length less than or equal to 256");
  if (!/^[.\-_A-Za-z0-9]+$/.test(s)) throw constraint(s, "eventBusName", "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  return s;
}

function checkStatementId(id: unknown): string {
  const s = String(id ?? "");
  // StatementId: 1-64 of [a-zA-Z0-9-_] (PutPermission API reference).
  if (s.length < 1 || s.length > 64 || !/^[a-zA-Z0-9_-]+$/.test(s)) throw constraint(s, "statementId", "satisfy regular expression pattern: [a-zA-Z0-9-_]+");
  return s;
}

function tooLong(): AwsError {
  return new AwsError("PolicyLengthExceededException", `The event bus policy exceeds the maximum size of ${MAX_POLICY_CHARS} characters.`);
}

export async function putPermission(env: EventsEnv, ctx: RequestContext, input: Input) {
  const bus = await resolveBus(env, ctx, checkBusName(input.EventBusName));
  const arn = busArn(bus.region, bus.account, bus.name);
  if (input.Policy !== undefined) {
    // Policy replaces the whole policy; it cannot be combined with the other members (PutPermission API reference:
    // "If you use Policy, you can't use the other parameters").
    if (input.Action !== undefined || input.Principal !== undefined || input.StatementId !== undefined || input.Condition !== undefined) {
      throw validation("Parameter Policy can't be used with Action, Principal, StatementId or Condition.");
    }
    const text = String(input.Policy);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw validation("Parameter Policy is not valid. Reason: it is not valid JSON.");
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc) || !("Statement" in doc)) throw validation("Parameter Policy is not valid. Reason: it has no Statement.");
    if (text.length > MAX_POLICY_CHARS) throw tooLong();
    await env.store.updateBusPolicy(bus, () => text);
    return undefined;
  }
  // Recorded wordings (moto's events backend, as AWS answers): "Parameter Principal must be specified.", "Provided
  // value in parameter 'action' is not supported." (only events:PutEvents can be granted this way).
  const principal = input.Principal as string | undefined;
  if (principal === undefined) throw validation("Parameter Principal must be specified.");
  if (input.Action !== "events:PutEvents") throw validation("Provided value in parameter 'action' is not supported.");
  const sid = checkStatementId(input.StatementId);
  const condition = input.Condition as { Type?: string; Key?: string; Value?: string } | undefined;
  // Principal: a 12-digit account or "*", which needs a Condition when it is given (PutPermission API reference, Principal and Condition).
  if (condition && principal !== "*") throw validation("Value of the parameter 'principal' must be '*' when the parameter 'condition' is set.");
  if (!/^(\d{12}|\*)$/.test(principal)) throw constraint(principal, "principal", "satisfy regular expression pattern: (\\d{12}|\\*)");
  if (condition && (condition.Type !== "StringEquals" || condition.Key !== "aws:PrincipalOrgID")) {
    // Condition: Type StringEquals and Key aws:PrincipalOrgID are the only values (API reference, Condition).
    throw validation("Condition Type must be StringEquals and Key must be aws:PrincipalOrgID.");
  }
  const statement: Record<string, unknown> = {
    Sid: sid, Effect: "Allow", Principal: principal === "*" ? "*" : { AWS: accountRoot(principal) }, Action: "events:PutEvents", Resource: arn,
  };
  if (condition) statement.Condition = { [condition.Type as string]: { [condition.Key as string]: condition.Value } };
  await env.store.updateBusPolicy(bus, (current) => {
    const doc = readPolicy(current);
    const next = JSON.stringify({ Version: doc.Version ?? "2012-10-17", Statement: [...doc.Statement.filter((s) => s.Sid !== sid), statement] });
    if (next.length > MAX_POLICY_CHARS) throw tooLong();
    return next;
  });
  return undefined;
}

export async function removePermission(env: EventsEnv, ctx: RequestContext, input: Input) {
  const bus = await resolveBus(env, ctx, checkBusName(input.EventBusName));
  if (input.RemoveAllPermissions === true) {
    await env.store.updateBusPolicy(bus, () => undefined);
    return undefined;
  }
  const sid = checkStatementId(input.StatementId);
  await env.store.updateBusPolicy(bus, (current) => {
    // Recorded wordings (moto's events backend): no policy, or no statement with the id.
    if (current === undefined) throw new AwsError("ResourceNotFoundException", "EventBus does not have a policy.");
    const doc = readPolicy(current);
    const rest = doc.Statement.filter((s) => s.Sid !== sid);
    if (rest.length === doc.Statement.length) throw new AwsError("ResourceNotFoundException", "Statement with the provided id does not exist.");
    return rest.length === 0 ? undefined : JSON.stringify({ ...doc, Statement: rest });
  });
  return undefined;
}
