import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32 } from "node:zlib";
import { sampleEvent } from "../test-support/usage-events.js";
import { decodeRecords, encodeRecord, HEADER_BYTES, USER_AGENT_MAX } from "./record.js";

test("a record round-trips every field, bigint cost included", () => {
  const event = sampleEvent(1, { firstTokenAt: null, priceVersion: null, clientIp: "2001:db8::1" });
  const { events, consumed, skipped } = decodeRecords(encodeRecord(event), true);
  assert.deepEqual(events, [event]);
  assert.equal(consumed, encodeRecord(event).length);
  assert.equal(skipped, 0);
});

test("the checksum is the standard CRC-32", () => {
  assert.equal(crc32("123456789"), 0xcbf43926);
});

test("user agents are reduced to printable ASCII and capped", () => {
  const event = sampleEvent(2, { userAgent: `bot/1 é\n${"x".repeat(2000)}` });
  const [decoded] = decodeRecords(encodeRecord(event), true).events;
  assert.equal(decoded?.userAgent?.length, USER_AGENT_MAX);
  assert.match(decoded!.userAgent!, /^bot\/1 \?\?x+$/);
});

test("a torn tail is skipped and counted; the records before it survive", () => {
  const records = [1, 2, 3].map((n) => encodeRecord(sampleEvent(n)));
  const whole = Buffer.concat(records);
  const torn = whole.subarray(0, whole.length - 5);
  const final = decodeRecords(torn, true);
  assert.equal(final.events.length, 2);
  assert.equal(final.skipped, 1);
  assert.equal(final.consumed, torn.length);
  // Not final (a read that ended mid-record): the partial record waits for the next read.
  const partial = decodeRecords(torn, false);
  assert.equal(partial.events.length, 2);
  assert.equal(partial.skipped, 0);
  assert.equal(partial.consumed, records[0]!.length + records[1]!.length);
});

test("a flipped byte in the middle loses that record only: the reader resyncs on the magic", () => {
  const records = [1, 2, 3].map((n) => encodeRecord(sampleEvent(n)));
  const whole = Buffer.concat(records);
  whole[records[0]!.length + HEADER_BYTES + 3]! ^= 0x01;
  const { events, skipped } = decodeRecords(whole, true);
  assert.deepEqual(
    events.map((e) => e.requestId),
    [sampleEvent(1).requestId, sampleEvent(3).requestId],
  );
  assert.equal(skipped, 1);
});

test("a damaged length field is detected and skipped", () => {
  const records = [1, 2].map((n) => encodeRecord(sampleEvent(n)));
  records[0]!.writeUInt32BE(0xffffff, 4);
  const { events, skipped } = decodeRecords(Buffer.concat(records), true);
  assert.deepEqual(
    events.map((e) => e.requestId),
    [sampleEvent(2).requestId],
  );
  assert.equal(skipped, 1);
});

test("decoding stops at the limit and reports where", () => {
  const records = [1, 2, 3].map((n) => encodeRecord(sampleEvent(n)));
  const { events, consumed } = decodeRecords(Buffer.concat(records), true, 2);
  assert.equal(events.length, 2);
  assert.equal(consumed, records[0]!.length + records[1]!.length);
});

test("a record written before the endpoint field (18 fields) still reads, its endpoint empty", () => {
  const event = sampleEvent(4, { endpoint: "embeddings" });
  // The payload exactly as the previous version wrote it: the same fields, without the endpoint.
  const fields = JSON.parse(encodeRecord(event).subarray(HEADER_BYTES).toString("latin1")) as unknown[];
  const payload = Buffer.from(JSON.stringify(fields.slice(0, 18)), "latin1");
  const old = Buffer.alloc(HEADER_BYTES + payload.length);
  encodeRecord(event).copy(old, 0, 0, 4);
  old.writeUInt32BE(payload.length, 4);
  old.writeUInt32BE(crc32(payload), 8);
  payload.copy(old, HEADER_BYTES);
  const { events, skipped } = decodeRecords(old, true);
  assert.equal(skipped, 0);
  assert.deepEqual(events, [{ ...event, endpoint: "" }]);
});

test("the endpoint round-trips; an unknown one reads as empty rather than losing the record", () => {
  for (const endpoint of ["chat.completions", "completions", "embeddings", "responses"] as const) {
    const [decoded] = decodeRecords(encodeRecord(sampleEvent(5, { endpoint })), true).events;
    assert.equal(decoded?.endpoint, endpoint);
  }
  const odd = sampleEvent(6, { endpoint: "nonsense" as never });
  assert.equal(decodeRecords(encodeRecord(odd), true).events[0]?.endpoint, "");
});
