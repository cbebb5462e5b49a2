import assert from "node:assert/strict";
import { test } from "node:test";
import type { Account } from "@entrim/electron/common";
import { euros, usageOf, usageRows } from "./accountsSlice.js";
import { createAppStore } from "./store.js";

const account = (id: string, usage?: Partial<NonNullable<Account["usage"]>>): Account => ({
  id,
  name: id,
  email: `${id}@example.eu`,
  company: "",
  status: "active",
  createdAtMs: 0,
  usage: usage
    ? { requests: 0, promptTokens: 0, cachedTokens: 0, completionTokens: 0, costEur: "0", ...usage }
    : null,
});

test("an older search answering late does not replace a newer one; the cursor follows its account", () => {
  const store = createAppStore();
  const first = store.getState().setAccountQuery("a");
  const second = store.getState().setAccountQuery("ab");
  store.getState().accountsLoaded(second, [account("acct_2"), account("acct_1")]);
  assert.equal(store.getState().accountCursor, "acct_2", "first row");
  store.getState().accountsLoaded(first, [account("acct_9")]);
  assert.deepEqual(
    store.getState().accounts.map((a) => a.id),
    ["acct_2", "acct_1"],
  );
  assert.equal(store.getState().accountsLoading, false);
  store.getState().setAccountCursor("acct_1");
  const third = store.getState().setAccountQuery("");
  store.getState().accountsLoaded(third, [account("acct_0"), account("acct_1")]);
  assert.equal(store.getState().accountCursor, "acct_1");
});

test("usage: tokens are prompt plus completion; euros rounded from the exact decimal", () => {
  assert.deepEqual(
    usageOf(
      account("a", { requests: 3, promptTokens: 10, cachedTokens: 4, completionTokens: 5, costEur: "1.5" }),
    ),
    {
      requests: 3,
      tokens: 15,
      costEur: "1.5",
    },
  );
  assert.deepEqual(usageOf(account("b")), { requests: 0, tokens: 0, costEur: "0" });
  assert.equal(euros("12.345678901234"), "€12.35");
  assert.equal(euros("12.344999"), "€12.34");
  assert.equal(euros("0.995"), "€1.00");
  assert.equal(euros("7"), "€7.00");
  assert.equal(euros("99999999999999999.999"), "€100000000000000000.00");
});

test("usage rows: newest day first, then by model", () => {
  const u = { requests: 1, promptTokens: 1, cachedTokens: 0, completionTokens: 1, costEur: "0.01" };
  const rows = usageRows({
    account: account("a"),
    usageByDay: [
      { day: "2026-11-01", model: "b", usage: u },
      { day: "2026-11-02", model: "z", usage: u },
      { day: "2026-11-02", model: "a", usage: u },
    ],
    activeKeyIds: [],
    activeSuspensionIds: [],
  });
  assert.deepEqual(
    rows.map((r) => `${r.day}/${r.model}`),
    ["2026-11-02/a", "2026-11-02/z", "2026-11-01/b"],
  );
});
