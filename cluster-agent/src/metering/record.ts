import { crc32 } from "node:zlib";
import { USAGE_ENDPOINTS, type UsageEvent } from "../domain/usage-event.js";

/**
 * One spool record: magic (4 bytes) | payload length (u32 BE) | CRC-32 of the payload (u32 BE) |
 * payload. The payload is a JSON array of the event's fields, ASCII only (the one free-text field, the
 * user agent, is reduced to printable ASCII), so the magic's high bytes can never occur inside a
 * payload: a reader that meets a damaged record finds the next good one by scanning for the magic.
 */
export const MAGIC = Buffer.from([0xe7, 0x5e, 0xb1, 0x9a]);
export const HEADER_BYTES = 12;
/** Far above any real record; a larger length field is damage, not data. */
export const MAX_PAYLOAD_BYTES = 8192;
export const USER_AGENT_MAX = 512;

const STATUSES = new Set(["completed", "cut", "failed", "rejected"]);
const ENDPOINTS = new Set<unknown>(USAGE_ENDPOINTS);

/** Printable ASCII, capped: user agents are client metadata, and must not carry anything else. */
export function cleanUserAgent(ua: string | null | undefined): string | null {
  if (!ua) return null;
  return ua.replace(/[^\x20-\x7e]/g, "?").slice(0, USER_AGENT_MAX);
}

export function encodeRecord(event: UsageEvent): Buffer {
  // A fixed field order keeps the payload small and the codec free of any field it does not know.
  const payload = JSON.stringify([
    event.requestId,
    event.receivedAt,
    event.firstTokenAt,
    event.finishedAt,
    event.accountId,
    event.keyId,
    event.model,
    event.modelVersion,
    event.node,
    event.status,
    event.httpStatus,
    event.promptTokens,
    event.cachedTokens,
    event.completionTokens,
    event.costPicoEur.toString(),
    event.priceVersion,
    cleanUserAgent(event.userAgent),
    event.clientIp,
    event.endpoint,
  ]).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const length = Buffer.byteLength(payload, "latin1");
  if (length > MAX_PAYLOAD_BYTES) throw new Error(`usage event too large (${length} bytes)`);
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(length, 4);
  out.write(payload, HEADER_BYTES, "latin1");
  out.writeUInt32BE(crc32(out.subarray(HEADER_BYTES)), 8);
  return out;
}

function decodePayload(payload: Buffer): UsageEvent | null {
  let f: unknown;
  try {
    f = JSON.parse(payload.toString("latin1"));
  } catch {
    return null;
  }
  // 18 fields: written before the endpoint was recorded (an upgrade leaves such records in the spool).
  if (!Array.isArray(f) || (f.length !== 18 && f.length !== 19) || !STATUSES.has(f[9])) return null;
  const endpoint = f.length === 19 && ENDPOINTS.has(f[18]) ? f[18] : "";
  return {
    requestId: f[0],
    receivedAt: f[1],
    firstTokenAt: f[2],
    finishedAt: f[3],
    accountId: f[4],
    keyId: f[5],
    model: f[6],
    modelVersion: f[7],
    node: f[8],
    status: f[9],
    httpStatus: f[10],
    promptTokens: f[11],
    cachedTokens: f[12],
    completionTokens: f[13],
    costPicoEur: BigInt(f[14]),
    priceVersion: f[15],
    userAgent: f[16],
    clientIp: f[17],
    endpoint,
  };
}

export interface DecodeResult {
  events: UsageEvent[];
  /** Bytes of the buffer that were read (good records and skipped damage). */
  consumed: number;
  /** Damaged stretches skipped: a bad header, length or checksum, or a torn record at the end. */
  skipped: number;
}

/**
 * Decodes the records in `buf`. When `final` is false the buffer may end inside a good record, which
 * is left for the next read; when true (the end of a sealed segment) an incomplete tail is a torn
 * write and is skipped. Stops after `limit` events.
 */
export function decodeRecords(buf: Buffer, final: boolean, limit = Number.POSITIVE_INFINITY): DecodeResult {
  const events: UsageEvent[] = [];
  let offset = 0;
  let skipped = 0;
  const resync = (from: number) => {
    skipped++;
    const next = buf.indexOf(MAGIC, from + 1);
    if (next !== -1) return next;
    // Not final: a magic split by the end of the buffer must be found again by the next read.
    return final ? buf.length : Math.max(from + 1, buf.length - (MAGIC.length - 1));
  };
  while (offset < buf.length && events.length < limit) {
    if (buf.length - offset < HEADER_BYTES) {
      if (!final) break;
      skipped++;
      offset = buf.length;
      break;
    }
    if (buf.compare(MAGIC, 0, 4, offset, offset + 4) !== 0) {
      offset = resync(offset);
      continue;
    }
    const length = buf.readUInt32BE(offset + 4);
    if (length > MAX_PAYLOAD_BYTES) {
      offset = resync(offset);
      continue;
    }
    const end = offset + HEADER_BYTES + length;
    if (end > buf.length) {
      if (!final) break;
      offset = resync(offset);
      continue;
    }
    const payload = buf.subarray(offset + HEADER_BYTES, end);
    const event = crc32(payload) === buf.readUInt32BE(offset + 8) ? decodePayload(payload) : null;
    if (!event) {
      offset = resync(offset);
      continue;
    }
    events.push(event);
    offset = end;
  }
  return { events, consumed: offset, skipped };
}
