// The user's own security: password change (ends the other sessions), TOTP two-factor (set up with a
// secret to copy and a code to confirm; disable with password and code), and the sessions list.
import { useState } from "react";
import { useSignedIn } from "../components/context.js";
import { ErrorText, Field, Loading, Notice, useLoad, useSubmit } from "../components/ui.js";
import { browserName, formatDateTime } from "../format.js";
import { navigate } from "../navigation.js";
import type { SessionRow } from "../types.js";
import { MIN_PASSWORD } from "./Signup.js";

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const { api } = useSignedIn();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const change = useSubmit(async () => {
    setDone(null);
    if (next.length < MIN_PASSWORD)
      throw new Error(`Choose a password of at least ${MIN_PASSWORD} characters.`);
    const answer = await api.post<{ message: string }>("/api/password/change", {
      currentPassword: current,
      newPassword: next,
    });
    setCurrent("");
    setNext("");
    setDone(answer.message);
    onChanged();
  });
  return (
    <form className="panel" onSubmit={change.onSubmit()} noValidate aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD}
        hint={`At least ${MIN_PASSWORD} characters. Your other sessions are logged out.`}
        value={next}
        onChange={(e) => setNext(e.target.value)}
      />
      <ErrorText error={change.error} />
      {done ? <Notice>{done}</Notice> : null}
      <button type="submit" className="primary" disabled={change.busy}>
        Change password
      </button>
    </form>
  );
}

function TwoFactor() {
  const { api, user, refreshSession } = useSignedIn();
  const [setup, setSetup] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const start = useSubmit(async () => {
    setDone(null);
    setSetup(await api.post<{ secret: string; otpauthUrl: string }>("/api/totp/setup"));
  });
  const enable = useSubmit(async () => {
    await api.post("/api/totp/enable", { code: code.trim() });
    setSetup(null);
    setCode("");
    setDone("Two-factor authentication is on. You will be asked for a code when you log in.");
    await refreshSession();
  });
  const disable = useSubmit(async () => {
    await api.post("/api/totp/disable", { password, code: code.trim() });
    setPassword("");
    setCode("");
    setDone("Two-factor authentication is off.");
    await refreshSession();
  });
  const codeField = (
    <Field
      label="Code from your authenticator app"
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={code}
      onChange={(e) => setCode(e.target.value)}
    />
  );
  return (
    <section className="panel" aria-labelledby="two-factor">
      <h2 id="two-factor">Two-factor authentication</h2>
      {done ? <Notice>{done}</Notice> : null}
      {user.totpEnabled ? (
        <form onSubmit={disable.onSubmit()} noValidate>
          <p>
            Two-factor authentication is <strong>on</strong>. To turn it off, enter your password and a
            current code.
          </p>
          <Field
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {codeField}
          <ErrorText error={disable.error} />
          <button type="submit" className="danger" disabled={disable.busy}>
            Turn off two-factor
          </button>
        </form>
      ) : setup ? (
        <form onSubmit={enable.onSubmit()} noValidate>
          <p>
            Add this account to your authenticator app: copy the setup key or the otpauth address into it.
            Then enter the 6-digit code it shows.
          </p>
          <label className="field">
            <span>Setup key</span>
            <input readOnly className="mono" value={setup.secret} onFocus={(e) => e.target.select()} />
          </label>
          <label className="field">
            <span>otpauth address</span>
            <input readOnly className="mono" value={setup.otpauthUrl} onFocus={(e) => e.target.select()} />
          </label>
          {codeField}
          <ErrorText error={enable.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={enable.busy}>
              Confirm and turn on
            </button>
            <button type="button" onClick={() => setSetup(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <p>
            Two-factor authentication is <strong>off</strong>. With it on, logging in also needs a code from
            an authenticator app on your phone.
          </p>
          <ErrorText error={start.error} />
          <button type="button" className="primary" disabled={start.busy} onClick={() => void start.run()}>
            Set up two-factor
          </button>
        </>
      )}
    </section>
  );
}

function Sessions({ generation }: { generation: number }) {
  const { api, refreshSession } = useSignedIn();
  const sessions = useLoad(() => api.get<{ sessions: SessionRow[] }>("/api/sessions"), [api, generation]);
  const end = useSubmit(async (id: string) => {
    await api.delete(`/api/sessions/${encodeURIComponent(id)}`);
    sessions.reload();
  });
  const everywhere = useSubmit(async () => {
    await api.post("/api/sessions/logout-all");
    await refreshSession();
    navigate("/login");
  });
  return (
    <section className="panel" aria-labelledby="sessions">
      <h2 id="sessions">Sessions</h2>
      {!sessions.data ? (
        <Loading error={sessions.error} what="sessions" />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Browser</th>
              <th scope="col">IP address</th>
              <th scope="col">Started</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.sessions.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {browserName(s.userAgent)}
                  {s.current ? <span className="badge">this session</span> : null}
                </th>
                <td className="mono">{s.ip ?? "—"}</td>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>{formatDateTime(s.lastSeenAt)}</td>
                <td>
                  {s.current ? null : (
                    <button type="button" disabled={end.busy} onClick={() => void end.run(s.id)}>
                      End
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorText error={end.error ?? everywhere.error} />
      <button
        type="button"
        className="danger"
        disabled={everywhere.busy}
        onClick={() => void everywhere.run()}
      >
        Log out everywhere
      </button>
    </section>
  );
}

export function SecurityPage() {
  const [generation, setGeneration] = useState(0);
  return (
    <section>
      <h1>Security</h1>
      <ChangePassword onChanged={() => setGeneration((g) => g + 1)} />
      <TwoFactor />
      <Sessions generation={generation} />
    </section>
  );
}
