import * as pulumi from "@pulumi/pulumi";
import { EventHandler, KafkaConnection } from "pulumi-coiote";

const config = new pulumi.Config();

const connection = new KafkaConnection("broker", {
  bootstrapServers: [config.require("bootstrap")],
  securityProtocol: "SASL_PLAINTEXT",
  saslMechanism: config.require("mechanism") as "SCRAM-SHA-256" | "SCRAM-SHA-512",
  username: config.require("username"),
  password: config.requireSecret("password"),
  extraProperties: { acks: "all" },
  verifyTopic: "verify",
});

const telemetry = new EventHandler("telemetry", {
  type: "kafka",
  name: "temperature to kafka",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: connection.handlerConnection({
    topic: "telemetry",
    headers: { device: "$endpointName", tenant: "$domainName" },
  }),
});

const lifecycle = new EventHandler("lifecycle", {
  type: "kafka",
  name: "lifecycle to kafka",
  filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
  connectionConfig: connection.handlerConnection({
    topic: "lifecycle",
    bodyTemplate: {
      contentType: "json",
      value: '{"device":"$endpointName","event":"$subtype","at":$timestamp}',
    },
  }),
});

// The domain's own Kafka properties (set by a DM administrator; here through the sandbox). A stack that
// only tries the custom connection turns them off, so nothing in it is independent of that connection.
const viaDomain = config.getBoolean("withDomainHandler") === false ? undefined : domainPropertyHandler();

function domainPropertyHandler(): EventHandler {
  const domainConnection = new KafkaConnection("domain", {
    useDomainProperties: true,
    verifyTopic: "verify",
  });
  return new EventHandler("viaDomain", {
    type: "kafka",
    name: "lifecycle via domain properties",
    filter: { type: "lifecycle", eventTypes: ["deviceDeleted"] },
    connectionConfig: domainConnection.handlerConnection({ topic: "domain-lifecycle" }),
  });
}

export const ids = { telemetry: telemetry.id, lifecycle: lifecycle.id, viaDomain: viaDomain?.id };
export const verification = connection.lastVerification;
export const lastTests = {
  telemetry: telemetry.lastTest,
  lifecycle: lifecycle.lastTest,
  viaDomain: viaDomain?.lastTest,
};
