import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();

// Temperature readings to your receiver as DM's default JSON. Edit, add handlers, then `pulumi up --yes`.
const temperature = new EventHandler("temperature", {
  type: "webhook",
  name: "temperature readings",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: { uri: config.require("receiverUrl") },
});

export const handlerId = temperature.id;
export const lastTest = temperature.lastTest;
