// Keeps the node's RuntimeSettings snapshot fresh: loaded at start, reloaded on the
// `synctv_settings_changed` notification and every 60 s (the table is tiny, and a notification can
// be missed across reconnects). Readers always see one whole immutable snapshot.
import type { Logger } from "pino";
import type { Database } from "../../infra/db/database.js";
import { settings as settingsTable } from "../../infra/db/schema/index.js";
import type { RuntimeSettings, RuntimeSettingsSource } from "./runtime-settings.js";
import { runtimeSettingsFromEntries } from "./settings-entries.js";

const RELOAD_EVERY_MS = 60_000;

export class SettingsSnapshot implements RuntimeSettingsSource {
  #current: RuntimeSettings;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;

  private constructor(
    private readonly database: Database,
    private readonly log: Logger,
    initial: RuntimeSettings,
  ) {
    this.#current = initial;
  }

  static async open(database: Database, log: Logger): Promise<SettingsSnapshot> {
    const snapshot = new SettingsSnapshot(database, log, await readSettings(database, log));
    snapshot.#unlisten = await database.listen("synctv_settings_changed", () => void snapshot.reload());
    snapshot.#timer = setInterval(() => void snapshot.reload(), RELOAD_EVERY_MS);
    snapshot.#timer.unref();
    return snapshot;
  }

  current(): RuntimeSettings {
    return this.#current;
  }

  async reload(): Promise<void> {
    try {
      this.#current = await readSettings(this.database, this.log);
    } catch (err) {
      this.log.warn({ err }, "settings reload failed; keeping the previous snapshot");
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#unlisten?.();
  }
}

async function readSettings(database: Database, log: Logger): Promise<RuntimeSettings> {
  const rows = await database.db.select().from(settingsTable);
  const { settings, ignored } = runtimeSettingsFromEntries(new Map(rows.map((r) => [r.key, r.value.v])));
  if (ignored.length > 0) log.warn({ keys: ignored }, "ignored settings rows with values of the wrong type");
  return settings;
}
