-- Custom migration: settings triggers and the seeded defaults of spec 08 §5.
-- Each value is stored as {"v": <value>} so settings.value keeps the "JSONB is an object" CHECK.
CREATE TRIGGER settings_set_updated_at BEFORE UPDATE ON settings
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER settings_generation_set_updated_at BEFORE UPDATE ON settings_generation
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
-- Every node LISTENs on this channel and reloads its snapshot; delivered only on commit.
CREATE OR REPLACE FUNCTION notify_settings_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('synctv_settings_changed', OLD.key);
  ELSE
    PERFORM pg_notify('synctv_settings_changed', NEW.key);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER settings_notify_changed AFTER INSERT OR UPDATE OR DELETE ON settings
  FOR EACH ROW EXECUTE FUNCTION notify_settings_changed();
--> statement-breakpoint
INSERT INTO settings_generation (id, generation, guest_epoch) VALUES (1, 1, 1) ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
INSERT INTO settings (key, value) VALUES
  ('server.name', '{"v": "SyncTV"}'),
  ('roomDefaults.defaultMaxMembers', '{"v": 100}'),
  ('permissions.adminDefaultPermissions', '{"v": ["send_chat_messages", "manage_own_media", "browse_library", "view_members", "view_chat_history", "use_voice_chat", "use_p2p_media", "control_playback_state", "navigate_playback", "delete_media", "reorder_media", "clear_media", "manage_live_streams", "review_join_requests", "remove_members", "manage_member_permissions", "add_members", "manage_room_settings", "delete_chat_messages", "view_playback_history"]}'),
  ('permissions.memberDefaultPermissions', '{"v": ["send_chat_messages", "manage_own_media", "browse_library", "view_members", "view_chat_history", "use_voice_chat", "use_p2p_media"]}'),
  ('permissions.guestDefaultPermissions', '{"v": []}'),
  ('roomCreation.enabled', '{"v": true}'),
  ('roomCreation.approvalRequired', '{"v": false}'),
  ('roomCreation.passwordPolicy', '{"v": "optional"}'),
  ('roomCreation.maxRoomsPerUser', '{"v": 10}'),
  ('user.enablePasswordSignup', '{"v": true}'),
  ('user.passwordSignupNeedReview', '{"v": false}'),
  ('user.enableEmailSignup', '{"v": false}'),
  ('user.emailSignupNeedReview', '{"v": false}'),
  ('user.enableWebauthnSignup', '{"v": false}'),
  ('user.webauthnSignupNeedReview', '{"v": false}'),
  ('user.enableGuest', '{"v": true}'),
  ('oauth2.providers', '{"v": []}'),
  ('oauth2.allowedRedirectUrls', '{"v": []}'),
  ('rtmp.customPublishHost', '{"v": null}'),
  ('rtmp.tsDisguisedAsPng', '{"v": false}'),
  ('email.enabled', '{"v": false}'),
  ('email.smtpHost', '{"v": null}'),
  ('email.smtpPort', '{"v": 587}'),
  ('email.smtpCredentials', '{"v": null}'),
  ('email.smtpProxy', '{"v": null}'),
  ('email.useTls', '{"v": true}'),
  ('email.fromEmail', '{"v": null}'),
  ('email.fromName', '{"v": "SyncTV"}'),
  ('email.whitelistEnabled', '{"v": false}'),
  ('email.whitelistDomains', '{"v": []}'),
  ('webrtc.externalIceServers', '{"v": [{"urls": ["stun:stun.cloudflare.com:3478"]}, {"urls": ["stun:stun.l.google.com:19302"]}]}'),
  ('webrtc.mode', '{"v": "peer_to_peer"}'),
  ('webrtc.maxVoiceParticipantsPerRoom', '{"v": 8}'),
  ('chat.maxMessagesPerRoom', '{"v": 500}'),
  ('chat.maxPinnedMessagesPerRoom', '{"v": 20}'),
  ('chat.messageRetentionDays', '{"v": 90}'),
  ('cors.allowedOrigins', '{"v": []}'),
  ('playbackHistory.retentionDays', '{"v": 90}'),
  ('playbackHistory.maxEntriesPerRoom', '{"v": 1000}')
ON CONFLICT (key) DO NOTHING;
