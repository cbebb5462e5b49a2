import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { heldApiServer } from "../test-support/held-runtime.js";
import { nodeControlState } from "./node-state.js";
import { RegionGate, regionAllowed, regionRefusalReason } from "./region.js";

const EU = ["eu-*"];

describe("region gate", () => {
  it("matches exact names and trailing-* prefixes only", () => {
    assert.equal(regionAllowed("eu-central-1", EU), true);
    assert.equal(regionAllowed("EU-West-3", EU), true);
    assert.equal(regionAllowed("us-east-1", EU), false);
    assert.equal(regionAllowed("europe-west4", EU), false, "eu-* needs the dash");
    assert.equal(regionAllowed("fra1", ["fra1", "eu-*"]), true);
    assert.equal(regionAllowed("fra10", ["fra1"]), false);
    assert.equal(regionAllowed("anything", ["*"]), true);
    assert.equal(regionRefusalReason("eu-central-1", EU), undefined);
    assert.equal(
      regionRefusalReason("us-east-1", EU),
      "region us-east-1 is not in node.allowedRegions [eu-*]; this node refuses public traffic so inference stays in the EU",
    );
  });

  it("lets an EU node serve", async () => {
    const region = new RegionGate({ region: "eu-central-1", allowedRegions: EU });
    assert.equal(region.allowed, true);
    const api = await heldApiServer({ gates: [region], isAcceptingTraffic: region.isAccepting });
    assert.equal((await api.app.inject({ method: "GET", url: "/readyz" })).statusCode, 200);
    const answered = api.generate();
    await api.runtime.whenRunning(1);
    api.runtime.releaseAll();
    assert.equal((await answered).statusCode, 200);
    assert.deepEqual(nodeControlState(region, undefined), { state: "ready", stateReason: "", drain: null });
    await api.app.close();
  });

  it("refuses every public request of a us-east-1 node with the reason, and is not ready", async () => {
    const region = new RegionGate({ region: "us-east-1", allowedRegions: EU });
    assert.equal(region.allowed, false);
    const api = await heldApiServer({ gates: [region], isAcceptingTraffic: region.isAccepting });
    assert.equal((await api.app.inject({ method: "GET", url: "/readyz" })).statusCode, 503);
    for (const response of [
      await api.generate(),
      await api.app.inject({ method: "GET", url: "/v1/models", headers: { authorization: "Bearer x" } }),
    ]) {
      assert.equal(response.statusCode, 503);
      const error = response.json().error;
      assert.equal(error.code, "region_not_allowed");
      assert.equal(error.type, "server_error");
      assert.match(error.message, /us-east-1 is not in node\.allowedRegions \[eu-\*\]/);
    }
    assert.deepEqual(nodeControlState(region, undefined), {
      state: "refusing",
      stateReason: region.reason,
      drain: null,
    });
    await api.app.close();
  });
});
