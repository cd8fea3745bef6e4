import * as pulumi from "@pulumi/pulumi";
import bucketProvider = require("../provider/stubs/influxBucket");
import tokenProvider = require("../provider/stubs/influxToken");

/** Arguments of an InfluxBucket. */
export interface InfluxBucketArgs {
  /** Bucket name, unique in its organization. Renaming updates the bucket in place. */
  name: pulumi.Input<string>;
  /** Organization name; defaults to influxdb:org. Changing it replaces the bucket. */
  org?: pulumi.Input<string>;
  /** Organization id, instead of `org`. */
  orgId?: pulumi.Input<string>;
  /** How long points are kept, in seconds (at least 3600); 0 or unset keeps them forever. */
  retentionSeconds?: pulumi.Input<number>;
  /** Free text; default none. Changing it updates the bucket in place. */
  description?: pulumi.Input<string>;
  /** Id of an existing bucket to take over instead of creating one. */
  adoptId?: pulumi.Input<string>;
}

/**
 * An InfluxDB 2 bucket (connection from influxdb:url, influxdb:token, influxdb:org or INFLUXDB_*).
 * Name, retention and description update in place; the organization replaces it.
 */
export class InfluxBucket extends pulumi.dynamic.Resource {
  /** The bucket's name. */
  declare readonly name: pulumi.Output<string>;
  /** Id of the organization the bucket belongs to. */
  declare readonly orgId: pulumi.Output<string>;
  /** How long points are kept, in seconds; 0 keeps them forever. */
  declare readonly retentionSeconds: pulumi.Output<number>;
  /** The description, null when none. */
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

/** One permission of an InfluxToken: an action on every resource of a type, or on one of them. */
export interface InfluxPermissionArgs {
  /** "read" or "write"; changing it replaces the token. */
  action: pulumi.Input<"read" | "write">;
  /** What the permission covers; changing it replaces the token. */
  resource: {
    /** Resource type, e.g. "buckets". */
    type: pulumi.Input<string>;
    /** One resource of that type, e.g. a bucket id; unset covers every resource of the type. */
    id?: pulumi.Input<string>;
    /** Organization id of the resource; defaults to the token's organization. */
    orgID?: pulumi.Input<string>;
  };
}

/** Arguments of an InfluxToken. */
export interface InfluxTokenArgs {
  /**
   * What the token may do, at least one permission, in any order. Changing them replaces the token (the new
   * one is created before the old one is deleted).
   */
  permissions: pulumi.Input<InfluxPermissionArgs[]>;
  /** Organization name; defaults to influxdb:org. Changing it replaces the token. */
  org?: pulumi.Input<string>;
  /** Organization id, instead of `org`. Changing it replaces the token. */
  orgId?: pulumi.Input<string>;
  /** Free text; default none. Changing it updates the token in place. */
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
  /** Id of the organization the token belongs to. */
  declare readonly orgId: pulumi.Output<string>;
  /** The token's permissions (a refresh reads them back from InfluxDB). */
  declare readonly permissions: pulumi.Output<InfluxPermissionArgs[]>;
  /** "active", or "inactive" while InfluxDB refuses the token. */
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
