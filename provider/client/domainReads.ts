import type { EventHandler } from "../schemas";

interface DomainList {
  handlers: Promise<Map<string, EventHandler> | undefined>;
  /** When the answer came; until then the list is on its way. */
  receivedAt?: number;
}

/**
 * Reads of many handlers at once (a refresh reads every handler of the stack together) answered by one
 * list call per domain instead of one GET each: a read shares its domain's list when the list is on its
 * way or came less than `freshMs` ago. The answers stay exact: a handler the list does not hold, or a
 * list that failed, is read with its own GET, so only DM's 404 for that id says a handler is gone; and
 * every write through the connection forgets the lists, so no read after a write sees an older list.
 */
export class DomainReads {
  private readonly lists = new Map<string, DomainList>();

  constructor(
    private readonly freshMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The handler as its domain's list holds it; undefined when the list has no such id or failed. */
  async find(
    domain: string,
    id: string,
    list: () => Promise<EventHandler[]>,
  ): Promise<EventHandler | undefined> {
    let entry = this.lists.get(domain);
    if (!entry || (entry.receivedAt !== undefined && this.now() - entry.receivedAt > this.freshMs)) {
      const listed: DomainList = {
        handlers: list()
          .then(
            (handlers) => new Map(handlers.map((handler) => [handler.id, handler])),
            // A failed list (say, one handler DM holds that the schema does not know) answers nothing: its
            // readers, and those of the next `freshMs`, read by GET.
            () => undefined,
          )
          .finally(() => (listed.receivedAt = this.now())),
      };
      this.lists.set(domain, (entry = listed));
    }
    return (await entry.handlers)?.get(id);
  }

  /** After a write: DM has changed, so no list taken before it may answer a read. */
  forget(): void {
    this.lists.clear();
  }
}
