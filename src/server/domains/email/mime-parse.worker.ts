import { parentPort } from "node:worker_threads";
import { MailParseError, parseInboundMessage } from "./mime-parse";

/** One parse request from the pool: the raw bytes (copied, as a Uint8Array) and the time limit. */
export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  maxMs: number;
}

const port = parentPort;
if (!port) throw new Error("mime-parse.worker runs in a worker thread");

port.on("message", (request: ParseRequest) => {
  const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
  parseInboundMessage(raw, { maxMs: request.maxMs }).then(
    (parsed) => port.postMessage({ id: request.id, ok: true, parsed }),
    (error: unknown) => {
      const code = error instanceof MailParseError ? error.code : "unparseable";
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ id: request.id, ok: false, code, message });
    },
  );
});
port.postMessage({ ready: true });
