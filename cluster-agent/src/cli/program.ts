import { Command, CommanderError } from "commander";
import { VERSION } from "../common/version.js";
import { registerAccountCommands } from "./accounts.js";
import { registerAuditCommands } from "./audit.js";
import { registerBillingCommands } from "./billing.js";
import { registerCertCommands } from "./certs.js";
import { CliError } from "./context.js";
import { registerDbCommands } from "./db.js";
import { registerKeyCommands } from "./keys.js";
import { registerLegalCommands } from "./legal.js";
import { registerLimitCommands } from "./limits.js";
import { registerMailCommands } from "./mail.js";
import { registerModelCommands } from "./model.js";
import { registerCatalogCommands } from "./models.js";
import { registerNoticeCommands } from "./notices.js";
import { registerPaymentCommands } from "./payments.js";
import { registerSecurityCommands } from "./security.js";
import { registerServeCommand } from "./serve.js";
import { registerSuspensionCommands } from "./suspensions.js";
import { registerVatIdCommands } from "./vat-ids.js";

export function createProgram(): Command {
  const program = new Command("entrim-agent")
    .description(
      "Entrim cluster agent: serves the OpenAI-compatible API on a GPU node and administers the cluster",
    )
    .version(VERSION)
    .option(
      "--data-dir <dir>",
      "agent data directory (env ENTRIM_DATA_DIR, default ./.entrim)",
      process.env.ENTRIM_DATA_DIR,
    )
    .option(
      "--database-url <url>",
      "cluster store (env DATABASE_URL); without it a private PostgreSQL in the data dir",
      process.env.DATABASE_URL,
    )
    .option("--json", "print results as JSON")
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError(true)
    .exitOverride();
  registerServeCommand(program);
  registerAccountCommands(program);
  registerKeyCommands(program);
  registerLimitCommands(program);
  registerDbCommands(program);
  registerModelCommands(program);
  registerCatalogCommands(program);
  registerSecurityCommands(program);
  registerSuspensionCommands(program);
  registerBillingCommands(program);
  registerVatIdCommands(program);
  registerAuditCommands(program);
  registerCertCommands(program);
  registerMailCommands(program);
  registerNoticeCommands(program);
  registerLegalCommands(program);
  registerPaymentCommands(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unknown option, missing argument, help, version).
      return error.exitCode;
    }
    const json = program.opts().json === true;
    const message = error instanceof Error ? error.message : String(error);
    if (json) process.stderr.write(`${JSON.stringify({ error: message })}\n`);
    else process.stderr.write(`entrim-agent: ${message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
