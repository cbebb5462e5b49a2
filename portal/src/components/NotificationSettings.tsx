// The account's notification settings (Account page): owners turn non-essential mail on or off; the
// other roles see the setting. The footer of every non-essential email points here.
import { useState } from "react";
import type { NotificationSettings as Settings } from "../types.js";
import { useSignedIn } from "./context.js";
import { Checkbox, ErrorText, Loading, Notice, useLoad, useSubmit } from "./ui.js";

export function NotificationSettings() {
  const { api, user } = useSignedIn();
  const settings = useLoad(() => api.get<Settings>("/api/notifications"), [api]);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async (nonEssential: boolean) => {
    setSaved(false);
    // The box shows the choice at once; a refusal puts back what the server holds.
    const before = settings.data;
    if (before) settings.setData({ ...before, nonEssential });
    try {
      settings.setData(await api.put<Settings>("/api/notifications", { nonEssential }));
    } catch (error) {
      settings.reload();
      throw error;
    }
    setSaved(true);
  });
  if (!settings.data) return <Loading error={settings.error} what="the notification settings" />;
  const owner = user.role === "owner";
  return (
    <section className="panel" aria-labelledby="notification-settings">
      <h2 id="notification-settings">Notification settings</h2>
      <Checkbox
        checked={settings.data.nonEssential}
        disabled={!owner || save.busy}
        onChange={(e) => void save.run(e.target.checked)}
      >
        Email me service notices such as maintenance and model retirements
      </Checkbox>
      {owner ? null : <p className="muted">Only an account owner can change this setting.</p>}
      <p className="muted">
        Messages about invoices, payments, security and the contract (such as a change to the terms) are
        always sent: they concern your access and your obligations, so you need them whatever this setting.
        Every notice also stays on the Notices page.
      </p>
      <ErrorText error={save.error} />
      {saved ? <Notice>Your notification settings are saved.</Notice> : null}
    </section>
  );
}
