import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DmClient } from "../../provider/client/dmClient";
import { describeDmError, errorBodyLimit } from "../../provider/client/errorDetail";
import { AmbiguousWriteError } from "../../provider/client/errors";
import { redact } from "../../provider/client/redact";

/**
 * Servers echo what they were sent, in whatever encoding their error page uses; none of those spellings
 * may carry a secret into an error message, and no error page may flood one.
 */
const quoted = 'tok"en\\CANARY'; // tok"en\CANARY
const bang = "pw!CANARY";

describe("redact", () => {
  it("removes a secret as sent", () => {
    expect(redact(`bad token ${quoted} here`, [quoted])).toBe("bad token [secret] here");
  });

  it("removes a secret JSON-escaped, once or twice", () => {
    const once = JSON.stringify(quoted).slice(1, -1); // tok\"en\\CANARY
    const twice = JSON.stringify(once).slice(1, -1); // tok\\\"en\\\\CANARY
    expect(once).toBe('tok\\"en\\\\CANARY');
    for (const text of [`{"message":"bad ${once}"}`, `{"message":"{\\"detail\\":\\"${twice}\\"}"}`]) {
      const result = redact(text, [quoted]);
      expect(result).not.toContain("CANARY");
      expect(result).toContain("[secret]");
    }
  });

  it("removes a secret JSON-escaped as \\u sequences", () => {
    expect(redact("x pw\\u0021CANARY y", [bang])).toBe("x [secret] y");
    expect(redact("x tok\\u0022en\\u005cCANARY y", [quoted])).toBe("x [secret] y");
  });

  it("removes a secret URL-encoded, in either case and as a form, once or twice", () => {
    for (const spelling of ["pw%21CANARY", "%70%77%21%43ANARY", "pw%2521CANARY"])
      expect(redact(`uri=http://h/?p=${spelling}&x=1`, [bang])).toBe("uri=http://h/?p=[secret]&x=1");
    expect(redact("a=tok%22en%5cCANARY", [quoted])).toBe("a=[secret]");
    expect(redact("a=tok%22en%5CCANARY", [quoted])).toBe("a=[secret]");
    expect(redact("a=my+secret+value", ["my secret value"])).toBe("a=[secret]");
    expect(redact("a=p%C3%A4ss%c3%a4", ["pässä"])).toBe("a=[secret]");
  });

  it("removes a secret HTML-escaped", () => {
    expect(redact("<p>tok&quot;en\\CANARY</p>", [quoted])).toBe("<p>[secret]</p>");
    expect(redact("<p>pw&#33;CANARY pw&#x21;CANARY</p>", [bang])).toBe("<p>[secret] [secret]</p>");
  });

  it("leaves other text alone, and ignores values too short to protect", () => {
    expect(redact("pw!CANARX and pw%21CANAR", [bang])).toBe("pw!CANARX and pw%21CANAR");
    expect(redact("abc abc", ["abc", undefined, ""])).toBe("abc abc");
  });
});

describe("error details", () => {
  it("caps a huge error page, saying how much was cut", () => {
    const page = `<html><body>${"x".repeat(1_048_576)}</body></html>`;
    const detail = describeDmError(500, page, []);
    expect(detail.length).toBeLessThan(errorBodyLimit + 100);
    expect(detail).toMatch(/^HTTP 500: <html><body>x+… \[1,046,\d{3} more characters cut\]$/);
  });

  it("keeps DM's code and message, the message capped too", () => {
    expect(describeDmError(400, { message: "filter: bad", code: 4000 }, [])).toBe(
      "HTTP 400, code 4000: filter: bad",
    );
    const detail = describeDmError(500, { message: `boom ${"y".repeat(10_000)}`, code: 5000 }, []);
    expect(detail.startsWith("HTTP 500, code 5000: boom yyy")).toBe(true);
    expect(detail).toMatch(/\[8,\d{3} more characters cut\]$/);
  });

  it("redacts before it cuts, so no part of a secret survives at the edge", () => {
    const text = `${"z".repeat(errorBodyLimit - 3)}${bang}`;
    const detail = describeDmError(500, text, [bang]);
    expect(detail).not.toContain("pw!");
    expect(detail).not.toContain("CANARY");
  });
});

describe("error messages over HTTP", () => {
  let server: Server;
  let baseUrl: string;
  let answer: { type: string; body: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(500, { "content-type": answer.type }).end(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new DmClient(
      {
        baseUrl,
        credentials: { kind: "token", token: quoted },
        timeoutMs: 5_000,
        retryBudgetMs: 5_000,
      },
      () => [bang], // a handler's password
    );
  const createError = async () => {
    const c = client();
    try {
      return (await c
        .create("webhook", { name: "alerts" }, "/acme/", '"alerts"')
        .catch((e: unknown) => e)) as Error;
    } finally {
      await c.close();
    }
  };

  it("a 1 MB HTML error page echoing secrets: short message, no secret", async () => {
    const echoes = `token ${JSON.stringify(quoted)} uri http://u:${encodeURIComponent(bang).replace("!", "%21")}@h/`;
    answer = {
      type: "text/html",
      body: `<html><body><h1>500</h1><pre>${echoes}</pre>${"<p>filler</p>\n".repeat(75_000)}</body></html>`,
    };
    expect(answer.body.length).toBeGreaterThan(1_000_000);
    const error = await createError();
    expect(error).toBeInstanceOf(AmbiguousWriteError);
    expect(error.message.length).toBeLessThan(errorBodyLimit + 300);
    expect(error.message).toMatch(/^Coiote DM: create webhook handler "alerts" failed: HTTP 500: <html>/);
    expect(error.message).toMatch(/more characters cut\]; the write may have happened$/);
    expect(error.message).toContain(`token "[secret]" uri http://u:[secret]@h/`);
    expect(error.message).not.toContain("CANARY");
  });

  it("DM's JSON error echoing secrets double-escaped: DM's code and message kept, no secret", async () => {
    const twice = JSON.stringify(JSON.stringify(quoted).slice(1, -1)).slice(1, -1);
    answer = {
      type: "application/json",
      body: JSON.stringify({ message: `cannot use {"token":"${twice}"} or pw%21CANARY`, code: 5000 }),
    };
    const error = await createError();
    expect(error.message).toMatch(
      /failed: HTTP 500, code 5000: cannot use \{"token":"\[secret\]"\} or \[secret\]/,
    );
    expect(error.message).not.toContain("CANARY");
  });
});
