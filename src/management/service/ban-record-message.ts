// A platform ban record (user or room) on the wire: public ids, Unix milliseconds, 0 for "never".
import { create } from "@bufbuild/protobuf";
import { BanRecordSchema, type BanRecord as WireBanRecord } from "../../../gen/synctv/management/v1/management_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { BanRecord } from "../../core/moderation/ban-records.js";

export function toBanRecordMessage(record: BanRecord, ids: PublicIdCodec, target: "usr" | "room"): WireBanRecord {
  return create(BanRecordSchema, {
    id: BigInt(record.id),
    targetId: ids.encode(target, record.targetId),
    targetName: record.targetName,
    reason: record.reason,
    startsAt: BigInt(record.startsAt),
    endsAt: BigInt(record.endsAt ?? 0),
    revokedAt: BigInt(record.revokedAt ?? 0),
    active: record.active,
    bannedByUserId: record.bannedBy === null ? "" : ids.encode("usr", record.bannedBy),
  });
}
