// Human-readable lines for the records remote commands print: users, rooms, members.
import { type User, UserRoleSchema, UserStatusSchema } from "../../../../gen/synctv/v1/common_pb.js";
import { type Room, type RoomMember, RoomMemberRoleSchema } from "../../../../gen/synctv/v1/room_pb.js";
import { table } from "./output.js";

const short = (prefix: string, name: string | undefined) =>
  name === undefined ? "?" : name.startsWith(prefix) ? name.slice(prefix.length) : name;

const roleOf = (u: User) => short("USER_ROLE_", UserRoleSchema.values.find((v) => v.number === u.role)?.name);
const statusOf = (u: User) => short("USER_STATUS_", UserStatusSchema.values.find((v) => v.number === u.status)?.name);
const memberRoleOf = (m: RoomMember) =>
  short("ROOM_MEMBER_ROLE_", RoomMemberRoleSchema.values.find((v) => v.number === m.role)?.name);

export function usersTable(users: readonly User[]): string {
  return table(
    ["ID", "USERNAME", "ROLE", "STATUS", "EMAIL"],
    users.map((u) => [u.id, u.username, roleOf(u), statusOf(u), u.email]),
  );
}

export function userDetails(u: User): string {
  return [
    `id:        ${u.id}`,
    `username:  ${u.username}`,
    `role:      ${roleOf(u)}`,
    `status:    ${statusOf(u)}`,
    `email:     ${u.email === "" ? "-" : u.email}`,
    `created:   ${new Date(Number(u.createdAt)).toISOString()}`,
  ].join("\n");
}

export function roomsTable(rooms: readonly Room[]): string {
  return table(
    ["ID", "NAME", "OWNER", "PUBLIC", "MEMBERS"],
    rooms.map((r) => [
      r.id,
      r.name,
      r.creator?.username ?? r.createdBy,
      r.isPublic ? "yes" : "no",
      String(r.memberCount),
    ]),
  );
}

export function roomDetails(r: Room): string {
  return [
    `id:        ${r.id}`,
    `name:      ${r.name}`,
    `owner:     ${r.creator?.username ?? ""} (${r.createdBy})`,
    `public:    ${r.isPublic ? "yes" : "no"}`,
    `banned:    ${r.isBanned ? "yes" : "no"}`,
    `members:   ${r.memberCount}`,
    `created:   ${new Date(Number(r.createdAt)).toISOString()}`,
  ].join("\n");
}

export function membersTable(members: readonly RoomMember[]): string {
  return table(
    ["USER_ID", "USERNAME", "ROLE", "JOINED"],
    members.map((m) => [m.userId, m.username, memberRoleOf(m), new Date(Number(m.joinedAt)).toISOString()]),
  );
}
