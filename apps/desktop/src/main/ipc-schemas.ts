import { API, LINE_SETUP_ROUTE } from '@callhook/server/contract';

// Console commands, slot tests and delivery ids are checked by the same schemas as the server's
// control API: its contract (@callhook/server/contract).
export { ConsoleCommandSchema as CommandSchema, SlotTestSchema } from '@callhook/server/contract';

/** `POST /api/v1/deliveries/:id/replay`'s `id`. */
export const DeliveryIdSchema = API.replayDelivery.params.shape.id;

/** `GET /api/v1/lines/:id/setup`'s `id`: a line id as settings allow it. */
export const LineIdSchema = LINE_SETUP_ROUTE.params.shape.id;
