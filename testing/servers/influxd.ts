// A real InfluxDB 2.x server for tests: influxd on 127.0.0.1 with a free port and a temporary data folder,
// set up through the API (POST /api/v2/setup) with an operator token. The binary comes from env INFLUXD_BIN
// or from scripts/ensure-influxd.sh (built from the Go module proxy on first use, then cached in
// ~/.cache/pulumi-coiote/influxd-<version>/bin/influxd; the first build takes several minutes).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freePorts, rssKb, runEnsureScript, ServerProcess, waitUntilReady } from "./process";

/** A running influxd from `startInfluxd`, set up with one organization, bucket, user and operator token. */
export interface InfluxServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The organization created by the initial setup (`"coiote-test"`). */
  org: string;
  /** The id InfluxDB gave that organization (16 hex digits), as the API's `orgID` takes it. */
  orgId: string;
  /** The operator token from the initial setup (all permissions on all orgs). */
  token: string;
  /** The bucket created by the initial setup. */
  bucket: string;
  /** The id of that bucket (16 hex digits). */
  bucketId: string;
  /** The user created by the initial setup (`"coiote-admin"`). */
  username: string;
  /** That user's password, random per data folder. */
  password: string;
  /** The influxd process id. */
  pid: number;
  /** Milliseconds from spawning influxd to a completed setup (the binary already built). */
  startupMs: number;
  /** The server's resident memory now, in kB. */
  rssKb(): number | undefined;
  /**
   * Stops influxd (SIGTERM, then SIGKILL after 15 s) and removes the temporary data folder; a `dataDir`
   * of the caller's is kept. Resolves once the process is gone.
   */
  stop(): Promise<void>;
}

/** How `startInfluxd` runs influxd. */
export interface StartInfluxdOptions {
  /**
   * Data folder to use and keep (bolt, engine, sqlite and the setup credentials). Without it, a temporary
   * folder is created and removed by stop(). A folder that was set up before is reused as it is.
   */
  dataDir?: string;
  /** Milliseconds to wait for /health (default 60 s). */
  readyTimeoutMs?: number;
  /** A fixed port (the demo keeps one, since its stack records the URL); a free one by default. */
  port?: number;
}

/** What the initial setup made, kept in the data folder so that a reused folder needs no new setup. */
type Credentials = Pick<
  InfluxServer,
  "org" | "orgId" | "token" | "bucket" | "bucketId" | "username" | "password"
>;

async function influxdBinary(): Promise<string> {
  return process.env.INFLUXD_BIN || runEnsureScript("ensure-influxd.sh");
}

/**
 * Starts a real InfluxDB 2 server on 127.0.0.1 and sets it up (or reuses an earlier setup in `dataDir`).
 * The binary is `INFLUXD_BIN` when set, else the one scripts/ensure-influxd.sh prints: cached in
 * `~/.cache/pulumi-coiote/`, built from source on first use (several minutes; progress on stderr).
 * influxd runs in its data folder with the caller's `INFLUXD_*` variables removed.
 *
 * @returns The running server; call `stop` when done.
 * @throws When the binary cannot be found or built, when influxd exits or does not answer `/health`
 *   within `readyTimeoutMs` (the error carries its last output lines), or when the setup fails (also for
 *   a `dataDir` set up before without this harness's credentials file). The process is stopped first.
 */
export async function startInfluxd(options: StartInfluxdOptions = {}): Promise<InfluxServer> {
  const binary = await influxdBinary();
  const port = options.port ?? ((await freePorts(1)) as [number])[0];
  const ownDir = options.dataDir === undefined;
  const dir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "coiote-influxd-"));
  mkdirSync(dir, { recursive: true });
  const credentialsFile = path.join(dir, "coiote-test-credentials.json");
  const url = `http://127.0.0.1:${port}`;

  // influxd reads config.{toml,yaml,json} from its working directory and INFLUXD_* variables: run it in the
  // data folder with none of the caller's INFLUXD_* settings, so only the flags below count.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("INFLUXD_")));
  const t0 = Date.now();
  const server = new ServerProcess(
    "influxd",
    binary,
    [
      "--bolt-path",
      path.join(dir, "influxd.bolt"),
      "--engine-path",
      path.join(dir, "engine"),
      "--sqlite-path",
      path.join(dir, "influxd.sqlite"),
      "--http-bind-address",
      `127.0.0.1:${port}`,
      "--reporting-disabled",
      "--ui-disabled",
      "--log-level",
      "error",
    ],
    { cwd: dir, env },
  );
  const stop = async (): Promise<void> => {
    await server.stop(15_000);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(
      server,
      async () => {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        return res.ok;
      },
      { timeoutMs: options.readyTimeoutMs ?? 60_000, intervalMs: 100 },
    );
    const credentials = await setUp(url, credentialsFile);
    return {
      url,
      ...credentials,
      pid: server.pid!,
      startupMs: Date.now() - t0,
      rssKb: () => rssKb(server.pid),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The initial setup (POST /api/v2/setup), or the credentials saved by an earlier one in the same folder. */
async function setUp(url: string, credentialsFile: string): Promise<Credentials> {
  const status = await fetch(`${url}/api/v2/setup`);
  if (!status.ok) throw new Error(`GET /api/v2/setup answered ${status.status}: ${await status.text()}`);
  const { allowed } = (await status.json()) as { allowed: boolean };
  if (!allowed) {
    if (!existsSync(credentialsFile)) {
      throw new Error(
        `influxd in ${path.dirname(credentialsFile)} was set up before, without ${credentialsFile}`,
      );
    }
    return JSON.parse(readFileSync(credentialsFile, "utf8")) as Credentials;
  }
  const request = {
    username: "coiote-admin",
    password: randomBytes(12).toString("hex"),
    org: "coiote-test",
    bucket: "seed",
    token: `coiote-operator-${randomBytes(24).toString("hex")}`,
  };
  const res = await fetch(`${url}/api/v2/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`POST /api/v2/setup answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { org: { id: string }; bucket: { id: string }; auth: { token: string } };
  const credentials: Credentials = {
    org: request.org,
    orgId: body.org.id,
    token: body.auth.token,
    bucket: request.bucket,
    bucketId: body.bucket.id,
    username: request.username,
    password: request.password,
  };
  writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
