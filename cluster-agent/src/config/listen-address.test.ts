import assert from "node:assert/strict";
import { test } from "node:test";
import { parseListenAddress } from "./listen-address.js";

test("listen addresses: IPv4, host names and bracketed IPv6, port as a number", () => {
  assert.deepEqual(parseListenAddress("127.0.0.1:8080"), { host: "127.0.0.1", port: 8080 });
  assert.deepEqual(parseListenAddress("localhost:0"), { host: "localhost", port: 0 });
  assert.deepEqual(parseListenAddress("[::1]:9090"), { host: "::1", port: 9090 });
  assert.deepEqual(parseListenAddress("[::]:443"), { host: "::", port: 443 });
});
