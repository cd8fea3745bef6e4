import { containsUnknown, isObject, plainJson } from "../../canonical";
import { DmClient } from "../../client/dmClient";
import { defineResource, PartialStepError } from "../../resource";
import { defaultDomain, dmSettings } from "../../runtimeConfig";
import { normalizeDomain, type TestOutcome, testOutcome } from "../../schemas";
import { canonicalState, fieldChanged, stateFromApi, toCreateBody, toUpdateBody } from "./model";
import { claimHandler, createWithoutDuplicates } from "./reconcile";
import { type HandlerState, replaceFields, updatableFields } from "./types";
import { validateHandlerInputs } from "./validate";

/** A label for messages: the handler's name, quoted. */
const label = (state: Pick<HandlerState, "name">) => JSON.stringify(state.name);

function withClient<T>(
  state: HandlerState | undefined,
  action: (client: DmClient) => Promise<T>,
): Promise<T> {
  const client = DmClient.shared(dmSettings(), () => Object.values(state?.secrets ?? {}));
  return action(client).finally(() => client.close());
}

/** Outputs are the canonical state: exactly what a refresh reads back, so refresh after up is a no-op. */
function outputsOf(state: HandlerState): HandlerState {
  return plainJson(canonicalState(state));
}

async function runTest(client: DmClient, id: string, state: HandlerState): Promise<TestOutcome> {
  // DM switches a handler on after a successful test of it, so a handler the code wants off is tested as
  // a new configuration instead, which leaves the stored handler as it is.
  const result = state.enabled
    ? await client.testExisting(id, label(state))
    : await client.testNew(state.type, toCreateBody(state), state.domain, label(state));
  return testOutcome(result);
}

/** Applies testOnApply: records the result, and fails the step (keeping the handler) when the test fails. */
async function testIfAsked(client: DmClient, id: string, state: HandlerState): Promise<HandlerState> {
  if (!state.testOnApply) return { ...state, lastTest: state.lastTest };
  const lastTest = await runTest(client, id, state);
  const tested = { ...state, lastTest };
  if (!lastTest.successful) {
    throw new PartialStepError(
      `Coiote DM: the test of ${state.type} handler ${label(state)} (${id}) failed: ${lastTest.message ?? "no reason given"}. ` +
        "The handler exists and is kept in the stack; fix the receiver or the configuration and run `pulumi up` again " +
        "(or set testOnApply: false).",
      id,
      { ...outputsOf(tested) },
    );
  }
  return tested;
}

/** Takes over an existing handler: one PUT if it differs from the code, none if it already matches. */
async function adopt(client: DmClient, id: string, desired: HandlerState): Promise<string> {
  // Claimed before anything else, so a lost create's search elsewhere in this run never takes it.
  claimHandler(id);
  const existing = await client.get(id, label(desired));
  if (!existing)
    throw new Error(
      `Coiote DM: cannot adopt handler ${id} for ${label(desired)}: DM has no handler with that id`,
    );
  if (existing.type !== desired.type) {
    throw new Error(
      `Coiote DM: cannot adopt handler ${id} as a ${desired.type} handler: it is a ${existing.type} handler`,
    );
  }
  if (desired.domain && existing.domain && normalizeDomain(existing.domain) !== desired.domain) {
    throw new Error(
      `Coiote DM: cannot adopt handler ${id}: it lives in domain ${existing.domain}, the code says ${desired.domain} (domain cannot change)`,
    );
  }
  const current = stateFromApi(existing, desired);
  const differs = updatableFields.some((field) => fieldChanged(current, desired, field));
  if (differs) await client.update(desired.type, id, toUpdateBody(desired), label(desired));
  return id;
}

const secretValues = (state: Partial<HandlerState>) =>
  isObject(state.secrets) ? Object.values(state.secrets) : [];

export const eventHandler = defineResource<HandlerState, HandlerState>({
  replaceFields,
  updateFields: [...updatableFields, "testOnApply"],
  secretValues,
  sameField: Object.fromEntries(
    [...replaceFields, ...updatableFields, "testOnApply" as const].map((field) => [
      field,
      (olds: HandlerState, news: HandlerState) => !fieldChanged(olds, news, field),
    ]),
  ),
  // A failed test on apply is retried by the next `up`, even when nothing else changed.
  otherChange: (olds, news) =>
    news.testOnApply !== false && olds.lastTest != null && !olds.lastTest.successful,
  validate: validateHandlerInputs,
  check(olds, news) {
    const domain =
      typeof news.domain === "string" && !containsUnknown(news.domain)
        ? normalizeDomain(news.domain)
        : news.domain;
    // The inputs in the outputs' canonical form (DM's defaults filled in, lists sorted), so that a preview
    // compares like with like and shows the user's change and nothing else; unknown parts stay unknown.
    // Undefined members would break the engine's Struct conversion (pulumi#2205): plainJson drops them.
    return plainJson(canonicalState({ ...news, domain: domain ?? olds?.domain ?? defaultDomain() }));
  },

  create: (desired) =>
    withClient(desired, async (client) => {
      const id = desired.adoptId
        ? await adopt(client, desired.adoptId, desired)
        : await createWithoutDuplicates(client, desired, label(desired));
      const state = await testIfAsked(client, id, desired);
      return { id, outs: outputsOf(state) };
    }),

  read: (id, props) =>
    withClient(props, async (client) => {
      const handler = await client.read(id, props.domain, label(props));
      // Gone from DM: an empty result removes it from the state, and the next `up` creates it again.
      if (!handler) return {};
      // stateFromApi's state is canonical already: only the undefined members are left to drop.
      const outs = plainJson(stateFromApi(handler, props));
      const { lastTest: _lastTest, ...inputs } = outs;
      return { id, props: outs, inputs };
    }),

  update: (id, olds, desired) =>
    withClient(desired, async (client) => {
      const remoteChange = updatableFields.some((field) => fieldChanged(olds, desired, field));
      if (remoteChange) await client.update(desired.type, id, toUpdateBody(desired), label(desired));
      return outputsOf(await testIfAsked(client, id, { ...desired, lastTest: olds.lastTest }));
    }),

  delete: (id, props) => withClient(props, (client) => client.delete(id, label(props))),
});
