import { embeddingsOptionError } from "../domain/capabilities.js";
import { CHECK_VIOLATION, type Db, isPgError, StoreError, UNIQUE_VIOLATION } from "./db.js";

import { parseExternalOptions } from "./external-options.js";

/** The channel the catalogue's triggers notify on (migrations/0010_models.sql). */
export const MODELS_CHANNEL = "entrim_models";

export const MODEL_RUNTIMES = ["embedded", "external"] as const;
export type ModelRuntime = (typeof MODEL_RUNTIMES)[number];

/** Where a node is with one model: preparing a version, serving one, or neither. */
export const NODE_MODEL_STATES = [
  "staging",
  "staged",
  "loading",
  "live",
  "draining",
  "failed",
  "removed",
] as const;
export type NodeModelState = (typeof NODE_MODEL_STATES)[number];

export const ARTIFACT_SCHEMES = ["file:", "http:", "https:", "agent:"] as const;

export interface ModelVersion {
  model: string;
  version: string;
  artifactUri: string;
  sha256: string;
  sizeBytes: number;
  runtime: ModelRuntime;
  runtimeOptions: Record<string, unknown>;
  contextLength: number | null;
  defaultParams: Record<string, unknown>;
  createdAt: Date;
  createdBy: string;
}

export interface ModelRecord {
  name: string;
  description: string;
  createdAt: Date;
  createdBy: string;
  /** Oldest first. */
  versions: ModelVersion[];
}

export interface NewModelVersion {
  model: string;
  version: string;
  artifactUri: string;
  sha256: string;
  sizeBytes: number;
  runtime?: ModelRuntime | undefined;
  runtimeOptions?: Record<string, unknown> | undefined;
  contextLength?: number | null | undefined;
  defaultParams?: Record<string, unknown> | undefined;
  createdBy: string;
}

export interface NodeModelRecord {
  node: string;
  model: string;
  liveVersion: string | null;
  stagedVersion: string | null;
  state: NodeModelState;
  error: string | null;
  updatedAt: Date;
}

/** A change to one node's row; a field left undefined keeps its value (null clears it). */
export interface NodeModelChange {
  node: string;
  model: string;
  liveVersion?: string | null | undefined;
  stagedVersion?: string | null | undefined;
  state: NodeModelState;
  error?: string | null | undefined;
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const VERSION_COLUMNS = `model, version, artifact_uri, sha256, size_bytes, runtime, runtime_options,
  context_length, default_params, created_at, created_by`;
const NODE_COLUMNS = "node, model, live_version, staged_version, state, error, updated_at";

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/**
 * Checks an artifact URI the way every agent will read it: file:, http(s): or agent://<node>/<sha256>,
 * where an agent: URI must name the same content as the version's sha256 (a peer serves by hash).
 */
export function checkArtifactUri(uri: string, sha256: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new StoreError(
      "invalid",
      `"${uri}" is not a URI; use file:///path, https://host/path or agent://node/sha256.`,
    );
  }
  if (!(ARTIFACT_SCHEMES as readonly string[]).includes(url.protocol))
    throw new StoreError(
      "invalid",
      `Artifact URIs are file:, http:, https: or agent: (got ${url.protocol}).`,
    );
  if (url.protocol === "agent:" && (!url.hostname || url.pathname !== `/${sha256}`))
    throw new StoreError("invalid", `An agent: URI is agent://<node>/<sha256 of the artifact> (got ${uri}).`);
}

export async function createModel(
  db: Db,
  input: { name: string; description?: string | undefined; createdBy: string },
): Promise<ModelRecord> {
  if (!MODEL_NAME.test(input.name))
    throw new StoreError(
      "invalid",
      `"${input.name}" is not a model name: 1-128 letters, digits and . _ : / -, starting with a letter or digit.`,
    );
  const description = input.description ?? "";
  if (description.length > 1000)
    throw new StoreError("invalid", "The description is limited to 1000 characters.");
  try {
    const result = await db.query(
      `INSERT INTO models (name, description, created_by) VALUES ($1, $2, $3)
       RETURNING name, description, created_at, created_by`,
      [input.name, description, input.createdBy],
    );
    return { ...toModel(result.rows[0]), versions: [] };
  } catch (error) {
    if (isPgError(error, UNIQUE_VIOLATION))
      throw new StoreError("conflict", `There already is a model ${input.name}.`);
    throw error;
  }
}

export async function addModelVersion(db: Db, input: NewModelVersion): Promise<ModelVersion> {
  const sha256 = input.sha256.toLowerCase();
  if (!VERSION_NAME.test(input.version))
    throw new StoreError(
      "invalid",
      `"${input.version}" is not a version name: 1-64 letters, digits and . _ + -, starting with a letter or digit.`,
    );
  if (!SHA256_HEX.test(sha256))
    throw new StoreError("invalid", `The sha256 must be 64 hexadecimal characters (got "${input.sha256}").`);
  if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes <= 0)
    throw new StoreError(
      "invalid",
      `The size must be a whole number of bytes above 0 (got ${input.sizeBytes}).`,
    );
  checkArtifactUri(input.artifactUri, sha256);
  const runtime = input.runtime ?? "embedded";
  if (!MODEL_RUNTIMES.includes(runtime))
    throw new StoreError("invalid", `The runtime is embedded or external (got "${runtime}").`);
  // An external version is run by the command in its options: a bad one must fail here, not mid-rollout.
  if (runtime === "external") parseExternalOptions(input.runtimeOptions ?? {});
  // Whether the version embeds is read by every node that builds it: a bad value must fail here.
  const embeds = embeddingsOptionError(input.runtimeOptions?.embeddings);
  if (embeds) throw new StoreError("invalid", `The runtime option ${embeds}.`);
  const context = input.contextLength ?? null;
  if (context !== null && (!Number.isInteger(context) || context < 64 || context > 2_147_483_647))
    throw new StoreError(
      "invalid",
      `The context length is a whole number of tokens, 64 or more (got ${context}).`,
    );
  const model = await db.query("SELECT 1 FROM models WHERE name = $1", [input.model]);
  if (!model.rows[0])
    throw new StoreError("not_found", `There is no model ${input.model}; add it first (catalog add-model).`);
  try {
    const result = await db.query(
      `INSERT INTO model_versions (model, version, artifact_uri, sha256, size_bytes, runtime, runtime_options,
         context_length, default_params, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${VERSION_COLUMNS}`,
      [
        input.model,
        input.version,
        input.artifactUri,
        sha256,
        input.sizeBytes,
        runtime,
        // jsonb parameters must be JSON text, or pg would send arrays as PostgreSQL arrays.
        JSON.stringify(input.runtimeOptions ?? {}),
        context,
        JSON.stringify(input.defaultParams ?? {}),
        input.createdBy,
      ],
    );
    return toVersion(result.rows[0]);
  } catch (error) {
    if (isPgError(error, UNIQUE_VIOLATION))
      throw new StoreError(
        "conflict",
        `Model ${input.model} already has a version ${input.version}; versions are immutable, add another.`,
      );
    if (isPgError(error, CHECK_VIOLATION))
      throw new StoreError("invalid", `Invalid model version: ${error.message}`);
    throw error;
  }
}

/** The catalogue's model names, and nothing else about them. */
export async function listModelNames(db: Db): Promise<string[]> {
  const result = await db.query<{ name: string }>("SELECT name FROM models");
  return result.rows.map((row) => row.name);
}

/** A model leaving the catalogue: refused from `retiresAt` on (models/catalog deprecate). */
export interface ModelRetirement {
  name: string;
  retiresAt: Date;
  replacement: string | null;
}

export async function listModelRetirements(db: Db): Promise<ModelRetirement[]> {
  const result = await db.query<{ name: string; retires_at: Date; replacement: string | null }>(
    "SELECT name, retires_at, replacement FROM models WHERE retires_at IS NOT NULL",
  );
  return result.rows.map((row) => ({
    name: row.name,
    retiresAt: row.retires_at,
    replacement: row.replacement,
  }));
}

/** Sets (or, with null, cancels) a model's retirement; the models trigger tells every agent. */
export async function setModelRetirement(
  db: Db,
  name: string,
  retiresAt: Date | null,
  replacement: string | null,
): Promise<void> {
  const result = await db.query("UPDATE models SET retires_at = $2, replacement = $3 WHERE name = $1", [
    name,
    retiresAt,
    retiresAt === null ? null : replacement,
  ]);
  if (result.rowCount === 0) throw new StoreError("not_found", `There is no model ${name} in the catalogue.`);
}

/** Every model with its versions, by name. */
export async function listModels(db: Db): Promise<ModelRecord[]> {
  const models = await db.query("SELECT name, description, created_at, created_by FROM models ORDER BY name");
  const versions = await db.query(
    `SELECT ${VERSION_COLUMNS} FROM model_versions ORDER BY created_at, version`,
  );
  const byModel = new Map<string, ModelRecord>();
  for (const row of models.rows) byModel.set(row.name, { ...toModel(row), versions: [] });
  for (const row of versions.rows) byModel.get(row.model)?.versions.push(toVersion(row));
  return [...byModel.values()];
}

export async function getModelVersion(
  db: Db,
  model: string,
  version: string,
): Promise<ModelVersion | undefined> {
  const result = await db.query(
    `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model = $1 AND version = $2`,
    [model, version],
  );
  return result.rows[0] ? toVersion(result.rows[0]) : undefined;
}

/** Records what a node serves or prepares of a model (the trigger tells every agent). */
export async function setNodeModel(db: Db, change: NodeModelChange): Promise<NodeModelRecord> {
  if (!NODE_MODEL_STATES.includes(change.state))
    throw new StoreError(
      "invalid",
      `The state is one of ${NODE_MODEL_STATES.join(", ")} (got "${change.state}").`,
    );
  const node = await db.query("SELECT 1 FROM nodes WHERE name = $1", [change.node]);
  if (!node.rows[0]) throw new StoreError("not_found", `There is no node ${change.node} in the registry.`);
  const model = await db.query("SELECT 1 FROM models WHERE name = $1", [change.model]);
  if (!model.rows[0]) throw new StoreError("not_found", `There is no model ${change.model}.`);
  for (const version of [change.liveVersion, change.stagedVersion]) {
    if (typeof version === "string" && !(await getModelVersion(db, change.model, version)))
      throw new StoreError("not_found", `Model ${change.model} has no version ${version}.`);
  }
  const keep = (value: unknown) => value === undefined;
  try {
    const result = await db.query(
      // A kept field takes the row's current value already in the INSERT half: PostgreSQL checks the
      // proposed row's constraints before it finds the conflict, so "keep" must not mean NULL there.
      `WITH cur AS (SELECT live_version, staged_version, error FROM node_models WHERE node = $1 AND model = $2)
       INSERT INTO node_models AS n (node, model, live_version, staged_version, state, error)
       VALUES ($1, $2,
         CASE WHEN $7 THEN (SELECT live_version FROM cur) ELSE $3 END,
         CASE WHEN $8 THEN (SELECT staged_version FROM cur) ELSE $4 END,
         $5,
         CASE WHEN $9 THEN (SELECT error FROM cur) ELSE $6 END)
       ON CONFLICT (node, model) DO UPDATE SET
         live_version = EXCLUDED.live_version, staged_version = EXCLUDED.staged_version,
         error = EXCLUDED.error, state = EXCLUDED.state, updated_at = now()
       RETURNING ${NODE_COLUMNS}`,
      [
        change.node,
        change.model,
        change.liveVersion ?? null,
        change.stagedVersion ?? null,
        change.state,
        change.error ?? null,
        keep(change.liveVersion),
        keep(change.stagedVersion),
        keep(change.error),
      ],
    );
    return toNodeModel(result.rows[0]);
  } catch (error) {
    if (isPgError(error, CHECK_VIOLATION))
      throw new StoreError(
        "invalid",
        `State ${change.state} of ${change.model} on ${change.node} needs ${
          ["live", "draining"].includes(change.state) ? "a live" : "a staged"
        } version.`,
      );
    throw error;
  }
}

/** Which version of which model each node serves and prepares, by model then node. */
export async function listNodeModels(db: Db, model?: string): Promise<NodeModelRecord[]> {
  const result = await db.query(
    `SELECT ${NODE_COLUMNS} FROM node_models WHERE $1::text IS NULL OR model = $1 ORDER BY model, node`,
    [model ?? null],
  );
  return result.rows.map(toNodeModel);
}

function toModel(row: Record<string, unknown>): Omit<ModelRecord, "versions"> {
  return {
    name: row.name as string,
    description: row.description as string,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
  };
}

function toVersion(row: Record<string, unknown>): ModelVersion {
  return {
    model: row.model as string,
    version: row.version as string,
    artifactUri: row.artifact_uri as string,
    sha256: row.sha256 as string,
    // bigint arrives as text; artifacts stay far below 2^53 bytes.
    sizeBytes: Number(row.size_bytes),
    runtime: row.runtime as ModelRuntime,
    runtimeOptions: row.runtime_options as Record<string, unknown>,
    contextLength: (row.context_length as number | null) ?? null,
    defaultParams: row.default_params as Record<string, unknown>,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
  };
}

function toNodeModel(row: Record<string, unknown>): NodeModelRecord {
  return {
    node: row.node as string,
    model: row.model as string,
    liveVersion: (row.live_version as string | null) ?? null,
    stagedVersion: (row.staged_version as string | null) ?? null,
    state: row.state as NodeModelState,
    error: (row.error as string | null) ?? null,
    updatedAt: row.updated_at as Date,
  };
}
