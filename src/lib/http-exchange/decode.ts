import { PassThrough, type Readable, type Transform, type Writable } from 'node:stream';
import zlib from 'node:zlib';

/** What the exchange asks for: what fetch asks for, so providers reply as they do to their SDKs. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

// Truncated streams decode as far as they go, as browsers and undici do.
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

function decoderFor(coding: string): Transform | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(LENIENT);
    case 'deflate':
      // "deflate" is zlib-wrapped by the spec and raw in some servers; unzip tells them apart.
      return zlib.createUnzip(LENIENT);
    case 'br':
      return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}

/** A decoding chain: bytes go into `input`, decoded bytes come out of `output` (the same stream for one coding). */
export interface Decoder {
  readonly input: Writable;
  readonly output: Readable;
  readonly decoding: boolean;
  destroy(): void;
}

/**
 * Undoes the reply's Content-Encoding (applied right to left); identity and unknown codings pass
 * through unchanged. Its output is what the body cap counts, chunk by chunk, so a compression bomb
 * is cut after at most one decoder chunk past the cap.
 */
export function createDecoder(contentEncoding: string | undefined): Decoder {
  const codings = (contentEncoding ?? '')
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  const decoders = codings.reverse().map(decoderFor);
  if (decoders.length === 0 || decoders.some((decoder) => decoder === undefined)) {
    const pass = new PassThrough();
    return { input: pass, output: pass, decoding: false, destroy: () => pass.destroy() };
  }
  const chain = decoders as Transform[];
  for (let index = 1; index < chain.length; index += 1) {
    const previous = chain[index - 1] as Transform;
    const next = chain[index] as Transform;
    previous.on('error', (error) => next.destroy(error));
    previous.pipe(next);
  }
  return {
    input: chain[0] as Transform,
    output: chain[chain.length - 1] as Transform,
    decoding: true,
    destroy: () => chain.forEach((stream) => stream.destroy()),
  };
}
