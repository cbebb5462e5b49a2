// Customer accounts: the list with this month's usage (AccountService.ListAccounts), the search box,
// the cursor, and the detail of the account that is open (GetAccount). Calls are made by the controller.
import type { Account, AccountDetail } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export interface AccountsSlice {
  accounts: Account[];
  accountQuery: string;
  accountCursor: string | undefined;
  accountDetail: AccountDetail | undefined;
  accountsLoading: boolean;
  /** Bumped per search, so an older answer arriving late never replaces a newer one. */
  accountsRequest: number;
  setAccountQuery(query: string): number;
  accountsLoaded(request: number, accounts: Account[]): void;
  setAccountCursor(id: string | undefined): void;
  accountOpened(detail: AccountDetail | undefined): void;
}

export const createAccountsSlice: StateCreator<AppState, [], [], AccountsSlice> = (set, get) => ({
  accounts: [],
  accountQuery: "",
  accountCursor: undefined,
  accountDetail: undefined,
  accountsLoading: false,
  accountsRequest: 0,
  setAccountQuery: (accountQuery) => {
    const request = get().accountsRequest + 1;
    set({ accountQuery, accountsRequest: request, accountsLoading: true });
    return request;
  },
  accountsLoaded: (request, accounts) => {
    if (request !== get().accountsRequest) return;
    const cursor = get().accountCursor;
    set({
      accounts,
      accountsLoading: false,
      // The cursor stays on its account when it is still listed, else goes to the first row.
      accountCursor: accounts.some((a) => a.id === cursor) ? cursor : accounts[0]?.id,
    });
  },
  setAccountCursor: (accountCursor) => set({ accountCursor }),
  accountOpened: (accountDetail) => set({ accountDetail }),
});

/** Usage numbers of a list row: tokens are prompt plus completion (cached ones are part of prompt). */
export function usageOf(account: Pick<Account, "usage">): {
  requests: number;
  tokens: number;
  costEur: string;
} {
  const u = account.usage;
  return {
    requests: Number(u?.requests ?? 0),
    tokens: Number(u?.promptTokens ?? 0) + Number(u?.completionTokens ?? 0),
    costEur: u?.costEur || "0",
  };
}

/** Euros for display: two decimals, from the exact decimal string (no float rounding of large sums). */
export function euros(exact: string): string {
  const [whole = "0", fraction = ""] = exact.split(".");
  const cents = `${fraction}00`.slice(0, 2);
  const roundUp = Number(fraction[2] ?? "0") >= 5;
  if (!roundUp) return `€${whole}.${cents}`;
  const total = (BigInt(whole.replace("-", "")) * 100n + BigInt(cents) + 1n).toString().padStart(3, "0");
  return `€${whole.startsWith("-") ? "-" : ""}${total.slice(0, -2)}.${total.slice(-2)}`;
}

/** Usage by day and model as rows sorted newest day first, then by model. */
export function usageRows(
  detail: AccountDetail,
): { day: string; model: string; requests: number; tokens: number; costEur: string }[] {
  return detail.usageByDay
    .map((d) => ({ day: d.day, model: d.model, ...usageOf(d) }))
    .sort((a, b) => b.day.localeCompare(a.day) || a.model.localeCompare(b.model));
}
