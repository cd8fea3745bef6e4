import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { containsUnknown, isUnknown, sameValue } from "./canonical";
import { schemaFailures } from "./checkFailures";
import { redact } from "./client/redact";

/**
 * The one skeleton every resource kind is built on. A kind says what it validates, which fields replace
 * and which update in place, where its secrets are, and how it creates, reads, updates and deletes; the
 * skeleton does the plumbing the same way for all of them:
 * - the serialized provider (`__provider`, stored with every dynamic resource) is stripped before any
 *   method of the kind sees the inputs, and put back on what `check` returns;
 * - validation skips values not known until apply (the engine's unknown placeholder, pulumi#6310);
 * - secret values never appear in a check failure or an error message;
 * - the diff is computed from the field lists. When an input changed, `changes` is left unknown on purpose:
 *   the engine then compares the old and new inputs itself (both canonical: `check` returns them so and
 *   `read` realigns them) and keeps that comparison's per-property detail, so `pulumi preview --diff`
 *   marks exactly the changed properties, a secret as `[secret] => [secret]` (the dynamic-provider host
 *   forwards no detailed diff of a provider's own). The decision stays the kind's: "no changes" for what
 *   only looks different (a masked secret, list order, DM's defaults), and the fields that replace.
 */

/** The inputs as the engine hands them over: with the serialized provider. */
export type WithProvider<T> = T & { __provider?: string };

type FieldOf<T> = keyof T & string;

export interface ResourceDefinition<Inputs extends object, Outputs extends object> {
  /** Input fields whose change replaces the resource; one left out of the new inputs keeps its value. */
  replaceFields: readonly FieldOf<Inputs>[];
  /** Input fields whose change updates the resource in place. */
  updateFields: readonly FieldOf<Inputs>[];
  /** The secret values of a state, removed from every message. */
  secretValues?: (state: Partial<Inputs & Outputs>) => Iterable<string | undefined>;
  /** Field comparisons other than "same JSON" (called only for known new values). */
  sameField?: { [F in FieldOf<Inputs>]?: (olds: Outputs, news: Inputs) => boolean };
  /** A change the inputs cannot show (the resource wants an update though no input changed). */
  otherChange?: (olds: Outputs, news: Inputs) => boolean;
  /** The inputs' zod schema: its issues are check failures, values not known yet skipped (schemaFailures). */
  schema?: z.ZodType;
  /** What else is wrong with the inputs, judged on what is known. */
  validate?: (news: Inputs) => pulumi.dynamic.CheckFailure[] | Promise<pulumi.dynamic.CheckFailure[]>;
  /** The valid inputs in canonical form. */
  check: (olds: Inputs | undefined, news: Inputs) => Inputs | Promise<Inputs>;
  create: (inputs: Inputs) => Promise<{ id: string; outs: Outputs }>;
  read: (id: string, props: Outputs) => Promise<pulumi.dynamic.ReadResult<Outputs>>;
  update: (id: string, olds: Outputs, news: Inputs) => Promise<Outputs>;
  delete: (id: string, props: Outputs) => Promise<void>;
}

/**
 * What `provider/runtime.ts` registers for a kind: the dynamic provider's methods (delete is `remove`, the
 * name the serialized stubs in existing states call). Method syntax keeps the registry's entries, typed
 * with their own inputs and outputs, assignable to the registry's common type.
 */
export interface ResourceController<Inputs extends object, Outputs extends object> {
  check(
    olds: WithProvider<Inputs> | undefined,
    news: WithProvider<Inputs>,
  ): Promise<pulumi.dynamic.CheckResult<Inputs>>;
  diff(id: string, olds: Outputs, news: WithProvider<Inputs>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: WithProvider<Inputs>): Promise<{ id: string; outs: Outputs }>;
  read(id: string, props: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>>;
  update(id: string, olds: Outputs, news: WithProvider<Inputs>): Promise<{ outs: Outputs }>;
  remove(id: string, props: Outputs): Promise<void>;
}

/** The registry's common type: any kind's controller, as the dynamic-provider host calls it. */
export type AnyResourceController = ResourceController<object, object>;

function strip<T extends object>(inputs: WithProvider<T>): { desired: T; providerCode: string | undefined } {
  const { __provider: providerCode, ...desired } = inputs;
  return { desired: desired as T, providerCode };
}

/**
 * A create or update that made its object but failed after it (a failed test on apply): the engine records
 * the object with these properties as a partial step, so it stays in the state and is never leaked.
 */
export class PartialStepError extends Error {
  override name = "PartialStepError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(message);
  }
  /** What the dynamic-provider host reports as the step's failure. */
  get reasons(): string[] {
    return [this.message];
  }
}

/** Removes the state's secrets from an error's message, keeping the error itself (its id, properties). */
function redacted(error: unknown, secrets: Iterable<string | undefined>): unknown {
  if (error instanceof Error) {
    const message = redact(error.message, secrets);
    if (message !== error.message) error.message = message;
  }
  return error;
}

export function defineResource<Inputs extends object, Outputs extends object>(
  definition: ResourceDefinition<Inputs, Outputs>,
): ResourceController<Inputs, Outputs> {
  const secretsOf = (state: Partial<Inputs & Outputs> | undefined) =>
    state && definition.secretValues ? [...definition.secretValues(state)] : [];
  const guarded = async <T>(
    state: Partial<Inputs & Outputs> | undefined,
    action: () => Promise<T>,
    providerCode?: string,
  ) => {
    try {
      return await action();
    } catch (error) {
      // The host records a partial step's properties as they are: refresh and destroy of the recorded
      // object need the serialized provider in them too.
      if (error instanceof PartialStepError) error.properties.__provider = providerCode;
      throw redacted(error, secretsOf(state));
    }
  };
  const fieldChanged = (olds: Outputs, news: Inputs, field: FieldOf<Inputs>): boolean => {
    const value = news[field];
    if (containsUnknown(value)) return true;
    const same = definition.sameField?.[field];
    if (same) return !same(olds, news);
    return !sameValue((olds as Record<string, unknown>)[field], value);
  };

  return {
    async check(olds, news) {
      const { desired } = strip(news);
      const previous = olds === undefined ? undefined : strip(olds).desired;
      const secretValues = secretsOf(desired as Partial<Inputs & Outputs>).filter(
        (v): v is string => typeof v === "string" && !isUnknown(v),
      );
      const failures = [
        ...(definition.schema ? schemaFailures(definition.schema, desired) : []),
        ...((await definition.validate?.(desired)) ?? []),
      ].map((failure) => ({ ...failure, reason: redact(failure.reason, secretValues) }));
      if (failures.length > 0) return { failures };
      const inputs = await definition.check(previous, desired);
      return {
        inputs: ("__provider" in news ? { ...inputs, __provider: news.__provider } : inputs) as Inputs,
      };
    },

    async diff(_id, olds, news) {
      const { desired } = strip(news);
      const replaces = definition.replaceFields.filter(
        (field) => desired[field] !== undefined && fieldChanged(olds, desired, field),
      );
      const updates = definition.updateFields.filter((field) => fieldChanged(olds, desired, field));
      if (replaces.length + updates.length > 0)
        return { changes: undefined, replaces, deleteBeforeReplace: false };
      return {
        changes: definition.otherChange?.(olds, desired) ?? false,
        replaces: [],
        deleteBeforeReplace: false,
      };
    },

    async create(inputs) {
      const { desired, providerCode } = strip(inputs);
      return guarded(desired as Partial<Inputs & Outputs>, () => definition.create(desired), providerCode);
    },

    async read(id, props) {
      return guarded(props as Partial<Inputs & Outputs>, () => definition.read(id, props));
    },

    async update(id, olds, news) {
      const { desired, providerCode } = strip(news);
      return guarded(
        { ...olds, ...desired } as Partial<Inputs & Outputs>,
        async () => ({
          outs: await definition.update(id, olds, desired),
        }),
        providerCode,
      );
    },

    async remove(id, props) {
      return guarded(props as Partial<Inputs & Outputs>, () => definition.delete(id, props));
    },
  };
}
