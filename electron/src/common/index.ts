export * from "./channel.js";
export * from "./channels.js";
export * from "./data-requests.js";
export * from "./records.js";
export * from "./roles.js";
export * from "./schemas.js";
export * from "./types.js";
export * from "./wire.js";
