import type { ExportSandbox } from "./dm";

/** A handler made the way a DM user makes one in the UI, and the secrets the UI was given for it. */
export interface FixtureHandler {
  label: string;
  domain: string;
  body: Record<string, unknown>;
  /** Field (as set-secrets.sh names it) → the value typed in DM; DM never shows these again. */
  secrets: Record<string, string>;
}

const hook = "http://127.0.0.1:9/hook";
const telemetry = (...lwm2mUrls: string[]) => ({ type: "telemetry", lwm2mUrls });
const webhook = (
  name: string,
  connectionConfig: Record<string, unknown>,
  more: Record<string, unknown> = {},
) => ({
  type: "webhook",
  name,
  enabled: true,
  filter: telemetry("/3303/0/5700"),
  connectionConfig,
  ...more,
});

export const acme = "/acme/";
export const plant = "/acme/plant-1/";

/** Every shape the export must carry over, in two domains (ten handlers at most in each, as in DM). */
export const fixtureHandlers: FixtureHandler[] = [
  {
    label: "no auth, several telemetry paths, put",
    domain: acme,
    body: webhook(
      "alerts",
      { uri: hook, method: "put", format: "generic" },
      { filter: telemetry("/3303/0/5700", "/3304/0/5700", "/3303", "/6/0/0/1") },
    ),
    secrets: {},
  },
  {
    label: "basic auth, JSON body",
    domain: acme,
    body: webhook("alerts basic", {
      uri: hook,
      auth: { type: "basic", user: "ops", password: "basic-pw-1" },
      bodyTemplate: {
        contentType: "json",
        value: '{"device":"$endpointName","value":"$value","at":$timestamp}',
      },
    }),
    secrets: { "connectionConfig.auth.password": "basic-pw-1" },
  },
  {
    label: "a name that collides with the one above as an identifier",
    domain: acme,
    body: webhook("Alerts-Basic", {
      uri: hook,
      auth: { type: "basic", user: "second", password: "basic-pw-2" },
    }),
    secrets: { "connectionConfig.auth.password": "basic-pw-2" },
  },
  {
    label: "token auth, text body, patch",
    domain: acme,
    body: webhook("token auth", {
      uri: "https://receiver.example.com/dm/ingest",
      method: "patch",
      auth: { type: "token", token: "bearer-secret-3" },
      bodyTemplate: {
        contentType: "text",
        value: `$endpointName $url=$value at $timestamp; ${"a long text template that does not fit on one line ".repeat(6)}`,
      },
    }),
    secrets: { "connectionConfig.auth.token": "bearer-secret-3" },
  },
  {
    label: "custom auth and custom headers",
    domain: acme,
    body: webhook("custom headers", {
      uri: hook,
      auth: { type: "customAuth", value: "ApiKey custom-secret-4" },
      additionalHeaders: { "X-Source": "dm", "X-Device": "$endpointName", "X-Api-Key": "in-clear-5" },
    }),
    secrets: { "connectionConfig.auth.value": "ApiKey custom-secret-4" },
  },
  {
    label: "influxDb format to /api/v2/write",
    domain: acme,
    body: webhook(
      "climate to influx",
      {
        uri: "http://127.0.0.1:8086/api/v2/write?precision=ms&bucket=0a1b2c3d4e5f6a7b&orgID=1122334455667788",
        format: "influxDb",
        auth: { type: "customAuth", value: "Token influx-secret-6" },
        bodyTemplate: {
          contentType: "text",
          value:
            "telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType=telemetry $url=$value $timestamp",
        },
      },
      { description: "written by hand in DM's UI" },
    ),
    secrets: { "connectionConfig.auth.value": "Token influx-secret-6" },
  },
  {
    label: "lifecycle with every event type",
    domain: acme,
    body: {
      type: "webhook",
      name: "lifecycle events of every device of the plant, forwarded to the operations team's receiver for audits",
      enabled: true,
      filter: {
        type: "lifecycle",
        eventTypes: [
          "deviceCreated",
          "deviceFirstRegistration",
          "deviceUpdatedViaWrite",
          "deviceUpdatedViaFota",
          "deviceDeleted",
        ],
      },
      connectionConfig: { uri: hook },
    },
    secrets: {},
  },
  {
    label: "disabled, a description with quotes and a line break",
    domain: acme,
    body: webhook(
      "switched off",
      { uri: hook },
      {
        enabled: false,
        description: `the "old" receiver\nkept for reference — don't delete. ${"It was replaced by the new one. ".repeat(5)}`,
        allowFailures: true,
      },
    ),
    secrets: {},
  },
  {
    label: "unicode and quotes in the name",
    domain: acme,
    body: webhook('Température "salle" d\'Øst ✓', { uri: hook }),
    secrets: {},
  },
  {
    label: "a password in the URI",
    domain: acme,
    body: webhook("uri password", { uri: "http://collector:uri-secret-7@127.0.0.1:9/in" }),
    secrets: { "connectionConfig.uri": "http://collector:uri-secret-7@127.0.0.1:9/in" },
  },
  {
    label: "Kafka with the domain's properties, headers and a JSON body",
    domain: plant,
    body: {
      type: "kafka",
      name: "telemetry stream",
      enabled: true,
      filter: telemetry("/3303/0/5700", "/3304"),
      connectionConfig: {
        type: "domainProperty",
        topic: "dm.telemetry",
        headers: { device: "$endpointName", Origin: "dm" },
        bodyTemplate: { contentType: "json", value: '{"d":"$endpointName","v":"$value"}' },
      },
    },
    secrets: {},
  },
  {
    label: "Kafka with custom properties",
    domain: plant,
    body: {
      type: "kafka",
      name: "stream with sasl",
      enabled: true,
      filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted"] },
      connectionConfig: {
        type: "custom",
        value:
          "bootstrap.servers=127.0.0.1:9092\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n" +
          'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-secret-8";',
        topic: "dm-lifecycle",
      },
    },
    secrets: {
      "connectionConfig.value":
        "bootstrap.servers=127.0.0.1:9092\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n" +
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-secret-8";',
    },
  },
  {
    label: "the same name as a handler of the other domain",
    domain: plant,
    body: webhook("alerts", { uri: hook, auth: { type: "token", token: "bearer-secret-9" } }),
    secrets: { "connectionConfig.auth.token": "bearer-secret-9" },
  },
  {
    label: "a name without a Latin letter",
    domain: plant,
    body: webhook("温度センサー", { uri: hook }),
    secrets: {},
  },
];

/** Every secret value the fixture typed into DM: none may ever appear in what the export writes. */
export const fixtureSecretValues = fixtureHandlers.flatMap((h) => Object.values(h.secrets));

export interface CreatedFixture {
  /** Handler id → its fixture entry. */
  byId: Map<string, FixtureHandler>;
  ids: string[];
}

/** Creates the fixture through the DM API, one handler at a time as a user would. */
export async function createFixture(dm: ExportSandbox): Promise<CreatedFixture> {
  // DM administrators set a domain's Kafka properties; subdomains inherit them.
  await dm.setDomainKafkaProperties(acme, "bootstrap.servers=127.0.0.1:9092");
  const byId = new Map<string, FixtureHandler>();
  for (const handler of fixtureHandlers)
    byId.set(await dm.createHandler(handler.domain, handler.body), handler);
  return { byId, ids: [...byId.keys()] };
}
