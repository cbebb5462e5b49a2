import assert from "node:assert/strict";
import { test } from "node:test";
import { costPicoEur, embeddingCostPicoEur, type Price, picoEurToCents } from "./pricing.js";

const price: Price = {
  version: 1,
  model: "m",
  inputMicroEurPerM: 150_000n, // 0.15 EUR per million input tokens
  cachedMicroEurPerM: 75_000n,
  outputMicroEurPerM: 600_000n,
  effectiveFrom: 0,
};

test("cost is exact: cached prompt tokens at the cached price, the rest at the input price", () => {
  const cost = costPicoEur({ promptTokens: 1000, cachedTokens: 400, completionTokens: 50 }, price);
  assert.equal(cost, 600n * 150_000n + 400n * 75_000n + 50n * 600_000n);
  assert.equal(costPicoEur({ promptTokens: 5, cachedTokens: 0, completionTokens: 5 }, null), 0n);
});

test("rounding to cents happens once, half away from zero", () => {
  assert.equal(picoEurToCents(4_999_999_999n), 0n);
  assert.equal(picoEurToCents(5_000_000_000n), 1n);
  assert.equal(picoEurToCents(123_450_000_000_000n), 12_345n);
});

test("embedding tokens are billed at the embedding price, or at the input price where a version has none", () => {
  assert.equal(embeddingCostPicoEur(1000, { ...price, embeddingMicroEurPerM: 20_000n }), 1000n * 20_000n);
  assert.equal(embeddingCostPicoEur(1000, { ...price, embeddingMicroEurPerM: null }), 1000n * 150_000n);
  assert.equal(embeddingCostPicoEur(1000, price), 1000n * 150_000n);
  assert.equal(embeddingCostPicoEur(1000, null), 0n);
});
