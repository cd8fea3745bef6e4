/**
 * What a provider's diff answers when an input changed: `changes` left unknown, so the engine compares the
 * (canonical) inputs itself and the CLI's `--diff` marks each changed property (provider/resource.ts).
 */
export const inputsChanged = undefined;
