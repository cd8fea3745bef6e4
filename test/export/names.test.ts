import { describe, expect, it } from "vitest";
import { assignNames, baseNames, envVarFor, projectNameFor, words } from "../../export/names";

const id = (n: number) => n.toString(16).padStart(24, "0");

describe("resource names from handler names", () => {
  it("are the ASCII words of the name, accents dropped", () => {
    expect(words('Température "salle" d\'Øst ✓')).toEqual(["temperature", "salle", "d", "ost"]);
    expect(words("tempAlerts2 HTTP-hook_v3")).toEqual(["temp", "alerts", "2", "http", "hook", "v", "3"]);
    expect(words("Straße Łódź")).toEqual(["strasse", "lodz"]);
    expect(baseNames("Temperature alerts (plant 1)", "webhook handler")).toEqual({
      ident: "temperatureAlertsPlant1",
      resourceName: "temperature-alerts-plant-1",
    });
  });

  it("fall back to the handler's kind when nothing Latin is left, or the name starts with a digit", () => {
    expect(baseNames("温度センサー", "webhook handler")).toEqual({
      ident: "webhookHandler",
      resourceName: "webhook-handler",
    });
    expect(baseNames("'\"", "kafka handler").ident).toBe("kafkaHandler");
    expect(baseNames("3303 readings", "webhook handler")).toEqual({
      ident: "webhookHandler3303Readings",
      resourceName: "webhook-handler-3303-readings",
    });
  });

  it("never take a reserved word or a name the program uses", () => {
    for (const name of [
      "delete",
      "config",
      "pulumi",
      "new",
      "handlerIds",
      "EventHandler",
      "await",
      "package",
    ])
      expect(baseNames(name, "webhook handler").ident, name).toMatch(/Handler$/);
    expect(baseNames("config", "webhook handler").resourceName).toBe("config-handler");
  });

  it("stay short enough for the declaration to fit on its line", () => {
    const names = baseNames("a very long handler name that goes on and on about what it forwards", "x");
    expect(names.resourceName.length).toBeLessThanOrEqual(30);
    expect(names.resourceName).toBe("a-very-long-handler-name-that");
    expect(baseNames("x".repeat(200), "y").ident).toBe("x".repeat(30));
  });

  it("are deduplicated: the oldest keeps the plain name, later ones get -2, -3", () => {
    const names = assignNames([
      { id: id(3), name: "Alerts", fallback: "webhook handler", createdAt: "2026-03-01T00:00:00Z" },
      { id: id(1), name: "alerts", fallback: "webhook handler", createdAt: "2026-01-01T00:00:00Z" },
      { id: id(2), name: "ALERTS!", fallback: "webhook handler", createdAt: "2026-02-01T00:00:00Z" },
      { id: id(4), name: "alerts 2", fallback: "webhook handler", createdAt: "2026-04-01T00:00:00Z" },
    ]);
    expect(names.get(id(1))).toEqual({ ident: "alerts", resourceName: "alerts" });
    // "alerts 2" is taken by the handler of that name, so the third "alerts" moves on to 3.
    expect(names.get(id(4))).toEqual({ ident: "alerts2", resourceName: "alerts-2" });
    expect(names.get(id(2))).toEqual({ ident: "alerts3", resourceName: "alerts-3" });
    expect(names.get(id(3))).toEqual({ ident: "alerts4", resourceName: "alerts-4" });
  });

  it("are stable: a handler added later never renames an existing resource", () => {
    const before = [
      { id: id(10), name: "stream", fallback: "kafka handler", createdAt: "2026-01-01T00:00:00Z" },
      { id: id(11), name: "stream", fallback: "kafka handler", createdAt: "2026-01-02T00:00:00Z" },
      { id: id(12), name: "other", fallback: "kafka handler", createdAt: "2026-01-03T00:00:00Z" },
    ];
    const first = assignNames(before);
    const later = { id: id(5), name: "Stream", fallback: "kafka handler", createdAt: "2026-06-01T00:00:00Z" };
    const second = assignNames([later, ...before].reverse());
    for (const handler of before) expect(second.get(handler.id)).toEqual(first.get(handler.id));
    expect(second.get(later.id)).toEqual({ ident: "stream3", resourceName: "stream-3" });
    // The same input in any order gives the same names.
    expect(assignNames([...before].reverse())).toEqual(first);
  });

  it("separate a digit suffix from a name that ends in a digit", () => {
    const names = assignNames([
      { id: id(1), name: "sensor 3", fallback: "x" },
      { id: id(2), name: "Sensor-3", fallback: "x" },
    ]);
    expect(names.get(id(2))).toEqual({ ident: "sensor3_2", resourceName: "sensor-3-2" });
  });

  it("give project names and environment variables", () => {
    expect(projectNameFor("/acme/plant-1/")).toBe("coiote-acme-plant-1");
    expect(projectNameFor("/")).toBe("coiote-handlers");
    expect(envVarFor("alertsBasic2Password")).toBe("ALERTS_BASIC2_PASSWORD");
    expect(envVarFor("sensor3_2Token")).toBe("SENSOR3_2_TOKEN");
  });
});
