import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/load.js";
import type { AgentConfig } from "../config/schema.js";
import { Mailer } from "../mail/mailer.js";
import { enqueueMail, getMailLogEntry, type MailLogEntry, queuedMailState } from "../store/mail.js";
import { CliError, globalOptions, output } from "./context.js";
import { withStore } from "./store-context.js";
import { parseDuration } from "./suspensions.js";

interface TestOptions {
  to?: string;
  config?: string;
  timeout: string;
}

function mailConfigOf(command: Command, file: string | undefined): NonNullable<AgentConfig["mail"]> {
  const global = globalOptions(command);
  let config: AgentConfig;
  try {
    config = loadConfig({ config: file, dataDir: global.dataDir, databaseUrl: global.databaseUrl });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  if (!config.mail) {
    throw new CliError(
      "Mail is not configured: add a `mail` section (smtp.host, from) to the config file and pass it with " +
        "--config FILE or ENTRIM_CONFIG. See docs/configuration.md, Mail.",
    );
  }
  return config.mail;
}

function describe(entry: MailLogEntry): string {
  const tries = `${entry.attempts} attempt${entry.attempts === 1 ? "" : "s"}`;
  return entry.result === "sent"
    ? `Sent test message ${entry.id} after ${tries}: the SMTP server accepted it. Check the inbox.`
    : `Test message ${entry.id} failed after ${tries}: the SMTP server answered ${entry.lastErrorCode} (${entry.lastErrorClass}).`;
}

export function registerMailCommands(program: Command): void {
  const mail = program.command("mail").description("outbound email (SMTP)");
  mail
    .command("test")
    .description(
      "queue a test message through the configured SMTP server, send it from here and report the result",
    )
    .option("--to <address>", "where the test message goes")
    .option("--config <file>", "JSON config file with the mail section (env ENTRIM_CONFIG)")
    .option("--timeout <duration>", "how long to wait for a result, e.g. 60s or 5m", "60s")
    .action(async (options: TestOptions, command: Command) => {
      if (!options.to) throw new CliError("Name the recipient: mail test --to you@example.eu");
      const timeoutMs = parseDuration(options.timeout);
      const config = mailConfigOf(command, options.config);
      // The login is read now, so a missing variable is reported before anything is queued.
      let mailer: Mailer | undefined;
      await withStore(command, async (store) => {
        try {
          mailer = new Mailer({ store, config });
        } catch (error) {
          throw new CliError((error as Error).message);
        }
        const id = await enqueueMail(store.pool, {
          kind: "test",
          to: options.to!.trim(),
          subject: "Entrim mail test",
          text: "This is a test message from entrim-agent `mail test`. Mail is configured correctly.",
        });
        await mailer.start();
        let entry: MailLogEntry | undefined;
        try {
          // The log row appears in the same transaction that removes the message from the queue.
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            entry = await getMailLogEntry(store.pool, id);
            if (entry || Date.now() >= deadline) break;
            await sleep(100);
          }
        } finally {
          await mailer.stop();
        }
        if (!entry) {
          const state = await queuedMailState(store.pool, id);
          const last =
            state?.lastErrorCode == null
              ? ""
              : `; last answer ${state.lastErrorCode} (${state.lastErrorClass})`;
          throw new CliError(
            `Test message ${id} is still queued after ${state?.attempts ?? 0} attempt(s)${last}. Agents with mail ` +
              "configured keep retrying it; check smtp.host, smtp.port and the TLS settings, or wait longer with --timeout.",
          );
        }
        if (entry.result === "failed") throw new CliError(describe(entry));
        output(command, entry, () => describe(entry!));
      });
    });
}
