/**
 * The implementation behind the serialized dynamic-provider stubs. The stubs stored in the state only say
 * `require("pulumi-coiote/provider/runtime")[kind][method](...)`, so refresh and destroy always run the
 * installed version of this code, and nothing of it (or of any credential) is serialized.
 */
import type * as pulumi from "@pulumi/pulumi";
import { configure as storeConfig } from "./runtimeConfig";
import * as eventHandler from "./resources/eventHandler/provider";
import * as influxBucket from "./resources/influxdb/bucket";
import * as kafkaConnection from "./resources/kafka/connection";
import * as influxToken from "./resources/influxdb/token";

export interface ResourceImplementation {
  check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult>; // eslint-disable-line @typescript-eslint/no-explicit-any
  diff(id: string, olds: any, news: any): Promise<pulumi.dynamic.DiffResult>; // eslint-disable-line @typescript-eslint/no-explicit-any
  create(inputs: any): Promise<pulumi.dynamic.CreateResult>; // eslint-disable-line @typescript-eslint/no-explicit-any
  read(id: string, props: any): Promise<pulumi.dynamic.ReadResult>; // eslint-disable-line @typescript-eslint/no-explicit-any
  update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>; // eslint-disable-line @typescript-eslint/no-explicit-any
  remove(id: string, props: any): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const resources: Record<string, ResourceImplementation> = {
  EventHandler: eventHandler,
  InfluxBucket: influxBucket,
  InfluxToken: influxToken,
  KafkaConnection: kafkaConnection,
};

export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  storeConfig(req.config);
}
