import type { AdmissionGate } from "../admission/gate.js";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";

/**
 * True when `region` matches one of the patterns: an exact name, or a prefix followed by "*"
 * ("eu-*" matches "eu-central-1"). Only a trailing "*" is special, so a pattern can never widen to
 * something its author did not write; "*" alone matches everything, on purpose and visibly.
 * Comparison ignores case: providers spell regions "eu-central-1" and "EU-Central-1" alike.
 */
export function regionAllowed(region: string, allowedRegions: readonly string[]): boolean {
  const name = region.toLowerCase();
  return allowedRegions.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p;
  });
}

/** Why a node in `region` refuses public traffic, or undefined when the region is allowed. */
export function regionRefusalReason(region: string, allowedRegions: readonly string[]): string | undefined {
  if (regionAllowed(region, allowedRegions)) return undefined;
  return (
    `region ${region} is not in node.allowedRegions [${allowedRegions.join(", ")}]; ` +
    "this node refuses public traffic so inference stays in the EU"
  );
}

/**
 * The EU region gate. A node configured outside node.allowedRegions still starts, registers (state
 * "refusing", with the reason) and answers its control plane, so an operator can see and fix it; it
 * only refuses public traffic. That beats refusing to start: a crash-looping node explains nothing to
 * the console, and a misconfigured region must never quietly serve customers outside the EU.
 */
export class RegionGate implements AdmissionGate {
  /** Undefined when the region is allowed. */
  readonly reason: string | undefined;
  private readonly refusal: ApiError | undefined;

  /** With a logger, a refusing node says why at start (an error: it is a configuration mistake). */
  constructor(options: { region: string; allowedRegions: readonly string[]; logger?: Logger | undefined }) {
    this.reason = regionRefusalReason(options.region, options.allowedRegions);
    if (this.reason) {
      options.logger?.error(
        { region: options.region, allowedRegions: options.allowedRegions },
        `${this.reason}; the control plane stays reachable`,
      );
    }
    this.refusal = this.reason
      ? new ApiError(
          503,
          "server_error",
          // No Retry-After: retrying this node cannot help; another node (in the EU) will serve it.
          `This node does not serve public traffic: ${this.reason}. Send the request to another node.`,
          null,
          "region_not_allowed",
        )
      : undefined;
  }

  get allowed(): boolean {
    return this.reason === undefined;
  }

  /** For createApiServer's isAcceptingTraffic: false makes /readyz answer 503. */
  isAccepting = (): boolean => this.allowed;

  /**
   * Refuses at the first stage, before authentication: no key is checked (and no HMAC spent) on a
   * node that will not serve anyway, and every /v1 request, models list included, gets the reason.
   */
  checkIp(_ip: string): void {
    if (this.refusal) throw this.refusal;
  }
}
