// How SNS words a JSON attribute value it cannot parse. AWS's parser (Jackson) reports the first problem with its
// line and column, e.g. "Unexpected character ('i' (code 105)): was expecting double-quote to start field name\n at
// [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]" (recorded AWS
// responses: LocalStack snapshots test_validate_set_sub_attributes, test_subscribe_invalid_filter_policy). The two
// recorded kinds are reproduced (an unquoted field name, an unknown bare word) plus Jackson's wording for a value
// that cannot start; other failures get no detail.

const VALUE_KINDS = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

class Found {
  readonly detail: string;
  readonly pos: number;
  constructor(detail: string, pos: number) {
    this.detail = detail;
    this.pos = pos;
  }
}

function describeChar(c: string): string {
  return `'${c}' (code ${c.codePointAt(0)})`;
}

/** Walks the text as a JSON value and throws Found at the first problem of a kind Jackson words as above. */
function walk(text: string): void {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const str = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) throw new Error("end");
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === undefined) throw new Error("end");
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === undefined) throw new Error("end");
        if (text[i] !== '"') throw new Found(`Unexpected character (${describeChar(text[i])}): was expecting double-quote to start field name`, i + 1);
        str();
        ws();
        if (text[i] !== ":") throw new Error("other");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        throw new Error("other");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        throw new Error("other");
      }
    }
    if (c === '"') return str();
    if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw new Error("other");
      i += m[0].length;
      return;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z0-9_$]+/.exec(text.slice(i))![0];
      if (word === "true" || word === "false" || word === "null") {
        i += word.length;
        return;
      }
      throw new Found(`Unrecognized token '${word}': was expecting ${VALUE_KINDS}`, i + word.length + 1);
    }
    throw new Found(`Unexpected character (${describeChar(c)}): expected a valid value ${VALUE_KINDS}`, i + 1);
  };
  value();
}

/**
 * "failed to parse JSON" with Jackson's detail when it is one of the kinds above, for an InvalidParameter message
 * such as "RedrivePolicy: failed to parse JSON. Unrecognized token ...". Undefined when the text parses.
 */
export function jsonFailure(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    // described below
  }
  try {
    walk(text);
  } catch (e) {
    if (e instanceof Found) {
      const before = text.slice(0, e.pos - 1);
      const line = before.split("\n").length;
      const column = e.pos - (before.lastIndexOf("\n") + 1);
      return `failed to parse JSON. ${e.detail}\n at [Source: REDACTED (\`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION\` disabled); line: ${line}, column: ${column}]`;
    }
  }
  return "failed to parse JSON.";
}
