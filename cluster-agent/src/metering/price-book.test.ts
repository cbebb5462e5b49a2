import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import type { Price } from "../domain/pricing.js";
import { addPriceVersion, formatMicroEur, parseEurPerMillion } from "../store/prices.js";
import type { Store } from "../store/store.js";
import { forgeNotifications } from "../test-support/forge.js";
import { openTestStore } from "../test-support/postgres.js";
import { findPrice, insertVersion, StorePriceBook } from "./price-book.js";

const price = (version: number, effectiveFrom: number): Price => ({
  version,
  model: "m",
  inputMicroEurPerM: 1n,
  cachedMicroEurPerM: 1n,
  outputMicroEurPerM: 1n,
  effectiveFrom,
});

describe("findPrice", () => {
  const versions: Price[] = [];
  for (const [v, from] of [
    [3, 300],
    [1, 100],
    [2, 200],
  ] as const)
    insertVersion(versions, price(v, from));

  it("picks the latest version with effectiveFrom ≤ at, the new one from its first millisecond", () => {
    assert.equal(findPrice(versions, 99), null);
    assert.equal(findPrice(versions, 100)?.version, 1);
    assert.equal(findPrice(versions, 199)?.version, 1);
    assert.equal(findPrice(versions, 200)?.version, 2);
    assert.equal(findPrice(versions, 299)?.version, 2);
    assert.equal(findPrice(versions, 300)?.version, 3);
    assert.equal(findPrice(versions, Number.MAX_SAFE_INTEGER)?.version, 3);
    assert.equal(findPrice([], 1), null);
  });

  it("ignores a version it already has", () => {
    insertVersion(versions, price(2, 200));
    assert.deepEqual(
      versions.map((v) => v.version),
      [1, 2, 3],
    );
  });
});

describe("EUR per million tokens", () => {
  it("parses decimals to exact micro-euros and refuses what it would have to round", () => {
    assert.equal(parseEurPerMillion("2.5"), 2_500_000n);
    assert.equal(parseEurPerMillion("0.000001"), 1n);
    assert.equal(parseEurPerMillion("15"), 15_000_000n);
    assert.equal(parseEurPerMillion("0.0000001"), undefined);
    assert.equal(parseEurPerMillion("-1"), undefined);
    assert.equal(parseEurPerMillion("1e3"), undefined);
    assert.equal(formatMicroEur(2_500_000n), "2.500000");
  });
});

describe("StorePriceBook", () => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let url: string;
  before(async () => {
    ({ store, close: closeStore, url } = await openTestStore());
  });
  after(() => closeStore());

  it("loads versions at start and learns new ones by NOTIFY", async () => {
    const now = Date.now();
    const first = await addPriceVersion(store.pool, {
      model: "llama-70b",
      inputMicroEurPerM: 500_000n,
      cachedMicroEurPerM: 100_000n,
      outputMicroEurPerM: 1_500_000n,
      createdBy: "test",
    });
    const book = new StorePriceBook({ store });
    await book.start();
    try {
      assert.deepEqual(book.priceAt("llama-70b", first.effectiveFrom), {
        version: first.version,
        model: "llama-70b",
        inputMicroEurPerM: 500_000n,
        cachedMicroEurPerM: 100_000n,
        outputMicroEurPerM: 1_500_000n,
        // No embedding price given: embeddings are billed at the input price.
        embeddingMicroEurPerM: null,
        effectiveFrom: first.effectiveFrom,
      });
      assert.equal(book.priceAt("llama-70b", first.effectiveFrom - 1), null);
      assert.equal(book.priceAt("unknown", now), null);

      const from = new Date(now + 3_600_000);
      const changed = once(book, "change");
      const second = await addPriceVersion(store.pool, {
        model: "llama-70b",
        inputMicroEurPerM: 400_000n,
        cachedMicroEurPerM: 80_000n,
        outputMicroEurPerM: 1_200_000n,
        embeddingMicroEurPerM: 20_000n,
        effectiveFrom: from,
        createdBy: "test",
      });
      await changed;
      assert.equal(book.priceAt("llama-70b", from.getTime())?.embeddingMicroEurPerM, 20_000n);
      assert.equal(book.priceAt("llama-70b", from.getTime() - 1)?.version, first.version);
      assert.equal(book.priceAt("llama-70b", from.getTime())?.version, second.version);
      assert.equal(book.priceAt("llama-70b", from.getTime())?.outputMicroEurPerM, 1_200_000n);
      await book.reload();
      assert.equal(book.priceAt("llama-70b", from.getTime())?.version, second.version);
    } finally {
      await book.stop();
    }
  });

  it("ignores forged notifications: a payload cannot set a price", async () => {
    const real = await addPriceVersion(store.pool, {
      model: "forge-target",
      inputMicroEurPerM: 500_000n,
      cachedMicroEurPerM: 100_000n,
      outputMicroEurPerM: 1_500_000n,
      createdBy: "test",
    });
    const book = new StorePriceBook({ store });
    await book.start();
    try {
      const at = real.effectiveFrom + 60_000;
      await forgeNotifications(url, "entrim_prices", [
        {
          version: "999999",
          model: "forge-target",
          input: "0",
          cached: "0",
          output: "0",
          effectiveFrom: String(real.effectiveFrom + 1),
        },
        {
          version: String(real.version),
          model: "forge-target",
          input: "0",
          cached: "0",
          output: "0",
          effectiveFrom: "0",
        },
        "not json",
      ]);
      // Notifications arrive in commit order: once a real version added after the forgeries is known,
      // the forgeries have been handled too.
      const changed = new Promise<Price>((resolve) =>
        book.on("change", (p: Price) => p.model === "forge-marker" && resolve(p)),
      );
      await addPriceVersion(store.pool, {
        model: "forge-marker",
        inputMicroEurPerM: 1n,
        cachedMicroEurPerM: 1n,
        outputMicroEurPerM: 1n,
        createdBy: "test",
      });
      await changed;
      assert.equal(book.priceAt("forge-target", at)?.version, real.version);
      assert.equal(book.priceAt("forge-target", at)?.outputMicroEurPerM, 1_500_000n);
      assert.equal(book.priceAt("forge-target", real.effectiveFrom - 1), null);
    } finally {
      await book.stop();
    }
  });

  it("refuses back-dated, duplicate and edited versions", async () => {
    const base = {
      model: "m",
      inputMicroEurPerM: 1n,
      cachedMicroEurPerM: 1n,
      outputMicroEurPerM: 1n,
      createdBy: "t",
    };
    await assert.rejects(
      addPriceVersion(store.pool, { ...base, effectiveFrom: new Date(Date.now() - 60_000) }),
      /past/,
    );
    const from = new Date(Date.now() + 86_400_000);
    await addPriceVersion(store.pool, { ...base, effectiveFrom: from });
    await assert.rejects(
      addPriceVersion(store.pool, { ...base, effectiveFrom: from }),
      /already has a price version/,
    );
    await assert.rejects(
      store.pool.query("UPDATE price_versions SET output_micro_eur_per_m = 0"),
      /immutable/,
    );
    await assert.rejects(store.pool.query("DELETE FROM price_versions"), /immutable/);
  });
});
