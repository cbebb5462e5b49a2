export { startWebConsole, type WebConsole } from "./server.js";
