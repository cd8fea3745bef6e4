/** A failure the user can act on: its message is the one line `coiote-export` prints. */
export class ExportError extends Error {
  override name = "ExportError";
}

/** Any error as one line: its message without line breaks (never a stack trace). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim() || "unknown error";
}
