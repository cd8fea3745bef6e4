import * as pulumi from "@pulumi/pulumi";
import { EventHandler, type EventHandlerLastTest, type LifecycleEventType } from "./eventHandler";
import { InfluxBucket, InfluxToken } from "./influxdb";

/** Line-protocol bodies: DM's layout (dm-api.md §5), with the event type as a plain tag value. */
export const influxBodyTemplates = {
  telemetry:
    "telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType=telemetry $url=$value $timestamp",
  /** The seed guide's option for string resources: the field value quoted. */
  telemetryStringValues:
    'telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType=telemetry $url="$value" $timestamp',
  lifecycle: "deviceEvent,domain=$domainId,endpointName=$endpointName,eventType=$subtype value=1 $timestamp",
} as const;

export interface InfluxBucketIntegrationArgs {
  /** InfluxDB base URL as DM will call it; defaults to influxdb:url. */
  influxUrl?: pulumi.Input<string>;
  /**
   * Organization id for the write URL and the token; defaults to the created bucket's. With `bucketId`
   * and no `orgId`, the URL names the organization `influxdb:org` instead.
   */
  orgId?: pulumi.Input<string>;
  /** A bucket to create... */
  bucket?: {
    name: pulumi.Input<string>;
    retentionSeconds?: pulumi.Input<number>;
    description?: pulumi.Input<string>;
  };
  /** ...or the id of an existing one. */
  bucketId?: pulumi.Input<string>;
  /** Bring your own write token (e.g. from another provider) instead of creating one scoped to the bucket. */
  token?: pulumi.Input<string>;
  /**
   * Any value (a date, a counter); changing it rotates the created token: the new token is created, the
   * handler switched to it, and the old one deleted last, so no event is lost. Ignored with `token`.
   */
  tokenRotation?: pulumi.Input<string>;
  /** The DM handler that writes into the bucket. */
  handler: {
    name: pulumi.Input<string>;
    domain?: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    filter: pulumi.Input<
      | { type: "telemetry"; lwm2mUrls: pulumi.Input<pulumi.Input<string>[]> }
      | { type: "lifecycle"; eventTypes: pulumi.Input<pulumi.Input<LifecycleEventType>[]> }
    >;
    /** Quote telemetry values (for string resources), as the seed guide suggests. */
    stringValues?: boolean;
    /** Replace the default line-protocol body. */
    bodyTemplate?: pulumi.Input<string>;
    testOnApply?: pulumi.Input<boolean>;
    enabled?: pulumi.Input<boolean>;
  };
}

/**
 * DM → InfluxDB in one resource: a bucket (or an existing one), a token that may only write to it (or
 * your own), and a webhook handler in InfluxDB line protocol with `precision=ms`, tested on apply.
 */
export class InfluxBucketIntegration extends pulumi.ComponentResource {
  readonly bucketId: pulumi.Output<string>;
  readonly handlerId: pulumi.Output<string>;
  readonly writeUrl: pulumi.Output<string>;
  readonly lastTest: pulumi.Output<EventHandlerLastTest | undefined>;
  readonly bucket?: InfluxBucket;
  readonly token?: InfluxToken;
  readonly handler: EventHandler;

  constructor(name: string, args: InfluxBucketIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coiote:index:InfluxBucketIntegration", name, {}, opts);
    if (!args.bucket === !args.bucketId)
      throw new Error(`InfluxBucketIntegration ${name}: give either bucket or bucketId`);
    const influxConfig = new pulumi.Config("influxdb");
    const influxUrl = pulumi.output(args.influxUrl ?? influxConfig.require("url"));

    if (args.bucket)
      this.bucket = new InfluxBucket(
        `${name}-bucket`,
        { ...args.bucket, orgId: args.orgId },
        { parent: this },
      );
    this.bucketId = this.bucket ? this.bucket.id : pulumi.output(args.bucketId!);
    const orgId = args.orgId ?? this.bucket?.orgId;
    // InfluxDB OSS refuses a write that names no organization; by id when known, else by name.
    const orgName = influxConfig.get("org");
    if (orgId === undefined && orgName === undefined)
      throw new Error(
        `InfluxBucketIntegration ${name}: with bucketId, give orgId or set influxdb:org (the write URL needs the organization)`,
      );
    const orgQuery =
      orgId !== undefined
        ? pulumi.interpolate`orgID=${orgId}`
        : pulumi.output(`org=${encodeURIComponent(orgName!)}`);

    let token: pulumi.Output<string>;
    if (args.token !== undefined) {
      if (args.tokenRotation !== undefined)
        pulumi.log.warn(
          "tokenRotation only rotates a token the integration creates; ignored with token",
          this,
        );
      token = pulumi.secret(args.token);
    } else {
      this.token = new InfluxToken(
        `${name}-token`,
        {
          orgId,
          description: pulumi.interpolate`DM event handler ${args.handler.name}: write to bucket ${this.bucketId}`,
          permissions: [{ action: "write", resource: { type: "buckets", id: this.bucketId, orgID: orgId } }],
          rotation: args.tokenRotation,
        },
        { parent: this },
      );
      token = this.token.token;
    }

    this.writeUrl = pulumi.interpolate`${influxUrl.apply((u) => u.replace(/\/+$/, ""))}/api/v2/write?precision=ms&bucket=${this.bucketId}&${orgQuery}`;
    const defaultTemplate = (filterType: string) =>
      filterType === "lifecycle"
        ? influxBodyTemplates.lifecycle
        : args.handler.stringValues
          ? influxBodyTemplates.telemetryStringValues
          : influxBodyTemplates.telemetry;
    // A filter given as a plain object names its type now; one given as an Output names it when it resolves.
    const filterType = (args.handler.filter as { type?: unknown }).type;
    const template =
      args.handler.bodyTemplate ??
      (typeof filterType === "string"
        ? defaultTemplate(filterType)
        : pulumi.output(args.handler.filter).apply((filter) => defaultTemplate(filter.type)));
    this.handler = new EventHandler(
      `${name}-handler`,
      {
        type: "webhook",
        name: args.handler.name,
        domain: args.handler.domain,
        description: args.handler.description,
        enabled: args.handler.enabled,
        testOnApply: args.handler.testOnApply,
        filter: args.handler.filter,
        connectionConfig: {
          uri: this.writeUrl,
          format: "influxDb",
          auth: { type: "customAuth", value: pulumi.interpolate`Token ${token}` },
          bodyTemplate: { contentType: "text", value: template },
        },
      },
      // Explicit as well as implied by the token output: on rotation the handler must switch to the new
      // token after it exists and before the old one is deleted (the engine deletes replaced resources last).
      { parent: this, dependsOn: this.token ? [this.token] : [] },
    );
    this.handlerId = this.handler.id;
    this.lastTest = this.handler.lastTest;
    this.registerOutputs({
      bucketId: this.bucketId,
      handlerId: this.handlerId,
      writeUrl: this.writeUrl,
      lastTest: this.lastTest,
    });
  }
}
