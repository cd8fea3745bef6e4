import { type ConfigSource, type DmSettings, readDmSettings } from "./config";

/**
 * Stack config handed to the dynamic provider's configure(). It lives in the provider host process only
 * (never in the serialized provider), so secrets read here never reach the state file.
 */
let configured: ConfigSource | undefined;

export function configure(source: ConfigSource): void {
  configured = source;
}

/** Settings for DM calls; throws a ConfigurationError that says what to set when something is missing. */
export function dmSettings(): DmSettings {
  return readDmSettings(configured);
}

/** The default domain, or undefined when nothing is configured yet (e.g. a preview without credentials). */
export function defaultDomain(): string | undefined {
  try {
    return readDmSettings(configured).domain;
  } catch {
    const raw = configured?.get("coiote:domain") ?? process.env.COIOTE_DOMAIN;
    return raw || undefined;
  }
}

export function configSource(): ConfigSource | undefined {
  return configured;
}
