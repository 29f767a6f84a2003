import { z } from 'zod';

/** Allocated vs total of one resource on a host or group (cpus may be fractional). */
export const Usage = z.object({ allocated: z.number(), total: z.number() });
export type Usage = z.infer<typeof Usage>;
