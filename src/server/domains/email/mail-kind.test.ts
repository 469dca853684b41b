import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyMail, isFormSender, isNoReplyAddress, requesterAddress } from "./mail-kind";

const person = (address: string, name = "") => ({ address, name });
const classify = (
  headers: Record<string, string[]>,
  opts: { subject?: string; from?: string | null; report?: boolean; replyToPerson?: boolean } = {},
) =>
  classifyMail({
    headers,
    subject: opts.subject ?? "Question",
    from: opts.from === null ? null : person(opts.from ?? "ann@customer.example"),
    envelopeFrom: "ann@customer.example",
    hasDeliveryReport: opts.report ?? false,
    replyToPerson: opts.replyToPerson ?? false,
  });

describe("classifyMail", () => {
  it("calls a person's mail a person's mail", () => {
    expect(classify({})).toEqual({ kind: "person" });
    expect(classify({ "auto-submitted": ["no"] })).toEqual({ kind: "person" });
    expect(classify({}, { subject: "Re: automatic replies do not work" })).toEqual({ kind: "person" });
  });

  it("recognises bounces by their report, their headers and mailer daemons", () => {
    expect(classify({}, { report: true }).kind).toBe("bounce");
    expect(classify({ "content-type": ['multipart/report; report-type="delivery-status"; boundary=x'] }).kind).toBe(
      "bounce",
    );
    expect(classify({ "x-failed-recipients": ["gone@x.example"] }).kind).toBe("bounce");
    expect(classify({}, { from: "MAILER-DAEMON@mx.example".toLowerCase() }).kind).toBe("bounce");
    expect(classify({}, { from: "postmaster@mx.example" }).kind).toBe("bounce");
  });

  it("recognises out-of-office replies by headers and by Exchange's and others' subjects alone", () => {
    const replies: Record<string, string[]>[] = [
      { "auto-submitted": ["auto-replied"] },
      { "x-autoreply": ["yes"] },
      { "x-autorespond": ["Out of office"] },
      { precedence: ["auto_reply"] },
    ];
    for (const headers of replies) {
      expect(classify(headers)).toEqual({ kind: "automatic", reason: "auto-reply" });
    }
    for (const subject of [
      "Automatic reply: Your case",
      "Out of Office: Re: [#12] Invoice",
      "Abwesenheitsnotiz: Rechnung",
      "Réponse automatique : facture",
      "Autoreply: hello",
      "Automatische Antwort: Anfrage",
    ]) {
      expect(classify({}, { subject })).toEqual({ kind: "automatic", reason: "auto-reply" });
    }
  });

  it("recognises other automatic mail and no-reply senders", () => {
    expect(classify({ "auto-submitted": ["auto-generated"] })).toEqual({ kind: "automatic", reason: "auto-submitted" });
    expect(classify({ precedence: ["bulk"] })).toEqual({ kind: "automatic", reason: "precedence" });
    expect(classify({ "x-auto-response-suppress": ["All"] }).kind).toBe("automatic");
    for (const from of [
      "noreply@shop.example",
      "no-reply@shop.example",
      "no_reply@shop.example",
      "donotreply@bank.example",
      "do-not-reply@bank.example",
      "notifications@service.example",
      "notification@service.example",
      "forms-receipts-noreply@google.example",
      "noreply+12345@shop.example",
    ]) {
      expect(classify({}, { from }), from).toEqual({ kind: "automatic", reason: "no-reply-sender" });
    }
  });

  it("takes a relayed contact form as the person's mail, but never an automatic reply", () => {
    expect(
      classify({ "auto-submitted": ["auto-generated"] }, { from: "noreply@site.example", replyToPerson: true }),
    ).toEqual({ kind: "person" });
    expect(classify({}, { subject: "Automatic reply: x", replyToPerson: true }).kind).toBe("automatic");
  });

  it("treats mailing lists as mail to answer but not to acknowledge", () => {
    expect(classify({ "list-id": ["<users.lists.example>"] })).toEqual({ kind: "list", reason: "mailing-list" });
    expect(classify({ precedence: ["list"] }).kind).toBe("list");
  });

  it("never throws on any headers and subject (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("auto-submitted", "precedence", "x-auto-response-suppress", "list-id", "content-type", "x-x"),
          fc.array(fc.string(), { maxLength: 3 }),
        ),
        fc.string(),
        fc.option(fc.emailAddress(), { nil: null }),
        (headers, subject, from) => {
          const kind = classifyMail({
            headers,
            subject,
            from: from ? person(from) : null,
            envelopeFrom: null,
            hasDeliveryReport: false,
            replyToPerson: false,
          });
          expect(["bounce", "automatic", "list", "person"]).toContain(kind.kind);
        },
      ),
    );
  });
});

describe("requesterAddress", () => {
  const ours = (a: string) => a === "help@desk.example";

  it("is the From address for people writing themselves", () => {
    expect(requesterAddress(person("ann@c.example"), [person("boss@c.example")], ours)).toEqual({
      address: person("ann@c.example"),
      viaReplyTo: false,
    });
  });

  it("is the Reply-To person when a no-reply, form or our own address relays them", () => {
    for (const from of ["noreply@site.example", "wordpress@site.example", "forms@site.example", "help@desk.example"]) {
      expect(requesterAddress(person(from), [person("cara@home.example", "Cara")], ours), from).toEqual({
        address: person("cara@home.example", "Cara"),
        viaReplyTo: true,
      });
    }
  });

  it("never takes a no-reply or our own address from Reply-To", () => {
    expect(
      requesterAddress(
        person("noreply@site.example"),
        [person("no-reply@site.example"), person("help@desk.example")],
        ours,
      ),
    ).toEqual({ address: person("noreply@site.example"), viaReplyTo: false });
    expect(requesterAddress(person("noreply@site.example"), [], ours)?.viaReplyTo).toBe(false);
  });

  it("is the Reply-To person exactly for relayed senders (property)", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.emailAddress(), (from, replyTo) => {
        const result = requesterAddress(person(from), [person(replyTo)], () => false);
        const relayed = isNoReplyAddress(from) || isFormSender(from);
        const expected = relayed && !isNoReplyAddress(replyTo) && replyTo !== from ? replyTo : from;
        expect(result?.address.address).toBe(expected);
      }),
    );
  });
});
