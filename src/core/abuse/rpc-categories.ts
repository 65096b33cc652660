// Which request-rate category each RPC spends (spec 02 §2.9, the tables of 02 §3). Every method of
// the client protos is listed by name, so a new RPC without a decision fails rpc-categories.test.ts.

export type RateCategory =
  | "auth"
  | "refresh"
  | "guest"
  | "write"
  | "read"
  | "media"
  | "admin"
  | "streaming"
  | "websocket";

/** A category, or "unlimited" for services outside the public budgets (health, reflection, management). */
export type RateRule = RateCategory | "unlimited";

export const RATE_CATEGORIES: readonly RateCategory[] = [
  "auth",
  "refresh",
  "guest",
  "write",
  "read",
  "media",
  "admin",
  "streaming",
  "websocket",
];

// Service type names are spelled out rather than imported from gen/: core stays free of generated
// transport code; the test checks these names against the generated descriptors.
const methodCategories: Record<string, Record<string, RateCategory>> = {
  "synctv.v1.AuthService": {
    StartLogin: "auth",
    LoginWithDirectPassword: "auth",
    RegisterWithDirectPassword: "auth",
    // Their flows limit per refresh family / client IP inside core (spec 05 §3.6, §3.7).
    CreateGuestToken: "guest",
    RefreshToken: "refresh",
    Logout: "write",
    StartOpaqueRegistration: "auth",
    FinishOpaqueRegistration: "auth",
    StartOpaqueLogin: "auth",
    FinishOpaqueLogin: "auth",
  },
  "synctv.v1.UserService": {
    GetProfile: "read",
    SetUsername: "write",
    ListMyRooms: "read",
  },
  "synctv.v1.RoomService": {
    CreateRoom: "write",
    GetRoom: "read",
    GetRoomDiscovery: "read",
    DiscoverRooms: "read",
    JoinRoom: "write",
    LeaveRoom: "write",
    DeleteRoom: "write",
    GetRoomSettings: "read",
    UpdateRoomSettings: "write",
    ResetRoomSettings: "write",
    UpdateRoomVisibility: "write",
    TransferRoomOwnership: "write",
    SetRoomPassword: "write",
    ClearRoomPassword: "write",
    ListRoomMembers: "read",
    GetSelfRoomMember: "read",
    AddMember: "write",
    UpdateMemberPermissions: "write",
    UpdateMemberDisplay: "write",
    KickMember: "write",
    ListRoomJoinReviews: "read",
    ApproveRoomJoinReview: "write",
    RejectRoomJoinReview: "write",
  },
  "synctv.v1.PlaylistService": {
    CreatePlaylist: "write",
    GetPlaylist: "read",
    ListPlaylists: "read",
    UpdatePlaylist: "write",
    MovePlaylist: "write",
    DeletePlaylist: "write",
    AddMedia: "media",
    AddMediaBatch: "media",
    GetMedia: "read",
    EditMedia: "media",
    DeleteMedia: "write",
    DeleteEntries: "write",
    MoveMedia: "write",
    ClearPlaylist: "write",
    // Static listing is a read. Dynamic browsing (P2) is `media`, but only the playlist row tells
    // which it is: the dynamic-browse code additionally spends the `media` scope itself.
    ListPlaylistItems: "read",
  },
  "synctv.v1.PlaybackService": {
    GetPlayback: "read",
    StartPlayback: "write",
    StopPlayback: "write",
    PlayNext: "write",
    PlayPrevious: "write",
    UpdatePlaybackState: "write",
    ListPlaybackHistory: "read",
    PlayHistoryEntry: "write",
    DeletePlaybackHistoryEntry: "write",
    ClearPlaybackHistory: "write",
  },
  "synctv.v1.ChatService": {
    // The 10 messages/s per user per room chat limit is separate (messaging_rate_limits).
    SendChatMessage: "write",
    EditChatMessage: "write",
    DeleteChatMessage: "write",
    GetChatHistory: "read",
    GetChatMessage: "read",
  },
  "synctv.v1.RealtimeService": {
    CreateWebSocketTicket: "websocket",
    MessageStream: "websocket",
    WatchPlaybackState: "read",
    WatchPlayback: "read",
    WatchRoomSettings: "read",
    WatchPlaylistItems: "read",
    WatchRoomMemberEvents: "read",
    WatchChatEvents: "read",
    WatchOnlineCount: "read",
    WatchOnlineEvents: "read",
    WatchSelfRoomMember: "read",
    WatchPlaybackHistory: "read",
  },
  "synctv.v1.ProviderService": {
    PrepareDirectUrl: "media",
  },
  "synctv.v1.PublicService": {
    GetServerInfo: "read",
    GetServerTime: "read",
    GetPublicSettings: "read",
  },
};

/** Services decided as a whole: the spec gives one rule for all of their methods. */
const serviceRules: Record<string, RateRule> = {
  "synctv.admin.v1.AdminService": "admin",
  // Served only on the management socket, acting as local root (spec 05 §7).
  "synctv.management.v1.ManagementService": "unlimited",
  // Probes and tooling: limiting them would make load balancers mark a busy node unhealthy.
  "grpc.health.v1.Health": "unlimited",
  "grpc.reflection.v1.ServerReflection": "unlimited",
  "grpc.reflection.v1alpha.ServerReflection": "unlimited",
};

/** The rule the tables give this RPC, or undefined when nobody decided yet. */
export function declaredRateRule(serviceTypeName: string, methodName: string): RateRule | undefined {
  return methodCategories[serviceTypeName]?.[methodName] ?? serviceRules[serviceTypeName];
}

/**
 * The rule an RPC is limited under. An undeclared RPC (the test prevents that for our protos) is
 * treated as `write`, the strictest general budget, rather than left unlimited.
 */
export function categoryOf(serviceTypeName: string, methodName: string): RateRule {
  return declaredRateRule(serviceTypeName, methodName) ?? "write";
}

/** Every (service, method) pair the tables name, so the test can spot stale entries. */
export function declaredMethods(): { service: string; method: string }[] {
  return Object.entries(methodCategories).flatMap(([service, methods]) =>
    Object.keys(methods).map((method) => ({ service, method })),
  );
}
