import * as pulumi from "@pulumi/pulumi";
import { EventHandler, type EventHandlerLastTest, type FilterArgs } from "./eventHandler";
import { InfluxBucket, InfluxToken } from "./influxdb";

/**
 * Line-protocol bodies in DM's layout (measurement, tags `domain`, `endpointName` and `eventType`, the LwM2M
 * path as the field, millisecond timestamp), with the event type as a plain tag value.
 */
export const influxBodyTemplates = {
  /**
   * The default for telemetry: measurement `telemetryEvent`, the LwM2M path as field name and its value
   * unquoted (numeric resources).
   */
  telemetry:
    "telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType=telemetry $url=$value $timestamp",
  /**
   * For string resources: the field value quoted, since line protocol reads an unquoted value as a number
   * or boolean.
   */
  telemetryStringValues:
    'telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType=telemetry $url="$value" $timestamp',
  /** The default for lifecycle events: measurement `deviceEvent`, the event type as the `eventType` tag, `value=1`. */
  lifecycle: "deviceEvent,domain=$domainId,endpointName=$endpointName,eventType=$subtype value=1 $timestamp",
} as const;

/** Arguments of an InfluxBucketIntegration: give either `bucket` or `bucketId`. */
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
    /** Bucket name. Renaming updates the bucket in place. */
    name: pulumi.Input<string>;
    /** How long points are kept, in seconds (at least 3600); 0 or unset keeps them forever. Updates in place. */
    retentionSeconds?: pulumi.Input<number>;
    /** Free text; default none. Changing it updates the bucket in place. */
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
    /** Handler name shown in DM. Changing it updates the handler in place. */
    name: pulumi.Input<string>;
    /**
     * DM domain, e.g. "/acme/plant-1/". Defaults to coiote:domain, then to the caller's own domain. Changing
     * it replaces the handler.
     */
    domain?: pulumi.Input<string>;
    /** Free text shown in DM; default none. Changing it updates the handler in place. */
    description?: pulumi.Input<string>;
    /**
     * Which events are written: telemetry paths or lifecycle event types; the type also picks the default
     * body. Changing it updates the handler in place.
     */
    filter: pulumi.Input<FilterArgs>;
    /**
     * Quote telemetry values, for string resources. Choose before data arrives: InfluxDB fixes a field's
     * type with its first point.
     */
    stringValues?: boolean;
    /** Replace the default line-protocol body. */
    bodyTemplate?: pulumi.Input<string>;
    /** Send DM's test event after every create or update and fail the step if it fails. Default true. */
    testOnApply?: pulumi.Input<boolean>;
    /** Whether DM forwards events; default true. Changing it updates the handler in place. */
    enabled?: pulumi.Input<boolean>;
  };
}

/**
 * DM → InfluxDB in one resource: a bucket (or an existing one), a token that may only write to it (or
 * your own), and a webhook handler in InfluxDB line protocol with `precision=ms`, tested on apply.
 */
export class InfluxBucketIntegration extends pulumi.ComponentResource {
  /** Id of the bucket written to: the created one, or `bucketId`. */
  readonly bucketId: pulumi.Output<string>;
  /** DM id of the webhook handler. */
  readonly handlerId: pulumi.Output<string>;
  /** The InfluxDB write URL the handler posts to (`/api/v2/write?precision=ms`, the bucket and the organization). */
  readonly writeUrl: pulumi.Output<string>;
  /** Result of the handler's last test on apply (undefined when testOnApply is off). */
  readonly lastTest: pulumi.Output<EventHandlerLastTest | undefined>;
  /** The bucket resource, when the integration creates one (not with `bucketId`). */
  readonly bucket?: InfluxBucket;
  /** The write-only token resource, when the integration creates one (not with `token`). */
  readonly token?: InfluxToken;
  /** The DM webhook handler resource. */
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
