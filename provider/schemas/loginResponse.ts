import { z } from "zod";

/** Password-grant answer; DM's docs quote expires_in, so both a number and a numeric string are accepted. */
export const loginResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]),
});

export type LoginResponse = z.infer<typeof loginResponseSchema>;
