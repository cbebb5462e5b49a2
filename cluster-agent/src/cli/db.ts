import type { Command } from "commander";
import { type MigrationFile, migrate, migrationStatus } from "../store/migrate.js";
import { withAuditedStore } from "./audit-trail.js";
import { output, table } from "./context.js";
import { withStore } from "./store-context.js";

export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("Inspect and migrate the cluster store");

  db.command("migrate")
    .description("Apply pending schema migrations")
    .action(async (_options: unknown, command: Command) => {
      const entry = {
        action: "db.migrate",
        target: "store",
        outcomeOnly: true,
        resultTarget: (r: { applied: MigrationFile[]; location: string }) =>
          `store:schema ${r.applied.length === 0 ? "unchanged" : `+${r.applied.map((m) => m.version).join(",")}`}`,
      };
      const { applied, location } = await withAuditedStore(
        command,
        entry,
        async (store) => ({ applied: await migrate(store), location: store.location }),
        { migrate: false },
      );
      const rows = applied.map((m) => ({ version: m.version, name: m.name, file: m.file }));
      output(command, { store: location, applied: rows }, () =>
        rows.length === 0
          ? `The schema at ${location} is up to date.`
          : [`Applied to ${location}:`, ...rows.map((m) => `  ${m.file}`)].join("\n"),
      );
    });

  db.command("status")
    .description("Show which migrations are applied, pending or changed")
    .action(async (_options: unknown, command: Command) => {
      const { status, location } = await withStore(
        command,
        async (store) => ({ status: await migrationStatus(store), location: store.location }),
        { migrate: false },
      );
      output(command, { store: location, migrations: status }, () =>
        [
          `Store: ${location}`,
          table(
            status.map((s) => ({ ...s, applied: s.appliedAt?.toISOString() ?? "" })),
            ["version", "name", "state", "applied"],
          ),
        ].join("\n"),
      );
    });
}
