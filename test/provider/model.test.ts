import { describe, expect, it } from "vitest";
import { fieldChanged, stateFromApi, toCreateBody } from "../../provider/resources/eventHandler/model";
import type { HandlerState } from "../../provider/resources/eventHandler/types";
import { type EventHandler, joinSecrets, splitSecrets } from "../../provider/schemas";

const base: HandlerState = {
  type: "webhook",
  name: "alerts",
  enabled: true,
  description: null,
  domain: "/acme/",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/6/0"] },
  connectionConfig: { uri: "https://example.test/hook", auth: { type: "basic", user: "u" } },
  secrets: { "auth.password": "pw-1" },
  allowFailures: false,
  testOnApply: true,
};

describe("what counts as a change", () => {
  it("omitted defaults equal DM's defaults", () => {
    const explicit: HandlerState = {
      ...base,
      connectionConfig: {
        ...base.connectionConfig,
        method: "post",
        format: "generic",
        additionalHeaders: {},
        bodyTemplate: null,
      },
    };
    expect(fieldChanged(base, explicit, "connectionConfig")).toBe(false);
  });

  it("the order of LwM2M paths and of header keys is not a change", () => {
    const reordered: HandlerState = {
      ...base,
      filter: { type: "telemetry", lwm2mUrls: ["/6/0", "/3303/0/5700"] },
      connectionConfig: { auth: { user: "u", type: "basic" }, uri: "https://example.test/hook" },
    };
    expect(fieldChanged(base, reordered, "filter")).toBe(false);
    expect(fieldChanged(base, reordered, "connectionConfig")).toBe(false);
  });

  it("an empty description equals no description, but a real one is a change", () => {
    expect(fieldChanged(base, { ...base, description: "" }, "description")).toBe(false);
    expect(fieldChanged(base, { ...base, description: "x" }, "description")).toBe(true);
  });

  it("domains compare without regard to their slashes", () => {
    expect(fieldChanged(base, { ...base, domain: "acme" }, "domain")).toBe(false);
    expect(fieldChanged(base, { ...base, domain: "/acme/plant/" }, "domain")).toBe(true);
  });

  it("both spellings of Kafka domain properties mean the same", () => {
    const kafka: HandlerState = {
      ...base,
      type: "kafka",
      secrets: {},
      connectionConfig: { type: "domainProperty", topic: "t" },
    };
    expect(
      fieldChanged(
        kafka,
        { ...kafka, connectionConfig: { type: "domainProperties", topic: "t" } },
        "connectionConfig",
      ),
    ).toBe(false);
  });

  it("the same connectionConfig under another handler type is a change (its defaults are the type's)", () => {
    const sameJson = { type: "domainProperty", topic: "t" };
    const asWebhook: HandlerState = { ...base, connectionConfig: sameJson };
    const asKafka: HandlerState = { ...base, type: "kafka", connectionConfig: sameJson };
    expect(fieldChanged(asWebhook, asKafka, "connectionConfig")).toBe(true);
    expect(fieldChanged(asKafka, { ...asKafka, connectionConfig: { ...sameJson } }, "connectionConfig")).toBe(
      false,
    );
  });
});

describe("reading a handler back from DM", () => {
  const api: EventHandler = {
    id: "0123456789abcdef01234567",
    type: "webhook",
    name: "alerts",
    enabled: true,
    description: null,
    domain: "/acme/",
    filter: { type: "telemetry", lwm2mUrls: ["/6/0", "/3303/0/5700"] },
    connectionConfig: {
      uri: "https://example.test/hook",
      method: "post",
      format: "generic",
      auth: { type: "basic", user: "u", password: "********" },
      additionalHeaders: {},
      bodyTemplate: null,
    },
    allowFailures: false,
  };

  it("keeps the secret in state when DM masks it, so masking is never a diff", () => {
    const read = stateFromApi(api, base);
    expect(read.secrets).toEqual({ "auth.password": "pw-1" });
    for (const field of ["filter", "connectionConfig", "secrets", "name", "enabled"] as const) {
      expect(fieldChanged(read, base, field)).toBe(false);
    }
  });

  it("takes an unmasked secret DM returns as the truth (drift made out of band)", () => {
    const unmasked = {
      ...api,
      connectionConfig: { ...api.connectionConfig, auth: { type: "basic", user: "u", password: "changed" } },
    };
    expect(stateFromApi(unmasked, base).secrets).toEqual({ "auth.password": "changed" });
  });

  it("keeps the uri in state when DM masks only its password, and sees any other change of it", () => {
    const withPassword = {
      ...base,
      connectionConfig: { ...base.connectionConfig, uri: "https://svc:pw%21@example.test/hook" },
    };
    const masked = (uri: string) => ({ ...api, connectionConfig: { ...api.connectionConfig, uri } });
    const read = stateFromApi(masked("https://svc:********@example.test/hook"), withPassword);
    expect(read.connectionConfig.uri).toBe("https://svc:pw%21@example.test/hook");
    expect(fieldChanged(read, withPassword, "connectionConfig")).toBe(false);
    const moved = stateFromApi(masked("https://svc:********@other.test/hook"), withPassword);
    expect(fieldChanged(moved, withPassword, "connectionConfig")).toBe(true);
  });

  it("drops a secret whose parent object DM no longer has", () => {
    const noAuth = { ...api, connectionConfig: { ...api.connectionConfig, auth: null } };
    const read = stateFromApi(noAuth, base);
    expect(read.secrets).toEqual({});
    expect(fieldChanged(read, base, "connectionConfig")).toBe(true);
  });
});

describe("secrets travel apart from the rest of the configuration", () => {
  it("split and join are inverse, and the public part keeps no secret", () => {
    const full = { uri: "https://x.test", auth: { type: "token", token: "t0ken-value" } };
    const { config, secrets } = splitSecrets<string>("webhook", full);
    expect(JSON.stringify(config)).not.toContain("t0ken-value");
    expect(secrets).toEqual({ "auth.token": "t0ken-value" });
    expect(joinSecrets(config, secrets)).toEqual(full);
    expect(toCreateBody({ ...base, connectionConfig: config, secrets }).connectionConfig).toMatchObject(full);
  });

  it("the Kafka producer properties are the secret of a custom Kafka config", () => {
    const { config, secrets } = splitSecrets<string>("kafka", {
      type: "custom",
      topic: "t",
      value: "bootstrap.servers=x:9092",
    });
    expect(config).toEqual({ type: "custom", topic: "t" });
    expect(secrets).toEqual({ value: "bootstrap.servers=x:9092" });
  });
});

describe("provider settings", () => {
  it("defaults to a 30 s request timeout and a 120 s retry budget, in milliseconds", async () => {
    const { readDmSettings } = await import("../../provider/config");
    const settings = readDmSettings(undefined, {
      COIOTE_URL: "https://dm.example/api/coiotedm/v3/",
      COIOTE_TOKEN: "t",
    });
    expect(settings).toMatchObject({
      baseUrl: "https://dm.example",
      timeoutMs: 30_000,
      retryBudgetMs: 120_000,
    });
    expect(
      readDmSettings(undefined, {
        COIOTE_URL: "https://dm.example",
        COIOTE_TOKEN: "t",
        COIOTE_TIMEOUT_SECONDS: "2",
      }).timeoutMs,
    ).toBe(2_000);
    expect(() =>
      readDmSettings(undefined, {
        COIOTE_URL: "https://dm.example",
        COIOTE_TOKEN: "t",
        COIOTE_TIMEOUT_SECONDS: "-1",
      }),
    ).toThrow(/coiote:timeoutSeconds must be a positive number of seconds/);
  });
});
