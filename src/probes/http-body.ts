/** Raised when a reply body is larger than the configured cap. */
export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`reply body is larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * Reads a fetch Response body up to `limitBytes`, failing as soon as the cap is passed so a
 * hostile endless body cannot exhaust memory. The fetch's AbortSignal also cuts a body that trickles.
 */
export async function readBodyCapped(response: Response, limitBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
