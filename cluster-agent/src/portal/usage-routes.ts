// Usage in the portal: a month by day and model (requests of seconds ago included), per-model and
// month totals, the account's limits and spend cap, and the same rows as a CSV download.
import type { FastifyInstance } from "fastify";
import { csvDocument } from "../common/csv.js";
import { type Month, parseMonth } from "../store/billing.js";
import { effectiveLimits, getLimits } from "../store/limits.js";
import {
  accountSpendThisMonth,
  accountUsageByDay,
  accountUsageMonths,
  type DayModelUsage,
} from "../store/portal-usage.js";
import { attachment, badInput, euros6 } from "./account-input.js";
import { type PortalDeps, requirePortal } from "./context.js";

type Sums = Omit<DayModelUsage, "day" | "model">;
const ZERO: Sums = {
  requests: 0n,
  promptTokens: 0n,
  cachedTokens: 0n,
  completionTokens: 0n,
  costPicoEur: 0n,
};

function add(a: Sums, b: Sums): Sums {
  return {
    requests: a.requests + b.requests,
    promptTokens: a.promptTokens + b.promptTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    costPicoEur: a.costPicoEur + b.costPicoEur,
  };
}

/** Token counts are numbers (far below 2^53); costs are summed in pico-euros and formatted once. */
function view(s: Sums) {
  return {
    requests: Number(s.requests),
    inputTokens: Number(s.promptTokens),
    cachedTokens: Number(s.cachedTokens),
    outputTokens: Number(s.completionTokens),
    cost: euros6(s.costPicoEur),
  };
}

function monthOf(query: unknown, now: Date): Month {
  const text = (query as { month?: unknown }).month;
  if (text === undefined || text === "") return parseMonth(now.toISOString().slice(0, 7));
  if (typeof text !== "string") throw badInput("Give one month as YYYY-MM, e.g. 2026-11.", "month");
  try {
    return parseMonth(text);
  } catch {
    throw badInput(`"${text.slice(0, 20)}" is not a month; write it as YYYY-MM, e.g. 2026-11.`, "month");
  }
}

const money = (value: number | null) => (value === null ? null : value.toFixed(2));

export async function usageRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/usage", async (request) => {
    const principal = requirePortal(request);
    const now = deps.now();
    const month = monthOf(request.query, now);
    const db = deps.store.pool;
    const rows = await accountUsageByDay(db, principal.accountId, month);
    const perModel = new Map<string, Sums>();
    let totals = ZERO;
    for (const row of rows) {
      perModel.set(row.model, add(perModel.get(row.model) ?? ZERO, row));
      totals = add(totals, row);
    }
    const current = now.toISOString().slice(0, 7);
    const months = [...new Set([current, ...(await accountUsageMonths(db, principal.accountId))])]
      .sort()
      .reverse();
    const own = (await getLimits(db, principal.accountId)).account;
    const limits = effectiveLimits(own, undefined);
    return {
      month: month.text,
      months,
      days: rows.map((row) => ({ day: row.day, model: row.model, ...view(row) })),
      models: [...perModel].map(([model, sums]) => ({ model, ...view(sums) })),
      totals: view(totals),
      limits: {
        rpm: limits.rpm.value,
        tpm: limits.tpm.value,
        concurrency: limits.concurrency.value,
        spendCapEur: money(limits.spendCapEur.value),
        spentThisMonth: euros6(await accountSpendThisMonth(db, principal.accountId, now)),
      },
    };
  });

  app.get("/api/usage.csv", async (request, reply) => {
    const principal = requirePortal(request);
    const month = monthOf(request.query, deps.now());
    const rows = await accountUsageByDay(deps.store.pool, principal.accountId, month);
    const header = ["day", "model", "requests", "input_tokens", "cached_tokens", "output_tokens", "cost_eur"];
    const body = rows.map((r) => {
      const v = view(r);
      return [r.day, r.model, v.requests, v.inputTokens, v.cachedTokens, v.outputTokens, v.cost].map(String);
    });
    reply.headers(attachment(`entrim-usage-${month.text}.csv`)).type("text/csv; charset=utf-8");
    return csvDocument([header, ...body]);
  });
}
