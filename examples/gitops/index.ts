import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();

// The handlers of one DM domain, reviewed in pull requests like any other code.
const alerts = new EventHandler("temperature-alerts", {
  type: "webhook",
  name: "temperature alerts",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: {
    uri: config.require("alertsUrl"),
    auth: { type: "token", token: config.requireSecret("alertsToken") },
  },
});

const inventory = new EventHandler("inventory", {
  type: "webhook",
  name: "device inventory",
  filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted"] },
  connectionConfig: { uri: config.require("inventoryUrl") },
});

export const handlerIds = { alerts: alerts.id, inventory: inventory.id };
