import type { ConfigMap } from "@pulumi/pulumi/automation";
import { beforeAll, describe, expect, it } from "vitest";
import { programStack } from "../support/engine";
import { useSandboxAndReceiver } from "../support/fixture";
import { type InfluxServer, startInfluxd } from "../support/servers/influxd";
import { type KafkaServer, startKafka } from "../support/servers/kafka";

/**
 * Every example under examples/ runs here as a user would run it (up, a preview with no changes,
 * destroy) against the sandbox and real servers, so an example can never rot.
 */

const fixture = useSandboxAndReceiver({ defaultDomain: "/examples/" });
const { cleanups } = fixture;

const dm = (): ConfigMap => ({
  "coiote:url": { value: fixture.sandbox.url },
  "coiote:token": { value: fixture.sandbox.token, secret: true },
});

interface Example {
  folder: string;
  config: () => Promise<ConfigMap>;
  /** What must be true in DM (and at the fixture.receiver) after `up`. */
  check: () => Promise<void>;
}

const examples: Example[] = [
  {
    folder: "webhook-lifecycle-basic-auth",
    config: async () => ({
      ...dm(),
      inventoryUrl: { value: `${fixture.receiver.url}/inventory` },
      inventoryUser: { value: "dm" },
      inventoryPassword: { value: "example-pw", secret: true },
    }),
    check: async () => {
      expect(await fixture.sandbox.handlers()).toMatchObject([
        { name: "inventory-lifecycle", filter: { type: "lifecycle" } },
      ]);
      expect(fixture.receiver.to("/inventory")[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from("dm:example-pw").toString("base64")}`,
      );
    },
  },
  {
    folder: "telemetry-json-template",
    config: async () => ({
      ...dm(),
      analyticsUrl: { value: `${fixture.receiver.url}/analytics` },
      analyticsToken: { value: "example-token", secret: true },
    }),
    check: async () => {
      const [test] = fixture.receiver.to("/analytics");
      expect(test?.method).toBe("PUT");
      expect(JSON.parse(test!.body)).toMatchObject({
        device: expect.stringMatching(/^handler-test-device-/),
        path: "/3303/0/5700",
      });
    },
  },
  {
    folder: "adopt-existing-handler",
    config: async () => {
      const made = await fixture.sandbox.api<string>("POST", "/deviceEvents/handler/webhook", {
        type: "webhook",
        name: "alerts (made by hand)",
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
        connectionConfig: { uri: `${fixture.receiver.url}/old-alerts` },
      });
      return {
        ...dm(),
        existingHandlerId: { value: made.body },
        alertsUrl: { value: `${fixture.receiver.url}/alerts` },
      };
    },
    check: async () => {
      expect(await fixture.sandbox.handlers()).toMatchObject([{ name: "alerts (managed by Pulumi)" }]);
    },
  },
];

// Real servers for the Kafka and InfluxDB examples, started once for this file.
let kafka: KafkaServer;
let influx: InfluxServer;
beforeAll(async () => {
  [kafka, influx] = await Promise.all([startKafka(), startInfluxd()]);
  fixture.cleanups.push(
    () => kafka.stop(),
    () => influx.stop(),
  );
}, 600_000);

examples.push(
  {
    folder: "kafka-sasl-scram",
    config: async () => {
      const user = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-512")!;
      return {
        ...dm(),
        bootstrapServers: { value: kafka.bootstrapSasl },
        securityProtocol: { value: "SASL_PLAINTEXT" },
        kafkaUser: { value: user.username },
        kafkaPassword: { value: user.password, secret: true },
      };
    },
    check: async () => {
      expect((await fixture.sandbox.handlers()).map((h) => h.name).sort()).toEqual([
        "device lifecycle stream",
        "telemetry stream",
      ]);
    },
  },
  {
    folder: "influxdb-pipeline",
    config: async () => ({
      ...dm(),
      "influxdb:url": { value: influx.url },
      "influxdb:token": { value: influx.token, secret: true },
      "influxdb:org": { value: influx.org },
    }),
    check: async () => {
      const handlers = await fixture.sandbox.handlers();
      expect(handlers.map((h) => h.connectionConfig.format)).toEqual(["influxDb", "influxDb"]);
    },
  },
);

describe.each(examples)("examples/$folder", ({ folder, config, check }) => {
  it("comes up, shows no changes on a second preview, and is destroyed without a trace", async () => {
    await fixture.sandbox.reset();
    const stack = await programStack({ program: `examples/${folder}`, config: await config() }, (fn) =>
      cleanups.unshift(fn),
    );
    await stack.up();
    await check();
    expect((await stack.preview()).changes).toBe(0);
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});
