-- Custom migration: audit_logs (spec 06 §3.6, 08 §4.5), partitioned by month on created_at, which
-- drizzle-kit cannot declare. Partitions audit_logs_YYYY_MM are created ahead by every node at start
-- and by the partition manager (src/infra/db/audit/audit-partitions.ts). No DEFAULT partition: a
-- missing month fails loudly. No read API: operators query it with SQL.
-- Partitioned tables take ids from an explicit sequence: identity columns on partitioned tables
-- need PostgreSQL 17, and production runs 15 (06 §1).
CREATE SEQUENCE audit_logs_id_seq AS bigint;
--> statement-breakpoint
CREATE TABLE audit_logs (
  id bigint NOT NULL DEFAULT nextval('audit_logs_id_seq'),
  -- No FK: when a user is purged the rows stay, with actor_id set to NULL.
  actor_id bigint,
  -- 'local-management' for the CLI, else the acting user's name at the time.
  actor_name varchar(100) NOT NULL,
  source varchar(16) NOT NULL,
  -- Append-only code list (src/core/audit/audit-actions.ts), e.g. 'user.ban'.
  action varchar(64) NOT NULL,
  target_type varchar(32) NOT NULL DEFAULT '',
  target_id varchar(100) NOT NULL DEFAULT '',
  -- Never secrets, tokens, passwords or provider credentials.
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  user_agent text,
  request_id varchar(64) NOT NULL DEFAULT '',
  -- 'OK', or the error kind of a rejected call (its app code is in details.error_code).
  result varchar(32) NOT NULL,
  created_at timestamp (3) with time zone NOT NULL DEFAULT now(),
  CONSTRAINT audit_logs_pkey PRIMARY KEY (id, created_at),
  CONSTRAINT audit_logs_source_known CHECK (source IN ('api', 'management', 'system')),
  CONSTRAINT audit_logs_action_shape CHECK (action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$'),
  CONSTRAINT audit_logs_result_shape CHECK (result ~ '^[A-Z][A-Z_]*$'),
  CONSTRAINT audit_logs_details_object CHECK (jsonb_typeof(details) = 'object')
) PARTITION BY RANGE (created_at);
--> statement-breakpoint
ALTER SEQUENCE audit_logs_id_seq OWNED BY audit_logs.id;
--> statement-breakpoint
CREATE INDEX audit_logs_actor_idx ON audit_logs (actor_id, created_at DESC) WHERE actor_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX audit_logs_action_idx ON audit_logs (action, created_at DESC);
--> statement-breakpoint
CREATE INDEX audit_logs_target_idx ON audit_logs (target_type, target_id, created_at DESC);
--> statement-breakpoint
CREATE INDEX audit_logs_ip_idx ON audit_logs (ip) WHERE ip IS NOT NULL;
