import { describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import { effectiveProducerProperties } from "../../sandbox/delivery/kafka";
import { jaasCredentials, producerOptions } from "../../sandbox/delivery/platformaticKafka";

/** How the sandbox's real producer reads DM's Java producer properties (no broker needed here). */
describe("Java producer properties → @platformatic/kafka options", () => {
  it("maps SCRAM over SASL_PLAINTEXT, with the credentials taken out of an escaped JAAS line", () => {
    const options = producerOptions(
      effectiveProducerProperties(
        [
          "bootstrap.servers=a:9092, b:9093",
          "security.protocol=SASL_PLAINTEXT",
          "sasl.mechanism=SCRAM-SHA-512",
          'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="p\\\\"q\\\\\\\\r";',
          "client.id=fleet",
          "acks=all",
          "compression.type=gzip",
          "request.timeout.ms=3000",
          "buffer.memory=1048576",
        ].join("\n"),
      ),
    );
    expect(options).toMatchObject({
      clientId: "fleet",
      bootstrapBrokers: ["a:9092", "b:9093"],
      sasl: { mechanism: "SCRAM-SHA-512", username: "svc", password: 'p"q\\r' },
      // DM's two overrides reach the client: no resend, and 8 s to get metadata.
      retries: 0,
      timeout: 8000,
      acks: -1,
      compression: "gzip",
      requestTimeout: 3000,
    });
    // Keys with no JavaScript equivalent are ignored, as the Java client ignores unknown ones.
    expect(JSON.stringify(options)).not.toContain("1048576");
  });

  it("reads PLAIN credentials and turns TLS on for SSL and SASL_SSL", () => {
    const plain = producerOptions({
      "bootstrap.servers": "k:9093",
      "security.protocol": "SASL_SSL",
      "sasl.mechanism": "PLAIN",
      "sasl.jaas.config":
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="$ConnectionString" password="Endpoint=sb://x/;Key=abc=";',
    });
    expect(plain.sasl).toEqual({
      mechanism: "PLAIN",
      username: "$ConnectionString",
      password: "Endpoint=sb://x/;Key=abc=",
    });
    expect(plain.tls).toEqual({});
    const ssl = producerOptions({ "bootstrap.servers": "k:9093", "security.protocol": "SSL" });
    expect(ssl.tls).toEqual({});
    expect(ssl).not.toHaveProperty("sasl");
  });

  it("ignores values it cannot use instead of passing NaN or unknown names to the client", () => {
    const options = producerOptions({
      "bootstrap.servers": "k:1",
      acks: "sometimes",
      "compression.type": "brotli",
      "request.timeout.ms": "soon",
    });
    // Left out rather than undefined: the client's Object.assign would let undefined erase its defaults.
    for (const key of ["acks", "compression", "requestTimeout", "sasl", "tls"])
      expect(options).not.toHaveProperty(key);
    expect(options.clientId).toBe("coiote-dm-sandbox");
  });

  it("unescapes only what JAAS escapes", () => {
    expect(jaasCredentials('X required username="a\\\\b" password="c\\"d";')).toEqual({
      username: "a\\b",
      password: 'c"d',
    });
    expect(jaasCredentials("X required;")).toEqual({ username: undefined, password: undefined });
  });
});

describe("the sandbox produces for real by default", () => {
  const kafkaTest = (domain: string, value: string) => ({
    type: "kafka",
    name: "probe",
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
    connectionConfig: { type: "custom", topic: "t", value },
    domain,
  });

  async function testKafka(kafka: null | undefined): Promise<{ successful: boolean; message?: string }> {
    const sandbox = await startSandbox({ port: 0, tokens: ["t"], kafka, deliveryTimeoutMs: 3000 });
    try {
      const response = await fetch(
        `${sandbox.url}/api/coiotedm/v3/deviceEvents/handler/test/kafka?domain=/sandbox/`,
        {
          method: "POST",
          headers: { authorization: "Bearer t", "content-type": "application/json" },
          // Port 1 on loopback: nothing listens, so the client's own connection error must come back.
          body: JSON.stringify(kafkaTest("/sandbox/", "bootstrap.servers=127.0.0.1:1")),
        },
      );
      expect(response.status).toBe(200);
      return (await response.json()) as { successful: boolean; message?: string };
    } finally {
      await sandbox.stop();
    }
  }

  it("reports the Kafka client's error as the test result message", async () => {
    const result = await testKafka(undefined);
    expect(result.successful).toBe(false);
    expect(result.message).toMatch(/Kafka delivery failed: .*(ECONNREFUSED|connect|timed out)/i);
  });

  it("kafka: null turns delivery off, saying so", async () => {
    const result = await testKafka(null);
    expect(result).toMatchObject({ successful: false, message: expect.stringMatching(/no Kafka producer/) });
  });
});
