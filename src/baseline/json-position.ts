/**
 * Where a JSON text first goes wrong. Node 20's JSON.parse often names no position ("Unexpected
 * token '}', ... is not valid JSON"), and a baseline error should say which line to fix. A small
 * recursive-descent scan over the grammar of RFC 8259, used only after JSON.parse has failed.
 */

class At {
  constructor(readonly offset: number) {}
}

export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) throw new At(i);
    i++;
  };
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) throw new At(i);
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new At(i);
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) throw new At(i);
      }
      i++;
    }
    expect('"');
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) throw new At(i);
    i += m[0].length;
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, i)) throw new At(i);
    i += word.length;
  };
  const list = (close: string, item: () => void) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (text[i] === close) return void i++;
      expect(',');
      ws();
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') list('}', () => { string(); ws(); expect(':'); value(); });
    else if (ch === '[') list(']', value);
    else if (ch === '"') string();
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else throw new At(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (err) {
    if (err instanceof At) return err.offset;
    throw err;
  }
}
