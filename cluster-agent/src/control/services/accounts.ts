import type {
  AccountDetail,
  GetAccountRequest__Output,
  ListAccountsRequest__Output,
  UsageSummary,
  Account as WireAccount,
} from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { NO_USAGE, searchAccounts, type UsageTotals, usageTotals } from "../../store/account-usage.js";
import { type Account, getAccount } from "../../store/accounts.js";
import { listApiKeys } from "../../store/api-keys.js";
import { formatPicoEur, usageByDay } from "../../store/billing.js";
import type { Store } from "../../store/store.js";
import { listSuspensions } from "../../store/suspensions.js";
import type { AuditRecorder } from "../audit.js";
import { limitOf, ms, usagePeriod } from "../convert.js";
import { notFound, type ServiceImplementation, unary } from "../rpc.js";
import { accountActionMethods } from "./account-actions.js";
import { exportAccountMethod } from "./account-export.js";
import { dataRequestMethods } from "./data-requests.js";
import { invoiceMethods } from "./invoices.js";

function toWireUsage(u: UsageTotals): UsageSummary {
  return {
    requests: Number(u.requests),
    promptTokens: Number(u.promptTokens),
    cachedTokens: Number(u.cachedTokens),
    completionTokens: Number(u.completionTokens),
    costEur: formatPicoEur(u.costPicoEur),
  };
}

function toWireAccount(a: Account, usage: UsageTotals): WireAccount {
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    company: a.company ?? "",
    status: a.status,
    createdAtMs: ms(a.createdAt),
    usage: toWireUsage(usage),
  };
}

/**
 * Accounts, their usage and invoices for operators (viewers included): metadata only, no request
 * content. The data-subject export is the admin's, with a reason, and audited.
 */
export function accountService(deps: { store: Store; recorder: AuditRecorder }): ServiceImplementation {
  const { pool } = deps.store;
  return {
    name: "entrim.agent.v1.AccountService",
    definition: loadAgentProto().AccountService.service,
    methods: {
      ListAccounts: unary("viewer", async (request: ListAccountsRequest__Output) => {
        const period = usagePeriod(request.usageFrom, request.usageTo);
        const accounts = await searchAccounts(pool, request.query, limitOf(request.limit));
        const usage = await usageTotals(
          pool,
          accounts.map((a) => a.id),
          period.from,
          period.to,
        );
        return { accounts: accounts.map((a) => toWireAccount(a, usage.get(a.id) ?? NO_USAGE)) };
      }),
      GetAccount: unary("viewer", async (request: GetAccountRequest__Output): Promise<AccountDetail> => {
        const period = usagePeriod(request.usageFrom, request.usageTo);
        const account = request.id ? await getAccount(pool, request.id) : undefined;
        if (!account) throw notFound(`There is no account ${request.id || "(no id given)"}.`);
        const lastDay = new Date(period.to.getTime() - 86_400_000);
        const [days, keys, suspensions] = await Promise.all([
          usageByDay(pool, account.id, period.from, lastDay),
          listApiKeys(pool, { accountId: account.id }),
          listSuspensions(pool, { activeOnly: true, accountId: account.id }),
        ]);
        const total = days.reduce<UsageTotals>(
          (sum, d) => ({
            requests: sum.requests + d.requests,
            promptTokens: sum.promptTokens + d.promptTokens,
            cachedTokens: sum.cachedTokens + d.cachedTokens,
            completionTokens: sum.completionTokens + d.completionTokens,
            costPicoEur: sum.costPicoEur + d.costPicoEur,
          }),
          NO_USAGE,
        );
        return {
          account: toWireAccount(account, total),
          usageByDay: days.map((d) => ({ day: d.day, model: d.model, usage: toWireUsage(d) })),
          activeKeyIds: keys.filter((k) => k.revokedAt === null).map((k) => k.id),
          activeSuspensionIds: suspensions.map((s) => s.id),
        };
      }),
      ...invoiceMethods(pool),
      ExportAccount: exportAccountMethod(pool, deps.recorder),
      ...dataRequestMethods(pool, deps.recorder),
      ...accountActionMethods(pool, deps.recorder),
    },
  };
}
