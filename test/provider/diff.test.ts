import { inputsChanged } from "../support/diffs";
import { describe, expect, it } from "vitest";
import { unknownValue } from "../../provider/canonical";
import type { HandlerState } from "../../provider/resources/eventHandler/types";
import { eventHandler } from "../../provider/resources/eventHandler/controller";

const diff = eventHandler.diff;

const olds: HandlerState = {
  type: "webhook",
  name: "alerts",
  enabled: true,
  description: null,
  domain: "/acme/",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: {
    uri: "https://example.test/hook",
    method: "post",
    format: "generic",
    auth: null,
    additionalHeaders: {},
    bodyTemplate: null,
  },
  secrets: {},
  allowFailures: false,
  testOnApply: true,
  lastTest: { successful: true, message: null, time: "2026-01-01T00:00:00.000Z" },
};

/** The engine's plan comes from diff: what updates, what replaces, what is no change at all. */
describe("EventHandler diff", () => {
  it.each<[string, Partial<HandlerState>, { changes: boolean | undefined; replaces: string[] }]>([
    ["identical inputs", {}, { changes: false, replaces: [] }],
    [
      "defaults left out",
      { connectionConfig: { uri: "https://example.test/hook" } },
      { changes: false, replaces: [] },
    ],
    ["no domain asked for", { domain: undefined }, { changes: false, replaces: [] }],
    ["new name", { name: "alerts-2" }, { changes: inputsChanged, replaces: [] }],
    [
      "new uri",
      { connectionConfig: { uri: "https://example.test/other" } },
      { changes: inputsChanged, replaces: [] },
    ],
    ["rotated secret", { secrets: { "auth.token": "new" } }, { changes: inputsChanged, replaces: [] }],
    ["disabled", { enabled: false }, { changes: inputsChanged, replaces: [] }],
    ["new domain", { domain: "/acme/other/" }, { changes: inputsChanged, replaces: ["domain"] }],
    ["new type", { type: "kafka" }, { changes: inputsChanged, replaces: ["type"] }],
    [
      "domain unknown until apply",
      { domain: unknownValue },
      { changes: inputsChanged, replaces: ["domain"] },
    ],
    ["name unknown until apply", { name: unknownValue }, { changes: inputsChanged, replaces: [] }],
  ])("%s", async (_label, patch, expected) => {
    const { lastTest: _lastTest, ...inputs } = olds;
    const result = await diff("id", olds, { ...inputs, ...patch } as HandlerState);
    expect({ changes: result.changes, replaces: result.replaces }).toEqual(expected);
  });

  it("a failed test on apply makes the next up try again", async () => {
    const failed = {
      ...olds,
      lastTest: { successful: false, message: "HTTP 500", time: olds.lastTest!.time },
    };
    expect((await diff("id", failed, { ...olds, lastTest: undefined })).changes).toBe(true);
    // Switching the tests off is itself a change of input (detailed by the engine); no retest follows it.
    expect((await diff("id", failed, { ...olds, lastTest: undefined, testOnApply: false })).changes).toBe(
      inputsChanged,
    );
  });
});
