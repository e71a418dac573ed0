// ARNs a pipe names: its own (arn:aws:pipes:<region>:<account>:pipe/<name>) and those of its source, enrichment and
// target, parsed into the kind of resource Mailroom can read from or deliver to.

export function pipeArn(region: string, account: string, name: string): string {
  return `arn:aws:pipes:${region}:${account}:pipe/${name}`;
}

/** The pipe an ARN names, or undefined. */
export function parsePipeArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:pipes:([a-z0-9-]+):(\d{12}):pipe\/([.\-_A-Za-z0-9]{1,64})$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

export type ResourceRef =
  | { kind: "sqs"; region: string; account: string; name: string; arn: string }
  | { kind: "kinesis"; region: string; account: string; name: string; arn: string }
  | { kind: "event-bus"; region: string; account: string; name: string; arn: string }
  | { kind: "state-machine"; region: string; account: string; name: string; arn: string }
  | { kind: "sns"; region: string; account: string; name: string; arn: string }
  | { kind: "api-destination"; region: string; account: string; name: string; arn: string }
  | { kind: "other"; service: string; arn: string };

/** What an ARN names, by its service and resource part. */
export function parseResource(arn: string): ResourceRef {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return { kind: "other", service: "", arn };
  const [, , service, region, account] = parts;
  const resource = parts.slice(5).join(":");
  const base = { region, account, arn };
  switch (service) {
    case "sqs":
      if (/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(resource)) return { kind: "sqs", name: resource, ...base };
      break;
    case "kinesis":
      if (resource.startsWith("stream/") && !resource.includes("/consumer/")) return { kind: "kinesis", name: resource.slice(7), ...base };
      break;
    case "events":
      if (resource.startsWith("event-bus/")) return { kind: "event-bus", name: resource.slice(10), ...base };
      if (resource.startsWith("api-destination/")) return { kind: "api-destination", name: resource.slice(16).split("/")[0], ...base };
      break;
    case "states":
      if (resource.startsWith("stateMachine:")) return { kind: "state-machine", name: resource.slice(13), ...base };
      break;
    case "sns":
      if (resource !== "" && !resource.includes(":")) return { kind: "sns", name: resource, ...base };
      break;
  }
  return { kind: "other", service, arn };
}
