// The public status page as customers see it (read over gRPC from the connected agent), the incidents
// and maintenance posted, and the forms to post (operator role). Everything typed here is public.
import { channels, type PublicStatus, type StatusIncident } from "@entrim/electron/common";
import { useEffect, useState } from "react";
import { time } from "../format.js";
import { ActionGate } from "./ActionGate.js";
import { useApp } from "./context.js";

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function StatusPageView() {
  const { controller, store } = useApp();
  const [page, setPage] = useState<PublicStatus>();
  const [incidents, setIncidents] = useState<StatusIncident[]>([]);
  const [incident, setIncident] = useState({ title: "", body: "", models: "" });
  const [maintenance, setMaintenance] = useState({ title: "", body: "", models: "", from: "", to: "" });
  const fail = (e: Error) => store.getState().notify("error", e.message);
  const load = () => {
    controller.api.call(channels.getPublicStatus, {}).then(setPage, fail);
    controller.api.call(channels.listIncidents, {}).then(setIncidents, fail);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once when the view opens
  useEffect(load, []);
  const act = async (what: Promise<unknown>, done: string) => {
    try {
      await what;
      store.getState().notify("info", done);
      load();
    } catch (error) {
      fail(error as Error);
    }
  };
  const post = () =>
    act(
      controller.api.call(channels.postIncident, {
        title: incident.title,
        body: incident.body,
        models: list(incident.models),
        regions: [],
      }),
      `Posted "${incident.title}" on the status page.`,
    ).then(() => setIncident({ title: "", body: "", models: "" }));
  const update = (i: StatusIncident, status: "" | "resolved") => {
    const text = window.prompt(
      status === "resolved" ? `Resolve "${i.title}": public text` : `Update "${i.title}": public text`,
    );
    if (!text) return;
    void act(controller.api.call(channels.updateIncident, { id: i.id, status, text }), "Update posted.");
  };
  const schedule = () =>
    act(
      controller.api.call(channels.postMaintenance, {
        title: maintenance.title,
        body: maintenance.body,
        models: list(maintenance.models),
        regions: [],
        startsAtMs: new Date(maintenance.from).getTime(),
        endsAtMs: new Date(maintenance.to).getTime(),
      }),
      `Scheduled "${maintenance.title}".`,
    );
  const cancel = (i: StatusIncident) => {
    const reason = window.prompt(`Cancel "${i.title}": why (public text)`);
    if (!reason) return;
    void act(controller.api.call(channels.cancelMaintenance, { id: i.id, reason }), "Maintenance cancelled.");
  };
  return (
    <section className="status-page" aria-label="Status page">
      <h3>Public status</h3>
      <p data-testid="status-summary">{page?.summary ?? "…"}</p>
      <table className="dense">
        <thead>
          <tr>
            <th>Model</th>
            <th>State</th>
            <th>Regions</th>
          </tr>
        </thead>
        <tbody>
          {page?.models.map((m) => (
            <tr key={m.model}>
              <td>{m.model}</td>
              <td>{m.state}</td>
              <td>{m.regions.map((r) => `${r.region || "all"}: ${r.state}`).join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Incidents and maintenance</h3>
      <table className="dense" data-testid="status-incidents">
        <thead>
          <tr>
            <th>Title</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Models</th>
            <th>Starts</th>
            <th>Ends</th>
            <th>By</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {incidents.map((i) => {
            const open = i.kind === "INCIDENT_KIND_INCIDENT" && i.status !== "resolved";
            const cancellable = i.kind === "INCIDENT_KIND_MAINTENANCE" && i.status === "scheduled";
            return (
              <tr key={i.id}>
                <td>{i.title}</td>
                <td>{i.kind === "INCIDENT_KIND_INCIDENT" ? "incident" : "maintenance"}</td>
                <td>{i.status}</td>
                <td>{i.models.join(", ")}</td>
                <td>{time(i.startsAtMs)}</td>
                <td>{i.endsAtMs ? time(i.endsAtMs) : ""}</td>
                <td>{i.createdBy}</td>
                <td>
                  {open && (
                    <>
                      <ActionGate need="operator">
                        <button type="button" onClick={() => update(i, "")}>
                          Post update
                        </button>
                      </ActionGate>
                      <ActionGate need="operator">
                        <button type="button" onClick={() => update(i, "resolved")}>
                          Resolve
                        </button>
                      </ActionGate>
                    </>
                  )}
                  {cancellable && (
                    <ActionGate need="operator">
                      <button type="button" onClick={() => cancel(i)}>
                        Cancel
                      </button>
                    </ActionGate>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Post incident</h3>
      <div className="form-row">
        <label>
          Title{" "}
          <input
            value={incident.title}
            onChange={(e) => setIncident({ ...incident, title: e.target.value })}
          />
        </label>
        <label>
          Text{" "}
          <input value={incident.body} onChange={(e) => setIncident({ ...incident, body: e.target.value })} />
        </label>
        <label>
          Models (comma-separated){" "}
          <input
            value={incident.models}
            onChange={(e) => setIncident({ ...incident, models: e.target.value })}
          />
        </label>
        <ActionGate need="operator">
          <button type="button" disabled={!incident.title.trim()} onClick={() => void post()}>
            Post incident
          </button>
        </ActionGate>
      </div>
      <h3>Schedule maintenance</h3>
      <div className="form-row">
        <label>
          Title{" "}
          <input
            value={maintenance.title}
            onChange={(e) => setMaintenance({ ...maintenance, title: e.target.value })}
          />
        </label>
        <label>
          Text{" "}
          <input
            value={maintenance.body}
            onChange={(e) => setMaintenance({ ...maintenance, body: e.target.value })}
          />
        </label>
        <label>
          Models{" "}
          <input
            value={maintenance.models}
            onChange={(e) => setMaintenance({ ...maintenance, models: e.target.value })}
          />
        </label>
        <label>
          From{" "}
          <input
            type="datetime-local"
            value={maintenance.from}
            onChange={(e) => setMaintenance({ ...maintenance, from: e.target.value })}
          />
        </label>
        <label>
          To{" "}
          <input
            type="datetime-local"
            value={maintenance.to}
            onChange={(e) => setMaintenance({ ...maintenance, to: e.target.value })}
          />
        </label>
        <ActionGate need="operator">
          <button
            type="button"
            disabled={!maintenance.title.trim() || !maintenance.from || !maintenance.to}
            onClick={() => void schedule()}
          >
            Schedule maintenance
          </button>
        </ActionGate>
      </div>
    </section>
  );
}
