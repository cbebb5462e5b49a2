// Log in: email and password; the authenticator code field appears once the server says the account
// has two-factor on (401 totp_required), so the page never reveals that before the password is right.
import { useState } from "react";
import { ApiError } from "../api.js";
import { usePortal } from "../components/context.js";
import { ErrorText, Field, Link, Notice, useSubmit } from "../components/ui.js";
import { homePath } from "../nav.js";
import { navigate, useLocation } from "../navigation.js";
import { safeNext } from "../router.js";
import type { Account, User } from "../types.js";

export function LoginPage() {
  const { api, refreshSession } = usePortal();
  const { search } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [totpCode, setTotpCode] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [resent, setResent] = useState<string | null>(null);
  const login = useSubmit(async () => {
    try {
      const answer = await api.post<{ user: User; account: Account }>("/api/login", {
        email,
        password,
        ...(needsCode ? { totpCode } : {}),
      });
      await refreshSession();
      navigate(safeNext(search.get("next"), homePath(answer.user.role)), { replace: true });
    } catch (error) {
      // The password was right: ask for the code, with the server's own sentence about it.
      if (error instanceof ApiError && error.code === "totp_required") setNeedsCode(true);
      throw error;
    }
  });
  const resend = useSubmit(async () => {
    const answer = await api.post<{ message: string }>("/api/verify-email/resend", { email });
    setResent(answer.message);
  });
  const unverified = login.error instanceof ApiError && login.error.code === "email_not_verified";
  return (
    <section className="card">
      <h1>Log in</h1>
      <form onSubmit={login.onSubmit()} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {needsCode ? (
          <Field
            label="Code from your authenticator app"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            autoFocus
            value={totpCode}
            onChange={(e) => setTotpCode(e.target.value.trim())}
          />
        ) : null}
        <ErrorText error={login.error} />
        {unverified ? (
          <button type="button" onClick={() => void resend.run()} disabled={resend.busy}>
            Send the verification email again
          </button>
        ) : null}
        {resent ? <Notice>{resent}</Notice> : null}
        <ErrorText error={resend.error} />
        <button type="submit" className="primary" disabled={login.busy}>
          Log in
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        No account yet? <Link to="/signup">Sign up</Link>
      </p>
    </section>
  );
}
