// The terms or privacy versions the account has not accepted yet, one line each with the document's
// link and "I accept". Accepting answers with the session's new legal part, so the line goes at once.
import { formatDate } from "../format.js";
import type { PendingLegal } from "../types.js";
import { useSignedIn } from "./context.js";
import { ErrorText, useSubmit } from "./ui.js";

const NAMES = { terms: "Terms of Service", privacy: "Privacy Policy" } as const;

function headline(p: PendingLegal): string {
  const verb = p.document === "terms" ? "change" : "changes";
  if (p.upcoming && p.effectiveAt) return `Our ${NAMES[p.document]} ${verb} on ${formatDate(p.effectiveAt)}.`;
  return `Our ${NAMES[p.document]} changed (version ${p.version}).`;
}

export function LegalBanner() {
  const { api, session, setSession } = useSignedIn();
  const accept = useSubmit(async (p: PendingLegal) => {
    const answer = await api.post<{ legal: typeof session.legal }>("/api/legal/accept", {
      document: p.document,
      version: p.version,
    });
    setSession({ ...session, legal: answer.legal });
  });
  const pending = session.legal.pending ?? [];
  if (pending.length === 0) return null;
  return (
    <section className="banner legal" aria-label="Terms to accept">
      {pending.map((p) => (
        <p key={`${p.document}:${p.version}`}>
          <strong>{headline(p)}</strong>{" "}
          {p.url ? (
            <a href={p.url} target="_blank" rel="noreferrer noopener">
              Read the {NAMES[p.document]}
            </a>
          ) : null}{" "}
          <button type="button" onClick={() => void accept.run(p)} disabled={accept.busy}>
            I accept
          </button>
        </p>
      ))}
      <p className="muted">
        Using the service on or after the date counts as accepting; if you do not agree, contact support or
        close the account on the Account page.
      </p>
      <ErrorText error={accept.error} />
    </section>
  );
}
