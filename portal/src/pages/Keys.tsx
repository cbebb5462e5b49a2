// API keys: the list, creating one (its token is shown once, here, and never again), and revoking one,
// which every agent refuses within a second.
import { useState } from "react";
import { useSignedIn } from "../components/context.js";
import { Dialog, ErrorText, Field, Loading, useLoad, useSubmit } from "../components/ui.js";
import { endOfDayIso, formatDate, formatDateTime } from "../format.js";
import type { ApiKey } from "../types.js";

function TokenDialog({ name, token, onClose }: { name: string; token: string; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("Copied to the clipboard.");
    } catch {
      setCopied("The browser refused the clipboard: select the key and copy it by hand.");
    }
  };
  return (
    <Dialog title={`Your new key "${name}"`} onClose={onClose}>
      <p className="warning-text">
        Copy this key now and store it somewhere safe. It is shown only this once: we keep only a hash of it
        and cannot show it again. Anyone with it can use your account.
      </p>
      <label className="field">
        <span>API key</span>
        <input readOnly value={token} className="mono" onFocus={(e) => e.target.select()} />
      </label>
      <p role="status">{copied}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          I have stored it, close
        </button>
      </div>
    </Dialog>
  );
}

function RevokeDialog({
  apiKey,
  onDone,
  onClose,
}: {
  apiKey: ApiKey;
  onDone: () => void;
  onClose: () => void;
}) {
  const { api } = useSignedIn();
  const revoke = useSubmit(async () => {
    await api.delete(`/api/keys/${encodeURIComponent(apiKey.id)}`);
    onDone();
  });
  return (
    <Dialog title={`Revoke "${apiKey.name}"?`} onClose={onClose}>
      <p>
        Requests with this key ({apiKey.prefix}) are refused within a second on every server. This cannot be
        undone: programs that use it need a new key.
      </p>
      <ErrorText error={revoke.error} />
      <div className="actions">
        <button type="button" className="danger" disabled={revoke.busy} onClick={() => void revoke.run()}>
          Revoke key
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

export function KeysPage() {
  const { api } = useSignedIn();
  const keys = useLoad(() => api.get<{ keys: ApiKey[] }>("/api/keys"), [api]);
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const create = useSubmit(async () => {
    if (!name.trim()) throw new Error("Give the key a name, for example the program that will use it.");
    const expiresAt = expires ? endOfDayIso(expires) : null;
    if (expires && !expiresAt) throw new Error("Enter the expiry as a date, or leave it empty.");
    const answer = await api.post<{ key: ApiKey; token: string }>("/api/keys", {
      name: name.trim(),
      ...(expiresAt ? { expiresAt } : {}),
    });
    setCreated({ name: answer.key.name, token: answer.token });
    setName("");
    setExpires("");
    keys.reload();
  });
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section>
      <h1>API keys</h1>
      <p className="lead">
        Keys authenticate your programs to the API. Create one per program, so you can revoke one without
        stopping the others.
      </p>
      <form className="inline-form" onSubmit={create.onSubmit()} noValidate aria-labelledby="create-key">
        <h2 id="create-key">Create a key</h2>
        <Field
          label="Key name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Expires on (optional)"
          type="date"
          min={today}
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.busy}>
          Create key
        </button>
        <ErrorText error={create.error} />
      </form>
      <h2>Your keys</h2>
      {!keys.data ? (
        <Loading error={keys.error} what="keys" />
      ) : keys.data.keys.length === 0 ? (
        <p className="muted">No keys yet. Create one above to call the API.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((key) => (
              <tr key={key.id} className={key.state === "active" ? undefined : "inactive"}>
                <th scope="row">{key.name}</th>
                <td className="mono">{key.prefix}</td>
                <td>{formatDate(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}</td>
                <td>{key.expiresAt ? formatDate(key.expiresAt) : "Never"}</td>
                <td>
                  <span className={`state state-${key.state}`}>
                    {key.state === "revoked" && key.revokedAt
                      ? `Revoked ${formatDate(key.revokedAt)}`
                      : key.state === "expired"
                        ? "Expired"
                        : "Active"}
                  </span>
                </td>
                <td>
                  {key.state === "active" ? (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => setRevoking(key)}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created ? <TokenDialog {...created} onClose={() => setCreated(null)} /> : null}
      {revoking ? (
        <RevokeDialog
          apiKey={revoking}
          onClose={() => setRevoking(null)}
          onDone={() => {
            setRevoking(null);
            keys.reload();
          }}
        />
      ) : null}
    </section>
  );
}
