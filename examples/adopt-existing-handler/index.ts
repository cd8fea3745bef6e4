import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();

// `pulumi import` does not work for dynamic resources. `adoptId` does the same job: the first `up` takes
// over the existing handler (no second one is created) and makes it match this code; from then on the
// stack owns it, and `pulumi destroy` deletes it.
const adopted = new EventHandler("legacy-alerts", {
  adoptId: config.require("existingHandlerId"),
  type: "webhook",
  name: "alerts (managed by Pulumi)",
  domain: config.get("domain"),
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: { uri: config.require("alertsUrl") },
});

export const handlerId = adopted.id;
