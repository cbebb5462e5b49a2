// The one dialog of the urgent actions: it says what the action does, asks for the reason (the audit
// log keeps it) and, to erase an account, for its id typed again; nothing changes before Submit. The
// agent's refusal stays in the dialog, so the operator can correct and retry.
import { type ReactNode, useEffect, useRef, useState } from "react";
import type { UrgentDialog as Dialog } from "../state/urgentSlice.js";
import { useApp, useAppState } from "./context.js";

type Fields = Record<string, string>;

interface Form {
  title: string;
  what: ReactNode;
  /** Inputs in order: name, label, initial value. */
  fields: [string, string, string][];
  submit: string;
  danger?: boolean;
  ready(f: Fields): boolean;
  run(f: Fields): Promise<string | undefined>;
}

const LIMIT_FIELDS = [
  ["rpm", "Requests per minute", "rpm"],
  ["tpm", "Tokens per minute", "tpm"],
  ["concurrency", "Requests at once", "concurrency"],
  ["spendCapEur", "Spend cap (EUR per month)", "spend_cap_eur"],
] as const;

const NO_MODELS: never[] = [];

const reasonOk = (f: Fields) => (f.reason ?? "").trim().length >= 3;

function useForm(dialog: Dialog): Form {
  const { controller } = useApp();
  const u = controller.urgent;
  const limits = useAppState((s) => s.accountLimits);
  // A stable answer (the snapshot's own array, or one shared empty one): a fresh [] per render would
  // make the store subscription loop.
  const models = useAppState((s) =>
    dialog.kind === "rotate" ? (s.nodes[dialog.node]?.snapshot?.models ?? NO_MODELS) : NO_MODELS,
  );
  switch (dialog.kind) {
    case "revokeKey":
      return {
        title: `Revoke API key ${dialog.keyId}`,
        what: `Every agent refuses the key within a second; requests with it get 401. This cannot be undone: the customer creates a new key.`,
        fields: [["reason", "Reason (audit log)", ""]],
        submit: "Revoke key",
        danger: true,
        ready: reasonOk,
        run: (f) => u.revokeKey(dialog.accountId, dialog.keyId, f.reason!.trim()),
      };
    case "limits": {
      // Only the account's own values are editable here; an empty field clears the limit.
      const own = (field: (typeof LIMIT_FIELDS)[number][0]) =>
        limits?.[field]?.source === "account" ? limits[field]!.value : "";
      return {
        title: `Limits of ${dialog.accountId}`,
        what: "Cluster-wide, for all of the account's keys; every agent applies them within a second. Leave a field empty for no limit.",
        fields: [
          ...LIMIT_FIELDS.map(([field, label]) => [field, label, own(field)] as [string, string, string]),
          ["reason", "Reason (optional; audit log)", ""],
        ],
        submit: "Save limits",
        ready: () => true,
        run: (f) => {
          const set: Fields = {};
          const clear: ("rpm" | "tpm" | "concurrency" | "spend_cap_eur")[] = [];
          for (const [field, , wire] of LIMIT_FIELDS) {
            const value = (f[field] ?? "").trim();
            if (value === own(field)) continue;
            if (value) set[field] = value;
            else clear.push(wire);
          }
          if (Object.keys(set).length === 0 && clear.length === 0)
            return Promise.resolve("Nothing changed: edit a limit first.");
          return u.setLimits({ accountId: dialog.accountId, ...set, clear, reason: f.reason ?? "" });
        },
      };
    }
    case "restrict":
    case "unrestrict":
      return {
        title: `${dialog.kind === "restrict" ? "Restrict" : "Unrestrict"} account ${dialog.accountId}`,
        what:
          dialog.kind === "restrict"
            ? "Processing stops (GDPR art. 18): the account's API requests are refused until it is unrestricted. Nothing is erased."
            : "The account's API requests are served again.",
        fields: [
          ["reason", dialog.kind === "restrict" ? "Reason (required; audit log)" : "Reason (audit log)", ""],
        ],
        submit: dialog.kind === "restrict" ? "Restrict" : "Unrestrict",
        danger: dialog.kind === "restrict",
        ready: dialog.kind === "restrict" ? reasonOk : () => true,
        run: (f) => u.accountAction(dialog.kind, dialog.accountId, (f.reason ?? "").trim()),
      };
    case "erase":
      return {
        title: `Erase account ${dialog.accountId}`,
        what: "Personal data is removed, the account is closed and every API key revoked at once. Usage amounts and invoices stay (tax law). This cannot be undone.",
        fields: [
          ["confirm", `Type the account id ${dialog.accountId} to confirm`, ""],
          ["reason", "Reason (required; e.g. the ticket)", ""],
        ],
        submit: "Erase account",
        danger: true,
        ready: (f) => (f.confirm ?? "").trim() === dialog.accountId && reasonOk(f),
        run: (f) => u.accountAction("erase", dialog.accountId, f.reason!.trim(), f.confirm!.trim()),
      };
    case "resolveFlag":
      return {
        title: `Resolve abuse flag ${dialog.flagId}`,
        what: "The flag leaves the queue; the next trip of its rule opens a new one.",
        fields: [["note", "What was found or done (required; kept on the flag)", ""]],
        submit: "Resolve",
        ready: (f) => (f.note ?? "").trim().length >= 3,
        run: (f) => u.resolveFlag(dialog.flagId, f.note!.trim()),
      };
    case "rotate":
      return {
        title: `Rotate a model on ${dialog.node}`,
        what: `The node stages, loads and warms the version, switches to it and retires the old one, outside any rollout. Models here: ${models.map((m) => m.id).join(", ")}.`,
        fields: [
          ["model", "Model", dialog.model],
          ["version", "Version", ""],
          ["reason", "Reason (required; audit log)", ""],
        ],
        submit: "Rotate",
        ready: (f) => !!f.model?.trim() && !!f.version?.trim() && reasonOk(f),
        run: (f) =>
          u.rotateModel({
            node: dialog.node,
            model: f.model!.trim(),
            version: f.version!.trim(),
            reason: f.reason!.trim(),
          }),
      };
    case "revokeCert":
      return {
        title: "Revoke an operator certificate",
        what: "Every agent refuses the certificate within seconds, on its next call. Name it by serial number or SHA-256 fingerprint (as `certs issue-operator` printed them); your own certificate cannot be revoked here.",
        fields: [
          ["serialNumber", "Serial number", ""],
          ["fingerprint", "or SHA-256 fingerprint", ""],
          ["reason", "Reason (required; audit log and deny list)", ""],
        ],
        submit: "Revoke certificate",
        danger: true,
        ready: (f) => (!!f.serialNumber?.trim() || !!f.fingerprint?.trim()) && reasonOk(f),
        run: (f) =>
          u.revokeCertificate({
            serialNumber: (f.serialNumber ?? "").trim(),
            fingerprint: (f.fingerprint ?? "").trim(),
            reason: f.reason!.trim(),
          }),
      };
  }
}

export function UrgentDialog() {
  const dialog = useAppState((s) => s.urgentDialog);
  // Keyed by what it is for: another target's dialog starts empty.
  return dialog ? <UrgentForm key={JSON.stringify(dialog)} dialog={dialog} /> : null;
}

function UrgentForm({ dialog }: { dialog: Dialog }) {
  const { store } = useApp();
  const form = useForm(dialog);
  const [values, setValues] = useState<Fields>(() =>
    Object.fromEntries(form.fields.map(([name, , initial]) => [name, initial])),
  );
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const close = () => store.getState().openUrgentDialog(undefined);
  const ready = !busy && form.ready(values);
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label={form.title}
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          setBusy(true);
          void form.run(values).then((refused) => {
            if (refused === undefined) close();
            else {
              setRefusal(refused);
              setBusy(false);
            }
          });
        }}
      >
        <h2>{form.title}</h2>
        <p>{form.what}</p>
        {form.fields.map(([name, label], i) => (
          <label key={name}>
            {label}
            <input
              ref={i === 0 ? first : undefined}
              name={name}
              value={values[name] ?? ""}
              disabled={busy}
              autoComplete="off"
              onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            />
          </label>
        ))}
        {refusal && (
          <p className="bad" role="alert">
            {refusal}
          </p>
        )}
        <div className="buttons">
          <button type="button" onClick={close}>
            Cancel <kbd>esc</kbd>
          </button>
          <button type="submit" className={form.danger ? "danger" : "primary"} disabled={!ready}>
            {busy ? "Working…" : form.submit}
          </button>
        </div>
      </form>
    </div>
  );
}
