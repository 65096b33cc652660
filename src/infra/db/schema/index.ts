// The drizzle schema seen by drizzle-kit and by every repository: one module per area (spec 06 §3).
export * from "./chat.js";
export * from "./events.js";
export * from "./playback.js";
export * from "./playlists.js";
export * from "./rooms.js";
export * from "./settings.js";
export * from "./users.js";
