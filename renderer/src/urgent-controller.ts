// The urgent actions' side effects: an open account's keys and limits, the certificate deny list, and
// the calls that change things. Each act resolves with the agent's refusal as text (for the dialog to
// show) or undefined once done, then re-reads what it changed so every panel shows the new state.
import {
  type ConsoleApi,
  channels,
  type RotationProgress,
  type setLimitsRequest,
} from "@entrim/electron/common";
import type { z } from "zod";
import type { AppStore } from "./state/store.js";
import type { AccountVerb } from "./state/urgentSlice.js";

const DONE: Record<AccountVerb, string> = {
  restrict: "is restricted: its API requests are refused",
  unrestrict: "is active again",
  erase: "is erased and closed; its API keys are revoked",
};

export class UrgentController {
  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AppStore,
    /** Re-reads the account detail (status, active keys) after an account changed. */
    private readonly reopenAccount: (id: string) => Promise<void>,
  ) {}

  /** Keys and limits of the account the accounts view opened. */
  async loadAccount(accountId: string): Promise<void> {
    try {
      const [keys, limits] = await Promise.all([
        this.api.call(channels.listApiKeys, { accountId }),
        this.api.call(channels.getLimits, { accountId }),
      ]);
      this.store.getState().accountKeysLoaded(accountId, keys, limits);
    } catch (error) {
      this.store.getState().notify("error", `Keys of ${accountId}: ${message(error)}`);
    }
  }

  async loadRevocations(): Promise<void> {
    try {
      this.store.getState().revocationsLoaded(await this.api.call(channels.listRevocations, {}));
    } catch (error) {
      this.store.getState().notify("error", `Certificate revocations: ${message(error)}`);
    }
  }

  revokeKey(accountId: string, keyId: string, reason: string): Promise<string | undefined> {
    return this.act(async () => {
      await this.api.call(channels.revokeApiKey, { keyId, reason });
      await this.reopen(accountId);
      return `API key ${keyId} is revoked; every agent refuses it within a second.`;
    });
  }

  setLimits(request: z.input<typeof setLimitsRequest>): Promise<string | undefined> {
    return this.act(async () => {
      await this.api.call(channels.setLimits, request);
      await this.reopen(request.accountId);
      return `Limits of ${request.accountId} saved; every agent applies them within a second.`;
    });
  }

  accountAction(
    verb: AccountVerb,
    accountId: string,
    reason: string,
    confirmAccountId = "",
  ): Promise<string | undefined> {
    return this.act(async () => {
      await this.api.call(channels.accountAction, { verb, accountId, reason, confirmAccountId });
      await this.reopen(accountId);
      return `Account ${accountId} ${DONE[verb]}.`;
    });
  }

  resolveFlag(id: string, note: string): Promise<string | undefined> {
    return this.act(async () => {
      const flag = await this.api.call(channels.resolveAbuseFlag, { id, note });
      this.store.getState().abuseChanged();
      return `Flag ${flag.subjectType}:${flag.subject} (${flag.rule}) is resolved.`;
    });
  }

  revokeCertificate(request: { serialNumber: string; fingerprint: string; reason: string }) {
    return this.act(async () => {
      const answer = await this.api.call(channels.revokeCertificate, request);
      await this.loadRevocations();
      const name =
        answer.revocation?.subject || answer.revocation?.serialNumber || answer.revocation?.fingerprint;
      return answer.created
        ? `Certificate ${name} is revoked; every agent refuses it within seconds.`
        : `Certificate ${name} was already revoked; the first revocation stands.`;
    });
  }

  /** Starts the rotation; resolves when the agent accepted it (its first message) or refused it. */
  rotateModel(request: { node: string; model: string; version: string; reason: string }) {
    return new Promise<string | undefined>((resolve) => {
      let accepted = false;
      const notify = this.store.getState().notify;
      this.api.stream(channels.rotateModel, request, {
        message: (p: RotationProgress) => {
          if (!accepted) {
            accepted = true;
            resolve(undefined);
            notify("info", `Rotating ${p.model} on ${p.node} to ${p.version}…`);
          }
          if (p.done)
            notify(
              p.ok ? "info" : "error",
              p.ok
                ? `${p.node} now serves ${p.model}@${p.version}.`
                : `Rotation of ${p.model} on ${p.node} failed: ${p.message}`,
            );
        },
        end: (error) => {
          if (!accepted) resolve(error ?? "The agent ended the rotation without a word.");
          else if (error) notify("error", `Rotation of ${request.model} on ${request.node}: ${error}`);
        },
      });
    });
  }

  private async reopen(accountId: string): Promise<void> {
    await Promise.all([this.reopenAccount(accountId), this.loadAccount(accountId)]);
  }

  private async act(call: () => Promise<string>): Promise<string | undefined> {
    try {
      this.store.getState().notify("info", await call());
      return undefined;
    } catch (error) {
      return message(error);
    }
  }
}

const message = (error: unknown) => (error as Error).message ?? String(error);
