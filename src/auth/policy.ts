// Resource policies (the SQS queue and SNS topic Policy attribute): reading a stored document, the statements
// AddPermission writes and RemovePermission removes, and evaluating a cross-account request against it.
//
// Evaluation (IAM policy evaluation logic, "Determining whether a request is allowed or denied within an account"
// and the cross-account section): a request is allowed when some Allow statement matches and no Deny statement
// matches. A statement matches when its principal, action and resource match and all its conditions hold.
// Callers are whole accounts here (access keys map to accounts, there is no IAM), so a principal matches as "*",
// {"AWS": "*"}, the 12-digit account id, or the account's root ARN arn:aws:iam::<account>:root; user and role
// ARNs never match. Conditions: see `conditionHolds` for the keys and operators understood; any other condition
// makes its statement not match (an Allow then grants nothing, a Deny denies nothing).

import { globMatch } from "../patterns/wildcard.ts";

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
  [k: string]: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
  [k: string]: unknown;
}

/** The caller and request a policy is evaluated for. */
export interface PolicyRequest {
  /** The caller's 12-digit account. */
  account: string;
  /** e.g. "sqs:SendMessage" (compared case-insensitively). */
  action: string;
  /** The resource ARN, e.g. the queue ARN. */
  resource: string;
  /** Whether the request came over TLS (aws:SecureTransport). */
  secure?: boolean;
  /** Service-specific condition keys of this request, lower-cased (e.g. SNS Subscribe's "sns:protocol", "sns:endpoint"). */
  keys?: Record<string, string>;
}

/** Parses a stored policy; a missing or unreadable value, or one without a Statement list, gives no statements. */
export function readPolicy(stored: string | undefined, fallback?: () => string): PolicyDocument {
  let p: unknown;
  try {
    p = JSON.parse(stored || (fallback ? fallback() : "{}"));
  } catch {
    p = {};
  }
  const o = (p && typeof p === "object" && !Array.isArray(p) ? p : {}) as Record<string, unknown>;
  const st = o.Statement;
  // A single statement may be written as an object instead of a list (IAM JSON policy grammar).
  const list = Array.isArray(st) ? st : st && typeof st === "object" ? [st] : [];
  return { ...o, Statement: list as PolicyStatement[] };
}

export function hasStatement(policy: PolicyDocument, sid: string): boolean {
  return policy.Statement.some((s) => s.Sid === sid);
}

/** One value as a string, several as a list: the form AWS writes AddPermission statements in (LocalStack snapshot test_sqs_permission_lifecycle, AWS-recorded). */
export function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/** The root ARN of an account, the principal AddPermission writes. */
export function accountRoot(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/**
 * Glob with * (any run) and ? (one character), as IAM matches actions and resources: a two-pointer matcher,
 * O(pattern × value) at worst, never a RegExp built from policy text (issue 12: `*?`×12 + `!` froze a RegExp for 72 s).
 */
export { globMatch };

function principalMatches(principal: unknown, account: string): boolean {
  if (principal === "*") return true;
  if (!principal || typeof principal !== "object" || Array.isArray(principal)) return false;
  const aws = (principal as Record<string, unknown>).AWS;
  return list(aws).some((p) => p === "*" || p === account || p === accountRoot(account));
}

function actionMatches(actions: unknown, action: string): boolean {
  // Action names are case-insensitive ("SQS:SendMessage" and "sqs:sendmessage" are the same; IAM action element docs).
  return list(actions).some((a) => typeof a === "string" && globMatch(a, action, true));
}

function resourceMatches(resources: unknown, arn: string): boolean {
  return list(resources).some((r) => typeof r === "string" && globMatch(r, arn));
}

/** The request context keys a direct call has (IAM global condition context keys); others are absent. */
function contextValue(key: string, req: PolicyRequest): string | undefined | null {
  switch (key.toLowerCase()) {
    case "aws:principalaccount":
      return req.account;
    case "aws:principalarn":
      return accountRoot(req.account);
    case "aws:principaltype":
      return "Account";
    case "aws:securetransport":
      return req.secure ? "true" : "false";
    // Present only when a service calls on behalf of a resource (SNS delivering to SQS); a direct call has neither.
    case "aws:sourceaccount":
    case "aws:sourcearn":
    case "aws:sourceowner":
      return undefined;
    default: {
      const own = req.keys?.[key.toLowerCase()];
      return own ?? null; // a key this evaluator does not know: the condition cannot be evaluated
    }
  }
}

const STRING_OPS: Record<string, (pattern: string, value: string) => boolean> = {
  stringequals: (p, v) => p === v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  stringlike: (p, v) => globMatch(p, v),
  arnequals: (p, v) => p === v,
  arnlike: (p, v) => globMatch(p, v),
  bool: (p, v) => p.toLowerCase() === v,
};
const NEGATED: Record<string, string> = {
  stringnotequals: "stringequals", stringnotequalsignorecase: "stringequalsignorecase", stringnotlike: "stringlike",
  arnnotequals: "arnequals", arnnotlike: "arnlike",
};

/**
 * Condition operators understood: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
 * StringLike, StringNotLike, ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, Bool, Null, each with the IfExists
 * suffix; keys: aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:SecureTransport, and
 * aws:SourceAccount, aws:SourceArn, aws:SourceOwner (absent on direct calls), plus the service-specific keys the
 * caller passes in PolicyRequest.keys. A missing key makes a positive
 * operator false and a negated one true (IAM condition operator docs); anything else does not hold.
 */
function conditionHolds(condition: unknown, req: PolicyRequest): boolean {
  if (condition === undefined) return true;
  if (!condition || typeof condition !== "object" || Array.isArray(condition)) return false;
  for (const [rawOp, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!block || typeof block !== "object" || Array.isArray(block)) return false;
    let op = rawOp.toLowerCase();
    const ifExists = op.endsWith("ifexists");
    if (ifExists) op = op.slice(0, -"ifexists".length);
    for (const [key, expected] of Object.entries(block as Record<string, unknown>)) {
      const value = contextValue(key, req);
      if (value === null) return false;
      const wanted = list(expected).map(String);
      if (op === "null") {
        if (!wanted.every((w) => (w.toLowerCase() === "true") === (value === undefined))) return false;
        continue;
      }
      if (value === undefined) {
        if (ifExists || op in NEGATED) continue;
        return false;
      }
      if (op in NEGATED) {
        if (wanted.some((w) => STRING_OPS[NEGATED[op]](w, value))) return false;
      } else if (op in STRING_OPS) {
        if (!wanted.some((w) => STRING_OPS[op](w, value))) return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

function statementMatches(s: PolicyStatement, req: PolicyRequest, defaultResource: string): boolean {
  const principal = s.NotPrincipal !== undefined ? !principalMatches(s.NotPrincipal, req.account) : principalMatches(s.Principal, req.account);
  if (!principal) return false;
  const action = s.NotAction !== undefined ? !actionMatches(s.NotAction, req.action) : actionMatches(s.Action, req.action);
  if (!action) return false;
  // A statement without Resource applies to the resource the policy is attached to.
  const resource = s.NotResource !== undefined
    ? !resourceMatches(s.NotResource, req.resource)
    : resourceMatches(s.Resource ?? defaultResource, req.resource);
  return resource && conditionHolds(s.Condition, req);
}

/** "allow" when some Allow statement matches and no Deny does; "deny" when a Deny matches (explicit); else "implicit". */
export function policyDecision(policy: PolicyDocument, req: PolicyRequest): "allow" | "deny" | "implicit" {
  let allowed = false;
  for (const s of policy.Statement) {
    if (!s || typeof s !== "object") continue;
    if (!statementMatches(s, req, req.resource)) continue;
    if (s.Effect === "Deny") return "deny";
    if (s.Effect === "Allow") allowed = true;
  }
  return allowed ? "allow" : "implicit";
}

/** Whether the policy allows the request: some Allow statement matches and no Deny statement does. */
export function policyAllows(policy: PolicyDocument, req: PolicyRequest): boolean {
  return policyDecision(policy, req) === "allow";
}
