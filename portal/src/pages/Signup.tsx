// Sign up: who, the password, and the three consents the terms require (the versions shown are the
// ones accepted and recorded); then "check your email" for the verification link.
import { useState } from "react";
import { usePortal } from "../components/context.js";
import { Checkbox, ErrorText, Field, Link, useSubmit } from "../components/ui.js";

export const MIN_PASSWORD = 12;

export function Consents({
  terms,
  privacy,
  age,
  onChange,
}: {
  terms: boolean;
  privacy: boolean;
  age: boolean;
  onChange: (next: { terms: boolean; privacy: boolean; age: boolean }) => void;
}) {
  const { legal } = usePortal().session;
  return (
    <fieldset>
      <legend>Agreements</legend>
      <Checkbox
        checked={terms}
        required
        onChange={(e) => onChange({ terms: e.target.checked, privacy, age })}
      >
        I accept the{" "}
        <a href={legal.termsUrl} target="_blank" rel="noreferrer noopener">
          Terms of Service
        </a>{" "}
        (version {legal.termsVersion})
      </Checkbox>
      <Checkbox
        checked={privacy}
        required
        onChange={(e) => onChange({ terms, privacy: e.target.checked, age })}
      >
        I accept the{" "}
        <a href={legal.privacyUrl} target="_blank" rel="noreferrer noopener">
          Privacy Policy
        </a>{" "}
        (version {legal.privacyVersion})
      </Checkbox>
      <Checkbox checked={age} required onChange={(e) => onChange({ terms, privacy, age: e.target.checked })}>
        I confirm I am 18 or older
      </Checkbox>
    </fieldset>
  );
}

/** The consent fields of sign-up and invite acceptance, or an error that says which box is missing. */
export function consentBody(
  legal: { termsVersion: string; privacyVersion: string },
  consents: { terms: boolean; privacy: boolean; age: boolean },
) {
  if (!consents.terms) throw new Error("Accept the Terms of Service to continue.");
  if (!consents.privacy) throw new Error("Accept the Privacy Policy to continue.");
  if (!consents.age) throw new Error("Confirm that you are 18 or older to continue.");
  return {
    acceptTerms: true,
    acceptPrivacy: true,
    termsVersion: legal.termsVersion,
    privacyVersion: legal.privacyVersion,
    ageConfirmed: true,
  };
}

export function SignupPage() {
  const { api, session } = usePortal();
  const [form, setForm] = useState({ name: "", email: "", company: "", password: "" });
  const [consents, setConsents] = useState({ terms: false, privacy: false, age: false });
  const [sent, setSent] = useState<string | null>(null);
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [field]: e.target.value });
  const signup = useSubmit(async () => {
    if (form.password.length < MIN_PASSWORD)
      throw new Error(`Choose a password of at least ${MIN_PASSWORD} characters.`);
    const answer = await api.post<{ message: string }>("/api/signup", {
      name: form.name.trim(),
      email: form.email.trim(),
      ...(form.company.trim() ? { company: form.company.trim() } : {}),
      password: form.password,
      ...consentBody(session.legal, consents),
    });
    setSent(answer.message);
  });
  if (sent)
    return (
      <section className="card">
        <h1>Check your email</h1>
        <p role="status">{sent}</p>
        <p>
          We sent a link to <strong>{form.email}</strong>. Open it to verify your address, then log in. The
          link is valid for 48 hours.
        </p>
        <p>
          <Link to="/login">Log in</Link>
        </p>
      </section>
    );
  return (
    <section className="card">
      <h1>Create your account</h1>
      <form onSubmit={signup.onSubmit()} noValidate>
        <Field label="Your name" autoComplete="name" required value={form.name} onChange={set("name")} />
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set("email")}
        />
        <Field
          label="Company (optional)"
          autoComplete="organization"
          value={form.company}
          onChange={set("company")}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          maxLength={200}
          hint={`At least ${MIN_PASSWORD} characters, not your email address.`}
          value={form.password}
          onChange={set("password")}
        />
        <Consents {...consents} onChange={setConsents} />
        <ErrorText error={signup.error} />
        <button type="submit" className="primary" disabled={signup.busy}>
          Sign up
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
