import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type {
  AccountDetail__Output as AccountDetail,
  ListAccountsResponse__Output as ListAccountsResponse,
} from "@entrim/proto";
import { createAccount } from "../../store/accounts.js";
import { createApiKey, revokeApiKey } from "../../store/api-keys.js";
import { insertUsageEvents } from "../../store/usage-events.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { sampleEvent } from "../../test-support/usage-events.js";
import { type CallContext, RpcError, type UnaryMethod } from "../rpc.js";
import { accountService } from "./accounts.js";

let t: TestStore;
const ctx: CallContext = {
  operator: { name: "vera", role: "viewer" },
  peer: "test",
  signal: new AbortController().signal,
};

before(async () => {
  t = await openTestStore();
});
after(async () => t.close());

it("lists accounts with this month's usage and shows one account's usage by day", async () => {
  const pool = t.store.pool;
  const busy = await createAccount(pool, { name: "Busy GmbH", email: "ops@busy.example", company: "Busy" });
  const quiet = await createAccount(pool, { name: "Quiet", email: "q@quiet.example" });
  const key = await createApiKey(pool, {
    accountId: busy.id,
    createdBy: "test",
    pepper: Buffer.alloc(32, 1),
  });
  const old = await createApiKey(pool, {
    accountId: busy.id,
    createdBy: "test",
    pepper: Buffer.alloc(32, 1),
  });
  await revokeApiKey(pool, old.key.id);
  const now = new Date();
  const event = { accountId: busy.id, keyId: key.key.id, receivedAt: now.getTime() };
  await insertUsageEvents(pool, [
    sampleEvent(undefined, {
      ...event,
      promptTokens: 100,
      cachedTokens: 40,
      completionTokens: 20,
      costPicoEur: 1_500_000_000n,
    }),
    sampleEvent(undefined, {
      ...event,
      promptTokens: 10,
      cachedTokens: 0,
      completionTokens: 5,
      costPicoEur: 500_000_000n,
    }),
  ]);
  const service = accountService({ store: t.store, recorder: { record: async () => {} } });
  const list = service.methods.ListAccounts as UnaryMethod<object, ListAccountsResponse>;
  const all = await list.handle({ query: "", usageFrom: "", usageTo: "", limit: 0 }, ctx);
  const byId = new Map(all.accounts!.map((a) => [a.id, a]));
  assert.deepEqual(byId.get(busy.id)?.usage, {
    requests: 2,
    promptTokens: 110,
    cachedTokens: 40,
    completionTokens: 25,
    costEur: "0.002",
  });
  assert.equal(byId.get(quiet.id)?.usage?.requests, 0);
  const found = await list.handle({ query: "BUSY", usageFrom: "", usageTo: "", limit: 0 }, ctx);
  assert.deepEqual(
    found.accounts!.map((a) => a.id),
    [busy.id],
  );

  const get = service.methods.GetAccount as UnaryMethod<object, AccountDetail>;
  const detail = await get.handle({ id: busy.id, usageFrom: "", usageTo: "" }, ctx);
  assert.deepEqual(detail.activeKeyIds, [key.key.id]);
  assert.equal(detail.usageByDay?.length, 1);
  assert.equal(detail.usageByDay?.[0]?.day, now.toISOString().slice(0, 10));
  assert.equal(detail.account?.usage?.costEur, "0.002");

  await assert.rejects(get.handle({ id: "acct_none", usageFrom: "", usageTo: "" }, ctx), /no account/);
  await assert.rejects(
    list.handle({ query: "", usageFrom: "2026-13-01", usageTo: "", limit: 0 }, ctx),
    (e: unknown) => e instanceof RpcError && /usage_from/.test(e.message),
  );
});
