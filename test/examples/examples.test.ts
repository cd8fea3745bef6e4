import type { ConfigMap } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DmSandbox } from "../support/dmSandbox";
import { programStack } from "../support/engine";
import { Receiver } from "../support/receiver";

/**
 * Every example under examples/ runs here as a user would run it (up, a preview with no changes,
 * destroy) against the sandbox, so an example can never rot.
 */
let sandbox: DmSandbox;
let receiver: Receiver;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  sandbox = await DmSandbox.start({ defaultDomain: "/examples/" });
  receiver = await Receiver.start();
  cleanups.push(
    () => receiver.stop(),
    () => sandbox.stop(),
  );
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const dm = (): ConfigMap => ({
  "coiote:url": { value: sandbox.url },
  "coiote:token": { value: sandbox.token, secret: true },
});

interface Example {
  folder: string;
  config: () => Promise<ConfigMap>;
  /** What must be true in DM (and at the receiver) after `up`. */
  check: () => Promise<void>;
}

const examples: Example[] = [
  {
    folder: "webhook-lifecycle-basic-auth",
    config: async () => ({
      ...dm(),
      inventoryUrl: { value: `${receiver.url}/inventory` },
      inventoryUser: { value: "dm" },
      inventoryPassword: { value: "example-pw", secret: true },
    }),
    check: async () => {
      expect(await sandbox.handlers()).toMatchObject([
        { name: "inventory-lifecycle", filter: { type: "lifecycle" } },
      ]);
      expect(receiver.to("/inventory")[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from("dm:example-pw").toString("base64")}`,
      );
    },
  },
  {
    folder: "telemetry-json-template",
    config: async () => ({
      ...dm(),
      analyticsUrl: { value: `${receiver.url}/analytics` },
      analyticsToken: { value: "example-token", secret: true },
    }),
    check: async () => {
      const [test] = receiver.to("/analytics");
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
      const made = await sandbox.api<string>("POST", "/deviceEvents/handler/webhook", {
        type: "webhook",
        name: "alerts (made by hand)",
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
        connectionConfig: { uri: `${receiver.url}/old-alerts` },
      });
      return {
        ...dm(),
        existingHandlerId: { value: made.body },
        alertsUrl: { value: `${receiver.url}/alerts` },
      };
    },
    check: async () => {
      expect(await sandbox.handlers()).toMatchObject([{ name: "alerts (managed by Pulumi)" }]);
    },
  },
];

describe.each(examples)("examples/$folder", ({ folder, config, check }) => {
  it("comes up, shows no changes on a second preview, and is destroyed without a trace", async () => {
    await sandbox.reset();
    const stack = await programStack({ program: `examples/${folder}`, config: await config() }, (fn) =>
      cleanups.unshift(fn),
    );
    await stack.up();
    await check();
    expect((await stack.preview()).changes).toBe(0);
    await stack.destroy();
    expect(await sandbox.handlers()).toEqual([]);
  });
});
