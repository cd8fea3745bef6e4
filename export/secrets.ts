import { commentText } from "./code";
import { envVarFor } from "./names";

/**
 * Secrets DM never reveals (it returns them as `********`): the program reads each one from stack config,
 * one key per secret named after the resource and the field, and `set-secrets.sh` sets them.
 */
export interface SecretEntry {
  /** The stack config key, e.g. `temperatureAlertsPassword`. */
  key: string;
  /** The environment variable set-secrets.sh takes the value from, e.g. `TEMPERATURE_ALERTS_PASSWORD`. */
  envVar: string;
  handlerId: string;
  handlerName: string;
  domain: string;
  /** Where DM keeps it, e.g. `connectionConfig.auth.password`. */
  field: string;
  /** What value the key wants, in words. */
  hint: string;
}

/** Field → the key's suffix after the resource's identifier. */
export const secretSuffixes = {
  "connectionConfig.auth.password": "Password",
  "connectionConfig.auth.token": "Token",
  "connectionConfig.auth.value": "Authorization",
  "connectionConfig.value": "KafkaProperties",
  "connectionConfig.uri": "Uri",
  influxToken: "InfluxToken",
} as const;

export type SecretField = keyof typeof secretSuffixes;

/** Hands out config keys, unique in the program even when an identifier plus a suffix meets another. */
export class SecretKeys {
  private readonly used = new Set<string>();
  readonly entries: SecretEntry[] = [];

  add(
    ident: string,
    field: SecretField,
    handler: { id: string; name: string; domain: string },
    hint: string,
  ): string {
    const base = `${ident}${secretSuffixes[field]}`;
    let key = base;
    for (let n = 2; this.used.has(key); n++) key = `${base}${n}`;
    this.used.add(key);
    this.entries.push({
      key,
      envVar: envVarFor(key),
      handlerId: handler.id,
      handlerName: handler.name,
      domain: handler.domain,
      field: field === "influxToken" ? 'connectionConfig.auth.value (the token after "Token ")' : field,
      hint,
    });
    return key;
  }
}

/** The text of set-secrets.sh: one `pulumi config set --secret` a secret, each commented. */
export function setSecretsScript(entries: SecretEntry[]): string {
  const header = `#!/usr/bin/env bash
# Sets the stack secrets of the handlers exported by coiote-export. Coiote DM never returns a secret (it
# shows a mask instead), so index.ts reads each one from stack config with config.requireSecret(...).
#
# Run it in this project once per stack, after \`pulumi stack select\` (or \`pulumi stack init\`). Each value
# is taken from the environment variable named on its line when that is set (for CI), otherwise it is
# asked for on the terminal, without echo.
set -euo pipefail
cd "$(dirname "$0")"

ask() { # ask VARIABLE: unless VARIABLE is set, read it from the terminal without echo
  if [ -z "\${!1:-}" ]; then
    if ! { read -rsp "$1: " "$1" </dev/tty; } 2>/dev/null; then
      echo "set-secrets.sh: set $1 (there is no terminal to ask on)" >&2
      exit 1
    fi
    echo >&2
    if [ -z "\${!1}" ]; then
      echo "set-secrets.sh: no value for $1" >&2
      exit 1
    fi
  fi
}
`;
  if (entries.length === 0) return `${header}\n# The exported handlers have no secrets: nothing to set.\n`;
  const blocks = entries.map((entry) =>
    [
      `# ${commentText(`handler ${JSON.stringify(entry.handlerName)} (${entry.handlerId}) in ${entry.domain}: ${entry.field}`)}`,
      `# ${commentText(entry.hint)}`,
      `ask ${entry.envVar}`,
      `pulumi config set --secret ${entry.key} -- "$${entry.envVar}"`,
    ].join("\n"),
  );
  return `${header}\n${blocks.join("\n\n")}\n`;
}
