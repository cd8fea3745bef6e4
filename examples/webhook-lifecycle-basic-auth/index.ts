import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();

// Every device that is created, registers for the first time or is deleted is reported to the
// inventory service, as DM's default generic JSON, with HTTP basic auth.
const lifecycle = new EventHandler("device-lifecycle", {
  type: "webhook",
  name: "inventory-lifecycle",
  description: "Device lifecycle events for the inventory service",
  domain: config.get("domain"),
  filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceFirstRegistration", "deviceDeleted"] },
  connectionConfig: {
    uri: config.require("inventoryUrl"),
    auth: {
      type: "basic",
      user: config.require("inventoryUser"),
      password: config.requireSecret("inventoryPassword"),
    },
  },
});

export const handlerId = lifecycle.id;
export const lastTest = lifecycle.lastTest;
