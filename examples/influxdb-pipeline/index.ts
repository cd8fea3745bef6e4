import * as pulumi from "@pulumi/pulumi";
import { InfluxBucketIntegration } from "pulumi-coiote";

const config = new pulumi.Config();

// The ten manual steps of the InfluxDB guide in one resource: bucket, a token that can only write to
// it, and a DM webhook in line protocol (precision=ms) that DM tests on apply. Change tokenRotation
// to rotate the token without losing events (new token, handler updated, old token deleted).
const sensors = new InfluxBucketIntegration("sensors", {
  bucket: { name: "dm-sensors", retentionSeconds: 90 * 24 * 3600 },
  tokenRotation: config.get("tokenRotation"),
  handler: {
    name: "sensors → InfluxDB",
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/3304/0/5700", "/3323/0/5700"] },
  },
});

// Lifecycle events into the same bucket, with their own write-only token.
const lifecycle = new InfluxBucketIntegration("lifecycle", {
  bucketId: sensors.bucketId,
  orgId: sensors.bucket!.orgId,
  handler: {
    name: "lifecycle → InfluxDB",
    filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted"] },
  },
});

export const bucketId = sensors.bucketId;
export const writeUrl = sensors.writeUrl;
export const lastTests = { sensors: sensors.lastTest, lifecycle: lifecycle.lastTest };
