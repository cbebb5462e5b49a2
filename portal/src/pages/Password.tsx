// Forgotten password (always the same answer, so the page cannot tell who has an account) and the
// reset link's page, which ends every session of the user on success.
import { useState } from "react";
import { usePortal } from "../components/context.js";
import { ErrorText, Field, Link, useSubmit } from "../components/ui.js";
import { useLocation } from "../navigation.js";
import { MIN_PASSWORD } from "./Signup.js";

export function ForgotPasswordPage() {
  const { api } = usePortal();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const forgot = useSubmit(async () => {
    const answer = await api.post<{ message: string }>("/api/password/forgot", { email: email.trim() });
    setSent(answer.message);
  });
  return (
    <section className="card">
      <h1>Reset your password</h1>
      {sent ? (
        <p role="status">{sent}</p>
      ) : (
        <form onSubmit={forgot.onSubmit()} noValidate>
          <p>Enter the email address of your account. We will send you a link to choose a new password.</p>
          <Field
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <ErrorText error={forgot.error} />
          <button type="submit" className="primary" disabled={forgot.busy}>
            Send reset link
          </button>
        </form>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}

export function ResetPasswordPage() {
  const { api } = usePortal();
  const token = useLocation().search.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const reset = useSubmit(async () => {
    if (password.length < MIN_PASSWORD)
      throw new Error(`Choose a password of at least ${MIN_PASSWORD} characters.`);
    if (password !== repeat) throw new Error("The two passwords differ. Type the same password twice.");
    const answer = await api.post<{ message: string }>("/api/password/reset", { token, password });
    setDone(answer.message);
  });
  return (
    <section className="card">
      <h1>Choose a new password</h1>
      {done ? (
        <>
          <p role="status">{done}</p>
          <p>
            <Link to="/login" className="button primary">
              Log in
            </Link>
          </p>
        </>
      ) : (
        <form onSubmit={reset.onSubmit()} noValidate>
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            hint={`At least ${MIN_PASSWORD} characters. Every session of your account will be logged out.`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Field
            label="Confirm password"
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
          <ErrorText error={reset.error} />
          <button type="submit" className="primary" disabled={reset.busy || !token}>
            Set new password
          </button>
        </form>
      )}
    </section>
  );
}
