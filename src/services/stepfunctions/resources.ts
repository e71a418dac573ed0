// The resources Step Functions lets operators declare (ADR 0024): state machines with a definition (a map or
// its JSON text), a role and tags. CreateStateMachine is idempotent for the same definition and role; a machine that
// exists with another one is brought up to date by UpdateStateMachine (running executions keep their revision).
import type { ResourceKind } from "../module.ts";
import { attributeString, isCode, optionalString, requiredString, stringMap } from "../declare.ts";

export const stateMachineResources: ResourceKind = {
  key: "stateMachines",
  fields: ["name", "definition", "roleArn", "type", "tags"],
  nameOf: (d) => String(d.name),
  async apply(call, decl, scope) {
    const name = requiredString(decl, "name");
    const definition = decl.definition === undefined ? undefined : attributeString(decl.definition);
    // A role is required by the API but not used by Mailroom: a declaration may leave it out.
    const roleArn = optionalString(decl, "roleArn") ?? `arn:aws:iam::${scope.account}:role/mailroom-declared`;
    const tags = stringMap(decl, "tags");
    const tagList = tags ? Object.entries(tags).map(([key, value]) => ({ key, value })) : undefined;
    try {
      await call("CreateStateMachine", { name, definition, roleArn, type: optionalString(decl, "type"), tags: tagList });
      return;
    } catch (e) {
      if (!isCode(e, "StateMachineAlreadyExists")) throw e;
    }
    const stateMachineArn = `arn:aws:states:${scope.region}:${scope.account}:stateMachine:${name}`;
    await call("UpdateStateMachine", { stateMachineArn, definition, roleArn });
    if (tagList) await call("TagResource", { resourceArn: stateMachineArn, tags: tagList });
  },
};
