import { z } from 'zod';

// Console commands and slot tests are checked by the same schemas as the server's control API.
export { ConsoleCommandSchema as CommandSchema, SlotTestSchema } from '@callhook/server';

export const DeliveryIdSchema = z.string().min(1).max(512);
