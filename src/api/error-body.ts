import { z } from 'zod';

/** Every non-2xx answer of the API has this body. */
export const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
