// A real Apache Kafka 4.1 broker for tests: KRaft combined mode (broker + controller) on 127.0.0.1 with a
// PLAINTEXT listener and a SASL_PLAINTEXT one (SCRAM-SHA-256/512 users written at storage format time, and a
// PLAIN user from the JAAS config), in a temporary log dir. The jars come from scripts/ensure-kafka.sh
// (Maven Central, cached in ~/.cache/pulumi-coiote/kafka-<version>/lib), or from env KAFKA_LIB.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Admin, type SASLOptions } from "@platformatic/kafka";
import { freePorts, rssKb, runEnsureScript, ServerProcess, waitUntilReady } from "./process";
import { packageRoot } from "../packageRoot";

/** Credentials for the broker's SASL_PLAINTEXT listener. */
export interface KafkaUser {
  /** The SASL mechanism these credentials are for (Kafka's `sasl.mechanism`). */
  mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512" | "PLAIN";
  /** The user name: `"coiote-test"` for the SCRAM users, `"coiote-plain"` for the PLAIN one. */
  username: string;
  /** The password, random per broker. */
  password: string;
}

/** A running single-node Kafka broker from `startKafka`. */
export interface KafkaServer {
  /** host:port of the PLAINTEXT listener (no authentication). */
  bootstrapPlaintext: string;
  /** host:port of the SASL_PLAINTEXT listener (SCRAM-SHA-256, SCRAM-SHA-512, PLAIN). */
  bootstrapSasl: string;
  /** Users that can authenticate on the SASL listener with SCRAM (one per mechanism). */
  scramUsers: KafkaUser[];
  /** A user for SASL/PLAIN on the same listener. */
  plainUsers: KafkaUser[];
  /** The broker's JVM process id. */
  pid: number;
  /** Milliseconds from the call to a ready broker (storage format + JVM start + first metadata answer). */
  startupMs: number;
  /** The broker's resident memory now, in kB. */
  rssKb(): number | undefined;
  /**
   * Stops the broker (SIGTERM, then SIGKILL after 30 s) and removes its temporary folder, topics and
   * all. Resolves once the process is gone.
   */
  stop(): Promise<void>;
}

/** How `startKafka` waits for the broker. */
export interface StartKafkaOptions {
  /** Milliseconds to wait for the broker to answer (default 120 s). */
  readyTimeoutMs?: number;
}

// Absolute: the broker runs in its temporary folder, where a relative path would find nothing (and Kafka
// would log at its verbose defaults).
const LOG4J_CONFIG = path.join(packageRoot, "scripts", "kafka", "log4j2.properties");

async function kafkaLib(): Promise<string> {
  return process.env.KAFKA_LIB || runEnsureScript("ensure-kafka.sh");
}

function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Probe: a metadata request that lists this broker answers, on the given listener. */
export async function kafkaAnswers(bootstrap: string, sasl?: SASLOptions): Promise<boolean> {
  const admin = new Admin({
    clientId: "coiote-test-ready-probe",
    bootstrapBrokers: [bootstrap],
    sasl,
    retries: 0,
    timeout: 2000,
    connectTimeout: 2000,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * Starts a real Apache Kafka 4.1 broker (KRaft, broker and controller in one JVM) on free ports of
 * 127.0.0.1, with a temporary log folder, topics created on first use and one partition each. It needs
 * Java 17 or newer (`JAVA_HOME`, else `java` on PATH); the jars are `KAFKA_LIB` when set, else the folder
 * scripts/ensure-kafka.sh prints (fetched from Maven Central on first use, then cached in
 * `~/.cache/pulumi-coiote/`).
 *
 * @returns The broker once it answers a metadata request on both listeners; call `stop` when done.
 * @throws When the jars cannot be had, when the storage format fails, or when the broker exits or does
 *   not answer within `readyTimeoutMs` (the error carries its last output lines). What was started is
 *   stopped and removed first.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaServer> {
  const t0 = Date.now();
  const lib = await kafkaLib();
  const classpath = path.join(lib, "*");
  const [plainPort, saslPort, controllerPort] = (await freePorts(3)) as [number, number, number];
  const dir = mkdtempSync(path.join(tmpdir(), "coiote-kafka-"));
  const username = "coiote-test";
  const scramUsers: KafkaUser[] = [
    { mechanism: "SCRAM-SHA-256", username, password: randomBytes(12).toString("hex") },
    { mechanism: "SCRAM-SHA-512", username, password: randomBytes(12).toString("hex") },
  ];
  const plainUsers: KafkaUser[] = [
    { mechanism: "PLAIN", username: "coiote-plain", password: randomBytes(12).toString("hex") },
  ];
  const host = "127.0.0.1";
  const config = [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    "controller.listener.names=CONTROLLER",
    `listeners=PLAINTEXT://${host}:${plainPort},SASL_PLAINTEXT://${host}:${saslPort},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${plainPort},SASL_PLAINTEXT://${host}:${saslPort}`,
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
    // The broker talks to itself over PLAINTEXT, so it needs no SCRAM credentials of its own.
    "inter.broker.listener.name=PLAINTEXT",
    "sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN",
    "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers
      .map((u) => `user_${u.username}="${u.password}"`)
      .join(" ")};`,
    `log.dirs=${path.join(dir, "data")}`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=true",
    "",
  ].join("\n");
  const configFile = path.join(dir, "server.properties");
  writeFileSync(configFile, config);
  const jvmCommon = [
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    "-Djava.awt.headless=true",
    "-cp",
    classpath,
  ];

  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    // Storage format: cluster id and the SCRAM users. The id is a 16-byte Kafka Uuid in base64url; like
    // Kafka's Uuid.randomUuid(), never one that starts with "-", which the tool's argument parser takes for
    // an option ("argument --cluster-id/-t: expected one argument"): 1 random id in 64.
    let clusterId: string;
    do clusterId = randomBytes(16).toString("base64url");
    while (clusterId.startsWith("-"));
    await new Promise<void>((resolve, reject) => {
      execFile(
        javaBin(),
        [
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          ...jvmCommon,
          "kafka.tools.StorageTool",
          "format",
          `--cluster-id=${clusterId}`,
          `--config=${configFile}`,
          ...scramUsers.flatMap((u) => [
            "--add-scram",
            `${u.mechanism}=[name=${u.username},password=${u.password}]`,
          ]),
        ],
        { cwd: dir, timeout: 120_000 },
        (err, stdout, stderr) =>
          err
            ? reject(
                new Error(
                  `Kafka storage format failed (${err.signal ?? `exit code ${err.code}`}). Its last output:\n` +
                    `${stdout}\n${stderr}`.trim().split("\n").slice(-20).join("\n"),
                ),
              )
            : resolve(),
      );
    });
  } catch (err) {
    cleanup();
    throw err;
  }

  const broker = new ServerProcess(
    "the Kafka broker",
    javaBin(),
    [
      "-Xms256m",
      "-Xmx512m",
      "-XX:+UseSerialGC",
      "-XX:+ExitOnOutOfMemoryError",
      ...jvmCommon,
      "kafka.Kafka",
      configFile,
    ],
    { cwd: dir },
  );
  const bootstrapPlaintext = `${host}:${plainPort}`;
  const bootstrapSasl = `${host}:${saslPort}`;
  const stop = async (): Promise<void> => {
    await broker.stop(30_000);
    cleanup();
  };
  try {
    const sasl512 = scramUsers[1]!;
    await waitUntilReady(
      broker,
      async () =>
        (await kafkaAnswers(bootstrapPlaintext)) &&
        (await kafkaAnswers(bootstrapSasl, {
          mechanism: sasl512.mechanism,
          username: sasl512.username,
          password: sasl512.password,
        })),
      { timeoutMs: options.readyTimeoutMs ?? 120_000, intervalMs: 250 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    bootstrapPlaintext,
    bootstrapSasl,
    scramUsers,
    plainUsers,
    pid: broker.pid!,
    startupMs: Date.now() - t0,
    rssKb: () => rssKb(broker.pid),
    stop,
  };
}
