// Prepaid credit on the usage page: the balance, and (owner, billing) a top-up through Stripe Checkout.
// Postpaid accounts see nothing here: their usage is invoiced monthly.
import { useState } from "react";
import { useSignedIn } from "./context.js";
import { ErrorText, useLoad, useSubmit } from "./ui.js";

interface Credit {
  mode: "prepaid" | "postpaid";
  balance: string | null;
}

export function CreditPanel() {
  const { api, user } = useSignedIn();
  const credit = useLoad(() => api.get<Credit>("/api/credit"), [api]);
  const [amount, setAmount] = useState("50.00");
  const topUp = useSubmit(async () => {
    const match = /^(\d{1,5})(?:[.,](\d{1,2}))?$/.exec(amount.trim());
    if (!match) throw new Error("Enter an amount in EUR, e.g. 50.00.");
    const amountCents = Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
    const { url } = await api.post<{ url: string }>("/api/credit/top-up", { amountCents });
    window.location.assign(url);
  });
  if (credit.data?.mode !== "prepaid") return null;
  const canPay = user.role === "owner" || user.role === "billing";
  return (
    <section className="panel" aria-labelledby="credit">
      <h2 id="credit">Credit</h2>
      <p>
        Prepaid balance: <strong>{credit.data.balance} EUR</strong>
        {Number(credit.data.balance) <= 0 ? " — requests are refused until you top up." : ""}
      </p>
      {canPay ? (
        <form className="actions" onSubmit={topUp.onSubmit()} noValidate>
          <label htmlFor="top-up-amount">Amount (EUR)</label>
          <input
            id="top-up-amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <button type="submit" className="primary" disabled={topUp.busy}>
            Top up
          </button>
          <ErrorText error={topUp.error} />
        </form>
      ) : null}
    </section>
  );
}
