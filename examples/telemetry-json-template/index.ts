import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();

// Temperature (IPSO 3303) and humidity (3304) readings, in the shape the analytics API wants.
// $variables are filled in by DM; quote $value in JSON even for numbers (DM substitutes text).
const telemetry = new EventHandler("climate-telemetry", {
  type: "webhook",
  name: "analytics-climate",
  domain: config.get("domain"),
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/3304/0/5700"] },
  connectionConfig: {
    uri: config.require("analyticsUrl"),
    method: "put",
    auth: { type: "token", token: config.requireSecret("analyticsToken") },
    additionalHeaders: { "X-Device": "$endpointName", "X-Tenant": "$domainName" },
    bodyTemplate: {
      contentType: "json",
      value: '{"device":"$endpointName","path":"$url","reading":"$value","at":$timestamp}',
    },
  },
});

export const handlerId = telemetry.id;
export const lastTest = telemetry.lastTest;
