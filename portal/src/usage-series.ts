// Usage rows (one per day and model) folded into the chart's daily series. Cost is parsed to a number
// here and only here: the chart draws it, nothing adds it up for display (the tables show the server's
// strings).
import type { UsageDay } from "./types.js";

export interface DailySeries {
  /** Unix seconds at 00:00 UTC of every day of the month, so empty days draw as zero. */
  time: number[];
  /** null for days still to come: the line stops at today instead of dropping to zero. */
  cost: (number | null)[];
  tokens: (number | null)[];
  requests: (number | null)[];
}

export function daysInMonth(month: string): string[] {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return [];
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  const count = new Date(Date.UTC(year, index + 1, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}

export function dailySeries(month: string, days: readonly UsageDay[], now: Date = new Date()): DailySeries {
  const calendar = daysInMonth(month);
  const today = now.toISOString().slice(0, 10);
  const position = new Map(calendar.map((day, i) => [day, i]));
  const zero = calendar.map((day): number | null => (day > today ? null : 0));
  const cost = [...zero];
  const tokens = [...zero];
  const requests = [...zero];
  for (const row of days) {
    const i = position.get(row.day.slice(0, 10));
    if (i === undefined) continue;
    cost[i] = (cost[i] ?? 0) + (Number(row.cost) || 0);
    tokens[i] = (tokens[i] ?? 0) + row.inputTokens + row.outputTokens;
    requests[i] = (requests[i] ?? 0) + row.requests;
  }
  return { time: calendar.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000), cost, tokens, requests };
}
