// A notice to every open account (maintenance, terms changes): one portal row and the emails per
// account, so each account's delivery state and opt-out are its own.
import { type Db, transaction } from "../store/db.js";
import { type AccountNotice, notifyAccount } from "./notify.js";

export interface BroadcastReport {
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
    const report: BroadcastReport = { accounts: 0, mails: 0, optedOut: 0 };
    for (const { id } of accounts.rows) {
      const result = await notifyAccount(client, { ...notice, accountId: id }, now);
      report.accounts += 1;
      report.mails += result.mailIds.length;
      if (result.optedOut) report.optedOut += 1;
    }
    return report;
  });
}
