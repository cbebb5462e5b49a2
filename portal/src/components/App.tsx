// Loads the session, then routes: signed-out pages for visitors, the shell and its pages for users.
// A page behind login sends a visitor to /login?next=… and back afterwards.
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import type { PortalApi } from "../api.js";
import { canOpen, homePath } from "../nav.js";
import { navigate, useLocation } from "../navigation.js";
import { AcceptInvitePage } from "../pages/AcceptInvite.js";
import { AccountPage } from "../pages/Account.js";
import { InvoicePage } from "../pages/Invoice.js";
import { InvoicesPage } from "../pages/Invoices.js";
import { KeysPage } from "../pages/Keys.js";
import { LoginPage } from "../pages/Login.js";
import { ModelsPage } from "../pages/Models.js";
import { NoticesPage } from "../pages/Notices.js";
import { ForgotPasswordPage, ResetPasswordPage } from "../pages/Password.js";
import { SecurityPage } from "../pages/Security.js";
import { SignupPage } from "../pages/Signup.js";
import { TeamPage } from "../pages/Team.js";
import { UsagePage } from "../pages/Usage.js";
import { VerifyEmailPage } from "../pages/VerifyEmail.js";
import { loginPath, matchRoute, type Route, safeNext } from "../router.js";
import type { Session } from "../types.js";
import { type Portal, PortalContext } from "./context.js";
import { Shell } from "./Shell.js";
import { ErrorText, Link } from "./ui.js";

function page(route: Route): ReactNode {
  switch (route.name) {
    case "login":
      return <LoginPage />;
    case "signup":
      return <SignupPage />;
    case "verifyEmail":
      return <VerifyEmailPage />;
    case "forgotPassword":
      return <ForgotPasswordPage />;
    case "resetPassword":
      return <ResetPasswordPage />;
    case "acceptInvite":
      return <AcceptInvitePage />;
    case "keys":
      return <KeysPage />;
    case "usage":
      return <UsagePage />;
    case "invoices":
      return <InvoicesPage />;
    case "invoice":
      return <InvoicePage id={route.params.id!} />;
    case "notices":
      return <NoticesPage />;
    case "models":
      return <ModelsPage />;
    case "team":
      return <TeamPage />;
    case "account":
      return <AccountPage />;
    case "security":
      return <SecurityPage />;
    case "notFound":
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no page at this address. <Link to="/">Go to the start page</Link>.
          </p>
        </section>
      );
  }
}

export function App({ api }: { api: PortalApi }) {
  const [session, setSession] = useState<Session | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const location = useLocation();
  const refreshSession = useCallback(async () => {
    const fresh = await api.session();
    setSession(fresh);
    return fresh;
  }, [api]);

  useEffect(() => {
    refreshSession().catch(setFailure);
  }, [refreshSession]);

  useEffect(() => {
    // A session that ended (idle timeout, logged out elsewhere): back to login, then back here.
    api.onUnauthenticated = () => {
      const here = `${window.location.pathname}${window.location.search}`;
      refreshSession()
        .catch(() => undefined)
        .finally(() => navigate(loginPath(here), { replace: true }));
    };
  }, [api, refreshSession]);

  const route = matchRoute(location.pathname);
  const user = session?.user ?? null;
  const title = session?.branding.productName ?? "Customer portal";

  // Redirects: "/" to the home page, private pages to login, login and sign-up to the app when signed in.
  let redirect: string | null = null;
  if (session) {
    if (location.pathname === "/") redirect = user ? homePath(user.role) : "/login";
    else if (route.private && !user) redirect = loginPath(location.href);
    else if (user && (route.name === "login" || route.name === "signup"))
      redirect = safeNext(location.search.get("next"), homePath(user.role));
  }
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  useEffect(() => {
    document.title = title;
  }, [title]);

  const portal = useMemo<Portal | null>(
    () => (session ? { api, session, setSession, refreshSession } : null),
    [api, session, refreshSession],
  );

  if (failure)
    return (
      <main className="center">
        <h1>{title}</h1>
        <ErrorText error={failure} />
        <button type="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </main>
    );
  if (!portal || redirect)
    return (
      <main className="center">
        <p className="muted" role="status">
          Loading…
        </p>
      </main>
    );

  if (!route.private || !user)
    return (
      <PortalContext.Provider value={portal}>
        <main className="center">
          <p className="brand-title">{title}</p>
          {page(route)}
        </main>
      </PortalContext.Provider>
    );

  return (
    <PortalContext.Provider value={portal}>
      <Shell route={route}>
        {canOpen(user.role, route.name) ? (
          page(route)
        ) : (
          <section>
            <h1>Not available for your role</h1>
            <p>
              Your role ({user.role}) does not include this page. Ask an owner of the account if you need it.
            </p>
          </section>
        )}
      </Shell>
    </PortalContext.Provider>
  );
}
