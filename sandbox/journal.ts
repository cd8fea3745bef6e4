import {
  closeSync,
  existsSync,
  fchmodSync,
  fdatasync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/** The data files hold every secret in clear: the owner alone may read them. */
export const secretFileMode = 0o600;

/**
 * The data file as a snapshot plus an append-only journal of the changes made since (`<file>.journal`,
 * one JSON record a line). A change costs one short append, whatever the store holds; now and then the
 * journal is folded into a new snapshot (compaction) and emptied.
 *
 * Durability: a record is written (to the page cache, so it survives the process being killed) when
 * the change is made, in order; `durable()` resolves once an fdatasync covers it, and answers wait for
 * that before they go out. One fdatasync serves every change made while the previous one ran (group
 * commit), so concurrent writers do not pay one each.
 *
 * Records only ever set or remove whole values ("this handler is now X", "this id is gone"), so
 * replaying a journal over a snapshot that already contains some of its changes gives the same state:
 * a crash between writing a new snapshot and emptying the journal loses nothing and doubles nothing.
 */
export class Journal<Change, Snapshot> {
  private readonly journalFile: string;
  private fd: number | undefined;
  /** Records written / covered by a completed fdatasync. */
  private written = 0;
  private synced = 0;
  private syncing: Promise<void> | undefined;
  private recordsSinceSnapshot = 0;
  private closed = false;

  constructor(private readonly dataFile: string) {
    this.journalFile = `${dataFile}.journal`;
  }

  /** The last snapshot and the records written after it, in order. */
  load(): { snapshot: Snapshot | undefined; records: Change[] } {
    for (const file of [this.dataFile, this.journalFile]) protect(file);
    const snapshot = existsSync(this.dataFile)
      ? (JSON.parse(readFileSync(this.dataFile, "utf8")) as Snapshot)
      : undefined;
    const lines = existsSync(this.journalFile) ? readFileSync(this.journalFile, "utf8").split("\n") : [];
    // A last line without its newline was being written when the process died: never acknowledged.
    lines.pop();
    const records = lines.map((line, index) => {
      try {
        return JSON.parse(line) as Change;
      } catch {
        throw new Error(
          `${this.journalFile}: line ${index + 1} is not a journal record; the file is damaged`,
        );
      }
    });
    return { snapshot, records };
  }

  /** Appends one record, in order; it is durable once `durable()` resolves. */
  append(record: Change): void {
    const line = `${JSON.stringify(record)}\n`;
    if (this.closed) {
      // A delivery finishing during shutdown still counts its failure: written, synced, not kept open.
      return withFile(this.journalFile, "a", (fd) => {
        writeFileSync(fd, line);
        fsyncSync(fd);
      });
    }
    writeFileSync(this.open(), line); // loops over short writes, unlike writeSync
    this.written++;
    this.recordsSinceSnapshot++;
  }

  get pendingRecords(): number {
    return this.recordsSinceSnapshot;
  }

  /** Resolves once every record appended so far is on disk. */
  async durable(): Promise<void> {
    const wanted = this.written;
    while (this.synced < wanted) {
      this.syncing ??= this.syncOnce();
      await this.syncing;
    }
  }

  private async syncOnce(): Promise<void> {
    const upTo = this.written;
    const fd = this.fd;
    try {
      if (fd !== undefined) await promisify(fdatasync)(fd);
      this.synced = Math.max(this.synced, upTo);
    } catch (error) {
      // Closed meanwhile: close() synced everything. Otherwise the disk failed, and nothing waiting on
      // this sync may be acknowledged.
      if (this.fd === fd) throw error;
    } finally {
      this.syncing = undefined;
    }
  }

  /**
   * Writes the whole state as the new snapshot and empties the journal. The snapshot is fsync'd and
   * renamed into place (with its directory fsync'd) before the journal is truncated, so a crash at any
   * point leaves either the old snapshot with the full journal or the new one with a journal it
   * already contains.
   */
  compact(snapshot: Snapshot): void {
    const temp = `${this.dataFile}.tmp`;
    withFile(temp, "w", (fd) => {
      fchmodSync(fd, secretFileMode); // the open's mode applies only to a new file: a leftover keeps its own
      writeFileSync(fd, JSON.stringify(snapshot, null, 2));
      fsyncSync(fd);
    });
    renameSync(temp, this.dataFile);
    syncDirectory(path.dirname(this.dataFile));
    const journal = this.open();
    ftruncateSync(journal, 0);
    fsyncSync(journal);
    this.synced = this.written; // everything written so far is in the fsync'd snapshot
    this.recordsSinceSnapshot = 0;
  }

  /** Syncs what is pending and closes the journal. */
  close(): void {
    this.closed = true;
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    this.synced = this.written;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd === undefined) {
      // Append mode: every write lands at the end, also right after a truncation.
      this.fd = openSync(this.journalFile, "a", secretFileMode);
      fchmodSync(this.fd, secretFileMode);
    }
    return this.fd;
  }
}

/** Opens `file` (created owner-only), hands it to `use` and closes it whatever happens. */
function withFile(file: string, flags: string, use: (fd: number) => void): void {
  const fd = openSync(file, flags, secretFileMode);
  try {
    use(fd);
  } finally {
    closeSync(fd);
  }
}

/** A file from an older sandbox may still be world-readable: fixed before anything is read or added. */
function protect(file: string): void {
  if (existsSync(file)) withFile(file, "r", (fd) => fchmodSync(fd, secretFileMode));
}

/** A rename is durable only once its directory is synced. */
function syncDirectory(directory: string): void {
  try {
    withFile(directory, "r", fsyncSync);
  } catch {
    // Some platforms and file systems cannot sync a directory; the rename is still atomic there.
  }
}
