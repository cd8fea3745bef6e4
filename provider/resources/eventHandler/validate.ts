import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, isObject, isUnknown, unknownValue } from "../../canonical";
import { failureAt, schemaFailures, valueOnPath } from "../../checkFailures";
import {
  eventHandlerConfigurationSchema,
  type HandlerKind,
  handlerIdPattern,
  joinSecrets,
  type SecretMap,
  secretPaths,
  withDefaults,
} from "../../schemas";
import { apiBody } from "./model";
import type { HandlerState } from "./types";

/**
 * The secret leaves to validate the configuration with. While the secrets are not known yet (preview),
 * every secret the configuration may hold is taken as an unknown value, so nothing is reported missing.
 */
function secretsForValidation(kind: unknown, config: unknown, secrets: unknown): SecretMap<unknown> {
  if (isObject(secrets)) return secrets;
  if (!isUnknown(secrets) || !isObject(config)) return {};
  const kinds: HandlerKind[] = kind === "webhook" || kind === "kafka" ? [kind] : ["webhook", "kafka"];
  const possible: SecretMap<unknown> = {};
  for (const path of kinds.flatMap((k) => secretPaths[k])) {
    const parent = path.split(".").slice(0, -1);
    if (parent.length === 0 || isObject(valueOnPath(config, parent))) possible[path] = unknownValue;
  }
  return possible;
}

/** True when the path points at a secret leaf, or at an object that holds one. */
function holdsSecret(kind: unknown, path: readonly PropertyKey[]): boolean {
  if (path[0] !== "connectionConfig") return path[0] === "secrets";
  const inner = path.slice(1).join(".");
  const paths: readonly string[] = kind === "webhook" || kind === "kafka" ? secretPaths[kind] : [];
  return inner === "" || paths.some((secret) => secret === inner || secret.startsWith(`${inner}.`));
}

/**
 * Validates a handler's inputs against the shared API schemas (the ones the sandbox enforces), so a bad
 * value is reported at preview with the property and the reason, before any API call. Values not known
 * until apply, at any level, are skipped. Secret values never appear in a message.
 */
export function validateHandlerInputs(news: HandlerState): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const secrets = secretsForValidation(news.type, news.connectionConfig, news.secrets);
  const secretValues = Object.values(secrets).filter((v): v is string => typeof v === "string");
  const filled = withDefaults(news);
  const body = {
    ...apiBody(filled, (config) => (isObject(config) ? joinSecrets(config, secrets) : config)),
    domain: filled.domain ?? null,
  };
  failures.push(
    ...schemaFailures(eventHandlerConfigurationSchema, body, {
      secretValues,
      isSecret: (path) => holdsSecret(news.type, path),
    }),
  );
  if (
    news.testOnApply !== undefined &&
    typeof news.testOnApply !== "boolean" &&
    !containsUnknown(news.testOnApply)
  ) {
    failures.push(failureAt(["testOnApply"], "must be true or false"));
  }
  const adoptId = news.adoptId;
  if (
    adoptId !== undefined &&
    !containsUnknown(adoptId) &&
    (typeof adoptId !== "string" || !handlerIdPattern.test(adoptId))
  ) {
    failures.push(failureAt(["adoptId"], "must be a DM handler id: 24 lowercase hexadecimal characters"));
  }
  return failures;
}
