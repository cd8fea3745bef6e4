import { ConfigurationError, type ConfigSource, setting } from "./config";

/** InfluxDB connection for the bucket and token resources, read at run time like the DM settings. */
export interface InfluxSettings {
  url: string;
  token: string;
  /** Organization name, used when a resource names none. */
  org?: string;
}

const keys = {
  url: ["influxdb:url", "INFLUXDB_URL"],
  token: ["influxdb:token", "INFLUXDB_TOKEN"],
  org: ["influxdb:org", "INFLUXDB_ORG"],
} as const;

export function readInfluxSettings(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): InfluxSettings {
  const get = (name: keyof typeof keys) => setting(source, env, keys[name]);
  const url = get("url");
  const token = get("token");
  if (!url || !token) {
    throw new ConfigurationError(
      "InfluxDB is not configured: set `pulumi config set influxdb:url <http://host:8086>` and " +
        "`pulumi config set --secret influxdb:token <token>` (or INFLUXDB_URL and INFLUXDB_TOKEN).",
    );
  }
  return { url: url.replace(/\/+$/, ""), token, org: get("org") };
}
