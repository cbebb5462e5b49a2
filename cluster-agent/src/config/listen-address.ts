/**
 * A validated `host:port` listen address (see the config schema) as `listen()` takes it: the host
 * without IPv6 brackets ("[::1]:8080" → "::1"), the port as a number.
 */
export function parseListenAddress(listen: string): { host: string; port: number } {
  const separator = listen.lastIndexOf(":");
  return {
    host: listen.slice(0, separator).replace(/^\[|\]$/g, ""),
    port: Number(listen.slice(separator + 1)),
  };
}
