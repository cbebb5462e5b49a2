import type { Command } from "commander";
import { startAgent } from "../agent.js";
import { createLogger } from "../common/log.js";
import { ConfigError, type ConfigFlags, loadConfig } from "../config/load.js";
import { CliError, globalOptions } from "./context.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the agent: the public OpenAI-compatible API on this node's models")
    .option("--config <file>", "JSON config file (env ENTRIM_CONFIG)")
    .option("--listen <host:port>", "public API address (default 127.0.0.1:8080; env ENTRIM_LISTEN)")
    .option(
      "--control-listen <host:port>",
      'gRPC control address, mTLS only (default 127.0.0.1:9443; "" turns it off; env ENTRIM_CONTROL_LISTEN)',
    )
    .option(
      "--artifacts-listen <host:port>",
      'where verified model artifacts are shared with peers over mTLS (default 127.0.0.1:9444; "" turns it off; env ENTRIM_ARTIFACTS_LISTEN)',
    )
    .option(
      "--metrics-listen <host:port>",
      'Prometheus /metrics address (default 127.0.0.1:9464; "" turns it off; env ENTRIM_METRICS_LISTEN)',
    )
    .option(
      "--portal-listen <host:port>",
      'customer portal address (default "": off; env ENTRIM_PORTAL_LISTEN)',
    )
    .option(
      "--model <name=path|name=url>",
      "serve a GGUF file or an OpenAI-compatible upstream; repeatable",
      collect,
    )
    .option("--parallel <n>", "sequences generated at once per embedded model")
    .option("--threads <n>", "CPU threads per embedded model (0 = all cores)")
    .option("--node-name <name>", "this node's name in the registry (default: hostname)")
    .option("--region <region>", "this node's region (env ENTRIM_REGION)")
    .option("--log-level <level>", "fatal, error, warn, info, debug or trace")
    .action(async (options: ConfigFlags, command: Command) => {
      const global = globalOptions(command);
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig({ ...options, dataDir: global.dataDir, databaseUrl: global.databaseUrl });
      } catch (error) {
        if (error instanceof ConfigError) throw new CliError(error.message);
        throw error;
      }
      const logger = createLogger({ level: config.logLevel });
      const agent = await startAgent(config, logger);
      // Machine-readable readiness line for supervisors and scripts (no secrets in it).
      process.stdout.write(
        `${JSON.stringify({
          event: "ready",
          api: agent.apiUrl,
          control: agent.controlAddress || undefined,
          metrics: agent.metricsAddress || undefined,
          portal: agent.portalUrl || undefined,
          node: config.node.name,
        })}\n`,
      );
      let firstSignalAt = 0;
      const shutdown = (signal: NodeJS.Signals) => {
        // A process manager may signal the whole group at once (npx and the agent both get SIGTERM);
        // only a signal repeated later, like a second Ctrl+C, skips the clean shutdown.
        if (firstSignalAt > 0) {
          if (Date.now() - firstSignalAt < 1000) return;
          logger.warn({ signal }, "second signal: exiting without a clean shutdown");
          process.exit(130);
        }
        firstSignalAt = Date.now();
        logger.info({ signal }, "shutting down");
        agent.stop().then(
          () => process.exit(0),
          (error: Error) => {
            logger.error({ err: { message: error.message } }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", shutdown);
      process.on("SIGTERM", shutdown);
      // Certificate renewal (certbot deploy hook, cert-manager): new handshakes get the new files,
      // open connections keep theirs. A failed load is logged and the old certificate stays served.
      process.on("SIGHUP", () => {
        if (!config.api.tls) {
          logger.info("SIGHUP: nothing to reload (api.tls is not set)");
          return;
        }
        try {
          agent.server.reloadTls();
        } catch {
          // Logged by reloadTls with the file and the reason.
        }
      });
    });
}
