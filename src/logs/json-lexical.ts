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
