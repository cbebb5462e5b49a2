// The verification link's landing page: the token goes to the server by POST (a GET that changes
// state would be followed by mail scanners), then the customer logs in.
import { useEffect, useState } from "react";
import { usePortal } from "../components/context.js";
import { ErrorText, Link } from "../components/ui.js";
import { useLocation } from "../navigation.js";

export function VerifyEmailPage() {
  const { api } = usePortal();
  const token = useLocation().search.get("token") ?? "";
  const [state, setState] = useState<{ message?: string; error?: unknown }>({});
  const [started, setStarted] = useState(false);
  useEffect(() => {
    if (!token || started) return;
    setStarted(true);
    api.post<{ message: string }>("/api/verify-email", { token }).then(
      (answer) => setState({ message: answer.message }),
      (error: unknown) => setState({ error }),
    );
  }, [api, token, started]);
  return (
    <section className="card">
      <h1>Verify your email address</h1>
      {!token ? (
        <p className="error" role="alert">
          This link has no token. Open the link from the email exactly as it was sent.
        </p>
      ) : state.message ? (
        <>
          <p role="status">{state.message}</p>
          <p>
            <Link to="/login" className="button primary">
              Log in
            </Link>
          </p>
        </>
      ) : state.error ? (
        <>
          <ErrorText error={state.error} />
          <p>
            If the link has expired, <Link to="/login">log in</Link> to have a new one sent.
          </p>
        </>
      ) : (
        <p className="muted" role="status">
          Verifying…
        </p>
      )}
    </section>
  );
}
