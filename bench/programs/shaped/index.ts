import * as pulumi from "@pulumi/pulumi";

// The floor for resources of an EventHandler's weight: the properties bench/programs/handlers' handlers
// hold in the state (the same names, values and nesting, the token a secret leaf of `secrets`), on a
// provider that does nothing and is stored by reference like ours (bench/engine.ts installs it). What
// ours costs beyond this floor is the package's; up to it, the engine's for resources of this size.
const provider: pulumi.dynamic.ResourceProvider = require("bench-noop-provider");

class Shaped extends pulumi.dynamic.Resource {}

const config = new pulumi.Config();
const count = config.requireNumber("count");
const receiver = config.require("receiver");
const suffix = config.get("suffix") ?? "";

for (let i = 0; i < count; i++) {
  new Shaped(
    provider,
    `h${i}`,
    {
      type: "webhook",
      name: `bench-${i}${suffix}`,
      enabled: true,
      description: null,
      domain: `/bench/d${Math.floor(i / 10)}/`,
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
      connectionConfig: {
        additionalHeaders: {},
        auth: { type: "token" },
        bodyTemplate: null,
        format: "generic",
        method: "post",
        uri: `${receiver}/h${i}`,
      },
      secrets: { "auth.token": config.requireSecret("token") },
      allowFailures: false,
      testOnApply: false,
      adoptId: undefined,
      lastTest: undefined,
    },
    { additionalSecretOutputs: ["secrets"] },
  );
}
