// drizzle-kit configuration: migrations in drizzle/ are generated from the schema modules (spec 06 §1).
// Hand-written SQL (extensions, functions, triggers, seeds) lives in custom migrations in the same folder.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/infra/db/schema/*.ts",
  out: "./drizzle",
  strict: true,
  verbose: true,
});
