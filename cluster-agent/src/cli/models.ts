import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ArtifactCache } from "../cache/artifacts.js";
import { hashFile } from "../cache/fetch.js";
import { createLogger } from "../common/log.js";
import { deprecateModel } from "../notices/deprecation.js";
import { loadAuditKey } from "../store/audit-log.js";
import {
  addModelVersion,
  createModel,
  getModelVersion,
  listModels,
  listNodeModels,
  MODEL_RUNTIMES,
  type ModelRuntime,
  setModelRetirement,
} from "../store/models.js";
import { cliOperator, recordCliChange, withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { dataDirOf, withStore } from "./store-context.js";

/** artifacts.maxBytes's default (config/schema.ts): the CLI reads no config file. */
const DEFAULT_MAX_BYTES = 200 * 1024 ** 3;

function wholeNumber(raw: string, flag: string, min = 1): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min)
    throw new CliError(`${flag} must be a whole number, ${min} or more (got "${raw}").`);
  return value;
}

/** `--option k=v`, repeatable; values that read as JSON (numbers, booleans, arrays) keep their type. */
function collectPair(raw: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = raw.indexOf("=");
  if (at <= 0) throw new CliError(`"${raw}" is not key=value.`);
  const text = raw.slice(at + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // A plain string, e.g. --option dtype=bfloat16.
  }
  return { ...previous, [raw.slice(0, at)]: value };
}

const cliUser = () => `cli:${userInfo().username}`;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/** `catalog ...`: the cluster's model catalogue and this node's artifact cache. (`model` makes files.) */
export function registerCatalogCommands(program: Command): void {
  const catalog = program
    .command("catalog")
    .description("The model catalogue and this node's artifact cache")
    // `models deprecate` is what operators reach for; both names run the same commands.
    .alias("models");

  catalog
    .command("deprecate")
    .description("Announce a model's retirement to every account that used it in the last 30 days")
    .requiredOption("--model <name>", "the model being retired")
    .requiredOption("--date <YYYY-MM-DD>", "the day it leaves the catalogue")
    .option("--replacement <name>", "the model customers should move to")
    .action(async (opts: { model: string; date: string; replacement?: string }, command: Command) => {
      const result = await withStore(command, async (store, dataDir) =>
        recordCliChange(
          store,
          await loadAuditKey({ dataDir, env: process.env }),
          {
            action: "model.deprecate",
            target: `model:${opts.model}`,
            reason: `retired on ${opts.date}${opts.replacement ? `, replaced by ${opts.replacement}` : ""}`,
          },
          (db) =>
            deprecateModel(db, {
              model: opts.model,
              date: opts.date,
              replacement: opts.replacement,
              by: cliOperator(),
            }),
        ),
      );
      output(
        command,
        { ...result, notified: result.accounts.length },
        () =>
          `Notified ${result.accounts.length} account(s) that used ${result.model} in the last 30 days` +
          ` (${result.optedOut} opted out of email and see the portal notice only). Every agent refuses` +
          ` ${result.model} from ${result.date} (00:00 UTC); undo with: models undeprecate --model ${result.model}`,
      );
    });

  catalog
    .command("undeprecate")
    .description("Cancel a model's retirement (the model is served again; no notice is sent)")
    .requiredOption("--model <name>", "the model whose retirement is cancelled")
    .action(async (opts: { model: string }, command: Command) => {
      await withAuditedStore(
        command,
        { action: "model.undeprecate", target: `model:${opts.model}`, reason: "retirement cancelled" },
        (store) => setModelRetirement(store.pool, opts.model, null, null),
      );
      output(
        command,
        { model: opts.model, retiresAt: null },
        () =>
          `${opts.model} is no longer retiring. Accounts told about its retirement were not told otherwise: publish a notice if they should know.`,
      );
    });

  catalog
    .command("add-model")
    .description("Add a public model name (what customers send as `model`)")
    .requiredOption("--name <name>", "the public model name, e.g. llama-3.1-8b")
    .option("--description <text>", "a line for operators")
    .action(async (opts: { name: string; description?: string }, command: Command) => {
      const model = await withAuditedStore(
        command,
        { action: "model.create", target: `model:${opts.name}`, reason: opts.description },
        (store) =>
          createModel(store.pool, { name: opts.name, description: opts.description, createdBy: cliUser() }),
      );
      output(
        command,
        model,
        () => `Added model ${model.name}. Add a version: catalog add-version --model ${model.name} ...`,
      );
    });

  catalog
    .command("add-version")
    .description("Publish a version of a model: its artifact (by sha256) and how it is served")
    .requiredOption("--model <name>", "the model's public name")
    // Not --version: the program's own --version (print the agent's version) is seen anywhere on the line.
    .requiredOption("--model-version <version>", "a version name, e.g. 2026-11 or q4_k_m-1")
    .requiredOption(
      "--uri <uri>",
      "artifact: file:///path, https://..., or agent://<node>/<sha256> (external: what {artifact} names)",
    )
    .requiredOption("--sha256 <hex>", "the artifact's sha256 (catalog inspect FILE prints it)")
    .requiredOption("--size <bytes>", "the artifact's size in bytes")
    .option(
      "--runtime <runtime>",
      `runtime adapter: ${MODEL_RUNTIMES.join(" or ")}; external needs --option 'command=[...,"{port}"]'`,
      "embedded",
    )
    .option("--context-length <tokens>", "context window in tokens")
    .option("--option <key=value>", "runtime option (repeatable)", collectPair)
    .option(
      "--param <key=value>",
      "default request parameter, e.g. temperature=0.7 (repeatable)",
      collectPair,
    )
    .action(
      async (
        opts: {
          model: string;
          modelVersion: string;
          uri: string;
          sha256: string;
          size: string;
          runtime: string;
          contextLength?: string;
          option?: Record<string, unknown>;
          param?: Record<string, unknown>;
        },
        command: Command,
      ) => {
        if (!(MODEL_RUNTIMES as readonly string[]).includes(opts.runtime))
          throw new CliError(`--runtime is ${MODEL_RUNTIMES.join(" or ")} (got "${opts.runtime}").`);
        const input = {
          model: opts.model,
          version: opts.modelVersion,
          artifactUri: opts.uri,
          sha256: opts.sha256,
          sizeBytes: wholeNumber(opts.size, "--size"),
          runtime: opts.runtime as ModelRuntime,
          runtimeOptions: opts.option ?? {},
          contextLength:
            opts.contextLength === undefined ? null : wholeNumber(opts.contextLength, "--context-length"),
          defaultParams: opts.param ?? {},
          createdBy: cliUser(),
        };
        const version = await withAuditedStore(
          command,
          {
            action: "model.version.add",
            target: `model:${opts.model}@${opts.modelVersion}`,
            reason: opts.sha256,
          },
          (store) => addModelVersion(store.pool, input),
        );
        output(
          command,
          version,
          () =>
            `Added ${version.model} version ${version.version} (${version.sha256}, ${version.sizeBytes} bytes).`,
        );
        const warning = engineWarning(version.runtimeOptions);
        if (version.runtime === "external" && warning !== undefined)
          process.stderr.write(`entrim-agent: warning: ${warning}\n`);
      },
    );

  catalog
    .command("list")
    .description("List models and their versions")
    .action(async (_opts: unknown, command: Command) => {
      const models = await withStore(command, (store) => listModels(store.pool));
      output(command, models, () =>
        table(
          models.flatMap((m) =>
            (m.versions.length ? m.versions : [undefined]).map((v) => ({
              model: m.name,
              version: v?.version ?? "(no versions)",
              runtime: v?.runtime,
              size: v && gib(v.sizeBytes),
              sha256: v?.sha256.slice(0, 12),
              uri: v?.artifactUri,
            })),
          ),
          ["model", "version", "runtime", "size", "sha256", "uri"],
        ),
      );
    });

  catalog
    .command("nodes")
    .description("Which version of each model is live and staged on which node")
    .option("--model <name>", "only this model")
    .action(async (opts: { model?: string }, command: Command) => {
      const rows = await withStore(command, (store) => listNodeModels(store.pool, opts.model));
      output(command, rows, () =>
        table(
          rows.map((r) => ({
            ...r,
            live: r.liveVersion,
            staged: r.stagedVersion,
            updated: r.updatedAt.toISOString(),
          })),
          ["model", "node", "live", "staged", "state", "updated", "error"],
        ),
      );
    });

  catalog
    .command("stage")
    .description(
      "Fetch and verify an artifact into this node's cache (<data-dir>/artifacts); prints its path",
    )
    .option("--model <name>", "stage this model's --model-version from the catalogue")
    .option("--model-version <version>", "with --model")
    .option("--uri <uri>", "or give the artifact directly: file:, http(s): or an absolute path")
    .option("--sha256 <hex>", "with --uri")
    .option("--size <bytes>", "with --uri")
    .option(
      "--max-bytes <bytes>",
      "cache bound, as artifacts.maxBytes in the agent's config",
      String(DEFAULT_MAX_BYTES),
    )
    .action(
      async (
        opts: {
          model?: string;
          version?: string;
          uri?: string;
          sha256?: string;
          size?: string;
          maxBytes: string;
        },
        command: Command,
      ) => {
        const ref = await artifactToStage(command, opts);
        const logger = createLogger({ level: process.env.ENTRIM_LOG_LEVEL ?? "warn" });
        const dir = join(dataDirOf(command), "artifacts");
        const cache = new ArtifactCache({ dir, maxBytes: wholeNumber(opts.maxBytes, "--max-bytes"), logger });
        try {
          const staged = await cache.stage(ref);
          output(command, staged, () =>
            staged.fetched
              ? `Staged ${staged.path} (verified).`
              : `Already cached: ${staged.path} (verified).`,
          );
        } catch (error) {
          throw new CliError((error as Error).message);
        } finally {
          await cache.close();
        }
      },
    );

  catalog
    .command("inspect")
    .description("Print a file's sha256 and size, as add-version needs them")
    .argument("<file>", "the artifact, e.g. a .gguf")
    .action(async (file: string, _opts: unknown, command: Command) => {
      const path = resolve(file);
      const found = await hashFile(path).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`Cannot read ${path}: ${error.code ?? error.message}.`);
      });
      output(
        command,
        { path, uri: `file://${path}`, ...found },
        () =>
          `${found.sha256}  ${found.size}  ${path}\n--uri file://${path} --sha256 ${found.sha256} --size ${found.size}`,
      );
    });
}

async function artifactToStage(
  command: Command,
  opts: { model?: string; modelVersion?: string; uri?: string; sha256?: string; size?: string },
): Promise<{ uri: string; sha256: string; size: number }> {
  if (opts.model !== undefined) {
    const wanted = opts.modelVersion;
    if (!wanted || opts.uri)
      throw new CliError("Give --model with --model-version, or --uri with --sha256 and --size.");
    const version = await withStore(command, (store) => getModelVersion(store.pool, opts.model!, wanted));
    if (!version)
      throw new CliError(`Model ${opts.model} has no version ${wanted}. Run \`catalog list\` to see them.`);
    return { uri: version.artifactUri, sha256: version.sha256, size: version.sizeBytes };
  }
  if (!opts.uri || !opts.sha256 || !opts.size)
    throw new CliError(
      "Give --uri with --sha256 and --size (catalog inspect FILE prints them), or --model with --model-version.",
    );
  return { uri: opts.uri, sha256: opts.sha256, size: wholeNumber(opts.size, "--size") };
}

/**
 * The catalogue cannot know which executables each node allows (engines.allowedExecutables in the
 * node's own configuration, which this command does not read): the publisher is told what nodes will
 * check, so a version that no node may run is noticed now rather than as a paused rollout.
 */
export function engineWarning(runtimeOptions: Record<string, unknown>): string | undefined {
  const command = runtimeOptions.command;
  const file = Array.isArray(command) && typeof command[0] === "string" ? command[0] : undefined;
  if (file === undefined) return undefined;
  const lookup = file.startsWith("/")
    ? ""
    : ` "${file}" is not an absolute path: each node looks it up on its engines.path, so nodes may resolve it differently.`;
  return (
    `nodes start this version only if their configuration allows its executable ${file} ` +
    "(engines.allowedExecutables, compared after links are resolved); on other nodes its load step fails " +
    `and a rollout to it pauses.${lookup}`
  );
}
