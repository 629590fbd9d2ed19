/** Lexical helpers shared by the JSON scanner and the line templates. */

const ZERO = 48;
const NINE = 57;

/** Index after the JSON number at `p`, or -1 (the same grammar as the scanner's). */
export function jsonNumberEnd(s: string, p: number, e: number): number {
  let c = s.charCodeAt(p);
  if (c === 45) c = ++p < e ? s.charCodeAt(p) : -1;
  if (c === ZERO) {
    p += 1;
  } else if (c > ZERO && c <= NINE) {
    do p += 1;
    while (p < e && (c = s.charCodeAt(p)) >= ZERO && c <= NINE);
  } else {
    return -1;
  }
  if (p < e && s.charCodeAt(p) === 46) {
    const first = ++p;
    while (p < e && (c = s.charCodeAt(p)) >= ZERO && c <= NINE) p += 1;
    if (p === first) return -1;
  }
  if (p < e && ((c = s.charCodeAt(p)) === 101 || c === 69)) {
    p += 1;
    if (p < e && ((c = s.charCodeAt(p)) === 43 || c === 45)) p += 1;
    const first = p;
    while (p < e && (c = s.charCodeAt(p)) >= ZERO && c <= NINE) p += 1;
    if (p === first) return -1;
  }
  return p;
}

const HIGH_BYTE = /[\x80-\xff]/;

/** True when a latin1 string holds a byte above 127, so it must be decoded as UTF-8. */
export function hasHighByte(text: string): boolean {
  return HIGH_BYTE.test(text);
}

/** True when [start, end) of a latin1 string holds a byte above 127 (so it must be decoded as UTF-8). */
export function hasHighBytes(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if (s.charCodeAt(i) > 127) return true;
  return false;
}

const QUOTE = 34;
const BACKSLASH = 92;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** Characters allowed after a backslash, besides "u". */
const ESCAPES = new Set([QUOTE, BACKSLASH, 47, 98, 102, 110, 114, 116]);

/**
 * Index after the closing quote of the JSON string opening at `p`, or -1. A line known to hold no
 * backslash or control character needs only the next quote (`careful` false); others are checked
 * char by char: escapes, and no raw control character.
 */
export function jsonStringEnd(s: string, p: number, e: number, careful: boolean): number {
  if (!careful) {
    const q = s.indexOf('"', p + 1);
    return q < 0 || q >= e ? -1 : q + 1;
  }
  let i = p + 1;
  while (i < e) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const n = i + 1 < e ? s.charCodeAt(i + 1) : -1;
      if (n === 117) {
        if (i + 5 >= e || !isHex(s.charCodeAt(i + 2)) || !isHex(s.charCodeAt(i + 3)) || !isHex(s.charCodeAt(i + 4)) || !isHex(s.charCodeAt(i + 5))) return -1;
        i += 6;
      } else if (ESCAPES.has(n)) {
        i += 2;
      } else {
        return -1;
      }
    } else if (c < 32) {
      return -1;
    } else {
      i += 1;
    }
  }
  return -1;
}

/** Index after the literal true, false or null at `p`, or -1. */
export function jsonLiteralEnd(s: string, p: number, e: number): number {
  const c = s.charCodeAt(p);
  const word = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : '';
  return word !== '' && p + word.length <= e && s.startsWith(word, p) ? p + word.length : -1;
}
