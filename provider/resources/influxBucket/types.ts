/** An InfluxDB bucket as the provider keeps it (inputs, and the outputs with orgId filled in). */
export interface BucketState {
  name: string;
  org?: string;
  orgId?: string;
  /** Seconds; 0 keeps data forever. */
  retentionSeconds: number;
  description: string | null;
  adoptId?: string;
}
