import assert from "node:assert/strict";
import { test } from "node:test";
import { checkStartForm, type StartForm } from "./StartRolloutDialog.js";

const form = (overrides: Partial<StartForm> = {}): StartForm => ({
  model: "llama",
  version: "v2",
  targetKind: "all",
  targets: "",
  batchSize: "1",
  pauseSeconds: "0",
  maxErrorPercent: "1",
  maxP95Ms: "2000",
  windowSeconds: "30",
  reason: "new weights",
  ...overrides,
});
const versions = ["v1", "v2"];

test("a complete form becomes the request: percent as a share, targets by kind", () => {
  const { request, errors } = checkStartForm(
    form({ targetKind: "labels", targets: "rack=r7, gpu=h100" }),
    versions,
  );
  assert.deepEqual(errors, {});
  assert.deepEqual(request?.targets, { nodes: [], regions: [], labels: { rack: "r7", gpu: "h100" } });
  assert.equal(request?.gates?.maxErrorRate, 0.01);
  assert.deepEqual(
    checkStartForm(form({ targetKind: "nodes", targets: "gpu-1, gpu-2" }), versions).request?.targets?.nodes,
    ["gpu-1", "gpu-2"],
  );
});

test("each field that cannot be sent says why", () => {
  const { request, errors } = checkStartForm(
    form({
      version: "",
      batchSize: "0",
      maxErrorPercent: "150",
      windowSeconds: "abc",
      reason: "",
      targetKind: "regions",
    }),
    versions,
  );
  assert.equal(request, undefined);
  assert.deepEqual(errors, {
    targets: "name at least one of the regions, or target all",
    version: "pick a version",
    batchSize: "at least 1 node per batch",
    maxErrorPercent: "an error rate is 0 to 100 %",
    windowSeconds: "expected number, received NaN",
    reason: "say why (at least 3 characters)",
  });
  assert.equal(
    checkStartForm(form({ version: "v9" }), versions).errors.version,
    "llama has no version v9 in the catalogue",
  );
  assert.equal(
    checkStartForm(form({ targetKind: "labels", targets: "rack" }), versions).errors.targets,
    '"rack" is not key=value',
  );
});
