/** DM's error codes (docs/dm-contract.md § 4); the HTTP status is the code's first three digits. */
export const codes = {
  invalidPayload: 4000,
  invalidId: 4002,
  invalidLwm2mUrlOrNoKafkaProperty: 4003,
  handlerLimit: 4004,
  uriForbidden: 4005,
  bootstrapForbidden: 4006,
  unauthorized: 4010,
  forbidden: 4030,
  notFound: 4040,
  domainNotFound: 4041,
  retryLater: 5030,
} as const;

export class DmError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return Number(String(this.code).slice(0, 3));
  }
  toBody(): { message: string; code: number } {
    return { message: this.message, code: this.code };
  }
}

/** DM's answer to a body it refuses: 4000, "invalid payload: <what is wrong>". */
export function payloadError(problem: string): DmError {
  return new DmError(codes.invalidPayload, `invalid payload: ${problem}`);
}
