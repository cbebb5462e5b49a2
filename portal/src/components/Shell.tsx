// The signed-in frame: product and account name, who is logged in with which role, Log out, the
// navigation for that role, and a banner while the account is restricted or suspended (a suspended
// customer can still log in, read why, and pay).
import type { ReactNode } from "react";
import { navFor } from "../nav.js";
import { navigate } from "../navigation.js";
import type { Route } from "../router.js";
import type { Notice } from "../types.js";
import { useSignedIn } from "./context.js";
import { LegalBanner } from "./LegalBanner.js";
import { Link, useLoad, useSubmit } from "./ui.js";

function AccountBanner({ status, notices }: { status: string; notices: Notice[] }) {
  const blocking = notices.filter((n) => n.active && (n.kind === "suspension" || n.kind === "warning"));
  const suspended = blocking.find((n) => n.kind === "suspension" && !n.target);
  if (status === "active" && blocking.length === 0) return null;
  const headline =
    status === "closed"
      ? "This account is closed."
      : status === "suspended" || suspended
        ? "This account is suspended: API requests are refused."
        : status === "restricted"
          ? "This account is restricted: new API keys cannot be created."
          : "There is a warning on this account.";
  const first = suspended ?? blocking[0];
  return (
    <div className="banner" role="alert">
      <strong>{headline}</strong>
      {first ? (
        <p>
          {first.reason ?? first.title}
          {first.whatToDo ? ` ${first.whatToDo}` : ""}
        </p>
      ) : (
        <p>Read the notices for the reason and what to do, or contact support.</p>
      )}
      <Link to="/notices">Read the notices</Link>
    </div>
  );
}

export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const { api, user, account, session, setSession } = useSignedIn();
  const notices = useLoad(() => api.get<{ notices: Notice[] }>("/api/notices"), [api]);
  const logout = useSubmit(async () => {
    await api.post("/api/logout");
    const fresh = await api.session();
    setSession(fresh);
    navigate("/login");
  });
  const current = route.name === "invoice" ? "invoices" : route.name;
  return (
    <div className="shell">
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <span className="product">{session.branding.productName}</span>
        <span className="account-name" title="Account">
          {account.name}
        </span>
        <span className="spacer" />
        <span className="who">
          {user.name} <span className={`badge role-${user.role}`}>{user.role}</span>
        </span>
        <button type="button" onClick={() => void logout.run()} disabled={logout.busy}>
          Log out
        </button>
      </header>
      <div className="body">
        <nav aria-label="Main">
          <ul>
            {navFor(user.role).map((item) => (
              <li key={item.path}>
                <Link to={item.path} aria-current={item.route === current ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="content" tabIndex={-1}>
          {logout.error ? (
            <p className="error" role="alert">
              {logout.error.message}
            </p>
          ) : null}
          <LegalBanner />
          <AccountBanner status={account.status} notices={notices.data?.notices ?? []} />
          {children}
          {session.branding.supportEmail ? (
            <footer className="support">
              Questions? Write to{" "}
              <a href={`mailto:${session.branding.supportEmail}`}>{session.branding.supportEmail}</a>.
            </footer>
          ) : null}
        </main>
      </div>
    </div>
  );
}
