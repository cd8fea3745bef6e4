import type * as pulumi from "@pulumi/pulumi";

/**
 * The answer to the engine's diff, given what the provider found changed.
 *
 * When an input changed, `changes` is left unknown on purpose: the engine then compares the old and new
 * inputs itself (both in canonical form, since `check` returns them so and `read` realigns them) and keeps
 * that comparison's per-property detail, so `pulumi preview --diff` marks exactly the changed properties,
 * a secret as `[secret] => [secret]`. The dynamic-provider host forwards no detailed diff of a provider's
 * own, and without one the CLI shows a changed secret as an update with nothing marked. The decision stays
 * the provider's: it answers "no changes" for what only looks different (a masked secret, list order,
 * DM's defaults), and names the properties that force a replacement.
 *
 * A change the inputs cannot show (a failed test on apply, retried by the next `up`) is a plain "changes".
 */
export function diffResult(
  changedInputs: readonly string[],
  replaces: readonly string[],
  otherChange = false,
): pulumi.dynamic.DiffResult {
  if (changedInputs.length > 0)
    return { changes: undefined, replaces: [...replaces], deleteBeforeReplace: false };
  return { changes: otherChange, replaces: [], deleteBeforeReplace: false };
}
