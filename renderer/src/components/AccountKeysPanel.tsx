// The open account's API keys (never a token) with Revoke on each, the limits that apply with where
// each comes from, and the account's urgent actions: set limits, restrict / unrestrict, erase.
import type { Limit } from "@entrim/proto";
import { time } from "../format.js";
import { ActionButton } from "./ActionButton.js";
import { useAppState } from "./context.js";
import { RowActionButton } from "./RowActionButton.js";

const LIMIT_LABELS = [
  ["rpm", "requests/min"],
  ["tpm", "tokens/min"],
  ["concurrency", "concurrent"],
  ["spendCapEur", "spend cap (EUR/month)"],
] as const;

function shown(limit: Limit | null | undefined): string {
  if (!limit?.value) return "unlimited";
  return limit.source === "key" ? `${limit.value} (key)` : limit.value;
}

export function AccountKeysPanel({ accountId }: { accountId: string }) {
  const loadedFor = useAppState((s) => s.urgentAccountId);
  const keys = useAppState((s) => s.accountKeys);
  const limits = useAppState((s) => s.accountLimits);
  if (loadedFor !== accountId) return <p className="muted">Loading keys and limits…</p>;
  return (
    <div className="account-keys" data-testid="account-keys">
      <div className="filters">
        <h3>Keys and limits</h3>
        <span className="spacer" />
        <ActionButton id="account.limits" />
        <ActionButton id="account.restrict" />
        <ActionButton id="account.unrestrict" />
        <ActionButton id="account.erase" />
      </div>
      <p data-testid="account-limits">
        {LIMIT_LABELS.map(([field, label]) => (
          <span key={field} className="limit">
            {label}: <strong>{shown(limits?.[field])}</strong>{" "}
          </span>
        ))}
      </p>
      <table className="dense">
        <thead>
          <tr>
            <th>Key</th>
            <th>Name</th>
            <th>Created</th>
            <th>Last used</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} data-key={k.id}>
              <td>
                <code>{k.id}</code>
              </td>
              <td>{k.name}</td>
              <td>{time(Number(k.createdAtMs))}</td>
              <td>{Number(k.lastUsedAtMs) ? time(Number(k.lastUsedAtMs)) : "never"}</td>
              <td className={k.state === "active" ? "" : "warn"}>{k.state}</td>
              <td>
                <RowActionButton id="key.revoke" target={{ keyId: k.id }} label="Revoke" />
              </td>
            </tr>
          ))}
          {keys.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No API keys.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
