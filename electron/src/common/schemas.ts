// Request schemas: every payload from the renderer is parsed with one of these before a handler sees it
// (the renderer is treated as untrusted: a compromised page must not reach beyond these shapes).
import { z } from "zod";

const name = z.string().min(1).max(128);
const nodeName = z.string().min(1).max(253);
/** host:port, IPv6 in brackets. */
export const address = z
  .string()
  .max(300)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "expected host:port");
const path = z.string().min(1).max(4096);
const reason = z.string().trim().min(3, "say why (at least 3 characters)").max(500);

const sshUser = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, "expected a user name");
/** A host name or address, IPv6 without brackets. */
const sshHost = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, "expected a host name or address");
const port = z.number().int().min(1).max(65_535);

/** How the terminal tab reaches a node's shell: ssh with these settings. */
export const sshSettingsSchema = z
  .object({
    user: sshUser,
    port: port.default(22),
    /** A private key file (or `safe-storage:NAME` in the desktop app); absent: the ssh-agent ($SSH_AUTH_SOCK). */
    keyFile: path.optional(),
    /** Per node: the host to ssh to instead of the host of its control address. */
    hosts: z.record(nodeName, sshHost).default({}),
    /** A bastion the connection goes through (like OpenSSH's ProxyJump), with the same key. */
    jumpHost: z
      .object({ host: sshHost, port: port.default(22), user: sshUser.optional() })
      .strict()
      .optional(),
  })
  .strict();
export type SshSettings = z.infer<typeof sshSettingsSchema>;

export const profileSchema = z
  .object({
    name,
    addresses: z.array(address).min(1).max(64),
    caFile: path,
    certFile: path,
    keyFile: path,
    readOnly: z.boolean().default(false),
    ssh: sshSettingsSchema.optional(),
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;

export const profilesFileSchema = z.object({ profiles: z.array(profileSchema).max(256) }).strict();

export const empty = z.object({}).strict();
export const profileRef = z.object({ profile: name }).strict();
export const drainRequest = z
  .object({
    node: nodeName,
    reason,
    /** 0: the node's configured default. */
    deadlineSeconds: z.number().int().min(0).max(86_400).default(0),
  })
  .strict();
export const undrainRequest = z.object({ node: nodeName, reason }).strict();

export const targetType = z.enum(["TARGET_TYPE_ACCOUNT", "TARGET_TYPE_KEY", "TARGET_TYPE_IP"]);
export const suspensionReason = z.enum([
  "SUSPENSION_REASON_ABUSE",
  "SUSPENSION_REASON_NON_PAYMENT",
  "SUSPENSION_REASON_SECURITY",
  "SUSPENSION_REASON_LEGAL",
  "SUSPENSION_REASON_CUSTOMER_REQUEST",
]);
export const suspendRequest = z
  .object({
    kind: z.enum(["suspend", "warn"]),
    targetType,
    target: z.string().trim().min(1).max(200),
    reason: suspensionReason,
    expiresInSeconds: z
      .number()
      .int()
      .min(0)
      .max(10 * 365 * 86_400)
      .default(0),
    note: z.string().max(2000).default(""),
  })
  .strict();
export const unsuspendRequest = z.object({ id: z.string().min(1).max(100), reason }).strict();
export const listAuditRequest = z
  .object({
    operator: z.string().max(128).default(""),
    action: z.string().max(128).default(""),
    target: z.string().max(256).default(""),
    limit: z.number().int().min(0).max(1000).default(200),
  })
  .strict();
/** A desktop notification for an alert: short text only, shown by the OS. */
export const desktopNotice = z
  .object({ title: z.string().min(1).max(200), body: z.string().max(1000).default("") })
  .strict();
export const listAccountsRequest = z
  .object({
    query: z.string().trim().max(200).default(""),
    limit: z.number().int().min(0).max(1000).default(1000),
  })
  .strict();
export const getAccountRequest = z.object({ id: z.string().min(1).max(100) }).strict();
export const listSuspensionsRequest = z.object({ activeOnly: z.boolean().default(true) }).strict();

const sessionId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "expected a session id");
export const terminalOpenRequest = z
  .object({
    node: nodeName,
    cols: z.number().int().min(1).max(1000).default(80),
    rows: z.number().int().min(1).max(1000).default(24),
    /**
     * Log the session's output on the console's host. Only a yes or no: the Node side picks the file
     * (its session-logs folder, a name it derives), never the page.
     */
    log: z.boolean().default(false),
    /** The key's passphrase when it is encrypted; kept by the Node side (memory, or safeStorage). */
    passphrase: z.string().min(1).max(1024).optional(),
  })
  .strict();
/** Keystrokes and pastes as text (xterm's onData); a big paste comes in several calls. */
export const terminalInputRequest = z.object({ session: sessionId, data: z.string().max(65_536) }).strict();
export const terminalAckRequest = z
  .object({
    session: sessionId,
    bytes: z
      .number()
      .int()
      .min(0)
      .max(1 << 30),
  })
  .strict();
export const terminalResizeRequest = z
  .object({
    session: sessionId,
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  })
  .strict();
export const terminalHostKeyAnswer = z.object({ session: sessionId, accept: z.boolean() }).strict();

export const rolloutId = z
  .string()
  .regex(/^ro_[a-z0-9]{16}$/, "expected a rollout id (ro_ and 16 letters or digits)");
const modelName = z.string().trim().min(1, "pick a model").max(128);
export const rolloutRef = z.object({ id: rolloutId }).strict();
export const listRolloutsRequest = z
  .object({
    model: z.string().max(128).default(""),
    activeOnly: z.boolean().default(false),
    limit: z.number().int().min(0).max(500).default(50),
  })
  .strict();
const labelKey = z.string().trim().min(1, "a label needs a key").max(128);
/** What the agent's StartRollout takes; bounds as the agent documents them (rollouts.proto). */
export const startRolloutRequest = z
  .object({
    model: modelName,
    version: z.string().trim().min(1, "pick a version").max(128),
    targets: z
      .object({
        nodes: z.array(nodeName).max(1000).default([]),
        regions: z.array(z.string().trim().min(1).max(128)).max(100).default([]),
        labels: z.record(labelKey, z.string().max(256)).default({}),
      })
      .strict()
      .default({ nodes: [], regions: [], labels: {} }),
    batchSize: z.number().int().min(1, "at least 1 node per batch").max(1000).default(1),
    pauseSeconds: z.number().int().min(0).max(86_400).default(0),
    gates: z
      .object({
        maxErrorRate: z
          .number()
          .min(0, "an error rate is 0 to 1")
          .max(1, "an error rate is 0 to 1")
          .default(0),
        maxP95Ms: z.number().min(1, "p95 is at least 1 ms").max(3_600_000).default(60_000),
        windowSeconds: z
          .number()
          .int()
          .min(1, "the window is 1 to 3600 s")
          .max(3600, "the window is 1 to 3600 s")
          .default(30),
      })
      .strict()
      .default({ maxErrorRate: 0, maxP95Ms: 60_000, windowSeconds: 30 }),
    reason,
  })
  .strict();
/** What the start dialog sends (defaults not yet filled in). */
export type StartRolloutInput = z.input<typeof startRolloutRequest>;
export const rolloutVerb = z.enum(["pause", "resume", "abort", "rollback"]);
export type RolloutVerb = z.infer<typeof rolloutVerb>;
/** Pause and resume may go without a reason (the agent records who); abort and roll back need one. */
export const rolloutActionRequest = z
  .object({ id: rolloutId, verb: rolloutVerb, reason: z.string().trim().max(500).default("") })
  .strict()
  .refine((r) => r.verb === "pause" || r.verb === "resume" || r.reason.length >= 3, {
    message: "say why (at least 3 characters)",
    path: ["reason"],
  });
