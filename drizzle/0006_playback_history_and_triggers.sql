-- Custom migration: what drizzle-kit cannot express for the playlist and playback tables (spec 06 §1, §3.3, §4.6).
-- updated_at is owned by the database: one trigger per table calls set_updated_at() (migration 0000).
CREATE TRIGGER playlists_set_updated_at BEFORE UPDATE ON playlists
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER media_set_updated_at BEFORE UPDATE ON media
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER room_playback_state_set_updated_at BEFORE UPDATE ON room_playback_state
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER room_playback_progress_set_updated_at BEFORE UPDATE ON room_playback_progress
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER playback_source_metadata_set_updated_at BEFORE UPDATE ON playback_source_metadata
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
-- Partitioned tables take ids from an explicit sequence: identity columns on partitioned tables
-- need PostgreSQL 17, and production runs 15 (06 §1).
CREATE SEQUENCE room_playback_history_id_seq AS bigint;
--> statement-breakpoint
-- Daily partitions on created_at, named room_playback_history_YYYY_MM_DD and created ahead by the
-- partition manager (src/infra/db/partitions). No DEFAULT partition: a missing day fails loudly.
CREATE TABLE room_playback_history (
  id bigint NOT NULL DEFAULT nextval('room_playback_history_id_seq'),
  room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  -- Per-room order: max + 1 under the playback state row lock.
  sequence bigint NOT NULL,
  media_id bigint,
  playlist_id bigint,
  target jsonb,
  target_hash text NOT NULL DEFAULT '',
  -- Snapshots: the entry still reads well after the item is renamed or deleted.
  media_name varchar(500) NOT NULL DEFAULT '',
  playlist_name varchar(255),
  position_seconds double precision NOT NULL DEFAULT 0,
  selected_by_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamp (3) with time zone NOT NULL DEFAULT now(),
  CONSTRAINT room_playback_history_pkey PRIMARY KEY (room_id, id, created_at),
  CONSTRAINT room_playback_history_media_same_room_fk FOREIGN KEY (media_id, room_id)
    REFERENCES media (id, room_id) ON DELETE CASCADE,
  CONSTRAINT room_playback_history_playlist_same_room_fk FOREIGN KEY (playlist_id, room_id)
    REFERENCES playlists (id, room_id) ON DELETE CASCADE,
  CONSTRAINT room_playback_history_source_shape CHECK (
    (media_id IS NOT NULL AND playlist_id IS NULL AND target IS NULL AND target_hash = '')
    OR (media_id IS NULL AND playlist_id IS NOT NULL AND target IS NOT NULL AND target_hash ~ '^[0-9a-f]{64}$')
  ),
  CONSTRAINT room_playback_history_target_object CHECK (jsonb_typeof(target) = 'object'),
  CONSTRAINT room_playback_history_sequence_positive CHECK (sequence >= 1),
  CONSTRAINT room_playback_history_position_range CHECK (
    position_seconds >= 0 AND position_seconds < 'Infinity'::double precision
  )
) PARTITION BY RANGE (created_at);
--> statement-breakpoint
ALTER SEQUENCE room_playback_history_id_seq OWNED BY room_playback_history.id;
--> statement-breakpoint
CREATE INDEX room_playback_history_room_sequence_idx ON room_playback_history (room_id, sequence DESC);
--> statement-breakpoint
-- The cursor names a history entry; when retention removes it only the two cursor columns are
-- cleared (SET NULL (cols) needs PostgreSQL 15), never room_id.
ALTER TABLE room_playback_state
  ADD CONSTRAINT room_playback_state_history_cursor_fk
  FOREIGN KEY (room_id, history_cursor_id, history_cursor_created_at)
  REFERENCES room_playback_history (room_id, id, created_at)
  ON DELETE SET NULL (history_cursor_id, history_cursor_created_at);
