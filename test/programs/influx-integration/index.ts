import * as pulumi from "@pulumi/pulumi";
import { InfluxBucketIntegration } from "pulumi-coiote";

const config = new pulumi.Config();

// Telemetry into a bucket and a write-only token that the integration creates.
const telemetry = new InfluxBucketIntegration("climate", {
  bucket: {
    name: config.require("bucketName"),
    retentionSeconds: (config.getNumber("retentionDays") ?? 7) * 24 * 3600,
    description: config.get("bucketDescription"),
  },
  tokenRotation: config.get("tokenRotation"),
  handler: {
    name: "climate to influx",
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
    stringValues: config.getBoolean("stringValues") ?? false,
  },
});

// Lifecycle events into a bucket and with a token made elsewhere (bring your own).
const lifecycle = new InfluxBucketIntegration("lifecycle", {
  bucketId: config.require("byoBucketId"),
  orgId: config.require("orgId"),
  token: config.requireSecret("byoToken"),
  handler: {
    name: "lifecycle to influx",
    filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted"] },
  },
});

// An existing bucket, no orgId (the organization comes from influxdb:org), and a token made for it.
const humidity = new InfluxBucketIntegration("humidity", {
  bucketId: config.require("existingBucketId"),
  handler: {
    name: "humidity to influx",
    filter: { type: "telemetry", lwm2mUrls: ["/3304"] },
  },
});

export const telemetryBucketId = telemetry.bucketId;
export const telemetryWriteUrl = telemetry.writeUrl;
export const telemetryLastTest = telemetry.lastTest;
export const telemetryTokenId = telemetry.token!.id;
export const telemetryToken = telemetry.token!.token;
export const lifecycleHandlerId = lifecycle.handlerId;
export const lifecycleLastTest = lifecycle.lastTest;
export const humidityWriteUrl = humidity.writeUrl;
export const humidityLastTest = humidity.lastTest;
export const humidityTokenId = humidity.token!.id;
