// The account's profile (rectification: owners and billing) and, for owners, the data rights: the
// personal-data export, the open and past requests with their 30-day deadline, and filing erasure
// (account closure), restriction or objection.
import { useEffect, useState } from "react";
import { useSignedIn } from "../components/context.js";
import { NotificationSettings } from "../components/NotificationSettings.js";
import { ErrorText, Field, Loading, Notice, useLoad, useSubmit } from "../components/ui.js";
import { daysUntil, formatDate } from "../format.js";
import type { Account, DataRequest, DataRequestKind, VatIdCheck } from "../types.js";

const KIND_LABEL: Record<DataRequestKind, string> = {
  erasure: "Erasure (close the account)",
  restriction: "Restriction of processing",
  objection: "Objection to processing",
};

function ProfileForm() {
  const { api, refreshSession } = useSignedIn();
  const profile = useLoad(
    () => api.get<{ account: Account; vatIdCheck?: VatIdCheck }>("/api/profile"),
    [api],
  );
  const [form, setForm] = useState({ name: "", company: "", billingAddress: "", country: "", vatId: "" });
  const [saved, setSaved] = useState(false);
  const [vatIdCheck, setVatIdCheck] = useState<VatIdCheck | null>(null);
  useEffect(() => {
    setVatIdCheck(profile.data?.vatIdCheck ?? null);
    const a = profile.data?.account;
    if (a)
      setForm({
        name: a.name ?? "",
        company: a.company ?? "",
        billingAddress: a.billingAddress ?? "",
        country: a.country ?? "",
        vatId: a.vatId ?? "",
      });
  }, [profile.data]);
  const save = useSubmit(async () => {
    setSaved(false);
    setVatIdCheck(null);
    const loaded = profile.data?.account;
    // Only what changed goes out (rectification is audited field by field); a cleared field is null.
    const changes: Record<string, string | null> = {};
    for (const field of Object.keys(form) as (keyof typeof form)[]) {
      let value = form[field].trim();
      if (field === "country") value = value.toUpperCase();
      if (value !== (loaded?.[field] ?? "")) changes[field] = value === "" && field !== "name" ? null : value;
    }
    if (Object.keys(changes).length === 0) {
      setSaved(true);
      return;
    }
    const answer = await api.patch<{ account: Account; vatIdCheck?: VatIdCheck }>("/api/profile", changes);
    profile.setData(answer);
    setSaved(true);
    await refreshSession();
  });
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm({ ...form, [field]: e.target.value });
  };
  if (!profile.data) return <Loading error={profile.error} what="the profile" />;
  return (
    <form className="panel" onSubmit={save.onSubmit()} noValidate aria-labelledby="profile">
      <h2 id="profile">Profile and billing details</h2>
      <p className="muted">Account email: {profile.data.account.email ?? "—"}</p>
      <Field label="Account name" required value={form.name} onChange={set("name")} />
      <Field label="Company" autoComplete="organization" value={form.company} onChange={set("company")} />
      <div className="field">
        <label htmlFor="billing-address">Billing address</label>
        <textarea
          id="billing-address"
          rows={3}
          autoComplete="street-address"
          value={form.billingAddress}
          onChange={set("billingAddress")}
        />
      </div>
      <Field
        label="Country"
        autoComplete="country"
        maxLength={2}
        hint="Two-letter code, for example DE or FR."
        value={form.country}
        onChange={set("country")}
      />
      <Field label="VAT ID" value={form.vatId} onChange={set("vatId")} />
      <ErrorText error={save.error} />
      {saved ? <Notice>Your details were saved.</Notice> : null}
      {/* The VIES answer on a new VAT ID: an invalid one is an error to fix, the others information. */}
      {vatIdCheck?.status === "invalid" ? (
        <p className="error" role="alert">
          {vatIdCheck.message}
        </p>
      ) : vatIdCheck ? (
        <p className="muted" role="status">
          {vatIdCheck.message}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={save.busy}>
        Save
      </button>
    </form>
  );
}

function RequestForm({ kind, onFiled }: { kind: "restriction" | "objection"; onFiled: () => void }) {
  const { api } = useSignedIn();
  const [details, setDetails] = useState("");
  const file = useSubmit(async () => {
    await api.post("/api/data/requests", { kind, ...(details.trim() ? { details: details.trim() } : {}) });
    setDetails("");
    onFiled();
  });
  const id = `request-${kind}`;
  return (
    <form onSubmit={file.onSubmit()} noValidate className="subform">
      <div className="field">
        <label htmlFor={id}>
          {kind === "restriction"
            ? "What should we stop processing, and why? (optional)"
            : "What do you object to? (optional)"}
        </label>
        <textarea
          id={id}
          rows={2}
          maxLength={2000}
          value={details}
          onChange={(e) => setDetails(e.target.value)}
        />
      </div>
      <ErrorText error={file.error} />
      <button type="submit" disabled={file.busy}>
        {kind === "restriction" ? "Request restriction of processing" : "Object to processing"}
      </button>
    </form>
  );
}

function ErasureForm({ accountName, onFiled }: { accountName: string; onFiled: () => void }) {
  const { api } = useSignedIn();
  const [confirm, setConfirm] = useState("");
  const [details, setDetails] = useState("");
  const erase = useSubmit(async () => {
    if (confirm.trim() !== accountName)
      throw new Error(`Type the account name, ${accountName}, exactly to confirm.`);
    await api.post("/api/data/requests", {
      kind: "erasure",
      ...(details.trim() ? { details: details.trim() } : {}),
    });
    setConfirm("");
    onFiled();
  });
  return (
    <form onSubmit={erase.onSubmit()} noValidate className="subform danger-zone" aria-labelledby="erasure">
      <h3 id="erasure">Close my account and erase my data</h3>
      <p>
        Every API key of the account is revoked at once when you send this. We then erase your personal data
        within 30 days, keeping only what the law requires us to keep (invoices). This cannot be undone.
      </p>
      <div className="field">
        <label htmlFor="erasure-details">Anything we should know (optional)</label>
        <textarea
          id="erasure-details"
          rows={2}
          value={details}
          onChange={(e) => setDetails(e.target.value)}
        />
      </div>
      <Field
        label={`Type the account name (${accountName}) to confirm`}
        autoComplete="off"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <ErrorText error={erase.error} />
      <button type="submit" className="danger" disabled={erase.busy || confirm.trim() !== accountName}>
        Close my account and erase my data
      </button>
    </form>
  );
}

function DataRights() {
  const { api, account } = useSignedIn();
  const requests = useLoad(() => api.get<{ requests: DataRequest[] }>("/api/data/requests"), [api]);
  const [filed, setFiled] = useState<string | null>(null);
  const onFiled = (what: string) => () => {
    setFiled(what);
    requests.reload();
  };
  return (
    <section className="panel" aria-labelledby="your-data">
      <h2 id="your-data">Your data</h2>
      <p>
        <a className="button" href="/api/data/export" download>
          Download my data
        </a>{" "}
        <span className="muted">A JSON file with everything we hold about the account.</span>
      </p>
      <h3>Your requests</h3>
      {!requests.data ? (
        <Loading error={requests.error} what="requests" />
      ) : requests.data.requests.length === 0 ? (
        <p className="muted">No requests filed.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Filed</th>
              <th scope="col">Due</th>
              <th scope="col">Resolution</th>
            </tr>
          </thead>
          <tbody>
            {requests.data.requests.map((r) => (
              <tr key={r.id}>
                <th scope="row">{KIND_LABEL[r.kind] ?? r.kind}</th>
                <td>{r.status}</td>
                <td>{formatDate(r.requestedAt)}</td>
                <td>
                  {formatDate(r.dueAt)}
                  {r.handledAt ? null : <span className="muted"> (in {daysUntil(r.dueAt)} days)</span>}
                </td>
                <td>{r.resolution ?? (r.handledAt ? formatDate(r.handledAt) : "Open")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {filed ? <Notice>{filed}</Notice> : null}
      <p className="muted">We answer every request within 30 days, as the GDPR requires.</p>
      <h3>Restrict or object</h3>
      <RequestForm kind="restriction" onFiled={onFiled("Your restriction request was filed.")} />
      <RequestForm kind="objection" onFiled={onFiled("Your objection was filed.")} />
      <ErasureForm
        accountName={account.name}
        onFiled={onFiled("Your erasure request was filed and every API key of the account was revoked.")}
      />
    </section>
  );
}

export function AccountPage() {
  const { user } = useSignedIn();
  return (
    <section>
      <h1>Account</h1>
      <ProfileForm />
      <NotificationSettings />
      {user.role === "owner" ? <DataRights /> : null}
    </section>
  );
}
