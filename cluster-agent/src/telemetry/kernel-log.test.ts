import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pino } from "pino";
import { KernelLog, normaliseBusId, parseXidLine } from "./kernel-log.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-kmsg-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("Xid lines parse in the kmsg and dmesg formats; bus ids of nvidia-smi and the driver agree", () => {
  assert.deepEqual(
    parseXidLine(
      "6,1234,5678901,-;NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.",
    ),
    { busId: "0000:3b:00.0", code: 79 },
  );
  assert.deepEqual(
    parseXidLine("[  123.456] NVRM: Xid (PCI:0000:3B:00): 13, pid=77, name=llama-server, Graphics Exception"),
    { busId: "0000:3b:00.0", code: 13 },
  );
  // Older drivers leave out "PCI:"; journald prefixes host and "kernel:".
  assert.deepEqual(
    parseXidLine("Dec  4 12:00:01 gpu1 kernel: NVRM: Xid (0000:1a:00): 48, An uncorrectable ECC error"),
    {
      busId: "0000:1a:00.0",
      code: 48,
    },
  );
  assert.equal(parseXidLine("6,1235,5678902,-;NVRM: GPU at PCI:0000:3b:00: GPU-5d5e"), null);
  assert.equal(parseXidLine(" SUBSYSTEM=pci"), null);
  assert.equal(normaliseBusId("00000000:3B:00.0"), "0000:3b:00.0");
  assert.equal(normaliseBusId("0000:3b:00"), "0000:3b:00.0");
  assert.equal(normaliseBusId("00000001:DB:00.1"), "0001:db:00.1");
});

test("a followed file counts only what is appended after the start, per GPU, across rotation", async () => {
  const file = join(dir, "kern.log");
  writeFileSync(file, "[    1.000] NVRM: Xid (PCI:0000:3b:00): 31, from before the agent started\n");
  let now = 1000;
  const log = new KernelLog({ path: file, now: () => now });
  await log.poll();
  assert.equal(log.source, file);
  assert.deepEqual([...log.xids()!], [], "the backlog is skipped");

  appendFileSync(
    file,
    "6,1,100,-;NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.\n",
  );
  // A line still being written is read once its newline arrives.
  appendFileSync(file, "[ 123.456] NVRM: Xid (PCI:0000:3b:00): 1");
  await log.poll();
  assert.equal(log.xids()!.get("0000:3b:00.0")?.count, 1);
  now = 2000;
  appendFileSync(
    file,
    "3, pid=9, name=x, Graphics Exception\n[ 124.000] NVRM: Xid (PCI:0000:18:00): 94, pid=9\n",
  );
  await log.poll();
  assert.deepEqual(log.xids()!.get("0000:3b:00.0"), { count: 2, lastCode: 13, lastAtMs: 2000 });
  assert.equal(log.xids()!.get("0000:18:00.0")?.count, 1);

  // Rotated (truncated and rewritten): read from the top again.
  writeFileSync(file, "[ 200.000] NVRM: Xid (PCI:0000:18:00): 45, pid=9\n");
  await log.poll();
  assert.deepEqual(log.xids()!.get("0000:18:00.0")?.lastCode, 45);
  await log.close();
});

test("an unreadable source is logged once and leaves Xids unknown", async () => {
  const lines: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
  const log = new KernelLog({ path: join(dir, "missing", "kmsg"), logger });
  await log.poll();
  await log.poll();
  assert.equal(log.source, "");
  assert.equal(log.xids(), undefined, "unknown, not zero");
  const warnings = lines.filter((l) => l.includes("cannot read the kernel log"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /telemetry\.kernelLog/);
  const off = new KernelLog({ path: "" });
  await off.poll();
  assert.equal(off.xids(), undefined);
});
