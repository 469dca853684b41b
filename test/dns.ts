/**
 * The DNS that mail authentication sees in tests: a zone kept in memory, answered the way node's
 * `dns.promises.resolve(name, rrtype)` answers (TXT records as arrays of strings, ENOTFOUND for a name
 * nobody published). Tests publish the SPF, DKIM and DMARC records of the domains they send from; nothing
 * reaches the internet.
 */
const zone = new Map<string, unknown[]>();

const key = (name: string, rrtype: string) => `${rrtype.toUpperCase()} ${name.toLowerCase().replace(/\.$/, "")}`;

export const publishDns = (name: string, rrtype: "TXT" | "MX" | "A" | "AAAA", records: unknown[]): void => {
  zone.set(key(name, rrtype), records);
};

/** A TXT record as DNS serves it: split into strings of at most 255 characters. */
export const txt = (value: string): string[] => value.match(/.{1,255}/g) ?? [""];

export const testDnsResolver = async (name: string, rrtype: string): Promise<unknown> => {
  const records = zone.get(key(name, rrtype));
  if (records) return records;
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND", hostname: name });
};
