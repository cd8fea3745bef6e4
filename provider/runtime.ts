/**
 * The implementation behind the serialized dynamic-provider stubs. The stubs stored in the state only say
 * `require("pulumi-coiote/provider/runtime")[kind][method](...)`, so refresh and destroy always run the
 * installed version of this code, and nothing of it (or of any credential) is serialized.
 */
import "./compileCache";
import type * as pulumi from "@pulumi/pulumi";
import { configure as storeConfig } from "./runtimeConfig";
import type { AnyResourceController } from "./resource";

/**
 * Each kind's controller, loaded when the engine first calls that kind: a stack of EventHandlers never
 * loads the InfluxDB client, and the provider process reaches its first read sooner (it starts twice per
 * `pulumi refresh`, docs/performance.md).
 */
export const resources: Record<string, AnyResourceController> = {
  get EventHandler() {
    return (
      require("./resources/eventHandler/controller") as typeof import("./resources/eventHandler/controller")
    ).eventHandler;
  },
  get InfluxBucket() {
    return (
      require("./resources/influxBucket/controller") as typeof import("./resources/influxBucket/controller")
    ).influxBucket;
  },
  get InfluxToken() {
    return (
      require("./resources/influxToken/controller") as typeof import("./resources/influxToken/controller")
    ).influxToken;
  },
  get KafkaConnection() {
    return (
      require("./resources/kafkaConnection/controller") as typeof import("./resources/kafkaConnection/controller")
    ).kafkaConnection;
  },
};

export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  storeConfig(req.config);
}
