import { z } from "zod";

/**
 * On-call alerting (docs/alerting.md): the leader evaluates the rules every `evaluateSeconds` and sends
 * notifications to the webhooks (Alertmanager's format) and the email addresses. Every agent should
 * carry the same section: whichever one leads uses its own copy.
 */
export const alertingSchema = z
  .object({
    /** How often the leader evaluates the rules and sends what is due. */
    evaluateSeconds: z.number().int().min(1).max(300).default(5),
    /** Alertmanager-compatible receivers (POST JSON, version "4"). */
    webhooks: z
      .array(
        z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            /** The name of an environment variable holding a bearer token: the secret never sits in config. */
            bearerTokenEnv: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
    /** Addresses that get each alert by email through the agent's mailer (needs `mail`). */
    email: z.array(z.email()).default([]),
    /** A firing alert nobody acknowledged or silenced is sent again after this long. */
    repeatMinutes: z.number().int().min(1).max(10_080).default(240),
    /** Days a resolved alert and its timeline are kept. */
    retentionDays: z.number().int().min(1).max(3650).default(90),
    /** The console or dashboard a receiver links to (Alertmanager's externalURL); "" when none. */
    externalUrl: z.string().default(""),
    /** The cluster's name in labels, so one pager can tell clusters apart. */
    cluster: z.string().min(1).max(100).default("entrim"),
    /** An agent that cannot reach the store this long pages the webhooks itself (the store path is down). */
    storeOutageSeconds: z.number().int().min(10).max(3600).default(60),
    /**
     * A node that stopped without an operator's drain and has not come back this long fires node-down
     * (a restart during a deploy takes less); a drained node that stops fires nothing.
     */
    stoppedGraceSeconds: z.number().int().min(1).max(86_400).default(120),
    /**
     * The span of free-space samples (one per heartbeat) the disk's time to full is fitted over, and
     * the least of it needed before any prediction: a few samples after a start say nothing yet.
     */
    diskTrendSeconds: z.number().int().min(2).max(86_400).default(1800),
    thresholds: z
      .object({
        gpuHotC: z.number().min(30).max(130).default(83),
        errorRate: z.number().gt(0).max(1).default(0.05),
        errorRateMinRequests: z.number().int().min(1).default(20),
        latencyP95Ms: z.number().int().min(1).default(30_000),
        diskFullHours: z.number().gt(0).max(720).default(6),
        diskFreeFloor: z.number().min(0).max(1).default(0.05),
        diskPredictFreeBelow: z.number().gt(0).max(1).default(0.5),
        certificateDays: z.number().int().min(1).max(365).default(14),
        gdprDays: z.number().int().min(0).max(30).default(7),
        xidHoldMinutes: z.number().int().min(1).max(1440).default(10),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type AlertingConfig = z.infer<typeof alertingSchema>;
