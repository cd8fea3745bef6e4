import { failureNaming } from "../support/checkFailures";
import { describe, expect, it } from "vitest";
import { unknownValue } from "../../provider/canonical";
import type { HandlerState } from "../../provider/resources/eventHandler/types";
import { validateHandlerInputs } from "../../provider/resources/eventHandler/validate";
import { parseDomain } from "../../sandbox/domains";
import { DmError } from "../../sandbox/errors";

const valid: HandlerState = {
  type: "webhook",
  name: "alerts",
  enabled: true,
  description: null,
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: { uri: "https://example.test/hook", auth: { type: "token" } },
  secrets: { "auth.token": "secret-token-value" },
  allowFailures: false,
  testOnApply: true,
};

/** Each bad input is rejected at check time, naming the property and the reason. */
const cases: Array<[string, Partial<HandlerState>, string, RegExp]> = [
  ["empty name", { name: "" }, "name", /must not be empty/],
  [
    "malformed LwM2M path",
    { filter: { type: "telemetry", lwm2mUrls: ["/3303/x"] } },
    "filter.lwm2mUrls[0]",
    /numeric LwM2M path/,
  ],
  [
    "unknown lifecycle type",
    { filter: { type: "lifecycle", eventTypes: ["deviceExploded"] } as unknown as HandlerState["filter"] },
    "filter.eventTypes[0]",
    /must be one of/,
  ],
  [
    "relative URI",
    { connectionConfig: { uri: "/hook" } },
    "connectionConfig.uri",
    /absolute http or https URL/,
  ],
  [
    "unknown method",
    { connectionConfig: { uri: "https://x.test", method: "get" } },
    "connectionConfig.method",
    /"post", "put" or "patch"/,
  ],
  [
    "Authorization as a custom header",
    { connectionConfig: { uri: "https://x.test", additionalHeaders: { Authorization: "x" } } },
    "connectionConfig.additionalHeaders.Authorization",
    /reserved by DM.*connectionConfig.auth/,
  ],
  [
    "oversize template",
    {
      connectionConfig: {
        uri: "https://x.test",
        bodyTemplate: { contentType: "text", value: "x".repeat(501) },
      },
    },
    "connectionConfig.bodyTemplate.value",
    /at most 500/,
  ],
  [
    "JSON template that is not JSON",
    {
      connectionConfig: {
        uri: "https://x.test",
        bodyTemplate: { contentType: "json", value: '{"v": $value' },
      },
    },
    "connectionConfig.bodyTemplate.value",
    /not valid JSON/,
  ],
  ["adoptId of the wrong shape", { adoptId: "123" }, "adoptId", /24 lowercase hexadecimal/],
];

describe("check rejects bad handler input with the property and the reason", () => {
  it.each(cases)("%s", (_label, patch, property, reason) => {
    const failures = validateHandlerInputs({ ...valid, ...patch } as HandlerState);
    expect(failures).toContainEqual(failureNaming(property, reason));
  });

  it("accepts a valid handler", () => {
    expect(validateHandlerInputs(valid)).toEqual([]);
  });

  it("tolerates values not known until apply (preview)", () => {
    expect(validateHandlerInputs({ ...valid, name: unknownValue, filter: unknownValue as never })).toEqual(
      [],
    );
  });

  it("never repeats a secret in a message", () => {
    const failures = validateHandlerInputs({
      ...valid,
      connectionConfig: { uri: "https://x.test", auth: { type: "bogus" } },
    });
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toContain("secret-token-value");
  });
});

/**
 * Domain paths have one rule (provider/schemas/domain.ts): what the sandbox (like DM) refuses on the first
 * write, check refuses at preview, saying what a domain path may hold.
 */
describe("domains: check refuses what the sandbox would refuse", () => {
  const refused = ["/acme plant/", "/acme/pl@nt/", "/ümlaut/", "/a//b/", "/acme/../", "/a/%2e/"];
  const accepted = ["/", "/acme/", "/acme/plant-1/", "/a.b/c_d/"];

  it.each(refused)("%s", (domain) => {
    expect(() => parseDomain(domain)).toThrow(DmError);
    const failures = validateHandlerInputs({ ...valid, domain });
    expect(failures).toContainEqual(
      failureNaming(
        "domain",
        /must (be a domain path like "\/acme\/plant-1\/" \(names of letters|not have "\.")/,
      ),
    );
  });

  it.each(accepted)("%s", (domain) => {
    expect(parseDomain(domain)).toBe(domain);
    expect(validateHandlerInputs({ ...valid, domain })).toEqual([]);
  });
});
