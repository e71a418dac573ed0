// The public shape of resource declarations (startMailroom({ resources }), --config files) and their error, kept
// apart from the code that applies them so the package's type declarations stay small (src/index.ts's surface).

/**
 * What may be declared: `account` and `region` (where the resources are made; default the first access key's
 * account or 000000000000, and us-east-1), then one section per service module, each a map of resource kinds to
 * lists: `sqs: { queues: [...] }`, `sns: { topics: [...] }`, `events: { buses, rules }`, `kinesis: { streams }`,
 * `stepfunctions: { stateMachines }` (docs/operations-guide.md).
 */
export interface Declarations {
  account?: string;
  region?: string;
  [module: string]: unknown;
}

/** A declaration file or object that cannot be read or applied: its message is the one line to print. */
export class DeclarationError extends Error {
  override name = "DeclarationError";
}
