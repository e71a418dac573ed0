// ConfirmSubscription's checks and what it records, and who may call Unsubscribe afterwards
// (ConfirmSubscription and Unsubscribe API references).
import { AwsError } from "../../../protocol/errors.ts";
import { invalidParameter } from "../errors.ts";

/**
 * Subscription attribute (never shown by GetSubscriptionAttributes) recording that a signed ConfirmSubscription
 * asked for AuthenticateOnUnsubscribe=true.
 */
export const AUTH_ON_UNSUBSCRIBE = "AuthenticateOnUnsubscribe";

/**
 * A token that is not hexadecimal is "Invalid token"; a hexadecimal one that names nothing is "Invalid parameter:
 * Token" (recorded AWS responses: LocalStack snapshots test_sns_confirm_subscription_wrong_token, "randomtoken",
 * and test_subscribe_external_http_endpoint, "abc123"). Both InvalidParameter, 400.
 */
export function checkTokenShape(token: unknown): string {
  if (typeof token !== "string" || !/^[0-9a-f]+$/i.test(token)) throw new AwsError("InvalidParameter", "Invalid token", { status: 400 });
  return token;
}

/** A TopicArn that does not parse, or names another topic than the token's: "Invalid parameter: Topic" (same snapshots). */
export function wrongTopic(): AwsError {
  return invalidParameter("Topic");
}

/**
 * The attributes a ConfirmSubscription adds. ConfirmationWasAuthenticated: "true if the subscription confirmation
 * request was authenticated" (GetSubscriptionAttributes API reference). AuthenticateOnUnsubscribe counts only when
 * "the value of this parameter is true and the request has an AWS signature" (ConfirmSubscription API reference).
 */
export function confirmationAttributes(signed: boolean, authenticateOnUnsubscribe: unknown): Record<string, string> {
  const out: Record<string, string> = { ConfirmationWasAuthenticated: signed ? "true" : "false" };
  if (signed && /^true$/i.test(String(authenticateOnUnsubscribe ?? ""))) out[AUTH_ON_UNSUBSCRIBE] = "true";
  return out;
}

/**
 * Unsubscribing a subscription confirmed with AuthenticateOnUnsubscribe needs a signed request: "an AWS signature is
 * required" (Unsubscribe API reference), so the unsigned UnsubscribeURL is refused as any unsigned request is
 * (AWS Common Errors: MissingAuthenticationToken, HTTP 403).
 */
export function checkUnsubscribeAllowed(attributes: Record<string, string>, signed: boolean): void {
  if (!signed && attributes[AUTH_ON_UNSUBSCRIBE] === "true") {
    throw new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", { status: 403 });
  }
}

/** Whether the request was signed (an unsigned one reaches operations as the "anonymous" key, src/auth/sigv4.ts). */
export function isSigned(accessKeyId: string): boolean {
  return accessKeyId !== "anonymous";
}
