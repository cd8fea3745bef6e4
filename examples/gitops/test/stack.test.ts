// Your own stack's test, run by your CI before it touches production (`npm test` in this folder): the
// real Pulumi engine deploys this project's index.ts to a local DM sandbox, checks that a second run
// changes nothing, and that a telemetry event really reaches the alerts webhook.
import { afterAll, beforeAll, expect, it } from "vitest";
import { useSandboxAndReceiver } from "pulumi-coiote/testing";

// A DM sandbox and a webhook receiver for this file; stacks made with dm.sandboxStack are destroyed after it.
const dm = useSandboxAndReceiver({ beforeAll, afterAll }, { defaultDomain: "/gitops/" });

it("deploys the handlers, changes nothing on a second run, and delivers alerts", async () => {
  const stack = await dm.sandboxStack({
    program: ".",
    config: {
      alertsUrl: { value: `${dm.receiver.url}/alerts` },
      alertsToken: { value: "test-alerts-token", secret: true },
      inventoryUrl: { value: `${dm.receiver.url}/inventory` },
    },
  });

  const up = await stack.up();
  expect(up.operations).toEqual({ "temperature-alerts": "create", inventory: "create" });
  expect((await dm.sandbox.handlers()).map((handler) => handler.name).sort()).toEqual([
    "device inventory",
    "temperature alerts",
  ]);
  expect((await stack.preview()).changes).toBe(0);
  // The token is stored encrypted in state, never as plain text.
  expect(stack.stateFileText()).not.toContain("test-alerts-token");

  // `up` tested each handler (DM sends a test event); then a device's reading goes to the alerts webhook.
  await dm.sandbox.injectEvents([
    { domain: "/gitops/", endpointName: "sensor-1", url: "/3303/0/5700", value: 42 },
  ]);
  const alerts = dm.receiver.to("/alerts").map((request) => ({
    authorization: request.headers.authorization,
    body: JSON.parse(request.body) as Record<string, unknown>,
  }));
  expect(alerts.map((alert) => alert.body.endpointName)).toEqual([
    expect.stringMatching(/^handler-test-device-/),
    "sensor-1",
  ]);
  expect(alerts[1]).toMatchObject({
    authorization: "Bearer test-alerts-token",
    body: { domainId: "/gitops/", url: "/3303/0/5700", value: "42" },
  });
  // The lifecycle-only inventory handler got its test event, but not the telemetry.
  expect(dm.receiver.to("/inventory")).toHaveLength(1);
});
