import { z } from "zod";
import { parseCidr } from "../domain/cidr.js";
import { alertingSchema } from "./alerting.js";
import { billingSchema } from "./billing.js";
import { mailSchema } from "./mail.js";
import { portalSchema } from "./portal.js";
import { stripeSchema } from "./stripe.js";
import { upstreamEntryError, upstreamUrlRefusal } from "./upstreams.js";

/** host:port, IPv6 hosts in brackets ("[::1]:8080"). */
const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port, e.g. 127.0.0.1:8080")
  .refine((v) => {
    // Only judge the port when the shape is right; the regex already explained anything else.
    const port = Number(v.slice(v.lastIndexOf(":") + 1));
    return Number.isNaN(port) || (port >= 0 && port <= 65535);
  }, "port must be 0-65535");

const modelId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, "letters, digits and . _ : / - only");

/**
 * Whether a model embeds (POST /v1/embeddings), and how: see domain/capabilities.ts. Absent: a
 * generation model only.
 */
const embeddingsOption = z
  .union([
    z.boolean(),
    z
      .object({
        /** Requests may ask for fewer `dimensions` (Matryoshka-trained models only). */
        matryoshka: z.boolean().optional(),
        /** Whether the model also generates; default: embedded yes, external no. */
        generation: z.boolean().optional(),
      })
      .strict(),
  ])
  .optional();

const embeddedModel = z
  .object({
    id: modelId,
    runtime: z.literal("embedded"),
    /** Path of a GGUF file. */
    path: z.string().min(1),
    /** Sequences generated at once (slots). */
    parallel: z.number().int().min(1).max(256).default(4),
    /** CPU threads; 0 = every core but one (runtime/embedded.ts defaultThreads, chosen by measurement). */
    threads: z.number().int().min(0).max(1024).default(0),
    /** "auto" offloads to a GPU when one exists; 0 forces CPU. */
    gpuLayers: z.union([z.literal("auto"), z.number().int().min(0)]).default("auto"),
    /** Context window per sequence in tokens; defaults to the model's own. */
    contextSize: z.number().int().min(64).optional(),
    embeddings: embeddingsOption,
  })
  .strict();

const externalModel = z
  .object({
    id: modelId,
    runtime: z.literal("external"),
    /** Base URL of the OpenAI-compatible upstream, e.g. http://127.0.0.1:8000/v1 */
    url: z.url({ protocol: /^https?$/ }),
    /** Model name the upstream knows; defaults to id. */
    upstreamModel: z.string().min(1).optional(),
    /** Name of an environment variable holding the upstream's API key (the key itself never sits in config). */
    apiKeyEnv: z.string().min(1).optional(),
    /** Requests sent upstream at once; vLLM batches up to 256 sequences by default. */
    slots: z.number().int().min(1).max(4096).default(256),
    contextLength: z.number().int().min(64).default(8192),
    timeoutMs: z.number().int().min(1000).default(600_000),
    /** Optional command the agent starts and supervises (vLLM, llama-server, SGLang). */
    command: z.array(z.string().min(1)).min(1).optional(),
    healthUrl: z.url({ protocol: /^https?$/ }).optional(),
    startTimeoutMs: z.number().int().min(1000).default(600_000),
    embeddings: embeddingsOption,
    /**
     * The catalogue version this configuration serves (`catalog add-version --model-version`). The
     * agent cannot hash an engine's weights the way it hashes a GGUF, so this is how it knows what
     * runs; without it, rollouts skip the model.
     */
    version: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, "a catalogue version name: letters, digits and . _ + -")
      .optional(),
  })
  .strict();

const windowRule = (threshold: number, windowSeconds: number) =>
  z
    .object({
      /** Events of one subject within the window that flag it; 0 turns the rule off. */
      threshold: z.number().int().min(0).max(1_000_000).default(threshold),
      windowSeconds: z.number().int().min(1).max(86_400).default(windowSeconds),
    })
    .strict()
    .default({ threshold, windowSeconds });

const USAGE_SPIKE = { factor: 5, minTokens: 50_000, warmupMinutes: 10, alpha: 0.1 };

const securitySchema = z
  .object({
    /** Days security events (and resolved abuse flags) are kept. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** How often buffered events are written to the store. */
    flushIntervalMs: z.number().int().min(50).max(60_000).default(1000),
    /** Events held in memory while the store is away; beyond it the oldest are dropped. */
    bufferLimit: z.number().int().min(100).max(1_000_000).default(10_000),
    /** How often the leader creates partitions ahead and applies retention. */
    maintenanceIntervalMinutes: z.number().int().min(1).max(1440).default(60),
    rules: z
      .object({
        authFailures: windowRule(20, 60),
        rateLimited: windowRule(100, 60),
        suspendedAccess: windowRule(10, 300),
        usageSpike: z
          .object({
            /** A minute above factor × the account's baseline is a spike; 0 turns the rule off. */
            factor: z.number().min(0).max(1000).default(USAGE_SPIKE.factor),
            /** Tokens a minute must reach to count as a spike at all. */
            minTokens: z.number().int().min(1).default(USAGE_SPIKE.minTokens),
            /** Busy minutes observed before an account's baseline is trusted. */
            warmupMinutes: z.number().int().min(0).max(10_000).default(USAGE_SPIKE.warmupMinutes),
            /** Weight of the newest busy minute in the baseline (EWMA). */
            alpha: z.number().gt(0).max(1).default(USAGE_SPIKE.alpha),
          })
          .strict()
          .default(USAGE_SPIKE),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
/** Networks (CIDR or single addresses) in the IP block allow-list; checked like the CLI checks them. */
const cidrText = z.string().refine((v) => {
  try {
    parseCidr(v);
    return true;
  } catch {
    return false;
  }
}, "must be an IP address or a network such as 10.0.0.0/8 (no host bits right of the mask)");

/** fail2ban-style blocking of addresses that keep presenting wrong API keys. */
const ipBlock = z
  .object({
    enabled: z.boolean().default(true),
    /** Failed authentications from one address within the window that block it. */
    failures: z.number().int().min(1).max(100_000).default(20),
    windowSeconds: z.number().int().min(1).max(86_400).default(60),
    blockSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(900),
    /** Addresses tracked at once; the least recently failing one is forgotten beyond it. */
    maxTrackedIps: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Networks never blocked automatically. */
    allowList: z.array(cidrText).default([]),
  })
  .strict();
const IP_BLOCK_DEFAULTS = {
  enabled: true,
  failures: 20,
  windowSeconds: 60,
  blockSeconds: 900,
  maxTrackedIps: 10_000,
  allowList: [],
};

/** api.overload; why these values: docs/configuration.md (Overload). */
const OVERLOAD_DEFAULTS = {
  enabled: true,
  maxEventLoopDelayMs: 50,
  maxEventLoopUtilization: 0.9,
  sampleIntervalMs: 200,
  retryAfterSeconds: 2,
  minInFlight: 16,
  limitEventLoopDelayMs: 4,
  limitAboveInFlight: 128,
};

const METERING_DEFAULTS = {
  maxBytes: 1024 * 1024 * 1024,
  segmentBytes: 16 * 1024 * 1024,
  fsyncIntervalMs: 20,
  durability: "write" as const,
  batchSize: 5000,
  shipIntervalMs: 1000,
  shipMinIntervalMs: 250,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  alarmAfterSeconds: 60,
  alarmDepthFraction: 0.5,
};

/** The usage spool (local, durable) and its shipper to the store. */
const meteringSchema = z
  .object({
    /** Directory of the spool's segments and cursor; defaults to <dataDir>/spool. */
    spoolDir: z.string().min(1).optional(),
    /** Unshipped bytes beyond which new requests get 503 spool_full. */
    maxBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(METERING_DEFAULTS.maxBytes),
    /** Size at which a segment is sealed and a new one begun. */
    segmentBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(METERING_DEFAULTS.segmentBytes),
    /** Group commit window: events written within it share one fsync. */
    fsyncIntervalMs: z.number().int().min(1).max(1000).default(METERING_DEFAULTS.fsyncIntervalMs),
    /**
     * What a response's last byte waits for: "write" (its event is in the OS: survives the agent being
     * killed) or "fsync" (on disk: survives power loss too, costs up to one fsync interval per response).
     */
    durability: z.enum(["write", "fsync"]).default(METERING_DEFAULTS.durability),
    /** Events per INSERT. */
    batchSize: z.number().int().min(1).max(50_000).default(METERING_DEFAULTS.batchSize),
    /** How often an idle shipper looks for new events (it also wakes after each fsync). */
    shipIntervalMs: z.number().int().min(10).max(60_000).default(METERING_DEFAULTS.shipIntervalMs),
    /**
     * The shortest time between two shipments: events made durable sooner go in the next, larger
     * batch (fewer INSERTs and cursor commits; the store sees usage up to this much later).
     */
    shipMinIntervalMs: z.number().int().min(0).max(60_000).default(METERING_DEFAULTS.shipMinIntervalMs),
    backoffInitialMs: z.number().int().min(10).max(60_000).default(METERING_DEFAULTS.backoffInitialMs),
    backoffMaxMs: z.number().int().min(10).max(600_000).default(METERING_DEFAULTS.backoffMaxMs),
    /** The alarm is raised when the store has been unreachable this long... */
    alarmAfterSeconds: z.number().int().min(1).default(METERING_DEFAULTS.alarmAfterSeconds),
    /** ...or the spool holds more than this fraction of maxBytes. */
    alarmDepthFraction: z.number().gt(0).max(1).default(METERING_DEFAULTS.alarmDepthFraction),
  })
  .strict()
  .default(METERING_DEFAULTS);

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");

/** How this node starts engines (external models with a command, external catalogue versions). */
const enginesSchema = z
  .object({
    /**
     * Executables (absolute paths) or directories engines may be started from; compared after links
     * are resolved. Catalogue versions naming anything else fail their load step. A model's own
     * `command` in this file is allowed as written.
     */
    allowedExecutables: z.array(z.string().regex(/^\//, "an absolute path")).default([]),
    /** PATH engines get and commands are looked up on; defaults to the agent's PATH. */
    path: z.string().min(1).optional(),
    /** More of the agent's environment variables engines get, besides the fixed allowlist. */
    passEnv: z.array(envName).default([]),
    /** Variables every engine gets (`{apiKey}` in a value becomes the engine's key); trusted, never filtered. */
    env: z.record(envName, z.string()).default({}),
    /** Runs engines as this user (and group, else the user's own); the agent must run as root. */
    user: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    /** Upstreams beyond loopback and private networks that may receive prompts: host, host:port or CIDR. */
    allowedUpstreams: z
      .array(z.string().refine((v) => upstreamEntryError(v) === undefined, "a host, host:port or network"))
      .default([]),
  })
  .strict()
  .refine((e) => e.group === undefined || e.user !== undefined, {
    message: "engines.group needs engines.user",
    path: ["group"],
  })
  .prefault({});

export const modelConfigSchema = z.discriminatedUnion("runtime", [embeddedModel, externalModel]);

export const configSchema = z
  .object({
    node: z
      .object({
        name: z
          .string()
          .min(1)
          .max(63)
          .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, "letters, digits, . and - only"),
        region: z.string().min(1).max(32),
        /**
         * Regions this node may serve public traffic in ("*" at the end matches any suffix). A node
         * configured outside them refuses public requests and says why: inference stays in the EU.
         */
        allowedRegions: z.array(z.string().min(1).max(33)).min(1).default(["eu-*"]),
        /** Seconds between registry heartbeats; a node silent for three is shown as down. */
        heartbeatSeconds: z.number().int().min(1).max(300).default(10),
      })
      .strict(),
    control: z
      .object({
        /** gRPC control listener (mTLS only); "" turns it off. */
        listen: listenAddress.or(z.literal("")).default("127.0.0.1:9443"),
        /** Address peers and consoles dial, when it differs from listen (e.g. "10.0.0.5:9443"). */
        advertise: listenAddress.optional(),
        /** PEM files; default <dataDir>/tls/ca.pem, node.pem and node-key.pem (`certs issue-node`). */
        caFile: z.string().min(1).optional(),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      .strict()
      .default({ listen: "127.0.0.1:9443" }),
    metrics: z
      .object({
        /** Prometheus /metrics listener (plain HTTP, keep it on a private interface); "" turns it off. */
        listen: listenAddress.or(z.literal("")).default("127.0.0.1:9464"),
      })
      .strict()
      .default({ listen: "127.0.0.1:9464" }),
    telemetry: z
      .object({
        /** How often GPUs are sampled and traffic numbers refreshed. */
        sampleIntervalMs: z.number().int().min(100).max(60_000).default(1000),
        /** The nvidia-smi executable (looked up on PATH); a node without it reports no GPUs. */
        nvidiaSmi: z.string().min(1).default("nvidia-smi"),
        /**
         * The kernel log followed for GPU Xid errors ("NVRM: Xid" lines): /dev/kmsg, or a file a log
         * daemon appends to (kern.log); "" turns it off. Unreadable: logged once, Xids stay unknown.
         */
        kernelLog: z.string().default("/dev/kmsg"),
      })
      .strict()
      .default({ sampleIntervalMs: 1000, nvidiaSmi: "nvidia-smi", kernelLog: "/dev/kmsg" }),
    drain: z
      .object({
        /** Seconds requests in flight may take to finish once a drain starts, unless the call says otherwise. */
        deadlineSeconds: z.number().int().min(1).max(86_400).default(300),
        /** Retry-After sent with the 503s of a draining node. */
        retryAfterSeconds: z.number().int().min(1).max(3600).default(30),
      })
      .strict()
      .default({ deadlineSeconds: 300, retryAfterSeconds: 30 }),
    audit: z
      .object({
        /** Days audit entries are kept; older ones are pruned by the leader behind a signed checkpoint. */
        retentionDays: z.number().int().min(1).max(3650).default(90),
      })
      .strict()
      .default({ retentionDays: 90 }),
    dataDir: z.string().min(1),
    databaseUrl: z.string().min(1).optional(),
    api: z
      .object({
        listen: listenAddress.default("127.0.0.1:8080"),
        /** Largest request body accepted; larger answers 413. */
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(4 * 1024 * 1024),
        /** Time allowed to receive a whole request (headers and body); slow senders are cut off. */
        requestTimeoutMs: z.number().int().min(1000).default(30_000),
        /**
         * A streaming client that reads nothing for this long while output waits for it is cut off: its
         * generation ends (billed for the tokens generated) and its slot is freed.
         */
        writeTimeoutMs: z.number().int().min(1000).default(30_000),
        /**
         * Balancers (CIDRs or addresses) whose word on the client's address is believed: their
         * forwarded header and PROXY protocol header. Empty: the socket's peer is the client.
         */
        trustedProxies: z.array(cidrText).default([]),
        /** The header the trusted balancers write (HAProxy `option forwardfor`: x-forwarded-for). */
        forwardedHeader: z.enum(["x-forwarded-for", "forwarded"]).default("x-forwarded-for"),
        /** Expect a PROXY protocol v2 header (HAProxy `send-proxy-v2`) on every API connection. */
        proxyProtocol: z.boolean().default(false),
        /**
         * Load shedding while the agent's own event loop is saturated (api/overload.ts): new requests
         * get 503 server_overloaded with Retry-After at once instead of queueing into client timeouts.
         */
        overload: z
          .object({
            enabled: z.boolean().default(true),
            /** Mean event-loop delay over a sample, ms, past which the loop is late; 0: not checked. */
            maxEventLoopDelayMs: z
              .number()
              .int()
              .min(0)
              .max(60_000)
              .default(OVERLOAD_DEFAULTS.maxEventLoopDelayMs),
            /** Event-loop utilisation over a sample, 0..1, past which it is busy; 0: not checked. Shed: late and busy. */
            maxEventLoopUtilization: z
              .number()
              .min(0)
              .max(1)
              .default(OVERLOAD_DEFAULTS.maxEventLoopUtilization),
            sampleIntervalMs: z
              .number()
              .int()
              .min(10)
              .max(10_000)
              .default(OVERLOAD_DEFAULTS.sampleIntervalMs),
            retryAfterSeconds: z.number().int().min(1).max(3600).default(OVERLOAD_DEFAULTS.retryAfterSeconds),
            /** The adaptive in-flight limit never goes below this many API requests at once. */
            minInFlight: z.number().int().min(1).max(100_000).default(OVERLOAD_DEFAULTS.minInFlight),
            /** Mean delay, ms, past which a busy sample cuts the in-flight limit above limitAboveInFlight; 0: off. */
            limitEventLoopDelayMs: z
              .number()
              .int()
              .min(0)
              .max(60_000)
              .default(OVERLOAD_DEFAULTS.limitEventLoopDelayMs),
            limitAboveInFlight: z
              .number()
              .int()
              .min(1)
              .max(100_000)
              .default(OVERLOAD_DEFAULTS.limitAboveInFlight),
          })
          .strict()
          .default(OVERLOAD_DEFAULTS),
        /** Serve HTTPS with these PEM files (reloaded on SIGHUP); without it the API is plain HTTP. */
        tls: z
          .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .refine((api) => !api.proxyProtocol || api.trustedProxies.length > 0, {
        path: ["proxyProtocol"],
        message:
          "needs api.trustedProxies: PROXY headers are accepted from the balancers listed there only, and every other connection is closed",
      })
      .default({
        listen: "127.0.0.1:8080",
        bodyLimitBytes: 4 * 1024 * 1024,
        requestTimeoutMs: 30_000,
        writeTimeoutMs: 30_000,
        trustedProxies: [],
        forwardedHeader: "x-forwarded-for",
        proxyProtocol: false,
        overload: OVERLOAD_DEFAULTS,
      }),
    scheduler: z
      .object({
        /** Requests waiting for a slot, per model, before new ones get 503. */
        queueLimit: z.number().int().min(0).max(100_000).default(256),
        /** A request waiting longer than this for a slot gets 503. */
        queueTimeoutMs: z.number().int().min(100).default(30_000),
        /**
         * The fraction of queueLimit one account may fill (at least one place); past it that account
         * gets 429 queue_share_exceeded while others still queue. 1 turns the share off.
         */
        accountQueueShare: z.number().gt(0).max(1).default(0.5),
      })
      .strict()
      .default({ queueLimit: 256, queueTimeoutMs: 30_000, accountQueueShare: 0.5 }),
    cache: z
      .object({
        /** Idle time after which an account's cached prompt prefix (KV state, RAM only) is cleared; 0: no caching. */
        promptTtlSeconds: z.number().int().min(0).max(86_400).default(300),
      })
      .strict()
      .default({ promptTtlSeconds: 300 }),
    keys: z
      .object({
        /** Full reload of keys from the store, besides LISTEN/NOTIFY. */
        resyncSeconds: z.number().int().min(1).default(60),
      })
      .strict()
      .default({ resyncSeconds: 60 }),
    security: securitySchema,
    retention: z
      .object({
        /** Days usage events (the per-request billing records) are kept. */
        usageDays: z.number().int().min(1).max(3650).default(90),
        /** Years invoices are kept after the end of the year they were issued in (tax law). */
        taxYears: z.number().int().min(1).max(30).default(10),
        /** How often the leader creates usage partitions ahead and applies retention. */
        maintenanceIntervalMinutes: z.number().int().min(1).max(1440).default(60),
      })
      .strict()
      .default({ usageDays: 90, taxYears: 10, maintenanceIntervalMinutes: 60 }),
    /** Dunning for issued, unpaid invoices (the leader runs it; see docs/billing.md "Dunning timeline"). */
    dunning: z
      .object({
        /** Days before the due date the reminder goes out. */
        reminderDaysBefore: z.number().int().min(0).max(60).default(3),
        /** Days after the due date the overdue warning goes out. */
        warningDaysAfter: z.number().int().min(0).max(60).default(1),
        /** Days after the recorded warning before API access is suspended for non-payment. */
        suspendDaysAfterWarning: z.number().int().min(1).max(365).default(14),
        /** How often the leader runs a pass (payments are also picked up on each pass). */
        intervalMinutes: z.number().int().min(1).max(1440).default(15),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        /** Full reload of rate limits from the store, besides LISTEN/NOTIFY. */
        resyncSeconds: z.number().int().min(1).default(60),
        /** How often the node registry is re-read for each node's share of a limit. */
        membershipSeconds: z.number().int().min(1).default(5),
        /** A node silent for longer is no longer counted as serving (agents beat every 10 s). */
        liveSeconds: z.number().int().min(11).default(30),
        /** How often month-to-date spend is re-read for spend caps. */
        spendRefreshSeconds: z.number().int().min(1).default(30),
      })
      .strict()
      .default({ resyncSeconds: 60, membershipSeconds: 5, liveSeconds: 30, spendRefreshSeconds: 30 }),
    suspensions: z
      .object({
        /** Full reload of suspensions from the store, besides LISTEN/NOTIFY. */
        resyncSeconds: z.number().int().min(1).default(30),
      })
      .strict()
      .default({ resyncSeconds: 30 }),
    abuse: z
      .object({
        ipBlock: ipBlock.default(IP_BLOCK_DEFAULTS),
      })
      .strict()
      .default({ ipBlock: IP_BLOCK_DEFAULTS }),
    metering: meteringSchema,
    artifacts: z
      .object({
        /** The model artifact cache (files by sha256 plus a small index); defaults to <dataDir>/artifacts. */
        dir: z.string().min(1).optional(),
        /**
         * Where this node shares its verified artifacts with peers (HTTPS, mutual TLS with the node
         * certificate), so the cluster downloads a model once; "" turns sharing off. Needs the control
         * plane's certificates; without them the node neither shares nor fetches from peers.
         */
        listen: listenAddress.or(z.literal("")).default("127.0.0.1:9444"),
        /** Address peers dial, when it differs from listen (e.g. "10.0.0.5:9444"). */
        advertise: listenAddress.optional(),
        /** Bytes the cache may hold; beyond it the least recently used unpinned artifacts are evicted. */
        maxBytes: z
          .number()
          .int()
          .min(1024 * 1024)
          .default(200 * 1024 ** 3),
      })
      .strict()
      .default({ maxBytes: 200 * 1024 ** 3, listen: "127.0.0.1:9444" }),
    models: z.array(modelConfigSchema).default([]),
    engines: enginesSchema,
    mail: mailSchema,
    /** On-call alerting: rules, webhooks, email, repeat (docs/alerting.md). */
    alerting: alertingSchema,
    portal: portalSchema,
    billing: billingSchema,
    stripe: stripeSchema,
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.models.forEach((model, index) => {
      if (seen.has(model.id))
        ctx.addIssue({
          code: "custom",
          path: ["models", index, "id"],
          message: `duplicate model id "${model.id}"`,
        });
      seen.add(model.id);
      if (model.runtime !== "external") return;
      for (const key of ["url", "healthUrl"] as const) {
        const url = model[key];
        const refusal =
          url === undefined ? undefined : upstreamUrlRefusal(url, config.engines.allowedUpstreams);
        if (refusal !== undefined)
          ctx.addIssue({ code: "custom", path: ["models", index, key], message: refusal });
      }
      if (model.command !== undefined && model.apiKeyEnv !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["models", index, "apiKeyEnv"],
          message:
            "apiKeyEnv is for an engine the agent does not start; an engine started from `command` gets a " +
            "fresh key at each start ({apiKey} in its command or engines.env, or ENTRIM_ENGINE_API_KEY)",
        });
    });
  });

export type AgentConfig = z.infer<typeof configSchema>;
export type MeteringConfig = z.infer<typeof meteringSchema>;
export type SecurityConfig = z.infer<typeof securitySchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type EmbeddedModelConfig = z.infer<typeof embeddedModel>;
export type ExternalModelConfig = z.infer<typeof externalModel>;
export type EnginesConfig = z.infer<typeof enginesSchema>;
