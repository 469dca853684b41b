import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPublicAddress, MailHostRefused, resolveMailHost } from "./mail-host-guard";

const resolvingTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe("resolveMailHost", () => {
  it("answers the public address a host resolves to", async () => {
    expect(await resolveMailHost("imap.example.com", [], resolvingTo("93.184.216.34"))).toBe("93.184.216.34");
    expect(await resolveMailHost("2606:2800:220:1::1", [])).toBe("2606:2800:220:1::1");
  });

  it("refuses loopback, private, link-local, CGNAT, unique-local and mapped addresses, also among several", async () => {
    for (const address of ["127.0.0.1", "10.9.8.7", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"]) {
      await expect(resolveMailHost("mail.example.com", [], resolvingTo(address))).rejects.toBeInstanceOf(
        MailHostRefused,
      );
    }
    for (const address of ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0"]) {
      await expect(resolveMailHost(address, [])).rejects.toBeInstanceOf(MailHostRefused);
    }
    await expect(
      resolveMailHost("mail.example.com", [], resolvingTo("93.184.216.34", "10.0.0.1")),
    ).rejects.toBeInstanceOf(MailHostRefused);
  });

  it("lets through exactly the ranges the configuration allows", async () => {
    expect(await resolveMailHost("127.0.0.1", ["127.0.0.1"])).toBe("127.0.0.1");
    expect(await resolveMailHost("exchange.corp", ["10.0.0.0/8"], resolvingTo("10.20.30.40"))).toBe("10.20.30.40");
    await expect(resolveMailHost("exchange.corp", ["10.0.0.0/24"], resolvingTo("10.0.1.1"))).rejects.toBeInstanceOf(
      MailHostRefused,
    );
    expect(await resolveMailHost("::ffff:127.0.0.1", ["127.0.0.0/8"])).toBe("::ffff:127.0.0.1");
  });

  it("refuses every IPv4 address outside public unicast unless allowed (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.ipV4(), async (address) => {
        const outcome = await resolveMailHost("h.example", [], resolvingTo(address)).then(
          () => "accepted",
          (error: unknown) => (error instanceof MailHostRefused ? "refused" : "error"),
        );
        expect(outcome).toBe(isPublicAddress(address) ? "accepted" : "refused");
        expect(await resolveMailHost("h.example", ["0.0.0.0/0"], resolvingTo(address))).toBe(address);
      }),
    );
  });
});
