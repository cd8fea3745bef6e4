import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const receiver = config.require("receiver");
const suffix = config.get("suffix") ?? "";
const testOnApply = config.getBoolean("testOnApply") ?? false;

for (let i = 0; i < count; i++) {
  new EventHandler(`h${i}`, {
    type: "webhook",
    name: `bench-${i}${suffix}`,
    domain: `/bench/d${Math.floor(i / 10)}/`,
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
    connectionConfig: {
      uri: `${receiver}/h${i}`,
      auth: { type: "token", token: config.requireSecret("token") },
    },
    testOnApply,
  });
}
