import { failureNaming } from "../support/checkFailures";
import { describe, expect, it } from "vitest";
import { renderProperties, validateKafkaConnection } from "../../provider/resources/kafkaConnection/render";
import { parseProperties } from "../../sandbox/delivery/kafka";
import { jaasCredentials } from "../../sandbox/delivery/platformaticKafka";

describe("KafkaConnection rendering", () => {
  it("escapes quotes and backslashes so the password survives .properties and JAAS parsing", () => {
    const password = 'p"a\\ss word=1';
    const text = renderProperties({
      bootstrapServers: ["a:9092", "b:9093"],
      securityProtocol: "SASL_SSL",
      saslMechanism: "SCRAM-SHA-512",
      username: "svc",
      password,
      extraProperties: { acks: "all" },
    });
    const properties = parseProperties(text);
    expect(properties).toMatchObject({
      "bootstrap.servers": "a:9092,b:9093",
      "security.protocol": "SASL_SSL",
      "sasl.mechanism": "SCRAM-SHA-512",
      acks: "all",
    });
    expect(properties["sasl.jaas.config"]).toMatch(
      /^org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required /,
    );
    expect(jaasCredentials(properties["sasl.jaas.config"]!)).toEqual({ username: "svc", password });
  });

  it("uses the PLAIN login module for SASL/PLAIN and writes no SASL lines for PLAINTEXT", () => {
    expect(
      renderProperties({
        bootstrapServers: ["a:1"],
        securityProtocol: "SASL_PLAINTEXT",
        saslMechanism: "PLAIN",
        username: "u",
        password: "p",
      }),
    ).toContain("PlainLoginModule required");
    expect(renderProperties({ bootstrapServers: ["a:1"] })).toBe(
      "bootstrap.servers=a:1\nsecurity.protocol=PLAINTEXT\n",
    );
  });

  it.each([
    [{ bootstrapServers: [] }, "bootstrapServers", /at least one/],
    [{ bootstrapServers: ["nohost"] }, "bootstrapServers[0]", /host:port/],
    [
      { bootstrapServers: ["a:1"], securityProtocol: "SASL_SSL", username: "u", password: "p" },
      "saslMechanism",
      /PLAIN, SCRAM/,
    ],
    [
      { bootstrapServers: ["a:1"], securityProtocol: "SASL_SSL", saslMechanism: "PLAIN" },
      "password",
      /required/,
    ],
    [
      { bootstrapServers: ["a:1"], extraProperties: { retries: "3" } },
      'extraProperties["retries"]',
      /DM sets retries itself/,
    ],
    [
      { bootstrapServers: ["a:1"], extraProperties: { "max.block.ms": "1" } },
      'extraProperties["max.block.ms"]',
      /overrides/,
    ],
    [
      { bootstrapServers: ["a:1"], extraProperties: { "sasl.jaas.config": "x" } },
      'extraProperties["sasl.jaas.config"]',
      /typed arguments/,
    ],
    [{ useDomainProperties: true, bootstrapServers: ["a:1"] }, "bootstrapServers", /useDomainProperties/],
  ] as const)("refuses %j naming %s", (spec, property, reason) => {
    expect(validateKafkaConnection(spec as never)).toContainEqual(
      failureNaming(property.replace(/\["(\w+)"\]/, ".$1"), reason, {
        secret: property === "password" || property.startsWith("extraProperties"),
      }),
    );
  });
});
