import type { ConfigMap } from "@pulumi/pulumi/automation";
import { beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { type InfluxServer, type KafkaServer, programStack, startInfluxd, startKafka } from "../../testing";
import { repoRoot } from "../support/repoRoot";
import { readmeCommands } from "./readmeCommands";
import { useSandboxAndReceiver } from "../support/fixture";

/**
 * Every example under examples/ runs here as a user would run it: the `pulumi` commands its README gives,
 * in order, through the CLI (`pulumi config set …`, `pulumi up --yes`, `pulumi preview --expect-no-changes`,
 * `pulumi destroy --yes`), against the sandbox and real servers, so an example can never rot.
 */

const fixture = useSandboxAndReceiver({ defaultDomain: "/examples/" });
const { cleanups } = fixture;

const dm = (): ConfigMap => fixture.sandbox.providerConfig();

interface Example {
  folder: string;
  /** This machine's value for each key the README's `pulumi config set` commands set. */
  config: () => Promise<ConfigMap>;
  /** Keys the README leaves to the program's default but this machine must set (with the reason). */
  extraConfig?: ConfigMap;
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
        kafkaUser: { value: user.username },
        kafkaPassword: { value: user.password, secret: true },
      };
    },
    // The README's broker speaks SASL_SSL (the program's default); the test broker has no TLS listener.
    extraConfig: { securityProtocol: { value: "SASL_PLAINTEXT" } },
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

describe.each(examples)("examples/$folder", ({ folder, config, extraConfig, check }) => {
  it("runs the commands its README gives through the pulumi CLI: up, a preview with no changes, destroy", async () => {
    await fixture.sandbox.reset();
    const local = await config();
    const commands = readmeCommands(path.join(repoRoot, "examples", folder, "README.md"));
    expect(commands.map((c) => c.slice(1).join(" "))).toEqual(
      expect.arrayContaining(["up --yes", "preview --expect-no-changes", "destroy --yes"]),
    );
    const stack = await programStack({ program: `examples/${folder}`, config: extraConfig }, (fn) =>
      cleanups.unshift(fn),
    );
    const setByReadme = new Set<string>();
    let checked = false;
    for (const command of commands) {
      expect(command[0], command.join(" ")).toBe("pulumi");
      let args = command.slice(1);
      if (args[0] === "config" && args[1] === "set") {
        // The README's command as written, with this machine's value where it has one (URLs, tokens, ids).
        const secret = args.includes("--secret");
        const [key] = args.filter((a) => a !== "--secret").slice(2) as [string];
        const mine = local[key];
        if (mine) {
          expect(secret, `the README sets ${key} ${mine.secret ? "with" : "without"} --secret`).toBe(
            mine.secret === true,
          );
          args = ["config", "set", ...(secret ? ["--secret"] : []), key, mine.value];
          setByReadme.add(key);
        }
      }
      if (args[0] === "destroy") {
        await check();
        checked = true;
      }
      await stack.run(args);
    }
    expect(checked, "the README ends with pulumi destroy").toBe(true);
    expect([...setByReadme].sort(), "the README sets every key the stack needs").toEqual(
      Object.keys(local).sort(),
    );
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});
