// An invitation's page: which account, which address and role, then the invitee's name, password and
// consents. The address is verified by the link itself, so they can log in straight away.
import { useState } from "react";
import { usePortal } from "../components/context.js";
import { ErrorText, Field, Link, Loading, useLoad, useSubmit } from "../components/ui.js";
import { useLocation } from "../navigation.js";
import type { InviteInfo } from "../types.js";
import { Consents, consentBody, MIN_PASSWORD } from "./Signup.js";

export function AcceptInvitePage() {
  const { api, session } = usePortal();
  const token = useLocation().search.get("token") ?? "";
  const invite = useLoad(
    () => api.get<InviteInfo>(`/api/invites/${encodeURIComponent(token)}`),
    [api, token],
  );
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [consents, setConsents] = useState({ terms: false, privacy: false, age: false });
  const [done, setDone] = useState<string | null>(null);
  const accept = useSubmit(async () => {
    if (password.length < MIN_PASSWORD)
      throw new Error(`Choose a password of at least ${MIN_PASSWORD} characters.`);
    const answer = await api.post<{ message: string }>("/api/invites/accept", {
      token,
      name: name.trim(),
      password,
      ...consentBody(session.legal, consents),
    });
    setDone(answer.message);
  });
  if (!token || invite.error)
    return (
      <section className="card">
        <h1>Join an account</h1>
        <p className="error" role="alert">
          This invitation is not valid: it may have expired, been withdrawn or already used. Ask the account
          owner for a new one.
        </p>
      </section>
    );
  if (!invite.data)
    return (
      <section className="card">
        <Loading error={null} what="the invitation" />
      </section>
    );
  const info = invite.data;
  if (done)
    return (
      <section className="card">
        <h1>Welcome to {info.accountName}</h1>
        <p role="status">{done}</p>
        <p>
          <Link to="/login" className="button primary">
            Log in
          </Link>
        </p>
      </section>
    );
  return (
    <section className="card">
      <h1>Join {info.accountName}</h1>
      <dl className="facts">
        <dt>Account</dt>
        <dd>{info.accountName}</dd>
        <dt>Email</dt>
        <dd>{info.email}</dd>
        <dt>Role</dt>
        <dd>{info.role}</dd>
      </dl>
      <form onSubmit={accept.onSubmit()} noValidate>
        <Field
          label="Your name"
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters, not your email address.`}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Consents {...consents} onChange={setConsents} />
        <ErrorText error={accept.error} />
        <button type="submit" className="primary" disabled={accept.busy}>
          Accept invitation
        </button>
      </form>
    </section>
  );
}
