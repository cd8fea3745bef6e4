export interface Permission {
  action: "read" | "write";
  resource: { type: string; id?: string; orgID?: string };
}

export type TokenStatus = "active" | "inactive";

/** An InfluxDB authorization. The token is minted by InfluxDB on create and kept (secret) in the outputs. */
export interface TokenState {
  org?: string;
  orgId?: string;
  description: string | null;
  permissions: Permission[];
  /** An inactive token is refused by InfluxDB but kept, so it can be switched back on in place. */
  status: TokenStatus;
  /** Any value; changing it mints a new token (create before delete, so users of the token can switch). */
  rotation?: string;
  token?: string;
}
