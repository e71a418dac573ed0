// Pipes' InputTemplate (EventBridge user guide, "Amazon EventBridge Pipes input transformation"): free text, a JSON
// path, or JSON with inline <$.path> placeholders, plus the reserved <aws.pipes.*> variables. A placeholder outside a
// JSON string literal becomes the value as JSON; inside one, its text ("quote variables referencing JSON path
// parameters, but not variables referencing JSON objects or arrays", same page). Applied to each record of a batch
// separately ("Input transformers are applied separately on each individual JSON record", batching page). Linear in
// the template and the record; no RegExp is built from user text.
import { parsePath, selectPath } from "../../events/index.ts";
import { validation } from "../errors.ts";

export interface TemplateContext {
  pipeArn: string;
  pipeName: string;
  sourceArn: string;
  enrichmentArn?: string;
  targetArn: string;
  /** When the pipe read the record (ms). */
  ingestedAt: number;
}

/** A Mailroom bound on one rendered input (a short template repeating a large value would grow without limit): 256 KiB. */
export const MAX_RENDERED_CHARS = 256 * 1024;

interface Piece {
  text?: string;
  variable?: string;
  quoted?: boolean;
}

const NAME_CHAR = /[A-Za-z0-9_.\-$\[\]*'"/@:]/;

function tokenize(template: string): Piece[] {
  const out: Piece[] = [];
  let inString = false;
  let start = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\\" && inString) {
      i++;
      continue;
    }
    if (c === '"') {
      inString = !inString;
      continue;
    }
    if (c !== "<") continue;
    let j = i + 1;
    while (j < template.length && j - i <= 512 && template[j] !== ">" && NAME_CHAR.test(template[j])) j++;
    if (j === i + 1 || template[j] !== ">") continue;
    const name = template.slice(i + 1, j);
    if (!name.startsWith("$") && !name.startsWith("aws.pipes.")) continue;
    if (i > start) out.push({ text: template.slice(start, i) });
    out.push({ variable: name, quoted: inString });
    start = j + 1;
    i = j;
  }
  if (start < template.length) out.push({ text: template.slice(start) });
  return out;
}

const RESERVED = new Set([
  "aws.pipes.pipe-arn", "aws.pipes.pipe-name", "aws.pipes.source-arn", "aws.pipes.enrichment-arn", "aws.pipes.target-arn",
  "aws.pipes.event.ingestion-time", "aws.pipes.event", "aws.pipes.event.json",
]);

/** CreatePipe / UpdatePipe: every placeholder must be a JSON path Pipes can read or a reserved variable. */
export function checkTemplate(template: string, path: string): void {
  for (const p of tokenize(template)) {
    if (p.variable === undefined) continue;
    if (p.variable.startsWith("$") ? !parsePath(p.variable) : !RESERVED.has(p.variable)) {
      throw validation(`${path} contains an invalid placeholder <${p.variable}>.`);
    }
  }
}

export class RenderTooLarge extends Error {}

/** Renders the template for one record. */
export function renderTemplate(template: string, record: unknown, c: TemplateContext): string {
  const reserved: Record<string, unknown> = {
    "aws.pipes.pipe-arn": c.pipeArn, "aws.pipes.pipe-name": c.pipeName, "aws.pipes.source-arn": c.sourceArn,
    "aws.pipes.enrichment-arn": c.enrichmentArn ?? "", "aws.pipes.target-arn": c.targetArn,
    "aws.pipes.event.ingestion-time": new Date(c.ingestedAt).toISOString(), "aws.pipes.event": record, "aws.pipes.event.json": record,
  };
  // Free text (a template that is not JSON, e.g. "Hello, <$.attributes.SenderId>" in the user guide) takes each
  // value as its text, as inside a JSON string.
  const first = template.trimStart()[0];
  const pieces = tokenize(template.trim());
  // A template that is one placeholder ("<$.body>") is that value as JSON.
  const single = pieces.length === 1 && pieces[0].variable !== undefined;
  const freeText = !single && first !== "{" && first !== "[" && first !== '"';
  const parts: string[] = [];
  let size = 0;
  for (const p of single ? pieces : tokenize(template)) {
    let text: string;
    if (p.variable === undefined) text = p.text as string;
    else {
      let v: unknown;
      if (p.variable.startsWith("$")) {
        const steps = parsePath(p.variable);
        v = steps ? selectPath(record, steps) : undefined;
      } else v = reserved[p.variable];
      text = p.quoted || freeText ? (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v)) : v === undefined ? "null" : JSON.stringify(v);
    }
    size += text.length;
    if (size > MAX_RENDERED_CHARS) throw new RenderTooLarge(`The transformed input is larger than ${MAX_RENDERED_CHARS} characters.`);
    parts.push(text);
  }
  return parts.join("");
}

/** A rendered input as the next step receives it: JSON when it parses as JSON, else the text. */
export function asPayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A dynamic target parameter (EventBridge user guide, "Amazon EventBridge Pipes targets", dynamic path parameters):
 * a value starting with "$." is a JSON path into the record; others are used as they are.
 */
export function dynamicParameter(value: string | undefined, record: unknown): string | undefined {
  if (value === undefined || !value.startsWith("$.")) return value;
  const steps = parsePath(value);
  const v = steps ? selectPath(record, steps) : undefined;
  if (v === undefined || v === null) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}
