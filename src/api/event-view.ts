import { z } from 'zod';

export const EventView = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  kind: z.string(),
  app: z.string().nullable(),
  host: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type EventView = z.infer<typeof EventView>;

export const EventList = z.object({ events: z.array(EventView) });
export type EventList = z.infer<typeof EventList>;
