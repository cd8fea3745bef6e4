/**
 * The implementation behind the serialized dynamic-provider stubs. The stubs stored in the state only say
 * `require("pulumi-coiote/provider/runtime")[kind][method](...)`, so refresh and destroy always run the
 * installed version of this code, and nothing of it (or of any credential) is serialized.
 */
import "./compileCache";
import type * as pulumi from "@pulumi/pulumi";
import { configure as storeConfig } from "./runtimeConfig";
import { eventHandler } from "./resources/eventHandler/controller";
import { influxBucket } from "./resources/influxBucket/controller";
import { kafkaConnection } from "./resources/kafkaConnection/controller";
import { influxToken } from "./resources/influxToken/controller";
import type { AnyResourceController } from "./resource";

export const resources: Record<string, AnyResourceController> = {
  EventHandler: eventHandler,
  InfluxBucket: influxBucket,
  InfluxToken: influxToken,
  KafkaConnection: kafkaConnection,
};

export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  storeConfig(req.config);
}
