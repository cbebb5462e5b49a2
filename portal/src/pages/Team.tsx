// The account's people (owners only): members with their role, pending invitations, and inviting by
// email. The server refuses removing or demoting the last owner (409) and says so.
import { useState } from "react";
import { useSignedIn } from "../components/context.js";
import { Dialog, ErrorText, Loading, useLoad, useSubmit } from "../components/ui.js";
import { formatDate } from "../format.js";
import type { Invite, Member, Role } from "../types.js";

const ROLES: { value: Role; label: string }[] = [
  { value: "owner", label: "Owner (everything)" },
  { value: "developer", label: "Developer (keys, usage, models)" },
  { value: "billing", label: "Billing (invoices, usage, billing profile)" },
];

export function TeamPage() {
  const { api, refreshSession } = useSignedIn();
  const team = useLoad(() => api.get<{ members: Member[]; invites: Invite[] }>("/api/team"), [api]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("developer");
  const [sent, setSent] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const invite = useSubmit(async () => {
    await api.post("/api/team/invites", { email: email.trim(), role });
    setSent(`Invitation sent to ${email.trim()}. It is valid for 7 days.`);
    setEmail("");
    team.reload();
  });
  const change = useSubmit(async (action: () => Promise<unknown>, yours = false) => {
    await action();
    team.reload();
    // An owner who changed their own role sees the navigation of the new one at once.
    if (yours) await refreshSession();
  });
  return (
    <section>
      <h1>Team</h1>
      <form className="inline-form" onSubmit={invite.onSubmit()} noValidate aria-labelledby="invite">
        <h2 id="invite">Invite a colleague</h2>
        <div className="field">
          <label htmlFor="invite-email">Email</label>
          <input
            id="invite-email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={invite.busy}>
          Invite
        </button>
        <ErrorText error={invite.error} />
        {sent && !invite.error ? <p role="status">{sent}</p> : null}
      </form>
      <ErrorText error={change.error} />
      {!team.data ? (
        <Loading error={team.error} what="the team" />
      ) : (
        <>
          <h2>Members</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {team.data.members.map((member) => (
                <tr key={member.id}>
                  <th scope="row">
                    {member.name}
                    {member.you ? <span className="muted"> (you)</span> : null}
                  </th>
                  <td>{member.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${member.name}`}
                      value={member.role}
                      disabled={change.busy}
                      onChange={(e) =>
                        void change.run(
                          () =>
                            api.patch(`/api/team/members/${encodeURIComponent(member.id)}`, {
                              role: e.target.value,
                            }),
                          member.you,
                        )
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r.value} value={r.value}>
                          {r.value}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{member.totpEnabled ? "On" : "Off"}</td>
                  <td>{formatDate(member.createdAt)}</td>
                  <td>
                    {member.you ? null : (
                      <button
                        type="button"
                        className="danger"
                        disabled={change.busy}
                        onClick={() => setRemoving(member)}
                      >
                        Remove {member.name}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Pending invitations</h2>
          {team.data.invites.length === 0 ? (
            <p className="muted">No pending invitations.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {team.data.invites.map((inv) => (
                  <tr key={inv.id}>
                    <th scope="row">{inv.email}</th>
                    <td>{inv.role}</td>
                    <td>{formatDate(inv.createdAt)}</td>
                    <td>{formatDate(inv.expiresAt)}</td>
                    <td>
                      <button
                        type="button"
                        disabled={change.busy}
                        onClick={() =>
                          void change.run(() => api.delete(`/api/team/invites/${encodeURIComponent(inv.id)}`))
                        }
                      >
                        Withdraw invitation to {inv.email}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {removing ? (
        <Dialog title={`Remove ${removing.name}?`} onClose={() => setRemoving(null)}>
          <p>
            {removing.name} ({removing.email}) loses access to the account and is logged out at once. Their
            API keys stay until you revoke them.
          </p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={change.busy}
              onClick={() => {
                const id = removing.id;
                setRemoving(null);
                void change.run(() => api.delete(`/api/team/members/${encodeURIComponent(id)}`));
              }}
            >
              Remove from account
            </button>
            <button type="button" onClick={() => setRemoving(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
