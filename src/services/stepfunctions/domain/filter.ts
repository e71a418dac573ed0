// JSONPath filter expressions ([?(@.status == 0)], [?(@.year <= 1999 && @.name)]) as Step Functions evaluates them
// (recorded on AWS: LocalStack snapshot test_state_pass_regex_json_path_base), read by a small interpreter of its own:
// jsonpath-plus hands the filter text to this callback instead of evaluating it, so user input never reaches code
// evaluation. Grammar: || and && of comparisons (== != < <= > >=) or truthiness, !, parentheses; operands are the
// current item (@ with .member and [index] / ['member'] steps), numbers, quoted strings, true, false, null.
// Anything else (functions, regular expressions, root references) is refused with an error.

type Value = unknown;

const TOKEN = /\s*(?:(\|\||&&|==|!=|<=|>=|<|>|!|\(|\)|\.|\[|\])|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*))/y;

interface Token { kind: "op" | "num" | "str" | "id"; text: string }

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < src.length) {
    if (/\s/.test(src[i])) { i++; continue; }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(src);
    if (!m || m[0].length === 0) throw new Error(`unsupported filter expression near '${src.slice(i, i + 10)}'`);
    if (m[1] !== undefined) out.push({ kind: "op", text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: "num", text: m[2] });
    else if (m[3] !== undefined || m[4] !== undefined) out.push({ kind: "str", text: (m[3] ?? m[4]).replace(/\\(.)/g, "$1") });
    else out.push({ kind: "id", text: m[5] });
    i = TOKEN.lastIndex;
  }
  return out;
}

const MISSING = Symbol("missing");

/** Evaluates the filter text jsonpath-plus prepared (the current item is `_$_v`) against its context. */
export function evaluateFilter(script: string, context: Record<string, unknown>): boolean {
  const tokens = tokenize(script);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (text?: string) => {
    const t = tokens[pos];
    if (!t || (text !== undefined && t.text !== text)) throw new Error(`unsupported filter expression: ${script}`);
    pos++;
    return t;
  };

  function operand(): Value {
    const t = take();
    if (t.kind === "num") return Number(t.text);
    if (t.kind === "str") return t.text;
    if (t.kind === "op" && t.text === "(") {
      const v = or();
      take(")");
      return v;
    }
    if (t.kind === "op" && t.text === "!") return !truthy(operand());
    if (t.kind === "id") {
      if (t.text === "true") return true;
      if (t.text === "false") return false;
      if (t.text === "null") return null;
      if (t.text !== "_$_v") throw new Error(`unsupported filter expression: ${script}`);
      let v: Value = context._$_v;
      for (;;) {
        const n = peek();
        if (n?.kind === "op" && n.text === ".") {
          pos++;
          const key = take().text;
          v = member(v, key);
        } else if (n?.kind === "op" && n.text === "[") {
          pos++;
          const k = take();
          if (k.kind !== "num" && k.kind !== "str") throw new Error(`unsupported filter expression: ${script}`);
          take("]");
          v = member(v, k.kind === "num" ? Number(k.text) : k.text);
        } else break;
      }
      return v;
    }
    throw new Error(`unsupported filter expression: ${script}`);
  }

  function comparison(): Value {
    const left = operand();
    const n = peek();
    if (n?.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(n.text)) {
      pos++;
      return compare(n.text, left, operand());
    }
    return left;
  }

  function and(): Value {
    let v = comparison();
    while (peek()?.text === "&&") {
      pos++;
      const r = comparison();
      v = truthy(v) && truthy(r);
    }
    return v;
  }

  function or(): Value {
    let v = and();
    while (peek()?.text === "||") {
      pos++;
      const r = and();
      v = truthy(v) || truthy(r);
    }
    return v;
  }

  const result = or();
  if (pos !== tokens.length) throw new Error(`unsupported filter expression: ${script}`);
  return truthy(result);
}

function member(v: Value, key: string | number): Value {
  if (v === MISSING || v === null || typeof v !== "object") return MISSING;
  if (Array.isArray(v)) return typeof key === "number" && key < v.length ? v[key] : MISSING;
  return Object.hasOwn(v, key) ? (v as Record<string, Value>)[key] : MISSING;
}

/** A present member is true (an existence test), except false and null; a missing one is false. */
function truthy(v: Value): boolean {
  return v !== MISSING && v !== false && v !== null;
}

/** Comparisons of like types only (numbers, strings, booleans, null); anything else, or a missing member, is false. */
function compare(op: string, a: Value, b: Value): boolean {
  if (a === MISSING || b === MISSING) return false;
  if (op === "==" || op === "!=") {
    const eq = typeof a === typeof b && (a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b)));
    return op === "==" ? eq : !eq;
  }
  if (!((typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string"))) return false;
  switch (op) {
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    default: return a >= b;
  }
}
