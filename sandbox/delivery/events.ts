import { z } from "zod";
import { lifecycleEventTypes, lwm2mUrlPattern } from "../../provider/schemas";

/** A device event injected through the admin API: what DM would see from a device. */
export const deviceEventSchema = z.union([
  z.strictObject({
    kind: z.literal("telemetry").default("telemetry"),
    domain: z.string(),
    endpointName: z.string().min(1),
    url: z.string().regex(lwm2mUrlPattern),
    value: z.union([z.string(), z.number(), z.boolean()]).transform(String),
    timestamp: z.number().int().optional(),
  }),
  z.strictObject({
    kind: z.literal("lifecycle").default("lifecycle"),
    domain: z.string(),
    endpointName: z.string().min(1),
    subtype: z.enum(lifecycleEventTypes),
    metadata: z.record(z.string(), z.unknown()).default({}),
    timestamp: z.number().int().optional(),
  }),
]);

export type DeviceEvent = z.infer<typeof deviceEventSchema>;
