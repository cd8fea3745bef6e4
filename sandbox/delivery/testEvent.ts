import { randomInt } from "node:crypto";
import type { Filter } from "../../provider/schemas";
import type { DeviceEvent } from "./events";

const alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** DM's test event: made from the handler's filter, from a made-up device "handler-test-device-XXXXXXXXXX". */
export function testEventFor(filter: Filter, domain: string): DeviceEvent {
  let suffix = "";
  for (let i = 0; i < 10; i++) suffix += alphanumerics[randomInt(alphanumerics.length)];
  const endpointName = `handler-test-device-${suffix}`;
  if (filter.type === "telemetry") {
    const url = filter.lwm2mUrls[0] ?? "/1";
    return {
      kind: "telemetry",
      domain,
      endpointName,
      url,
      value: String(randomInt(10, 100)),
      timestamp: Date.now(),
    };
  }
  return {
    kind: "lifecycle",
    domain,
    endpointName,
    subtype: filter.eventTypes[0] ?? "deviceCreated",
    metadata: { test: true },
    timestamp: Date.now(),
  };
}
