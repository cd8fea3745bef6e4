import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DmClient } from "../../provider/client/dmClient";
import { DomainReads } from "../../provider/client/domainReads";
import { DmSandbox } from "../../testing";

/**
 * A refresh reads every handler at once; DmClient.read answers those reads with one list call per domain.
 * Against the real sandbox: the calls it makes (from the request log) and that the answers stay exact.
 */
let sandbox: DmSandbox;

beforeAll(async () => {
  sandbox = await DmSandbox.start({ masking: true });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const client = () =>
  new DmClient({
    baseUrl: sandbox.url,
    credentials: { kind: "token", token: sandbox.token },
    timeoutMs: 5_000,
    retryBudgetMs: 5_000,
  });

async function makeHandlers(domain: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { body: id } = await sandbox.api(
      "POST",
      `/deviceEvents/handler/webhook?domain=${encodeURIComponent(domain)}`,
      {
        type: "webhook",
        name: `h${i}`,
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: { uri: "http://127.0.0.1:9/x", auth: { type: "token", token: "s3cret" } },
      },
    );
    ids.push(id as string);
  }
  return ids;
}

/** The DM API calls since `mark`, as "METHOD path" without the query. */
async function callsSince(mark: number): Promise<string[]> {
  return (await sandbox.requestsSince(mark)).map((r) => `${r.method} ${r.path.split("?")[0]}`);
}

describe("reads through domain lists", () => {
  it("answers reads that come together with one list per domain, each handler as a GET shows it", async () => {
    const a = await makeHandlers("/reads/a/", 5);
    const b = await makeHandlers("/reads/b/", 3);
    const dm = client();
    const mark = (await sandbox.requests()).length;
    const read = await Promise.all([
      ...a.map((id) => dm.read(id, "/reads/a/")),
      ...b.map((id) => dm.read(id, "/reads/b/")),
    ]);
    expect(await callsSince(mark)).toEqual([
      "GET /api/coiotedm/v3/deviceEvents/handler",
      "GET /api/coiotedm/v3/deviceEvents/handler",
    ]);
    const viaGet = await Promise.all([...a, ...b].map((id) => dm.get(id)));
    expect(read).toEqual(viaGet);
    expect(read.map((h) => h?.connectionConfig)).toContainEqual(
      expect.objectContaining({ auth: { type: "token", token: "********" } }),
    );
    await dm.close();
  });

  it("reads a handler the list does not hold by GET, so only DM's 404 says it is gone", async () => {
    const [kept, deleted] = await makeHandlers("/reads/c/", 2);
    await sandbox.admin("DELETE", `/handlers/${deleted}`);
    const dm = client();
    const mark = (await sandbox.requests()).length;
    const [stillThere, gone] = await Promise.all([
      dm.read(kept!, "/reads/c/"),
      dm.read(deleted!, "/reads/c/"),
    ]);
    expect(stillThere?.id).toBe(kept);
    expect(gone).toBeUndefined();
    expect(await callsSince(mark)).toEqual([
      "GET /api/coiotedm/v3/deviceEvents/handler",
      `GET /api/coiotedm/v3/deviceEvents/handler/${deleted}`,
    ]);
    await dm.close();
  });

  it("lists again after a write, so a read after an update sees the update", async () => {
    const [id] = await makeHandlers("/reads/d/", 1);
    const dm = client();
    expect((await dm.read(id!, "/reads/d/"))?.name).toBe("h0");
    await dm.update("webhook", id!, { name: "renamed" }, "h0");
    expect((await dm.read(id!, "/reads/d/"))?.name).toBe("renamed");
    await dm.close();
  });

  it("falls back to GET when the list fails", async () => {
    const ids = await makeHandlers("/reads/e/", 2);
    await sandbox.addFault({
      pathPattern: "/deviceEvents/handler$", // the list only, not the GET of one
      method: "GET",
      kind: "status",
      status: 403,
    });
    const dm = client();
    const mark = (await sandbox.requests()).length;
    const read = await Promise.all(ids.map((id) => dm.read(id, "/reads/e/")));
    expect(read.map((h) => h?.id)).toEqual(ids);
    expect((await callsSince(mark)).sort()).toEqual(
      [
        "GET /api/coiotedm/v3/deviceEvents/handler",
        ...ids.map((id) => `GET /api/coiotedm/v3/deviceEvents/handler/${id}`),
      ].sort(),
    );
    await dm.close();
  });

  it("lists again once the list is older than freshMs", async () => {
    let now = 0;
    const reads = new DomainReads(2_000, () => now);
    let lists = 0;
    const list = async () => {
      lists++;
      return [];
    };
    await reads.find("/d/", "x", list);
    now = 1_500;
    await reads.find("/d/", "x", list);
    expect(lists).toBe(1);
    now = 3_600;
    await reads.find("/d/", "x", list);
    expect(lists).toBe(2);
  });
});
