// Cluster profiles: connect to one, or add one (the Node side validates and writes profiles.json).
import { channels } from "@entrim/electron/common";
import { useState } from "react";
import { time } from "../format.js";
import { useApp, useAppState } from "./context.js";

export function ProfilesView() {
  const { controller } = useApp();
  const profiles = useAppState((s) => s.profiles);
  const connecting = useAppState((s) => s.connecting);
  const error = useAppState((s) => s.sessionError);
  const cluster = useAppState((s) => s.cluster);
  return (
    <section className="profiles" aria-label="Profiles">
      <h2>Cluster profiles</h2>
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      <table className="dense">
        <thead>
          <tr>
            <th>Profile</th>
            <th>Agents</th>
            <th>Operator</th>
            <th>Role</th>
            <th>Certificate until</th>
            <th>Mode</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={p.name} data-profile={p.name}>
              <td>{p.name}</td>
              <td>{p.addresses.join(", ")}</td>
              <td>{p.operator?.name ?? <span className="bad">{p.problem}</span>}</td>
              <td>{p.operator?.role ?? "–"}</td>
              <td>{p.operator ? time(p.operator.notAfterMs) : "–"}</td>
              <td>{p.readOnly ? "read-only" : "read-write"}</td>
              <td>
                <button
                  type="button"
                  className="primary"
                  disabled={connecting !== undefined || !p.operator}
                  onClick={() => void controller.connect(p.name)}
                >
                  {connecting === p.name
                    ? "Connecting…"
                    : cluster?.profile === p.name
                      ? "Reconnect"
                      : "Connect"}
                </button>
              </td>
            </tr>
          ))}
          {profiles.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No profiles yet: add one below, or write profiles.json (see docs/console.md).
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <NewProfile />
    </section>
  );
}

function NewProfile() {
  const { controller } = useApp();
  const [form, setForm] = useState({
    name: "",
    addresses: "",
    caFile: "",
    certFile: "",
    keyFile: "",
    readOnly: false,
  });
  const [problem, setProblem] = useState<string>();
  const field = (
    key: "name" | "addresses" | "caFile" | "certFile" | "keyFile",
    label: string,
    placeholder: string,
  ) => (
    <label>
      {label}
      <input
        value={form[key]}
        placeholder={placeholder}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <form
      className="new-profile"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const addresses = form.addresses.split(/[\s,]+/).filter(Boolean);
          await controller.api.call(channels.saveProfile, { ...form, addresses });
          setProblem(undefined);
          await controller.loadProfiles();
        } catch (error) {
          setProblem((error as Error).message);
        }
      }}
    >
      <h3>Add a profile</h3>
      {field("name", "Name", "prod-eu")}
      {field("addresses", "Agent addresses", "10.0.0.5:9443, 10.0.0.6:9443")}
      {/* The Node side takes only paths relative to the profiles file's folder from this form. */}
      {field("caFile", "CA certificate", "prod/ca.pem (beside profiles.json)")}
      {field("certFile", "Client certificate", "prod/ada.pem")}
      {field("keyFile", "Client key", "prod/ada-key.pem")}
      <label className="check">
        <input
          type="checkbox"
          checked={form.readOnly}
          onChange={(e) => setForm({ ...form, readOnly: e.target.checked })}
        />{" "}
        read-only
      </label>
      {problem && <p className="bad">{problem}</p>}
      <button type="submit">Save profile</button>
    </form>
  );
}
