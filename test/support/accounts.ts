// Signed-in users for integration tests: registered through the real AuthService, so their
// tokens go through the same verification as a client's.
import { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { callJson } from "./connect-json.js";
import type { TestNode } from "./node-harness.js";

export interface TestAccount {
  username: string;
  password: string;
  userId: number;
  publicId: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;

export function idCodecOf(t: TestNode): PublicIdCodec {
  return new PublicIdCodec(t.loaded.config.security.credential_encryption_key);
}

export async function signUp(t: TestNode, prefix = "user"): Promise<TestAccount> {
  counter += 1;
  const username = `${prefix}-${process.pid}-${counter}`.slice(0, 50);
  const password = `Pw-${counter}-Secret9x`;
  const r = await callJson<{
    result: { accessToken: string; refreshToken: string; user: { id: string } };
  }>(t.baseUrl, "synctv.v1.AuthService/RegisterWithDirectPassword", { username, password });
  if (r.status !== 200) throw new Error(`signUp failed: ${r.status} ${JSON.stringify(r.body)}`);
  const publicId = r.body.result.user.id;
  return {
    username,
    password,
    publicId,
    userId: idCodecOf(t).decode("usr", publicId),
    accessToken: r.body.result.accessToken,
    refreshToken: r.body.result.refreshToken,
  };
}
