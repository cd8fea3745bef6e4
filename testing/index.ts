/**
 * Test your own stack the way this package tests its own: a local DM sandbox, a webhook receiver, real
 * InfluxDB and Kafka servers from the cache, and the real Pulumi engine driving `pulumi up`, `preview`,
 * `refresh` and `destroy` through its CLI against a local backend. For vitest fixtures with clean-up,
 * see `useSandboxAndReceiver` and `useStacks`.
 *
 * @module testing
 */
export { classify, DmSandbox, type LoggedRequest, type SandboxHandler } from "./dmSandbox";
export {
  type CliResult,
  type OperationsByName,
  PulumiCliError,
  ProgramStack,
  type ProgramStackOptions,
  programStack,
  previewOperationsOf,
  type StackRunResult,
  type UpResult,
} from "./engine";
export { packageRoot } from "./packageRoot";
export { ensurePulumiBin, offlinePulumiEnv, runEnsureScriptSync } from "./pulumiEnv";
export { type ReceivedRequest, Receiver } from "./receiver";
export { type InfluxServer, startInfluxd, type StartInfluxdOptions } from "./servers/influxd";
export { type KafkaServer, type KafkaUser, startKafka, type StartKafkaOptions } from "./servers/kafka";
export { freePorts } from "./servers/process";
export {
  type SandboxFixture,
  type StackFixture,
  type TestHooks,
  useSandboxAndReceiver,
  useStacks,
} from "./fixtures";
