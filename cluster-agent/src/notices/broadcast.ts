// A notice to every open account (maintenance, terms changes): one portal row and the emails per
// account, so each account's delivery state and opt-out are its own. Given a client inside an open
// transaction it joins it (a terms version and its notices commit together).
import { type Db, randomId, transaction } from "../store/db.js";
import { type AccountNotice, notifyAccount } from "./notify.js";

export interface BroadcastReport {
  /** Shared by the per-account rows: the console shows the broadcast as one message. */
  broadcastId: string;
  accounts: number;
  mails: number;
  optedOut: number;
}

export async function notifyEveryAccount(
  db: Db,
  notice: Omit<AccountNotice, "accountId">,
  now = new Date(),
): Promise<BroadcastReport> {
  return transaction(db, async (client) => {
    const accounts = await client.query<{ id: string }>(
      "SELECT id FROM accounts WHERE status <> 'closed' ORDER BY id",
    );
    const report: BroadcastReport = { broadcastId: randomId("ntb"), accounts: 0, mails: 0, optedOut: 0 };
    for (const { id } of accounts.rows) {
      const result = await notifyAccount(
        client,
        { ...notice, accountId: id, broadcastId: report.broadcastId },
        now,
      );
      report.accounts += 1;
      report.mails += result.mailIds.length;
      if (result.optedOut) report.optedOut += 1;
    }
    return report;
  });
}
