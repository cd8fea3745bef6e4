import type { Filter, HandlerKind, SecretMap, TestOutcome } from "../../schemas";

/**
 * The provider's view of one handler: the checked inputs, and (with lastTest) the outputs. connectionConfig
 * holds everything but the secret leaves, which live in `secrets`.
 */
export interface HandlerState {
  type: HandlerKind;
  name: string;
  enabled: boolean;
  description: string | null;
  domain?: string;
  filter: Filter;
  connectionConfig: Record<string, unknown>;
  secrets: SecretMap;
  allowFailures: boolean;
  testOnApply: boolean;
  adoptId?: string;
  lastTest?: TestOutcome;
}

/** The fields DM can change in place; `type` and `domain` cannot change, so they replace. */
export const updatableFields = [
  "name",
  "enabled",
  "description",
  "filter",
  "connectionConfig",
  "secrets",
  "allowFailures",
] as const;
export const replaceFields = ["type", "domain"] as const;
