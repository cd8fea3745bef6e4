import * as pulumi from "@pulumi/pulumi";
import { EventHandler, type FilterArgs } from "pulumi-coiote";

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

/** A handler that writes DM's InfluxDB line protocol into the demo bucket with the write-only token. */
function toInflux(resourceName: string, name: string, filter: FilterArgs): EventHandler {
  return new EventHandler(resourceName, {
    type: "webhook",
    name,
    filter,
    connectionConfig: {
      uri: writeUrl,
      format: "influxDb",
      auth: { type: "customAuth", value: pulumi.interpolate`Token ${influx.token}` },
    },
  });
}

// IPSO temperature (3303) and humidity (3304) readings, and the devices' lifecycle.
const telemetry = toInflux("climate-to-influx", "climate → InfluxDB", {
  type: "telemetry",
  lwm2mUrls: ["/3303/0/5700", "/3304/0/5700"],
});
const lifecycleToInflux = toInflux("lifecycle-to-influx", "lifecycle → InfluxDB", {
  type: "lifecycle",
  eventTypes: ["deviceCreated", "deviceFirstRegistration", "deviceDeleted"],
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
