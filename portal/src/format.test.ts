import assert from "node:assert/strict";
import { test } from "node:test";
import {
  browserName,
  daysUntil,
  endOfDayIso,
  formatCents,
  formatCompact,
  formatDate,
  formatDateTime,
  formatMoney,
  formatMonth,
  formatRate,
  formatTokens,
} from "./format.js";

test("money keeps every decimal the server sent and groups thousands", () => {
  assert.equal(formatMoney("12.34"), "€12.34");
  assert.equal(formatMoney("0.000123"), "€0.000123");
  assert.equal(formatMoney("1234567.50"), "€1,234,567.50");
  assert.equal(formatMoney("-5.00"), "-€5.00");
  assert.equal(formatMoney("1000"), "€1,000");
  assert.equal(formatMoney(null), "—");
  assert.equal(formatMoney("n/a"), "n/a", "an unexpected string is shown as it came");
});

test("cents become euros without floating point", () => {
  assert.equal(formatCents(1234), "€12.34");
  assert.equal(formatCents(5), "€0.05");
  assert.equal(formatCents("123456789012345678"), "€1,234,567,890,123,456.78");
  assert.equal(formatCents(-250), "-€2.50");
});

test("token counts are grouped; chart axes are compact", () => {
  assert.equal(formatTokens(1234567), "1,234,567");
  assert.equal(formatTokens(0), "0");
  assert.equal(formatTokens(null), "—");
  assert.equal(formatCompact(1500), "1.5k");
  assert.equal(formatCompact(2_000_000), "2M");
  assert.equal(formatCompact(999), "999");
});

test("dates are shown in UTC, months by name", () => {
  assert.equal(formatDate("2026-12-04T23:30:00Z"), "4 Dec 2026");
  assert.equal(formatDate("2026-12-04"), "4 Dec 2026");
  assert.equal(formatDateTime("2026-12-04T09:05:00Z"), "4 Dec 2026, 09:05 UTC");
  assert.equal(formatDate(null), "—");
  assert.equal(formatDate("not a date"), "—");
  assert.equal(formatMonth("2026-11"), "November 2026");
  assert.equal(formatMonth("2026-13"), "2026-13");
});

test("deadlines count whole days and never go negative", () => {
  const now = new Date("2026-12-04T10:00:00Z");
  assert.equal(daysUntil("2027-01-03T10:00:00Z", now), 30);
  assert.equal(daysUntil("2027-01-03T09:00:00Z", now), 30, "part of a day counts as a day");
  assert.equal(daysUntil("2026-12-01T00:00:00Z", now), 0);
});

test("a key's expiry date means the end of that day in UTC", () => {
  assert.equal(endOfDayIso("2027-01-31"), "2027-01-31T23:59:59.000Z");
  assert.equal(endOfDayIso("31/01/2027"), null);
  assert.equal(endOfDayIso("2027-02-31"), null, "not a real day");
});

test("sessions name the browser and system a person recognises", () => {
  const chrome =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  assert.equal(browserName(chrome), "Chrome on Linux");
  assert.equal(
    browserName("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"),
    "Firefox on Windows",
  );
  assert.equal(browserName(null), "Unknown browser");
  assert.equal(browserName("curl/8.5.0"), "curl/8.5.0");
});

test("tax rates read as percentages", () => {
  assert.equal(formatRate("0.1900"), "19 %");
  assert.equal(formatRate("0.2200"), "22 %");
  assert.equal(formatRate(0.095), "9.5 %");
  assert.equal(formatRate("0.2550"), "25.5 %", "Finland's rate, charged to Finnish consumers under OSS");
  assert.equal(formatRate("x"), "x");
});
