import * as pulumi from "@pulumi/pulumi";
import { EventHandler, KafkaConnection } from "pulumi-coiote";

const config = new pulumi.Config();

// One producer connection, verified by DM on every change. The password goes into a correctly escaped
// sasl.jaas.config line and stays a secret; rotating it updates both handlers in place.
const cluster = new KafkaConnection("events-cluster", {
  bootstrapServers: config.require("bootstrapServers").split(","),
  securityProtocol: (config.get("securityProtocol") ?? "SASL_SSL") as "SASL_SSL" | "SASL_PLAINTEXT",
  saslMechanism: "SCRAM-SHA-512",
  username: config.require("kafkaUser"),
  password: config.requireSecret("kafkaPassword"),
  extraProperties: { acks: "all", "compression.type": "gzip" },
});

const telemetry = new EventHandler("telemetry-to-kafka", {
  type: "kafka",
  name: "telemetry stream",
  filter: { type: "telemetry", lwm2mUrls: ["/3303", "/3304"] },
  connectionConfig: cluster.handlerConnection({ topic: "dm.telemetry", headers: { tenant: "$domainName" } }),
});

const lifecycle = new EventHandler("lifecycle-to-kafka", {
  type: "kafka",
  name: "device lifecycle stream",
  filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted", "deviceUpdatedViaFota"] },
  connectionConfig: cluster.handlerConnection({
    topic: "dm.lifecycle",
    bodyTemplate: {
      contentType: "json",
      value: '{"device":"$endpointName","event":"$subtype","at":$timestamp}',
    },
  }),
});

export const verification = cluster.lastVerification;
export const handlerIds = { telemetry: telemetry.id, lifecycle: lifecycle.id };
