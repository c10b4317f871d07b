/**
 * Where the first byte that is not valid UTF-8 is (offset, 1-based line and the byte), or
 * undefined when all of it is valid. Only called after `TextDecoder` refused the bytes, to tell
 * the user where to look; the rules are those of the WHATWG decoder (no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; byte: number } | undefined {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b === 0x0a) line++;
      i++;
      continue;
    }
    let length = 0;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else {
      return { offset: i, line, byte: b };
    }
    for (let k = 1; k <= length; k++) {
      const next = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next === undefined || next < min || next > max) return { offset: i, line, byte: b };
    }
    i += length + 1;
  }
  return undefined;
}
