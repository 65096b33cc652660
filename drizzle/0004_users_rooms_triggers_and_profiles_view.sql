-- Custom migration: what drizzle-kit cannot express for the users and rooms tables (spec 06 §1–3).
-- updated_at is owned by the database: one trigger per table calls set_updated_at() (migration 0000).
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER auth_email_identities_set_updated_at BEFORE UPDATE ON auth_email_identities
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER user_preferences_set_updated_at BEFORE UPDATE ON user_preferences
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER rooms_set_updated_at BEFORE UPDATE ON rooms
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER room_settings_set_updated_at BEFORE UPDATE ON room_settings
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER room_members_set_updated_at BEFORE UPDATE ON room_members
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER room_member_versions_set_updated_at BEFORE UPDATE ON room_member_versions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
-- Every ban check reads this view (06 §3.1): a user with their newest active ban, if any. "Active"
-- means not revoked and inside its window (04 §7.6). Columns are listed, not u.*, so adding a column
-- to users never silently changes the view. status: 1 active, 2 banned (deletion is deleted_at).
CREATE VIEW user_account_profiles AS
SELECT
  u.id,
  u.username,
  u.signup_method,
  u.role,
  u.avatar_file_reference_id,
  u.version,
  u.created_at,
  u.updated_at,
  u.deleted_at,
  u.deletion_source,
  u.deleted_by,
  u.deletion_reason,
  u.restored_at,
  u.restored_by,
  (CASE WHEN b.id IS NULL THEN 1 ELSE 2 END)::smallint AS status,
  b.id IS NOT NULL AS is_banned,
  b.id AS ban_id,
  b.starts_at AS banned_at,
  b.ends_at AS ban_ends_at,
  b.banned_by,
  b.reason AS ban_reason
FROM users u
LEFT JOIN LATERAL (
  SELECT ub.id, ub.starts_at, ub.ends_at, ub.banned_by, ub.reason
  FROM user_bans ub
  WHERE ub.user_id = u.id
    AND ub.revoked_at IS NULL
    AND ub.starts_at <= now()
    AND (ub.ends_at IS NULL OR ub.ends_at > now())
  ORDER BY ub.starts_at DESC, ub.id DESC
  LIMIT 1
) b ON true;
