-- Custom migration: chat_messages (spec 06 §3.4), partitioned by day on created_at, which drizzle-kit
-- cannot declare; typed in src/infra/db/partitions/chat-messages-table.ts. Partitions
-- chat_messages_YYYY_MM_DD are created ahead by every node at start and by the chat partition gate
-- before writes (src/infra/db/partitions/chat-message-partitions.ts). No DEFAULT partition.
-- Partitioned tables take ids from an explicit sequence: identity columns on partitioned tables
-- need PostgreSQL 17, and production runs 15 (06 §1).
CREATE SEQUENCE chat_messages_id_seq AS bigint;
--> statement-breakpoint
CREATE TABLE chat_messages (
  id bigint NOT NULL DEFAULT nextval('chat_messages_id_seq'),
  room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE RESTRICT,
  -- NULL for system messages (and for user messages whose author was purged).
  user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  client_message_id text,
  -- 1–500 characters after trimming for user messages (checked in core); '' once deleted.
  content text NOT NULL DEFAULT '',
  message_type smallint NOT NULL,
  status smallint NOT NULL DEFAULT 1,
  version bigint NOT NULL DEFAULT 1,
  reply_to_message_id bigint,
  reply_to_message_created_at timestamp (3) with time zone,
  -- playback{mediaId, playlistId, targetHash, positionSeconds}, display{position, color}, and the
  -- typed extras of system messages (memberJoined, playbackChanged).
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  edited_at timestamp (3) with time zone,
  deleted_at timestamp (3) with time zone,
  deleted_by bigint REFERENCES users (id) ON DELETE SET NULL,
  delete_reason varchar(500) NOT NULL DEFAULT '',
  deletion_source smallint,
  deleted_owner_id bigint REFERENCES users (id) ON DELETE CASCADE,
  -- Full-text search (P2 RPC): 'simple' needs no language dictionary and is immutable, so the
  -- generated column behaves the same on PGlite and PostgreSQL.
  content_search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, content)) STORED,
  created_at timestamp (3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp (3) with time zone NOT NULL DEFAULT now(),
  CONSTRAINT chat_messages_pkey PRIMARY KEY (id, created_at),
  CONSTRAINT chat_messages_room_id_created_key UNIQUE (room_id, id, created_at),
  -- A reply names a message of the same room; when retention removes it only the pair is cleared.
  CONSTRAINT chat_messages_reply_same_room_fk FOREIGN KEY (room_id, reply_to_message_id, reply_to_message_created_at)
    REFERENCES chat_messages (room_id, id, created_at)
    ON DELETE SET NULL (reply_to_message_id, reply_to_message_created_at),
  CONSTRAINT chat_messages_reply_pair CHECK ((reply_to_message_id IS NULL) = (reply_to_message_created_at IS NULL)),
  CONSTRAINT chat_messages_message_type_known CHECK (message_type IN (1, 1001, 1002)),
  CONSTRAINT chat_messages_system_has_no_author CHECK (message_type = 1 OR user_id IS NULL),
  CONSTRAINT chat_messages_user_has_client_id CHECK ((message_type = 1) = (client_message_id IS NOT NULL)),
  CONSTRAINT chat_messages_client_id_format CHECK (client_message_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  CONSTRAINT chat_messages_status_range CHECK (status BETWEEN 1 AND 3),
  CONSTRAINT chat_messages_deleted_has_time CHECK (status <> 3 OR deleted_at IS NOT NULL),
  CONSTRAINT chat_messages_deletion_source_range CHECK (deletion_source BETWEEN 1 AND 5),
  CONSTRAINT chat_messages_content_length CHECK (char_length(content) <= 500),
  CONSTRAINT chat_messages_version_positive CHECK (version >= 1),
  CONSTRAINT chat_messages_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE (created_at);
--> statement-breakpoint
ALTER SEQUENCE chat_messages_id_seq OWNED BY chat_messages.id;
--> statement-breakpoint
CREATE TRIGGER chat_messages_set_updated_at BEFORE UPDATE ON chat_messages
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
-- History pages (newest first, keyset on created_at, id) and the per-type/status filters.
CREATE INDEX chat_messages_room_created_idx ON chat_messages (room_id, created_at DESC, id DESC);
--> statement-breakpoint
CREATE INDEX chat_messages_room_status_created_idx ON chat_messages (room_id, status, created_at DESC, id DESC);
--> statement-breakpoint
CREATE INDEX chat_messages_content_search_idx ON chat_messages USING gin (content_search);
--> statement-breakpoint
CREATE INDEX chat_messages_content_trgm_idx ON chat_messages USING gin (content gin_trgm_ops);
--> statement-breakpoint
-- Time-synced comments (P2 GetChatPlaybackMessages): messages near a position of one source.
CREATE INDEX chat_messages_playback_media_idx ON chat_messages (
  room_id, ((metadata -> 'playback' ->> 'mediaId')), ((metadata -> 'playback' ->> 'positionSeconds')::double precision)
) WHERE metadata ? 'playback';
--> statement-breakpoint
CREATE INDEX chat_messages_playback_target_idx ON chat_messages (
  room_id,
  ((metadata -> 'playback' ->> 'playlistId')),
  ((metadata -> 'playback' ->> 'targetHash')),
  ((metadata -> 'playback' ->> 'positionSeconds')::double precision)
) WHERE metadata ? 'playback';
--> statement-breakpoint
-- Every chat event names a message of its room; events go with their message.
ALTER TABLE chat_message_events
  ADD CONSTRAINT chat_message_events_message_fk
  FOREIGN KEY (room_id, message_id, message_created_at)
  REFERENCES chat_messages (room_id, id, created_at)
  ON DELETE CASCADE;
