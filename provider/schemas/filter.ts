import { z } from "zod";
import { lwm2mUrlPattern } from "./limits";

export const lifecycleEventTypes = [
  "deviceCreated",
  "deviceFirstRegistration",
  "deviceUpdatedViaWrite",
  "deviceUpdatedViaFota",
  "deviceDeleted",
] as const;

/** Telemetry from the given LwM2M paths: an object, instance, resource or resource instance. */
export const telemetryFilterSchema = z.strictObject({
  type: z.literal("telemetry"),
  lwm2mUrls: z
    .array(
      z
        .string()
        .regex(lwm2mUrlPattern, { error: "must be a numeric LwM2M path like /3303/0/5700 (1 to 4 levels)" }),
    )
    .min(1, { error: "must list at least one LwM2M path" }),
});

export const lifecycleFilterSchema = z.strictObject({
  type: z.literal("lifecycle"),
  eventTypes: z
    .array(z.enum(lifecycleEventTypes, { error: `must be one of ${lifecycleEventTypes.join(", ")}` }))
    .min(1, { error: "must list at least one lifecycle event type" }),
});

export const filterSchema = z.discriminatedUnion("type", [telemetryFilterSchema, lifecycleFilterSchema], {
  error: 'type must be "telemetry" or "lifecycle"',
});

export type TelemetryFilter = z.infer<typeof telemetryFilterSchema>;
export type LifecycleFilter = z.infer<typeof lifecycleFilterSchema>;
export type Filter = z.infer<typeof filterSchema>;
export type LifecycleEventType = (typeof lifecycleEventTypes)[number];
