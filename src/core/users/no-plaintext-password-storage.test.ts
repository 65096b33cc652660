import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

type ColumnRow = { table_name: string; column_name: string };

async function userAndAuthColumns(): Promise<ColumnRow[]> {
  const result = await t.database.db.execute<ColumnRow>(
    sql`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public'
          AND (table_name = 'users' OR table_name LIKE 'user\\_%' OR table_name LIKE 'auth\\_%')
        ORDER BY table_name, ordinal_position`,
  );
  // postgres.js returns the rows as an array, PGlite as { rows }.
  return Array.isArray(result) ? result : (result as unknown as { rows: ColumnRow[] }).rows;
}

// Spec 05: passwords are never stored, not even hashed; only OPAQUE registration records.
describe("account storage schema", () => {
  it("has no column that could hold a password, a password hash or a secret", async () => {
    const columns = await userAndAuthColumns();
    expect(columns.length).toBeGreaterThan(30);
    const suspicious = columns
      .filter((c) => /pass|pwd|secret|hash|plain|salt/i.test(c.column_name))
      .map((c) => `${c.table_name}.${c.column_name}`);
    expect(suspicious).toEqual([]);
  });

  it("keeps the password credential as the OPAQUE group plus bookkeeping only", async () => {
    const columns = (await userAndAuthColumns())
      .filter((c) => c.table_name === "auth_password_credentials")
      .map((c) => c.column_name);
    expect(columns.sort()).toEqual(
      [
        "changed_at",
        "opaque_ciphersuite",
        "opaque_credential_identifier",
        "opaque_record",
        "opaque_server_setup_version",
        "user_id",
        "version",
      ].sort(),
    );
  });
});
