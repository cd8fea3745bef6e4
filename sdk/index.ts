/**
 * pulumi-coiote: Pulumi resources for Coiote IoT Device Management data integration.
 */
export * from "./eventHandler";
export * from "./influxdb";
export * from "./influxBucketIntegration";
export * from "./kafkaConnection";
