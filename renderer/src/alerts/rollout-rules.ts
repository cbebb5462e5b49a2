// The rollout alert: a rollout that stopped (a failed node, a broken gate, or an operator) waits for a
// person to resume or roll it back. Fed by the rollouts the console watches; pure, like rules.ts.
import type { Rollout } from "@entrim/electron/common";
import type { AlertCondition } from "./rules.js";

export function rolloutAlerts(rollouts: Rollout[]): AlertCondition[] {
  return rollouts
    .filter((r) => r.state === "ROLLOUT_STATE_PAUSED")
    .map((r) => {
      // The node that stopped it, where one did: the alert list's node column and double-click.
      const failed = r.nodes.find((n) => n.state === "ROLLOUT_NODE_STATE_FAILED");
      return {
        id: `rollout-paused:${r.id}`,
        kind: "rollout-paused",
        severity: "warning",
        node: failed?.node ?? "",
        message: `Rollout of ${r.model} to ${r.toVersion} paused${r.reason ? `: ${r.reason}` : ""} (${r.id})`,
      };
    });
}
