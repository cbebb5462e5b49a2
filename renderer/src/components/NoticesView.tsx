// Customer notices (issue 16): every message sent to customers with its delivery state (emails sent,
// waiting, failed, and accounts that opted out), and, for the one selected, each account's emails by
// state. "New notice" and "Retire model" are the operator's; a viewer sees them disabled with the
// reason. The list is re-read every few seconds while the view is open.
import { useEffect } from "react";
import { availability } from "../actions/registry.js";
import { time } from "../format.js";
import { audienceOf, cursorNotice, deliveryShares } from "../state/noticesSlice.js";
import { ActionButton } from "./ActionButton.js";
import { useApp, useAppState } from "./context.js";
import { clickKeys } from "./keys.js";
import { PublishNoticeDialog, RetireModelDialog } from "./NoticeDialogs.js";

const at = (ms: number | string) => (Number(ms) ? time(Number(ms)).slice(0, 16) : "–");

function DeliveryBar({ counts }: { counts: Parameters<typeof deliveryShares>[0] }) {
  const shares = deliveryShares(counts);
  const label = shares.map((s) => `${s.count} ${s.state}`).join(" · ");
  return (
    <span className="delivery" title={label} data-testid="delivery">
      <span className="delivery-bar" aria-hidden="true">
        {shares.map((s) =>
          s.share > 0 ? (
            <span key={s.state} className={`seg ${s.state}`} style={{ width: `${s.share * 100}%` }} />
          ) : null,
        )}
      </span>{" "}
      <span className="muted">{label}</span>
    </span>
  );
}

export function NoticesView() {
  const { controller, actions, store } = useApp();
  const messages = useAppState((s) => s.noticeMessages);
  const cursor = useAppState((s) => s.noticeCursor);
  const error = useAppState((s) => s.noticesError);
  const loadedAt = useAppState((s) => s.noticesLoadedAtMs);
  const dialog = useAppState((s) => s.noticeDialog);
  const state = useAppState((s) => s);
  useEffect(() => controller.notices.watch(), [controller]);
  const publish = actions.get("notice.publish");
  const blocked = publish ? availability(publish as never, state).reason : undefined;
  return (
    <section className="customer-notices" aria-label="Customer notices">
      <div className="filters">
        <ActionButton id="notice.publish" label="New notice" />
        <ActionButton id="notice.retire" label="Retire model" />
        {blocked && (
          <span className="muted" data-testid="notices-blocked">
            {blocked}
          </span>
        )}
        <span className="muted">
          {messages.length} messages{loadedAt ? ` · read ${time(loadedAt).slice(11, 19)}` : ""}
        </span>
        {error && <span className="bad">{error}</span>}
        <span className="spacer" />
        <button type="button" onClick={() => void controller.notices.refresh()}>
          Refresh
        </button>
      </div>
      <table className="dense notices-table" data-testid="notices">
        <thead>
          <tr>
            <th>Published</th>
            <th>Kind</th>
            <th>Title</th>
            <th>Audience</th>
            <th>Essential</th>
            <th>Delivery (emails sent / waiting / failed · accounts opted out)</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr
              key={m.id}
              data-notice={m.id}
              className={m.id === cursor ? "cursor" : ""}
              tabIndex={-1}
              onClick={() => void controller.notices.select(m.id)}
              onKeyDown={clickKeys(() => void controller.notices.select(m.id))}
            >
              <td>{at(m.publishedAtMs)}</td>
              <td>{m.kind}</td>
              <td className="ellipsis" title={m.body}>
                {m.title}
                <span className="muted"> · {m.createdBy}</span>
              </td>
              <td>{audienceOf(m)}</td>
              <td>{m.essential ? "yes" : "no"}</td>
              <td>
                <DeliveryBar counts={m.counts} />
              </td>
            </tr>
          ))}
          {messages.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No notices yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Deliveries />
      {dialog === "publish" && (
        <PublishNoticeDialog onClose={() => store.getState().openNoticeDialog(undefined)} />
      )}
      {dialog === "retire" && (
        <RetireModelDialog onClose={() => store.getState().openNoticeDialog(undefined)} />
      )}
    </section>
  );
}

/** The selected message's accounts and each email's state: ids and states only, never an address. */
function Deliveries() {
  const message = useAppState((s) => cursorNotice(s));
  const deliveries = useAppState((s) => s.noticeDeliveries);
  if (!message) return null;
  return (
    <div className="notice-deliveries" data-testid="notice-deliveries">
      <h3>
        {message.title} <span className="muted">({message.id})</span>
      </h3>
      <p className="pre">{message.body}</p>
      {!deliveries ? (
        <p className="muted">Reading deliveries…</p>
      ) : (
        <table className="dense">
          <thead>
            <tr>
              <th>Account</th>
              <th>Email</th>
              <th>State</th>
              <th>Attempts</th>
              <th>Last error</th>
              <th>Finished</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.rows.flatMap((d) => {
              const who = (
                <td>
                  {d.accountName || "–"} <span className="muted">{d.accountId}</span>
                </td>
              );
              if (d.mails.length === 0)
                return [
                  <tr key={d.noticeId} data-delivery={d.accountId}>
                    {who}
                    <td colSpan={5} className="muted">
                      {d.optedOut ? "opted out of non-essential mail (portal only)" : "no email"}
                    </td>
                  </tr>,
                ];
              return d.mails.map((mail) => (
                <tr key={mail.mailId} data-delivery={d.accountId}>
                  {who}
                  <td className="muted">{mail.mailId}</td>
                  <td className={mail.state === "failed" ? "bad" : mail.state === "sent" ? "ok" : "warn"}>
                    {mail.state}
                  </td>
                  <td>{mail.attempts}</td>
                  <td>{mail.lastErrorClass || "–"}</td>
                  <td>{at(mail.finishedAtMs)}</td>
                </tr>
              ));
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
