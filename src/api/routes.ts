// Every service the public API port serves, with its request size limit (spec 02 §2.10).
// Implemented services come from their transport modules; the rest of the contract answers
// UNIMPLEMENTED until its issue lands.
import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1Alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { AuthService } from "../../gen/synctv/v1/auth_service_pb.js";
import { ChatService } from "../../gen/synctv/v1/chat_service_pb.js";
import { PlaybackService } from "../../gen/synctv/v1/playback_service_pb.js";
import { PlaylistService } from "../../gen/synctv/v1/playlist_service_pb.js";
import { ProviderService } from "../../gen/synctv/v1/provider_service_pb.js";
import { PublicService } from "../../gen/synctv/v1/public_service_pb.js";
import { RealtimeService } from "../../gen/synctv/v1/realtime_service_pb.js";
import { RoomService } from "../../gen/synctv/v1/room_service_pb.js";
import { UserService } from "../../gen/synctv/v1/user_service_pb.js";
import type { ChatDomain } from "../core/chat/chat-domain.js";
import type { PublicIdCodec } from "../core/ids/public-id-codec.js";
import type { RoomMembership } from "../core/members/room-membership.js";
import type { PlaybackDomain } from "../core/playback/playback-domain.js";
import type { PlaylistLibrary } from "../core/playlists/playlist-library.js";
import type { RoomLifecycle } from "../core/rooms/lifecycle/room-lifecycle.js";
import { registerGrpcHealth, type ServingState } from "./health/grpc-health.js";
import { DescriptorIndex } from "./reflection/descriptor-index.js";
import { registerReflection } from "./reflection/reflection-service.js";
import { type AuthServiceDeps, authServiceImpl } from "./services/auth-service.js";
import { chatServiceImpl } from "./services/chat-service.js";
import { playbackServiceImpl } from "./services/playback-service.js";
import { playlistServiceImpl } from "./services/playlist-service.js";
import { providerServiceImpl } from "./services/provider-service.js";
import { type PublicServiceDeps, publicServiceImpl } from "./services/public-service.js";
import { type RealtimeServiceDeps, realtimeServiceImpl } from "./services/realtime-service.js";
import { roomMembershipHandlers } from "./services/room-service-members.js";
import { roomLifecycleHandlers } from "./services/room-service-rooms.js";
import { type UserServiceDeps, userServiceImpl } from "./services/user-service.js";
import { listMyRoomsHandler } from "./services/user-service-rooms.js";
import { unimplementedService } from "./unimplemented.js";

const KiB = 1024;
export const DEFAULT_REQUEST_LIMIT = 64 * KiB;
export const MEDIA_REQUEST_LIMIT = 512 * KiB;

export interface ApiRoutesDeps {
  public: PublicServiceDeps;
  /** Absent in transport-only tests: AuthService and UserService then answer UNIMPLEMENTED. */
  auth?: AuthServiceDeps;
  user?: UserServiceDeps;
  /** Absent in transport-only tests: RoomService and ListMyRooms then answer UNIMPLEMENTED. */
  rooms?: {
    lifecycle: RoomLifecycle;
    membership: RoomMembership;
    ids: PublicIdCodec;
    playback?: PlaybackDomain;
    /** The room library: PlaylistService and ProviderService.PrepareDirectUrl. */
    library?: PlaylistLibrary;
    /** ChatService; absent → it answers UNIMPLEMENTED. */
    chat?: ChatDomain;
  };
  /** Absent in transport-only tests: RealtimeService then answers UNIMPLEMENTED. */
  realtime?: RealtimeServiceDeps;
  serving: ServingState;
  enableReflection: boolean;
}

interface Mounted {
  service: DescService;
  mount(router: ConnectRouter): void;
}

function mounted<S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>, readMaxBytes: number): Mounted {
  return { service, mount: (router) => router.service(service, impl, { readMaxBytes }) };
}

/** Contract services not built yet; each later issue moves its service into `implemented`. */
const pendingServices: { service: DescService; readMaxBytes: number }[] = [];

export function apiRoutes(deps: ApiRoutesDeps): (router: ConnectRouter) => void {
  const services: Mounted[] = [
    mounted(PublicService, publicServiceImpl(deps.public), DEFAULT_REQUEST_LIMIT),
    mounted(
      AuthService,
      deps.auth ? authServiceImpl(deps.auth) : unimplementedService(AuthService),
      DEFAULT_REQUEST_LIMIT,
    ),
    mounted(
      UserService,
      {
        ...unimplementedService(UserService),
        ...(deps.user ? userServiceImpl(deps.user) : {}),
        ...(deps.rooms ? listMyRoomsHandler({ myRooms: deps.rooms.lifecycle.myRooms, ids: deps.rooms.ids }) : {}),
      },
      DEFAULT_REQUEST_LIMIT,
    ),
    mounted(
      RoomService,
      {
        ...unimplementedService(RoomService),
        ...(deps.rooms ? roomLifecycleHandlers({ rooms: deps.rooms.lifecycle, ids: deps.rooms.ids }) : {}),
        ...(deps.rooms ? roomMembershipHandlers({ membership: deps.rooms.membership, ids: deps.rooms.ids }) : {}),
      },
      DEFAULT_REQUEST_LIMIT,
    ),
    // PlaybackService: the playback issue's handlers when the node has a playback domain.
    mounted(
      PlaybackService,
      {
        ...unimplementedService(PlaybackService),
        ...(deps.rooms?.playback ? playbackServiceImpl({ playback: deps.rooms.playback, ids: deps.rooms.ids }) : {}),
      },
      DEFAULT_REQUEST_LIMIT,
    ),
    // PlaylistService and ProviderService (PrepareDirectUrl only in P1): the room library.
    mounted(
      PlaylistService,
      {
        ...unimplementedService(PlaylistService),
        ...(deps.rooms?.library ? playlistServiceImpl({ library: deps.rooms.library, ids: deps.rooms.ids }) : {}),
      },
      MEDIA_REQUEST_LIMIT,
    ),
    mounted(
      ProviderService,
      {
        ...unimplementedService(ProviderService),
        ...(deps.rooms?.library ? providerServiceImpl({ library: deps.rooms.library }) : {}),
      },
      MEDIA_REQUEST_LIMIT,
    ),
    // ChatService (P1 RPCs): the chat domain when the node has one.
    mounted(
      ChatService,
      {
        ...unimplementedService(ChatService),
        ...(deps.rooms?.chat ? chatServiceImpl({ chat: deps.rooms.chat, ids: deps.rooms.ids }) : {}),
      },
      DEFAULT_REQUEST_LIMIT,
    ),
    // RealtimeService: CreateWebSocketTicket, MessageStream and Watch* over the realtime backend.
    mounted(
      RealtimeService,
      {
        ...unimplementedService(RealtimeService),
        ...(deps.realtime ? realtimeServiceImpl(deps.realtime, deps.serving) : {}),
      },
      DEFAULT_REQUEST_LIMIT,
    ),
    ...pendingServices.map((p) => mounted(p.service, unimplementedService(p.service), p.readMaxBytes)),
  ];
  return (router) => {
    for (const m of services) m.mount(router);
    const names = services.map((m) => m.service.typeName);
    registerGrpcHealth(router, names, deps.serving);
    if (deps.enableReflection) {
      const infrastructure = [Health, ServerReflection, ServerReflectionV1Alpha];
      const files = [...services.map((m) => m.service.file), ...infrastructure.map((s) => s.file)];
      const listed = [...names, ...infrastructure.map((s) => s.typeName)];
      registerReflection(router, new DescriptorIndex(files, listed));
    }
  };
}
