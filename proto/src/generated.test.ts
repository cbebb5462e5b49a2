import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, it } from "node:test";
import { loadAgentProto, NodeState, PROTO_FILES, PROTO_ROOT } from "./index.js";

const generated = join(PROTO_ROOT, "src", "generated");
const scratch = mkdtempSync(join(tmpdir(), "entrim-proto-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listFiles(path, out);
    else out.push(path);
  }
  return out;
}

it("the generated types match the .proto files (run `npm run generate -w proto` after editing them)", async () => {
  const script = join(PROTO_ROOT, "scripts", "generate.mjs");
  const { generate } = (await import(script)) as { generate(outDir: string): void };
  generate(scratch);
  const fresh = listFiles(scratch)
    .map((f) => relative(scratch, f))
    .sort();
  const committed = listFiles(generated)
    .map((f) => relative(generated, f))
    .sort();
  assert.deepEqual(committed, fresh, "the same files");
  for (const file of fresh) {
    assert.equal(
      readFileSync(join(generated, file), "utf8"),
      readFileSync(join(scratch, file), "utf8"),
      `${file} is stale`,
    );
  }
});

it("loads every service of the contract", () => {
  const v1 = loadAgentProto();
  for (const service of [
    "NodeService",
    "ClusterService",
    "AbuseService",
    "AccountService",
    "AuditService",
  ] as const) {
    assert.equal(typeof v1[service].service, "object", `${service} is defined`);
  }
  assert.equal(PROTO_FILES.length, readdirSync(join(PROTO_ROOT, "entrim", "agent", "v1")).length);
  assert.equal(NodeState.NODE_STATE_DRAINED, "NODE_STATE_DRAINED");
});
