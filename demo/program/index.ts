import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

/**
 * The demo pipeline, as a user would write it: temperature and humidity telemetry into an InfluxDB
 * bucket (line protocol, millisecond timestamps), device lifecycle events into the same bucket, and
 * lifecycle events as JSON to an operations webhook with basic auth.
 */
const config = new pulumi.Config();
const influx = {
  url: config.require("influxUrl"),
  orgId: config.require("influxOrgId"),
  bucketId: config.require("influxBucketId"),
  token: config.requireSecret("influxWriteToken"),
};
const writeUrl = `${influx.url}/api/v2/write?precision=ms&bucket=${influx.bucketId}&orgID=${influx.orgId}`;

const telemetry = new EventHandler("climate-to-influx", {
  type: "webhook",
  name: "climate → InfluxDB",
  description: "IPSO temperature (3303) and humidity (3304) readings",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/3304/0/5700"] },
  connectionConfig: {
    uri: writeUrl,
    format: "influxDb",
    auth: { type: "customAuth", value: pulumi.interpolate`Token ${influx.token}` },
  },
});

const lifecycleToInflux = new EventHandler("lifecycle-to-influx", {
  type: "webhook",
  name: "lifecycle → InfluxDB",
  filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceFirstRegistration", "deviceDeleted"] },
  connectionConfig: {
    uri: writeUrl,
    format: "influxDb",
    auth: { type: "customAuth", value: pulumi.interpolate`Token ${influx.token}` },
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

export const handlerIds = {
  climate: telemetry.id,
  lifecycleToInflux: lifecycleToInflux.id,
  operations: operations.id,
};
export const lastTests = {
  climate: telemetry.lastTest,
  lifecycleToInflux: lifecycleToInflux.lastTest,
  operations: operations.lastTest,
};
export const influxWriteUrl = writeUrl;
