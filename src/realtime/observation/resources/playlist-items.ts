// `playlist_items` (03 §2): one listing page kept current for members; any library change (a
// `playlist_items` event, whose room_seq is the listing version) re-reads it.

import {
  availabilityFromWire,
  isDescending,
  SORT_FROM_WIRE,
  toPlaylistItemsResponse,
} from "../../../api/mappers/playlist.js";
import { invalidArgument } from "../../../core/errors.js";
import { providerNotAvailable } from "../../../core/playlists/library-errors.js";
import { LIBRARY_RESOURCE } from "../../../core/playlists/library-events.js";
import { pageRequest } from "../../../core/playlists/library-limits.js";
import { requireMember } from "../../../core/rooms/room-access.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

export function playlistItemsResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"playlistItems">({
    kind: "snapshot",
    resource: "playlistItems",
    authorize(viewer) {
      requireMember(viewer);
    },
    knownVersion: (params) => Number(params.knownVersion),
    async read(viewer, params) {
      if (params.target !== undefined) throw providerNotAvailable("Dynamic playlist browsing");
      if (params.pagination.case === "cursor") throw invalidArgument("static listings use page pagination");
      const page = pageRequest(params.pagination.value?.page ?? 0, params.pagination.value?.pageSize ?? 0);
      const list = await deps.rooms.library.listItems(viewer.actor, {
        roomId: viewer.state.id,
        playlistId: params.playlistId === "" ? null : deps.ids.decode("pl", params.playlistId),
        page,
        search: params.search,
        sort: SORT_FROM_WIRE[params.sortBy],
        descending: isDescending(params.sortDirection),
        availability: availabilityFromWire(params.availability),
      });
      return {
        version: list.version,
        payload: { case: "playlistItems", value: toPlaylistItemsResponse(list, page, deps.ids) },
      };
    },
    onEvent: (envelope) => (envelope.resourceType === LIBRARY_RESOURCE ? "refetch" : null),
  });
}
