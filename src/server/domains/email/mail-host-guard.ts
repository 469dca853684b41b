import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

export type HostLookup = (host: string) => Promise<string[]>;

const systemLookup: HostLookup = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

const normalized = (address: string): ipaddr.IPv4 | ipaddr.IPv6 => {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
};

const rangeOf = (entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
  if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
  const address = normalized(entry);
  return [address, address.kind() === "ipv4" ? 32 : 128];
};

/** Whether an address is on the public internet (unicast), as opposed to loopback, private, link-local, reserved… */
export const isPublicAddress = (address: string): boolean => normalized(address).range() === "unicast";

const allowedBy = (address: ipaddr.IPv4 | ipaddr.IPv6, allowed: readonly string[]): boolean =>
  allowed.some((entry) => {
    const [base, bits] = rangeOf(entry);
    return base.kind() === address.kind() && address.match(base, bits);
  });

export class MailHostRefused extends Error {
  override readonly name = "MailHostRefused";
}

/**
 * The address to connect to for a mail server the admin named: the host resolved once, refused when any of its
 * addresses is not a public one (loopback, private, link-local, carrier-grade NAT, unique-local, reserved…) unless
 * `allowed` (EXTRAMILE_MAIL_ALLOW_PRIVATE_HOSTS) covers it. The caller connects to the returned address, so a
 * second lookup cannot point the connection elsewhere (DNS rebinding). A failed lookup is thrown as it came.
 */
export const resolveMailHost = async (
  host: string,
  allowed: readonly string[],
  resolve: HostLookup = systemLookup,
): Promise<string> => {
  const literal = ipaddr.isValid(host.replace(/^\[|\]$/g, ""));
  const addresses = literal ? [host.replace(/^\[|\]$/g, "")] : await resolve(host);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  for (const address of addresses) {
    const parsed = normalized(address);
    if (parsed.range() !== "unicast" && !allowedBy(parsed, allowed)) {
      throw new MailHostRefused(
        `${host} resolves to ${address} (${parsed.range()}), which is not a public address; allow it with EXTRAMILE_MAIL_ALLOW_PRIVATE_HOSTS`,
      );
    }
  }
  return addresses[0] as string;
};
