// The Notices view's dialogs. New notice: service or maintenance (with its window, in UTC), to every
// open account or one; essential (sent whatever the opt-out) only for admins, with the reason the
// customer reads. Retire model: a model from the catalogue, the date and an optional replacement; the
// accounts that used it in the last 30 days are told.
import { useState } from "react";
import { useApp, useAppState } from "./context.js";

/** "2027-01-10T02:00" typed into a datetime-local field, read as UTC. */
const utcMs = (local: string) => (local ? Date.parse(`${local}:00Z`) : 0);

function Form(props: {
  label: string;
  busy: boolean;
  ready: boolean;
  refusal: string | undefined;
  submit: string;
  onClose(): void;
  onSubmit(): void;
  children: React.ReactNode;
}) {
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label={props.label}
        onKeyDown={(e) => {
          if (e.key === "Escape") props.onClose();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (props.ready && !props.busy) props.onSubmit();
        }}
      >
        <h2>{props.label}</h2>
        {props.children}
        {props.refusal && <p className="bad">{props.refusal}</p>}
        <div className="buttons">
          <button type="button" onClick={props.onClose}>
            Cancel <kbd>esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={!props.ready || props.busy}>
            {props.busy ? "Working…" : props.submit}
          </button>
        </div>
      </form>
    </div>
  );
}

export function PublishNoticeDialog({ onClose }: { onClose(): void }) {
  const { controller } = useApp();
  const admin = useAppState((s) => s.cluster?.operator.role === "admin");
  const accounts = useAppState((s) => s.accounts);
  const [kind, setKind] = useState<"service" | "maintenance">("maintenance");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [audience, setAudience] = useState<"all" | "one">("all");
  const [accountId, setAccountId] = useState("");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [essential, setEssential] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const windowOk = kind !== "maintenance" || (utcMs(start) > 0 && utcMs(end) > utcMs(start));
  const ready =
    title.trim().length > 0 &&
    body.trim().length > 0 &&
    windowOk &&
    (audience === "all" || /^acct_[a-z0-9]{16,40}$/.test(accountId.trim())) &&
    (!essential || reason.trim().length >= 10);
  const submit = () => {
    setBusy(true);
    void controller.notices
      .publish({
        kind,
        title: title.trim(),
        body: body.trim(),
        ...(audience === "one" ? { accountId: accountId.trim() } : {}),
        ...(kind === "maintenance" ? { startsAtMs: utcMs(start), endsAtMs: utcMs(end) } : {}),
        essential,
        essentialReason: essential ? reason.trim() : "",
      })
      .then((refused) => {
        if (refused === undefined) onClose();
        else {
          setRefusal(refused);
          setBusy(false);
        }
      });
  };
  return (
    <Form
      label="New notice"
      busy={busy}
      ready={ready}
      refusal={refusal}
      submit="Publish"
      onClose={onClose}
      onSubmit={submit}
    >
      <label>
        Kind
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="maintenance">maintenance</option>
          <option value="service">service</option>
        </select>
      </label>
      <label>
        Title
        <input name="title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Body (what happens and what customers should do)
        <textarea name="body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {kind === "maintenance" && (
        <label>
          Window (UTC; the email and the portal say it)
          <span>
            <input
              type="datetime-local"
              name="start"
              value={start}
              onChange={(e) => setStart(e.target.value)}
            />{" "}
            to <input type="datetime-local" name="end" value={end} onChange={(e) => setEnd(e.target.value)} />
          </span>
        </label>
      )}
      <label>
        Audience
        <select
          name="audience"
          value={audience}
          onChange={(e) => setAudience(e.target.value as typeof audience)}
        >
          <option value="all">every open account</option>
          <option value="one">one account</option>
        </select>
      </label>
      {audience === "one" && (
        <label>
          Account id
          <input
            name="account"
            list="notice-accounts"
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
          />
          <datalist id="notice-accounts">
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </datalist>
        </label>
      )}
      <label title={admin ? undefined : "Essential notices need the admin role."}>
        <span>
          <input
            type="checkbox"
            name="essential"
            checked={essential}
            disabled={!admin}
            onChange={(e) => setEssential(e.target.checked)}
          />{" "}
          Essential: sent whatever the customer's notification settings{admin ? "" : " (admin role only)"}
        </span>
      </label>
      {essential && (
        <label>
          Why it cannot be turned off (the customer reads this)
          <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      )}
      <p className="muted">
        {essential
          ? "Every account gets the email."
          : "Accounts that opted out of non-essential mail read it in the portal only."}
      </p>
    </Form>
  );
}

export function RetireModelDialog({ onClose }: { onClose(): void }) {
  const { controller } = useApp();
  const models = useAppState((s) => s.catalogue.map((m) => m.name));
  const [model, setModel] = useState("");
  const [date, setDate] = useState("");
  const [replacement, setReplacement] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const ready = model !== "" && /^\d{4}-\d{2}-\d{2}$/.test(date) && replacement !== model;
  const submit = () => {
    setBusy(true);
    void controller.notices.retire(model, date, replacement).then((refused) => {
      if (refused === undefined) onClose();
      else {
        setRefusal(refused);
        setBusy(false);
      }
    });
  };
  return (
    <Form
      label="Retire model"
      busy={busy}
      ready={ready}
      refusal={refusal}
      submit="Notify users"
      onClose={onClose}
      onSubmit={submit}
    >
      <p>
        Every account that used the model in the last 30 days is told the date and the replacement (a
        non-essential notice: the opt-out applies to the email).
      </p>
      <label>
        Model
        <select name="model" value={model} onChange={(e) => setModel(e.target.value)}>
          <option value="">choose…</option>
          {models.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Retired on
        <input type="date" name="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <label>
        Replacement (optional)
        <select name="replacement" value={replacement} onChange={(e) => setReplacement(e.target.value)}>
          <option value="">none</option>
          {models
            .filter((m) => m !== model)
            .map((m) => (
              <option key={m}>{m}</option>
            ))}
        </select>
      </label>
    </Form>
  );
}
