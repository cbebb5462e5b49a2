import {
  type GetRolloutRequest__Output,
  type ListModelsResponse,
  type ListRolloutsRequest__Output,
  type ListRolloutsResponse,
  loadAgentProto,
  type RolloutActionRequest__Output,
  type Rollout as RolloutMessage,
  type RotateModelRequest__Output,
  type RotationProgress,
  type StartRolloutRequest__Output,
} from "@entrim/proto";
import { listModels, MODELS_CHANNEL } from "../../store/models.js";
import {
  createRollout,
  FINAL_STATES,
  getNodeModelState,
  getRollout,
  listRollouts,
  ROLLOUTS_CHANNEL,
  type RolloutState,
  setDesiredVersion,
  transitionRollout,
} from "../../store/rollouts.js";
import type { Store } from "../../store/store.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import {
  failedPrecondition,
  invalidArgument,
  notFound,
  type ServiceImplementation,
  stream,
  unary,
} from "../rpc.js";
import { changeFeed, placementMessage, progressMessage, toRolloutMessage } from "./rollout-convert.js";

export interface RolloutServiceDeps {
  store: Pick<Store, "pool" | "listen">;
  recorder: AuditRecorder;
  /** This agent's node name: RotateModel's default node. */
  node: string;
  /** Called after a state change an operator made, so the leader (if it is this agent) acts at once. */
  onChange?: () => void;
}

const ID = /^ro_[a-z0-9]{16}$/;

function checkId(id: string): string {
  if (!ID.test(id)) throw invalidArgument(`"${id}" is not a rollout id (ro_ and 16 letters or digits).`);
  return id;
}

async function found(deps: RolloutServiceDeps, id: string) {
  const rollout = await getRollout(deps.store.pool, checkId(id));
  if (!rollout) throw notFound(`There is no rollout ${id}.`);
  return rollout;
}

export function rolloutService(deps: RolloutServiceDeps): ServiceImplementation {
  const pool = deps.store.pool;
  const action = (
    verb: string,
    role: "operator" | "admin",
    from: readonly RolloutState[],
    to: RolloutState,
    options: { resume?: boolean } = {},
  ) =>
    unary<RolloutActionRequest__Output, RolloutMessage>(role, async (request, context) => {
      checkId(request.id);
      const reason = request.reason || `${verb} by ${context.operator.name}`;
      const rollout = await auditedChange(
        deps.recorder,
        pool,
        context,
        { action: `rollout.${verb}`, target: `rollout:${request.id}`, reason },
        async (db) => {
          if (options.resume)
            // Failed nodes of the current batch get another try; the gates are held anew.
            await db.query(
              `UPDATE rollout_nodes n SET state = 'pending', message = 'retry after resume', updated_at = now()
               FROM rollouts r WHERE r.id = n.rollout AND n.rollout = $1 AND r.state = 'paused'
                 AND n.batch = r.current_batch AND n.state = 'failed'`,
              [request.id],
            );
          return transitionRollout(db, request.id, from, to, reason, {
            resetGate: options.resume ?? false,
          });
        },
      );
      deps.onChange?.();
      return toRolloutMessage(rollout);
    });

  return {
    name: "entrim.agent.v1.RolloutService",
    definition: loadAgentProto().RolloutService.service,
    methods: {
      StartRollout: unary<StartRolloutRequest__Output, RolloutMessage>("admin", async (request, context) => {
        if (!request.model || !request.version) throw invalidArgument("model and version are required.");
        const gates = request.gates;
        const rollout = await auditedChange(
          deps.recorder,
          pool,
          context,
          {
            action: "rollout.start",
            target: `model:${request.model}@${request.version}`,
            reason: request.reason,
          },
          (db) =>
            createRollout(db, {
              model: request.model,
              toVersion: request.version,
              targets: {
                nodes: request.targets?.nodes ?? [],
                regions: request.targets?.regions ?? [],
                labels: request.targets?.labels ?? {},
              },
              batchSize: request.batchSize || 1,
              pauseSeconds: request.pauseSeconds,
              gates: {
                maxErrorRate: gates?.maxErrorRate ?? 0,
                maxP95Ms: gates?.maxP95Ms || 60_000,
                windowSeconds: gates?.windowSeconds || 30,
              },
              createdBy: context.operator.name,
              createdRole: context.operator.role,
            }),
        );
        deps.onChange?.();
        return toRolloutMessage(rollout);
      }),
      GetRollout: unary<GetRolloutRequest__Output, RolloutMessage>("viewer", async (request) =>
        toRolloutMessage(await found(deps, request.id)),
      ),
      ListRollouts: unary<ListRolloutsRequest__Output, ListRolloutsResponse>("viewer", async (request) => {
        if (request.limit > 500)
          throw invalidArgument(`limit is 0 (meaning 50) to 500; got ${request.limit}.`);
        const rollouts = await listRollouts(pool, {
          model: request.model || undefined,
          activeOnly: request.activeOnly,
          limit: request.limit || 50,
        });
        return { rollouts: rollouts.map(toRolloutMessage) };
      }),
      WatchRollout: stream<GetRolloutRequest__Output, RolloutMessage>(
        "viewer",
        async (request, send, context) => {
          const first = await found(deps, request.id);
          const feed = await changeFeed(
            deps.store,
            [ROLLOUTS_CHANNEL, MODELS_CHANNEL],
            (p) => p.rollout === request.id || (p.kind === "node" && p.model === first.model),
            context.signal,
          );
          try {
            let last = "";
            while (await feed.next()) {
              const rollout = await found(deps, request.id);
              const message = toRolloutMessage(rollout);
              const text = JSON.stringify(message);
              if (text !== last) await send(message);
              last = text;
              if (FINAL_STATES.includes(rollout.state)) return;
            }
          } finally {
            await feed.close();
          }
        },
      ),
      PauseRollout: action("pause", "operator", ["running"], "paused"),
      ResumeRollout: action("resume", "operator", ["paused"], "running", { resume: true }),
      AbortRollout: action("abort", "operator", ["running", "paused"], "aborting"),
      RollBackRollout: action(
        "rollback",
        "admin",
        ["running", "paused", "aborting", "aborted", "completed", "failed"],
        "rolling_back",
      ),
      ListModels: unary<unknown, ListModelsResponse>("viewer", async () => {
        const models = await listModels(pool);
        const rows = await pool.query(
          `SELECT node, model, live_version, staged_version, desired_version, state, error FROM node_models
           ORDER BY model, node`,
        );
        return {
          models: models.map((m) => {
            const placed = rows.rows.filter((row) => row.model === m.name);
            return {
              name: m.name,
              description: m.description,
              versions: m.versions.map((v) => ({
                version: v.version,
                sha256: v.sha256,
                sizeBytes: v.sizeBytes,
                runtime: v.runtime,
                createdAtMs: v.createdAt.getTime(),
                createdBy: v.createdBy,
                liveOn: placed
                  .filter((row) => row.live_version === v.version)
                  .map((row) => row.node as string),
              })),
              nodes: placed.map(placementMessage),
            };
          }),
        };
      }),
      RotateModel: stream<RotateModelRequest__Output, RotationProgress>(
        "operator",
        async (request, send, context) => {
          const node = request.node || deps.node;
          const { model, version } = request;
          if (!model || !version) throw invalidArgument("model and version are required.");
          // A rollout owns its nodes' desired versions; a rotation beside it would be undone or undo it.
          const owned = await pool.query(
            `SELECT r.id FROM rollouts r JOIN rollout_nodes n ON n.rollout = r.id
             WHERE r.model = $1 AND n.node = $2 AND r.state = ANY($3::text[])`,
            [model, node, ["running", "paused", "aborting", "rolling_back"]],
          );
          if (owned.rows[0])
            throw failedPrecondition(
              `${node} is part of rollout ${owned.rows[0].id} of ${model}; finish, abort or roll it back first.`,
            );
          await auditedChange(
            deps.recorder,
            pool,
            context,
            {
              action: "model.rotate",
              target: `node:${node}/model:${model}@${version}`,
              reason: request.reason,
            },
            (db) => setDesiredVersion(db, node, model, version),
          );
          const feed = await changeFeed(
            deps.store,
            [MODELS_CHANNEL],
            (p) => p.kind === "node" && p.node === node && p.model === model,
            context.signal,
          );
          try {
            let last = "";
            while (await feed.next()) {
              const row = await pool.query(
                "SELECT progress FROM node_models WHERE node = $1 AND model = $2",
                [node, model],
              );
              const progress = row.rows[0]?.progress;
              if (progress && progress.version === version && JSON.stringify(progress) !== last) {
                last = JSON.stringify(progress);
                await send(progressMessage(node, model, progress));
              }
              const state = await getNodeModelState(pool, node, model);
              const ok = state?.liveVersion === version && state.state === "live";
              const failed = state?.state === "failed" && state.stagedVersion === version;
              if (ok || failed || state?.desiredVersion !== version) {
                await send({
                  node,
                  model,
                  version,
                  step: "done",
                  state: ok ? "ok" : "failed",
                  message: ok
                    ? `${node} serves ${model} ${version}`
                    : (state?.error ?? `${node} was asked for another version meanwhile`),
                  atMs: Date.now(),
                  done: true,
                  ok,
                });
                return;
              }
            }
          } finally {
            await feed.close();
          }
        },
      ),
    },
  };
}
