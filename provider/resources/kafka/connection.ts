import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, plainJson, sameValue } from "../../canonical";
import { DmClient } from "../../client/dmClient";
import { diffResult } from "../../diffResult";
import { dmSettings } from "../../runtimeConfig";
import { type TestOutcome, testOutcome } from "../../schemas";
import { parseTestResult } from "../eventHandler/validate";
import {
  type KafkaConnectionSpec,
  producerFields,
  renderProperties,
  validateKafkaConnection,
} from "./render";

/**
 * A Kafka producer connection for DM's Kafka handlers. DM has no API for it (docs/dm-contract.md § 7), so it
 * lives in the stack: rendered to `.properties`, and verified through DM's test of a new Kafka handler.
 */
export interface ConnectionState extends KafkaConnectionSpec {
  domain?: string;
  verify: boolean;
  verifyTopic: string;
  /** Outputs: the rendered text (secret) and the last verification. */
  properties?: string | null;
  lastVerification?: TestOutcome | null;
}

type Inputs = ConnectionState & { __provider?: string };
const specFields = ["useDomainProperties", ...producerFields, "domain"] as const;

export async function check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
  const failures = validateKafkaConnection(news);
  return failures.length > 0
    ? { failures }
    : {
        inputs: plainJson({
          ...news,
          verify: news.verify ?? true,
          verifyTopic: news.verifyTopic ?? "coiote-verify",
        }),
      };
}

export async function diff(
  _id: string,
  olds: ConnectionState,
  news: ConnectionState,
): Promise<pulumi.dynamic.DiffResult> {
  const changed = [...specFields, "verify", "verifyTopic"].filter(
    (field) =>
      containsUnknown(news[field as keyof ConnectionState]) ||
      !sameValue(olds[field as keyof ConnectionState] ?? null, news[field as keyof ConnectionState] ?? null),
  );
  return diffResult(changed, []);
}

/** Renders, then (unless verify is off) has DM produce a test record with it; fails the step if DM cannot. */
async function apply(desired: ConnectionState, name: string): Promise<Record<string, unknown>> {
  const properties = desired.useDomainProperties ? null : renderProperties(desired);
  let lastVerification: ConnectionState["lastVerification"] = null;
  if (desired.verify) {
    const client = new DmClient(dmSettings(), () => [desired.password, properties ?? undefined]);
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
        parseTestResult,
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

export async function create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
  const { __provider: _, ...desired } = inputs;
  return { id: `kafka-connection-${Date.now().toString(36)}`, outs: await apply(desired, nameOf(desired)) };
}

export async function update(
  _id: string,
  _olds: ConnectionState,
  news: Inputs,
): Promise<pulumi.dynamic.UpdateResult> {
  const { __provider: _, ...desired } = news;
  return { outs: await apply(desired, nameOf(desired)) };
}

/** Nothing lives outside the stack, so the state is the truth. */
export async function read(id: string, props: ConnectionState): Promise<pulumi.dynamic.ReadResult> {
  const { properties: _p, lastVerification: _l, ...inputs } = props;
  return { id, props, inputs };
}

export async function remove(): Promise<void> {}
