import { z } from "zod";

/** An InfluxDB bucket as the provider keeps it (inputs, and the outputs with orgId filled in). */
export interface BucketState {
  name: string;
  org?: string;
  orgId?: string;
  /** Seconds; 0 keeps data forever. */
  retentionSeconds: number;
  description: string | null;
  adoptId?: string;
}

const retentionRule = "must be 0 (keep forever) or a whole number of seconds of at least 3600";

/** What check refuses, property by property (values not known yet are skipped). */
export const bucketInputsSchema = z.looseObject({
  name: z
    .string({ error: "must be a non-empty bucket name" })
    .refine((name) => name.trim() !== "", "must be a non-empty bucket name"),
  retentionSeconds: z
    .number({ error: retentionRule })
    .refine((s) => Number.isInteger(s) && (s === 0 || s >= 3600), retentionRule)
    .nullish(),
});
