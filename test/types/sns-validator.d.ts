// Types for sns-validator (AWS's standalone SNS message validator for Node, which ships none).
declare module "sns-validator" {
  class MessageValidator {
    /** hostPattern is matched against the host (with port) of SigningCertURL; the scheme must be https. */
    constructor(hostPattern?: RegExp, encoding?: string);
    validate(message: string | Record<string, unknown>, cb: (err: Error | null, message?: Record<string, unknown>) => void): void;
  }
  export = MessageValidator;
}
