import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ExportSandbox, handlerApi, startExportSandbox, token } from "./dm";

/** The sandbox's domain discovery, GET /api/coiotedm/v3/domains, which `coiote-export --recursive` uses. */
describe("sandbox: GET /api/coiotedm/v3/domains", () => {
  let dm: ExportSandbox;
  const domains = async (bearer = token) => {
    const response = await fetch(`${dm.url}/api/coiotedm/v3/domains`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const handler = (name: string) => ({
    type: "webhook",
    name,
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
    connectionConfig: { uri: "http://127.0.0.1:9/x" },
  });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${dm.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeEach(async () => {
    dm = await startExportSandbox();
  });
  afterEach(async () => {
    await dm.stop();
  });

  it("answers the caller's own domain and every subdomain it knows of, with the parents between", async () => {
    expect(await domains()).toEqual({ status: 200, body: ["/"] });
    await dm.createHandler("/acme/plant-1/line-a/", handler("a"));
    await dm.createHandler("/beta/", handler("b"));
    await dm.setDomainKafkaProperties("/acme/kafka-only/", "bootstrap.servers=h:1");
    expect((await domains()).body).toEqual([
      "/",
      "/acme/",
      "/acme/kafka-only/",
      "/acme/plant-1/",
      "/acme/plant-1/line-a/",
      "/beta/",
    ]);
  });

  it("shows a token bound to a domain only its own tree", async () => {
    await dm.createHandler("/acme/plant-1/", handler("a"));
    await dm.createHandler("/beta/", handler("b"));
    const issued = (await (await admin("POST", "/tokens", { domain: "/acme/" })).json()) as {
      access_token: string;
    };
    expect((await domains(issued.access_token)).body).toEqual(["/acme/", "/acme/plant-1/"]);
  });

  it("remembers a domain whose handlers were deleted, until a reset", async () => {
    const id = await dm.createHandler("/gone/", handler("a"));
    await fetch(`${dm.url}${handlerApi}/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await domains()).body).toEqual(["/", "/gone/"]);
    await admin("POST", "/reset");
    expect((await domains()).body).toEqual(["/"]);
  });

  it("needs a valid token, and is a logged DM API call", async () => {
    expect(await domains("wrong")).toEqual({ status: 401, body: { message: "invalid token", code: 4010 } });
    const log = await dm.requests();
    expect(log.filter((r) => r.path === "/api/coiotedm/v3/domains").map((r) => r.status)).toEqual([401]);
  });
});
