import { FormatError } from '@nabla/tensor';

/**
 * A JSON parser for safetensors headers, stricter than JSON.parse where the format needs it:
 *  - a repeated key is refused (JSON.parse keeps the last one silently, so a file could name one
 *    tensor twice and a reader would see only one of the two);
 *  - numbers are plain non-negative integer literals (`0`, `24`), the only numbers a header holds
 *    (shapes and byte offsets), and must be exact in a double (≤ 2^53 - 1);
 *  - nesting is limited (a header is three levels deep), so a hostile `[[[[…` cannot overflow the stack.
 * Objects come back as Maps, so a key such as `__proto__` is just a key.
 */
export type HeaderValue = string | number | boolean | null | HeaderValue[] | HeaderObject;
export type HeaderObject = Map<string, HeaderValue>;

const MAX_DEPTH = 8;

export function parseHeaderJson(text: string, source: string): HeaderValue {
  let pos = 0;
  const fail = (message: string): never => {
    throw new FormatError(source, `header JSON ${message} at character ${pos}`);
  };
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else return;
    }
  };
  const expect = (ch: string) => {
    if (text[pos] !== ch) fail(`expected '${ch}' but found ${describe(text, pos)}`);
    pos++;
  };

  const parseString = (): string => {
    expect('"');
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail('has an unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('has a raw control character in a string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text[pos + 1];
      pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('has a bad \\u escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          pos -= 2;
          fail('has a bad escape');
      }
      start = pos;
    }
  };

  const parseValue = (depth: number): HeaderValue => {
    if (depth > MAX_DEPTH) fail(`nests deeper than ${MAX_DEPTH} levels`);
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: HeaderObject = new Map();
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipSpace();
        const keyAt = pos;
        const key = parseString();
        if (obj.has(key)) {
          pos = keyAt;
          fail(`repeats the key ${JSON.stringify(key)}`);
        }
        skipSpace();
        expect(':');
        obj.set(key, parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return obj;
        } else fail(`expected ',' or '}' but found ${describe(text, pos)}`);
      }
    }
    if (c === '[') {
      pos++;
      const arr: HeaderValue[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return arr;
        } else fail(`expected ',' or ']' but found ${describe(text, pos)}`);
      }
    }
    if (c === '"') return parseString();
    if (c !== undefined && c >= '0' && c <= '9') {
      const m = /^(0|[1-9][0-9]*)(?![0-9.eE])/.exec(text.slice(pos, pos + 24));
      if (!m) fail('has a number that is not a plain non-negative integer');
      const value = Number(m![1]);
      if (!Number.isSafeInteger(value)) fail(`has the integer ${m![1]}, beyond 2^53 - 1`);
      pos += m![1]!.length;
      return value;
    }
    if (c === '-') fail('has a negative number; shapes and offsets are non-negative');
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return fail(`expected a value but found ${describe(text, pos)}`);
  };

  const value = parseValue(1);
  skipSpace();
  if (pos !== text.length) fail(`has ${describe(text, pos)} after the end of the object`);
  return value;
}

function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'the end of the header';
  return JSON.stringify(text.slice(pos, pos + 12));
}
