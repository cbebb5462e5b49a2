// Usage rows (one per day and model) folded into the chart's daily series. Cost is parsed to a number
// here and only here: the chart draws it, nothing adds it up for display (the tables show the server's
// strings).
import type { UsageDay } from "./types.js";

export interface DailySeries {
  /** Unix seconds at 00:00 UTC of every day of the month, so empty days draw as zero. */
  time: number[];
  cost: number[];
  tokens: number[];
  requests: number[];
}

export function daysInMonth(month: string): string[] {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return [];
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  const count = new Date(Date.UTC(year, index + 1, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}

export function dailySeries(month: string, days: readonly UsageDay[]): DailySeries {
  const calendar = daysInMonth(month);
  const position = new Map(calendar.map((day, i) => [day, i]));
  const series: DailySeries = {
    time: calendar.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
    cost: calendar.map(() => 0),
    tokens: calendar.map(() => 0),
    requests: calendar.map(() => 0),
  };
  for (const row of days) {
    const i = position.get(row.day.slice(0, 10));
    if (i === undefined) continue;
    series.cost[i]! += Number(row.cost) || 0;
    series.tokens[i]! += row.inputTokens + row.outputTokens;
    series.requests[i]! += row.requests;
  }
  return series;
}
