// A user named on the command line (08 §4.3): `usr_…` is an id, text with `@` an email, anything
// else a username.
import { create } from "@bufbuild/protobuf";
import { type UserRef, UserRefSchema } from "../../../../gen/synctv/management/v1/management_pb.js";

export function userRefArgument(text: string): UserRef {
  const value = text.trim();
  if (value.startsWith("usr_")) return create(UserRefSchema, { ref: { case: "userId", value } });
  if (value.includes("@")) return create(UserRefSchema, { ref: { case: "email", value } });
  return create(UserRefSchema, { ref: { case: "username", value } });
}
