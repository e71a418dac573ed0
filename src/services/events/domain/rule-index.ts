// Which rules can match an event, without testing every rule of the bus: rules whose pattern names `source` as a
// list of plain strings are indexed by those sources; the others (no source, or source with operators) are tested
// for every event. The index only narrows: each candidate is still matched in full (matchesEvent).
import { compileEventPattern, matchesEvent, type EventPattern } from "../../../patterns/event-pattern.ts";

export interface IndexedRule<R> {
  rule: R;
  pattern: EventPattern;
}

export class RuleIndex<R> {
  private readonly bySource = new Map<string, IndexedRule<R>[]>();
  private readonly always: IndexedRule<R>[] = [];

  constructor(rules: { rule: R; text: string }[], compile: (text: string) => EventPattern = compileEventPattern) {
    for (const { rule, text } of rules) {
      const entry = { rule, pattern: compile(text) };
      const sources = plainSources(text);
      if (!sources) {
        this.always.push(entry);
        continue;
      }
      for (const s of sources) {
        let list = this.bySource.get(s);
        if (!list) this.bySource.set(s, (list = []));
        list.push(entry);
      }
    }
  }

  /** The rules whose pattern matches the event, each once. */
  match(event: { source: string }): R[] {
    const out: R[] = [];
    for (const list of [this.bySource.get(event.source) ?? [], this.always]) {
      for (const e of list) if (matchesEvent(e.pattern, event)) out.push(e.rule);
    }
    return out;
  }
}

/** The pattern's `source` values when it is a list of plain strings only (an exact match on one of them), else undefined. */
export function plainSources(text: string): string[] | undefined {
  const p = JSON.parse(text) as Record<string, unknown>;
  const s = p.source;
  if (!Array.isArray(s) || s.length === 0 || !s.every((v) => typeof v === "string")) return undefined;
  return [...new Set(s as string[])];
}
