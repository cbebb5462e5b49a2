// The fake nvidia-smi program (run through the wrapper fakeNvidiaSmiDir() writes). It answers only
// `--query-gpu=...` and `--query-compute-apps=...` with `--format=csv,noheader,nounits`, in the real
// output format, and refuses anything else the way the real one does, so a caller asking for something
// the parser does not expect fails here instead of on a GPU node.
import { readFileSync } from "node:fs";
import { defaultFakeState, FAKE_STATE_ENV, type FakeGpuState } from "./fake-nvidia-smi.js";

function refuse(message: string, code: number): never {
  process.stdout.write(`${message}\n`);
  process.exit(code);
}

const file = process.env[FAKE_STATE_ENV];
const state: FakeGpuState = file
  ? (JSON.parse(readFileSync(file, "utf8")) as FakeGpuState)
  : defaultFakeState();

const args = process.argv.slice(2);
let query: { kind: "gpus" | "apps"; fields: string[] } | undefined;
let format: string | undefined;
for (const arg of args) {
  const [name, value] = arg.split("=", 2) as [string, string | undefined];
  if (name === "--query-gpu" && value) query = { kind: "gpus", fields: value.split(",") };
  else if (name === "--query-compute-apps" && value) query = { kind: "apps", fields: value.split(",") };
  else if (name === "--format" && value) format = value;
  else refuse("Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.", 2);
}
if (!query || format !== "csv,noheader,nounits") {
  refuse("Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.", 2);
}

if (state.hang) setInterval(() => {}, 60_000);
else {
  if (state.fail) refuse(state.fail, state.exitCode ?? 9);
  const rows = query.kind === "gpus" ? state.gpus : state.apps;
  const known = new Set(
    Object.keys(query.kind === "gpus" ? defaultFakeState().gpus[0]! : defaultFakeState().apps[0]!),
  );
  for (const field of query.fields) {
    if (!known.has(field)) refuse(`Field "${field}" is not a valid field to query.`, 2);
  }
  process.stdout.write(
    rows.map((row) => `${query.fields.map((f) => row[f] ?? "[N/A]").join(", ")}\n`).join(""),
  );
}
