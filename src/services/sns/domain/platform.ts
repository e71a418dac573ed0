// Mobile push validation: platform application names, platforms, credentials, and endpoint attributes, with the
// wordings recorded on AWS (LocalStack snapshots test_create_platform_application_invalid_name,
// test_create_platform_application_invalid_platform, test_create_platform_application_invalid_attributes,
// test_get_platform_application_attributes_invalid_arn, test_create_platform_endpoint_with_invalid_attributes,
// test_set_platform_endpoint_attributes_invalid_attributes).
import { invalidParameter } from "../errors.ts";

export const PLATFORMS = new Set(["ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM", "MACOS", "MACOS_SANDBOX", "MPNS", "WNS"]);

/** Names: 1-256 of letters, digits, '_', '-', '.' (CreatePlatformApplication API reference, Name). */
export function checkApplicationName(name: string): void {
  if (name === "") throw invalidParameter(" Reason: cannot be empty");
  if (name.length > 256) throw invalidParameter(`${name} Reason: must be at most 256 characters long`);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw invalidParameter(`${name} Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'`);
}

export function checkPlatform(platform: string): void {
  if (!PLATFORMS.has(platform)) throw invalidParameter(`Platform Reason: ${platform} is not supported`);
}

/**
 * At creation, PlatformPrincipal comes with PlatformCredential, and so does PlatformCredential except on GCM (FCM),
 * whose credential is a key or service JSON alone (CreatePlatformApplication API reference, Attributes; "Mobile push
 * credentials" in the SNS developer guide).
 */
export function checkApplicationAttributes(platform: string, attributes: Record<string, string>): void {
  const principal = attributes.PlatformPrincipal !== undefined;
  const credential = attributes.PlatformCredential !== undefined;
  if (principal && !credential) throw invalidParameter("Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
  if (credential && !principal && platform !== "GCM") throw invalidParameter("Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
}

const ENDPOINT_ATTRIBUTES = new Set(["CustomUserData", "Enabled", "Token"]);
const MAX_USER_DATA_BYTES = 2048; // CustomUserData: up to 2 KB of UTF-8 (CreatePlatformEndpoint API reference)

/** Endpoint attributes: CustomUserData, Enabled and Token only; CustomUserData at most 2048 bytes; Enabled true/false. */
export function checkEndpointAttributes(attributes: Record<string, string>): void {
  for (const [k, v] of Object.entries(attributes)) {
    if (!ENDPOINT_ATTRIBUTES.has(k)) throw invalidParameter(`Attributes Reason: Invalid attribute name: ${k}`);
    if (k === "CustomUserData" && Buffer.byteLength(v, "utf8") > MAX_USER_DATA_BYTES) {
      throw invalidParameter(`Attributes Reason: Invalid value for attribute: CustomUserData: must be at most ${MAX_USER_DATA_BYTES} bytes long in UTF-8 encoding`);
    }
    // This wording is not checked against a recording.
    if (k === "Enabled" && !/^(true|false)$/.test(v)) throw invalidParameter("Attributes Reason: Enabled must be true or false");
  }
}
