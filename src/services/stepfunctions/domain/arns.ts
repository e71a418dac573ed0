// State machine and execution ARNs: arn:aws:states:<region>:<account>:stateMachine:<name> and
// arn:aws:states:<region>:<account>:execution:<machine name>:<execution name> (Step Functions ARN formats, IAM
// service authorization reference for AWS Step Functions).

export interface MachineArn { region: string; account: string; name: string }

export const machineArn = (region: string, account: string, name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`;
export const executionArn = (m: MachineArn, name: string) => `arn:aws:states:${m.region}:${m.account}:execution:${m.name}:${name}`;

function parts(arn: string): string[] | undefined {
  const p = arn.split(":");
  if (p.length < 7 || p[0] !== "arn" || p[2] !== "states" || !/^\d{12}$/.test(p[4])) return undefined;
  return p;
}

export function parseMachineArn(arn: string): MachineArn | undefined {
  const p = parts(arn);
  if (!p || p.length !== 7 || p[5] !== "stateMachine" || p[6] === "") return undefined;
  return { region: p[3], account: p[4], name: p[6] };
}

export function parseExecutionArn(arn: string): (MachineArn & { execution: string }) | undefined {
  const p = parts(arn);
  if (!p || p.length !== 8 || p[5] !== "execution" || p[6] === "" || p[7] === "") return undefined;
  return { region: p[3], account: p[4], name: p[6], execution: p[7] };
}

/**
 * Names of state machines and executions: 1–80 characters, none of whitespace, brackets `< > { } [ ]`, wildcards
 * `? *`, special characters `" # % \ ^ | ~ ` $ & , ; : /` or control characters (CreateStateMachine and
 * StartExecution API reference, `name`).
 */
export function validName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length >= 1 && name.length <= 80 && !/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name);
}
