// What the account is told: its warnings and suspensions (why, and what to do) first, then service
// notices (maintenance, models, terms, billing).
import { useSignedIn } from "../components/context.js";
import { Loading, useLoad } from "../components/ui.js";
import { formatDateTime } from "../format.js";
import type { Notice } from "../types.js";

/** Warnings and suspensions before the rest; active before ended; newest first within each. */
export function sortNotices(notices: readonly Notice[]): Notice[] {
  const rank = (n: Notice) => (n.kind === "suspension" ? 0 : n.kind === "warning" ? 1 : 2);
  return [...notices].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      Number(b.active) - Number(a.active) ||
      Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
}

function NoticeCard({ notice }: { notice: Notice }) {
  const serious = notice.kind === "suspension" || notice.kind === "warning";
  return (
    <article className={`notice notice-${notice.kind}${notice.active ? "" : " inactive"}`}>
      <h3>
        <span className="badge">{notice.kind}</span> {notice.title}
        {notice.active ? null : <span className="muted"> (ended)</span>}
      </h3>
      {notice.body ? <p>{notice.body}</p> : null}
      {notice.target ? <p className="muted">Applies to: {notice.target}</p> : null}
      {serious && notice.reason ? (
        <p>
          <strong>Why:</strong> {notice.reason}
        </p>
      ) : null}
      {notice.whatToDo ? (
        <p>
          <strong>What to do:</strong> {notice.whatToDo}
        </p>
      ) : null}
      <p className="muted">
        Since {formatDateTime(notice.createdAt)}
        {notice.expiresAt ? `, until ${formatDateTime(notice.expiresAt)}` : ""}
      </p>
    </article>
  );
}

export function NoticesPage() {
  const { api } = useSignedIn();
  const notices = useLoad(() => api.get<{ notices: Notice[] }>("/api/notices"), [api]);
  if (!notices.data)
    return (
      <section>
        <h1>Notices</h1>
        <Loading error={notices.error} what="notices" />
      </section>
    );
  const sorted = sortNotices(notices.data.notices);
  const account = sorted.filter((n) => n.kind === "suspension" || n.kind === "warning");
  const service = sorted.filter((n) => n.kind !== "suspension" && n.kind !== "warning");
  return (
    <section>
      <h1>Notices</h1>
      <h2>Your account</h2>
      {account.length === 0 ? (
        <p className="muted">No warnings or suspensions. Your account is in good standing.</p>
      ) : (
        account.map((n) => <NoticeCard key={n.id} notice={n} />)
      )}
      <h2>Service notices</h2>
      {service.length === 0 ? (
        <p className="muted">No service notices.</p>
      ) : (
        service.map((n) => <NoticeCard key={n.id} notice={n} />)
      )}
    </section>
  );
}
