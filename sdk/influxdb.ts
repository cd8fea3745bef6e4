import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "./stub";

const bucketProvider = providerFor("InfluxBucket");
const tokenProvider = providerFor("InfluxToken");

export interface InfluxBucketArgs {
  name: pulumi.Input<string>;
  /** Organization name; defaults to influxdb:org. Changing it replaces the bucket. */
  org?: pulumi.Input<string>;
  /** Organization id, instead of `org`. */
  orgId?: pulumi.Input<string>;
  /** How long points are kept, in seconds (at least 3600); 0 or unset keeps them forever. */
  retentionSeconds?: pulumi.Input<number>;
  description?: pulumi.Input<string>;
  /** Id of an existing bucket to take over instead of creating one. */
  adoptId?: pulumi.Input<string>;
}

/**
 * An InfluxDB 2 bucket (connection from influxdb:url, influxdb:token, influxdb:org or INFLUXDB_*).
 * Name, retention and description update in place; the organization replaces it.
 */
export class InfluxBucket extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly orgId: pulumi.Output<string>;
  declare readonly retentionSeconds: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string | null>;

  constructor(name: string, args: InfluxBucketArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      bucketProvider,
      name,
      {
        ...args,
        retentionSeconds: args.retentionSeconds ?? 0,
        description: args.description ?? null,
        orgId: args.orgId,
      },
      opts,
      "coiote",
      "InfluxBucket",
    );
  }
}

export interface InfluxPermissionArgs {
  action: pulumi.Input<"read" | "write">;
  resource: { type: pulumi.Input<string>; id?: pulumi.Input<string>; orgID?: pulumi.Input<string> };
}

export interface InfluxTokenArgs {
  permissions: pulumi.Input<InfluxPermissionArgs[]>;
  org?: pulumi.Input<string>;
  orgId?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** "inactive" makes InfluxDB refuse the token without deleting it; updates in place. Default "active". */
  status?: pulumi.Input<"active" | "inactive">;
  /**
   * Change this (any value, e.g. a date) to rotate: a new token is created, whatever uses it is updated,
   * and the old one is deleted last.
   */
  rotation?: pulumi.Input<string>;
}

/**
 * An InfluxDB 2 authorization with explicit permissions. `token` is a secret output. Description and
 * status update in place; changing the permissions, the organization or `rotation` replaces it, creating
 * the new token before the old one is deleted.
 */
export class InfluxToken extends pulumi.dynamic.Resource {
  /** The token InfluxDB minted (secret). */
  declare readonly token: pulumi.Output<string>;
  declare readonly orgId: pulumi.Output<string>;
  declare readonly permissions: pulumi.Output<InfluxPermissionArgs[]>;
  declare readonly status: pulumi.Output<"active" | "inactive">;

  constructor(name: string, args: InfluxTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      tokenProvider,
      name,
      {
        ...args,
        description: args.description ?? null,
        status: args.status ?? "active",
        token: undefined,
        orgId: args.orgId,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "token"],
        deleteBeforeReplace: false,
      },
      "coiote",
      "InfluxToken",
    );
  }
}
