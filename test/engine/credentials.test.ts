import { describe, expect, it } from "vitest";
import { type ProgramStack } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";

/**
 * Credentials reach the provider at run time (stack config or environment), are never stored in the
 * state, and a stack without them fails with a message that says what to set.
 */
const password = "env-canary-password-3c9d";

const handlers = (uri: string) =>
  JSON.stringify([
    {
      resourceName: "hook",
      args: {
        type: "webhook",
        name: "cred-hook",
        filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
        connectionConfig: { uri },
      },
    },
  ]);

const fixture = useSandboxAndReceiver({
  users: [{ username: "ci", password, domain: "/ci/" }],
  tokenTtlSeconds: 2,
});

describe.sequential("provider credentials", () => {
  let stack: ProgramStack;

  it("logs in with a username and password from the environment, in the user's domain", async () => {
    stack = await fixture.stack({
      program: "test/programs/event-handlers",
      config: { handlers: { value: handlers(`${fixture.receiver.url}/env`) } },
      env: { COIOTE_URL: fixture.sandbox.url, COIOTE_USERNAME: "ci", COIOTE_PASSWORD: password },
    });
    expect((await stack.up()).operations).toEqual({ hook: "create" });
    expect(await fixture.sandbox.handlers()).toMatchObject([{ name: "cred-hook", domain: "/ci/" }]);
    const logins = (await fixture.sandbox.requests()).filter((r) => r.path === "/api/auth/oauth_password");
    expect(logins.length).toBeGreaterThanOrEqual(1);
    expect(logins.every((r) => r.status === 201)).toBe(true);
  });

  it("logs in again when the token expires between runs", async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await stack.refresh()).changes).toBe(0);
  });

  it("keeps no credential in the state", async () => {
    const state = stack.stateFileText();
    expect(state).toContain("cred-hook");
    expect(state).not.toContain(password);
  });

  it("destroys with the credentials of the current environment", async () => {
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });

  it("says what to set when no credentials are configured", async () => {
    const bare = await fixture.stack({
      program: "test/programs/event-handlers",
      config: { handlers: { value: handlers(`${fixture.receiver.url}/none`) } },
    });
    await expect(bare.up()).rejects.toThrow(/Coiote DM is not configured: set `pulumi config set coiote:url/);
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});
