import * as pulumi from "@pulumi/pulumi";
import { EventHandler, InfluxBucketIntegration } from "pulumi-coiote";

/**
 * The demo pipeline, as a user would write it: temperature and humidity telemetry into a new InfluxDB
 * bucket through a write-only token (line protocol, millisecond timestamps), device lifecycle events
 * into the same bucket through a token of their own, and lifecycle events as JSON to an operations
 * webhook with basic auth. InfluxDB comes from influxdb:url/token/org, DM from coiote:url/token/domain.
 */
const config = new pulumi.Config();

const climate = new InfluxBucketIntegration("climate", {
  bucket: {
    name: "dm-telemetry",
    retentionSeconds: 30 * 24 * 3600,
    description: "DM telemetry and lifecycle events",
  },
  handler: {
    name: "climate → InfluxDB",
    description: "IPSO temperature (3303) and humidity (3304) readings",
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/3304/0/5700"] },
  },
});

const lifecycle = new InfluxBucketIntegration("lifecycle", {
  bucketId: climate.bucketId,
  orgId: climate.bucket!.orgId,
  handler: {
    name: "lifecycle → InfluxDB",
    filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceFirstRegistration", "deviceDeleted"] },
  },
});

const operations = new EventHandler("lifecycle-to-ops", {
  type: "webhook",
  name: "lifecycle → ops webhook",
  filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted"] },
  connectionConfig: {
    uri: config.require("opsWebhookUrl"),
    auth: { type: "basic", user: "dm", password: config.requireSecret("opsWebhookPassword") },
  },
});

export const bucketId = climate.bucketId;
export const influxWriteUrl = climate.writeUrl;
export const handlerIds = {
  climate: climate.handlerId,
  lifecycle: lifecycle.handlerId,
  operations: operations.id,
};
export const lastTests = {
  climate: climate.lastTest,
  lifecycle: lifecycle.lastTest,
  operations: operations.lastTest,
};
