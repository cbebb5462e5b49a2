// Part of `npm start`: a local SMTP server that receives what the agent sends (sign-up verification,
// password reset, invitations) and prints each message's recipient, subject and links in the terminal,
// so the portal can be tried end to end on one machine without a mail relay. Development only: the
// agent itself sends through whatever relay `mail.smtp` names.
import { SMTPServer } from "smtp-server";

/** Quoted-printable soft breaks and escapes undone, which is how a long link arrives. */
function decode(text) {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export async function startMailCatcher(onMail) {
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (chunk) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const split = raw.search(/\r?\n\r?\n/);
        const head = raw.slice(0, split);
        const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? "(no subject)";
        const links = [...new Set(decode(raw.slice(split)).match(/https?:\/\/[^\s"<>]+/g) ?? [])];
        onMail({ to: session.envelope.rcptTo.map((r) => r.address), subject, links });
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { port: server.server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}
