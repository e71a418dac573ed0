// IPv4 and IPv6 CIDR ranges for the `cidr` operator (SNS filter policies, "IP address matching").

export interface CidrRange {
  v6: boolean;
  base: bigint;
  bits: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseCidr(s: string): CidrRange {
  const parts = s.split("/");
  if (parts.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  // Mask bits are checked before the address (AWS-recorded: LocalStack events snapshot content_ip_address_bad_mask_EXC).
  if (!/^\d+$/.test(parts[1])) throw new Error("Malformed CIDR, mask bits must be an integer");
  const v6 = parts[0].includes(":");
  const ip = v6 ? parseV6(parts[0]) : parseV4(parts[0]);
  const bits = Number(parts[1]);
  if (ip === undefined || !/^\d+$/.test(parts[1]) || bits > (v6 ? 128 : 32)) throw new Error(`Nonstandard IP address: ${parts[0]}`);
  const width = v6 ? 128 : 32;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { v6, base: ip & mask, bits };
}

export function ipInRange(ip: string, r: CidrRange): boolean {
  const n = r.v6 ? parseV6(ip) : parseV4(ip);
  if (n === undefined) return false;
  const width = r.v6 ? 128 : 32;
  const mask = r.bits === 0 ? 0n : ((1n << BigInt(r.bits)) - 1n) << BigInt(width - r.bits);
  return (n & mask) === r.base;
}
