#!/usr/bin/env node
// `entrim-console web [--profiles FILE] [--port N] [--profile NAME]`: the console in a browser.
// The desktop app is started with Electron itself: `electron electron/dist/electron-main/main.js`.
const [command, ...rest] = process.argv.slice(2);
if (command !== "web") {
  process.stderr.write("usage: entrim-console web [--profiles FILE] [--port N] [--profile NAME]\n");
  process.exit(2);
}
const { main } = await import("../dist/web/main.js");
await main(rest);
