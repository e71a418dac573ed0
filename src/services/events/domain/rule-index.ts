// Which rules can match an event, without testing every rule of the bus. A rule whose pattern names `source` as a
// list of plain strings is filed under each of those sources and, when its `detail-type` is a list of plain strings
// too, under each (source, detail-type) pair; a rule with only a plain `detail-type` is filed under it; the others
// (no usable field, operators, `$or`) are tested for every event. An event is tested against the rules of its
// (source, detail-type) pair, of its source alone, of its detail-type alone and the always-tested ones, so with
// rules that name their source and detail-type the cost per event stays flat as rules grow. The index narrows, and
// each candidate is matched in full against the event flattened once, except a rule whose pattern is nothing but
// those plain lists: being filed under the event's values is its whole match. The bus's archives (their patterns,
// or none: every event) and rules without a pattern (scheduled only) are kept too.
import { compileEventPattern, type EventPattern } from "../../../patterns/event-pattern.ts";
import { flatLookup, type Lookup, matches } from "../../../patterns/matcher.ts";

export interface IndexedRule<R> {
  rule: R;
  pattern: EventPattern;
  /**
   * The pattern names nothing but the fields it is filed under, each as a list of plain strings: being found under
   * the event's source (and detail-type) is then the whole match (an exact string matches only itself), and the
   * event is not flattened for it.
   */
  exact: boolean;
}

export class RuleIndex<R> {
  private readonly bySourceType = new Map<string, Map<string, IndexedRule<R>[]>>();
  private readonly bySource = new Map<string, IndexedRule<R>[]>();
  private readonly byType = new Map<string, IndexedRule<R>[]>();
  private readonly always: IndexedRule<R>[] = [];
  private readonly ids = new Map<number, R>();
  private readonly archives: { id: number; pattern?: EventPattern }[] = [];

  constructor(
    rules: { rule: R; text: string; id?: number }[],
    compile: (text: string) => EventPattern = compileEventPattern,
    archives: { id: number; text?: string }[] = [],
  ) {
    for (const { rule, text, id } of rules) {
      if (id !== undefined) this.ids.set(id, rule);
      // A rule with a schedule and no pattern matches no event.
      if (text === "") continue;
      const fields = plainFields(text);
      const entry = { rule, pattern: compile(text), exact: fields.onlyPlain };
      if (fields.sources && fields.types) {
        for (const s of fields.sources) {
          let byType = this.bySourceType.get(s);
          if (!byType) this.bySourceType.set(s, (byType = new Map()));
          for (const t of fields.types) push(byType, t, entry);
        }
      } else if (fields.sources) {
        for (const s of fields.sources) push(this.bySource, s, entry);
      } else if (fields.types) {
        for (const t of fields.types) push(this.byType, t, entry);
      } else {
        this.always.push(entry);
      }
    }
    for (const a of archives) this.archives.push({ id: a.id, pattern: a.text ? compile(a.text) : undefined });
  }

  /**
   * The rules whose pattern matches the event, each once. The event is flattened for the matcher once, and only when
   * some rule is a candidate (matchesEvent would flatten it again for every candidate).
   */
  match(event: { source: string; "detail-type"?: string }): R[] {
    const out: R[] = [];
    const type = event["detail-type"];
    const lists = [this.bySource.get(event.source), this.always];
    if (typeof type === "string") lists.push(this.bySourceType.get(event.source)?.get(type), this.byType.get(type));
    let lookup: Lookup | undefined;
    for (const list of lists) {
      if (!list) continue;
      for (const e of list) if ((e.exact && list !== this.always) || matches(e.pattern, (lookup ??= flatLookup(event)))) out.push(e.rule);
    }
    return out;
  }

  /** How many rules an event is tested against (the index's narrowing; for tests and metrics). */
  candidates(event: { source: string; "detail-type"?: string }): number {
    const type = event["detail-type"];
    let n = (this.bySource.get(event.source)?.length ?? 0) + this.always.length;
    if (typeof type === "string") n += (this.bySourceType.get(event.source)?.get(type)?.length ?? 0) + (this.byType.get(type)?.length ?? 0);
    return n;
  }

  /** The rule of a stored id (scheduled firings go to one rule, whatever its pattern). */
  rule(id: number): R | undefined {
    return this.ids.get(id);
  }

  /** The ids of the archives whose pattern matches the event (an archive without a pattern takes every event). */
  archivesFor(event: object): number[] {
    const out: number[] = [];
    let lookup: Lookup | undefined;
    for (const a of this.archives) if (!a.pattern || matches(a.pattern, (lookup ??= flatLookup(event)))) out.push(a.id);
    return out;
  }

  get hasArchives(): boolean {
    return this.archives.length > 0;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

/** The distinct plain strings of a pattern field that is a non-empty list of plain strings only, else undefined. */
function plainList(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string")) return undefined;
  return [...new Set(v as string[])];
}

/** The pattern's `source` values when it is a list of plain strings only (an exact match on one of them), else undefined. */
export function plainSources(text: string): string[] | undefined {
  return plainFields(text).sources;
}

/**
 * The pattern's plain `source` and `detail-type` lists (each undefined when not a list of plain strings), and whether
 * the pattern has no other field than those plain lists (and at least one of them).
 */
export function plainFields(text: string): { sources?: string[]; types?: string[]; onlyPlain: boolean } {
  const p = JSON.parse(text) as Record<string, unknown>;
  const sources = plainList(p.source);
  const types = plainList(p["detail-type"]);
  let onlyPlain = sources !== undefined || types !== undefined;
  for (const k of Object.keys(p)) if (!((k === "source" && sources) || (k === "detail-type" && types))) onlyPlain = false;
  return { sources, types, onlyPlain };
}
