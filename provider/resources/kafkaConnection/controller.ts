import { plainJson } from "../../canonical";
import { DmClient } from "../../client/dmClient";
import { defineResource } from "../../resource";
import { dmSettings } from "../../runtimeConfig";
import { testOutcome } from "../../schemas";
import { renderProperties, validateKafkaConnection } from "./render";
import { type ConnectionState, producerFields } from "./types";

/** Renders, then (unless verify is off) has DM produce a test record with it; fails the step if DM cannot. */
async function apply(desired: ConnectionState): Promise<ConnectionState> {
  const name = nameOf(desired);
  const properties = desired.useDomainProperties ? null : renderProperties(desired);
  let lastVerification: ConnectionState["lastVerification"] = null;
  if (desired.verify) {
    const client = DmClient.shared(dmSettings(), () => [desired.password, properties ?? undefined]);
    try {
      const connectionConfig = desired.useDomainProperties
        ? { type: "domainProperty", topic: desired.verifyTopic }
        : { type: "custom", topic: desired.verifyTopic, value: properties };
      const result = await client.testNew(
        "kafka",
        {
          type: "kafka",
          name: `verify ${name}`,
          enabled: true,
          filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
          connectionConfig,
        },
        desired.domain,
        `"${name}"`,
      );
      lastVerification = testOutcome(result);
    } finally {
      await client.close();
    }
    if (!lastVerification.successful) {
      throw new Error(
        `Coiote DM could not produce to Kafka with connection "${name}": ${lastVerification.message ?? "no reason given"}`,
      );
    }
  }
  return plainJson({ ...desired, properties, lastVerification });
}

const nameOf = (state: ConnectionState) =>
  (state.bootstrapServers ?? []).join(",") || state.domain || "domain properties";

export const kafkaConnection = defineResource<ConnectionState, ConnectionState>({
  replaceFields: [],
  updateFields: ["useDomainProperties", ...producerFields, "domain", "verify", "verifyTopic"],
  secretValues: (state) => [state.password, state.properties ?? undefined],
  validate: validateKafkaConnection,
  check: (_olds, news) =>
    plainJson({ ...news, verify: news.verify ?? true, verifyTopic: news.verifyTopic ?? "coiote-verify" }),

  create: async (desired) => ({
    id: `kafka-connection-${Date.now().toString(36)}`,
    outs: await apply(desired),
  }),
  update: (_id, _olds, desired) => apply(desired),
  /** Nothing lives outside the stack, so the state is the truth. */
  async read(id, props) {
    const { properties: _p, lastVerification: _l, ...inputs } = props;
    return { id, props, inputs };
  },
  delete: async () => {},
});
