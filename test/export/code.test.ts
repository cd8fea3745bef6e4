import { readFileSync } from "node:fs";
import path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { arr, type Code, literal, obj, print, prop, propertyKey, raw, str } from "../../export/code";
import { repoRoot } from "./dm";

const options = {
  ...(JSON.parse(readFileSync(path.join(repoRoot, ".prettierrc.json"), "utf8")) as prettier.Options),
  parser: "typescript",
};

/** The statement the export would write for `code`, and what Prettier makes of it. */
async function both(code: Code): Promise<{ ours: string; prettier: string }> {
  const head = `const resource = new EventHandler("resource", `;
  const ours = `${head}${print(obj([prop("value", code)], true), 0, head.length, ");")});\n`;
  return { ours, prettier: await prettier.format(ours, options) };
}

describe("the code printer writes what Prettier would (so generated files pass prettier --check)", () => {
  it("puts arrays and objects on one line exactly when they fit in 110 columns", async () => {
    // `  value: [` is 10 columns, `],` 2 more: lengths around the limit, on both sides of it.
    for (let width = 95; width <= 120; width++) {
      const filler = "x".repeat(width - 10 - 2 - 2 - 14);
      const array = arr([str("/3303/0/5700"), str(filler)]);
      const { ours, prettier: formatted } = await both(array);
      expect(ours, `width ${width}`).toBe(formatted);
      const object = obj([prop("contentType", str("json")), prop("value", str(filler))]);
      const pair = await both(object);
      expect(pair.ours, `object, width ${width}`).toBe(pair.prettier);
    }
  });

  it("moves a string that does not fit to the next line, unless its key is shorter than five columns", async () => {
    for (let length = 80; length <= 110; length += 3) {
      for (const key of ["uri", "name", "value", "description", "X-Api-Key", "值值值"]) {
        const code = obj([prop(key, str("s".repeat(length)))], true);
        const { ours, prettier: formatted } = await both(code);
        expect(ours, `${key}, ${length}`).toBe(formatted);
      }
    }
  });

  it("counts wide characters as two columns, as Prettier does", async () => {
    for (let n = 40; n <= 56; n++) {
      const code = obj([prop("type", str("telemetry")), prop("value", str(`温度${"x".repeat(n)}😀`))]);
      const { ours, prettier: formatted } = await both(code);
      expect(ours, `${n}`).toBe(formatted);
    }
  });

  it("breaks nested values from the outside in", async () => {
    const long = (n: number) => Array.from({ length: n }, (_, i) => str(`/33${i}/0/5700`));
    for (const n of [1, 5, 8, 9, 12, 30]) {
      const code = obj([prop("type", str("telemetry")), prop("lwm2mUrls", arr(long(n)))]);
      const { ours, prettier: formatted } = await both(code);
      expect(ours, `${n} paths`).toBe(formatted);
    }
  });

  it("keeps long strings and expressions on their line, and expanded objects expanded", async () => {
    const code = obj(
      [
        prop("value", str("v".repeat(300))),
        prop("secret", raw('config.requireSecret("aVeryLongResourceIdentifierNameKafkaProperties")')),
        prop("small", obj([prop("a", str("b"))], true)),
        prop("empty", arr([])),
        prop("none", obj([])),
      ],
      true,
    );
    const { ours, prettier: formatted } = await both(code);
    expect(ours).toBe(formatted);
  });

  it("quotes strings as Prettier does: double unless that needs more escapes, escapes kept", async () => {
    const samples = [
      "plain",
      'say "hi"',
      "it's",
      `it's "both" '`,
      '{"device":"$endpointName","value":"$value"}',
      "line\nbreak\ttab \\ backslash",
      "unicode ✓ Øst 温度 \u2028 separator",
      "\u0001 control",
      'mixed "" \'',
      "lone \ud800 surrogate",
    ];
    for (const sample of samples) {
      const source = `const a = ${literal(sample)};\n`;
      expect(await prettier.format(source, options), sample).toBe(source);
      // And it is still the same string.
      expect(new Function(`return ${literal(sample)};`)()).toBe(sample);
    }
  });

  it("quotes object keys only where needed", async () => {
    const keys = [
      "device",
      "X-Source",
      "café",
      "$value",
      "123",
      "with space",
      "Origin",
      "a.b",
      "_x",
      'q"uote',
    ];
    const code = obj(
      keys.map((key) => prop(key, str("v"))),
      true,
    );
    const { ours, prettier: formatted } = await both(code);
    expect(ours).toBe(formatted);
    expect(propertyKey("X-Source")).toBe('"X-Source"');
    expect(propertyKey("device")).toBe("device");
  });

  it("writes comments above properties, on one line each", async () => {
    const code = obj([prop("a", str("b"), ["first\nsecond\u2028third"]), prop("c", raw("true"))], true);
    const { ours, prettier: formatted } = await both(code);
    expect(ours).toBe(formatted);
    expect(ours).toContain("// first second third\n");
  });
});
