import net from 'node:net';

/**
 * A minimal Bolt server on 127.0.0.1 for testing the Neo4j probe at the protocol level.
 *
 * It speaks the parts of Bolt that neo4j-driver needs for a session to run one auto-commit query:
 * - the handshake: the magic preamble 60 60 B0 17 and four 4-byte version proposals
 *   `[reserved, range, minor, major]`, answered either with one version (legacy) or, when the
 *   client offers the manifest marker 255.1 (00 00 01 FF), with the manifest v1 exchange
 *   (00 00 01 FF, a varint count of version ranges, the ranges, a varint capability mask; the
 *   client then writes its chosen version and a varint capability mask);
 * - chunked framing: each message is split into chunks with a 2-byte big-endian length header
 *   and ends with an empty chunk 00 00;
 * - PackStream v1 values (null, booleans, integers, floats, bytes, strings, lists, maps, structures);
 * - requests HELLO 0x01, GOODBYE 0x02, RESET 0x0F, RUN 0x10, BEGIN 0x11, COMMIT 0x12, ROLLBACK 0x13,
 *   DISCARD 0x2F, PULL 0x3F, TELEMETRY 0x54, ROUTE 0x66, LOGON 0x6A, LOGOFF 0x6B, and the summaries
 *   SUCCESS 0x70, RECORD 0x71, IGNORED 0x7E, FAILURE 0x7F.
 *
 * It does not run Cypher: RUN always yields the single column `ok` and PULL the one row the
 * behaviour prescribes. Everything the server receives is recorded for assertions.
 */

export type BoltBehaviour =
  /** Accepts any credentials; `RETURN 1 AS ok` yields one record [1]. */
  | 'healthy'
  /** Answers the authentication message (HELLO up to 5.0, LOGON from 5.1) with a Security FAILURE, then closes. */
  | 'unauthorized'
  /** Like healthy, but the record is [2]. */
  | 'wrong_value'
  /** Answers the handshake with 00 00 00 00 (no common version) and closes. */
  | 'no_version'
  /** Accepts the TCP connection, reads everything and never writes a byte. */
  | 'silent'
  /** Completes the version negotiation, then closes the connection before any message. */
  | 'close_after_handshake'
  /** Like healthy up to authentication; never answers RUN (a server stuck in a query). */
  | 'hang_on_run';

export interface BoltVersion {
  readonly major: number;
  readonly minor: number;
}

export interface BoltServerOptions {
  readonly behaviour: BoltBehaviour;
  /** Versions this server speaks. Defaults to 5.8 down to 5.0, and 4.4. */
  readonly versions?: readonly BoltVersion[];
  /** Whether the server answers the manifest v1 handshake when the client offers it (default true). */
  readonly manifest?: boolean;
  /** The `server` field of the HELLO SUCCESS (default "Neo4j/5.26.0"). */
  readonly agent?: string;
  /** The error the `unauthorized` behaviour sends (default Neo.ClientError.Security.Unauthorized). */
  readonly authFailure?: { readonly code: string; readonly message: string };
}

/** One decoded PackStream structure: a signature byte and its fields. */
export interface PackStructure {
  readonly signature: number;
  readonly fields: unknown[];
}

export interface ReceivedMessage {
  readonly name: string;
  readonly signature: number;
  readonly fields: readonly unknown[];
}

/** The authentication token a client sent, from HELLO (up to Bolt 5.0) or LOGON (5.1 and later). */
export interface ReceivedAuth {
  readonly via: 'HELLO' | 'LOGON';
  readonly scheme: unknown;
  readonly principal: unknown;
  readonly credentials: unknown;
}

/** What happened on one accepted TCP connection. */
export interface BoltConnectionLog {
  readonly id: number;
  /** The four proposals as "major.minor" or "major.minor-lowest" for ranges, in the client's order. */
  proposals: string[];
  negotiation: 'legacy' | 'manifest' | 'none' | undefined;
  /** The agreed version as "major.minor". */
  version: string | undefined;
  readonly messages: ReceivedMessage[];
  readonly auth: ReceivedAuth[];
  /** Bytes received in total, handshake included. */
  bytesReceived: number;
  /** True once the socket is closed, by either side. */
  closed: boolean;
  /** Whether the client closed first (it sent FIN or reset before the server ended the socket). */
  closedByClient: boolean;
}

export interface BoltTestServer {
  readonly port: number;
  /** bolt://127.0.0.1:<port> */
  readonly uri: string;
  readonly connections: readonly BoltConnectionLog[];
  /** Every message received on every connection, in arrival order per connection. */
  messages(): ReceivedMessage[];
  /** The texts of every RUN. */
  queries(): string[];
  /** Every authentication token received. */
  auths(): ReceivedAuth[];
  /**
   * Resolves true once at least `count` connections were accepted and all accepted connections are
   * closed, or false when `timeoutMs` passes first. Event-driven; the timeout only bounds the wait.
   */
  waitForAllClosed(timeoutMs: number, count?: number): Promise<boolean>;
  /** Changes the behaviour for connections accepted from now on; open connections keep theirs. */
  setBehaviour(behaviour: BoltBehaviour): void;
  /** Destroys every open connection and stops listening. */
  close(): Promise<void>;
}

const MAGIC = 0x6060b017;
const MANIFEST_MARKER = 0x000001ff;
const MAX_CHUNK = 0xffff;
/** Upper bound on buffered unparsed input; a client exceeding it is disconnected. */
const MAX_BUFFERED = 1 << 20;

export const REQUEST = {
  HELLO: 0x01,
  GOODBYE: 0x02,
  RESET: 0x0f,
  RUN: 0x10,
  BEGIN: 0x11,
  COMMIT: 0x12,
  ROLLBACK: 0x13,
  DISCARD: 0x2f,
  PULL: 0x3f,
  TELEMETRY: 0x54,
  ROUTE: 0x66,
  LOGON: 0x6a,
  LOGOFF: 0x6b,
} as const;

export const RESPONSE = { SUCCESS: 0x70, RECORD: 0x71, IGNORED: 0x7e, FAILURE: 0x7f } as const;

const REQUEST_NAMES = new Map<number, string>(Object.entries(REQUEST).map(([name, signature]) => [signature, name]));

const DEFAULT_VERSIONS: readonly BoltVersion[] = [
  ...[8, 7, 6, 5, 4, 3, 2, 1, 0].map((minor) => ({ major: 5, minor })),
  { major: 4, minor: 4 },
];

// ---------------------------------------------------------------------------------------------
// PackStream v1

/** A value the encoder writes as a PackStream structure. */
export class Structure implements PackStructure {
  constructor(
    readonly signature: number,
    readonly fields: unknown[],
  ) {}
}

/** Encodes one value. Integers use the smallest representation; other numbers are FLOAT_64. */
export function packValue(value: unknown, out: Buffer[] = []): Buffer[] {
  const bytes = (...values: number[]): void => void out.push(Buffer.from(values));
  const sized = (tiny: number, marker8: number, size: number): void => {
    if (size < 0x10 && tiny >= 0) bytes(tiny + size);
    else if (size <= 0xff) bytes(marker8, size);
    else if (size <= 0xffff) bytes(marker8 + 1, size >> 8, size & 0xff);
    else {
      const header = Buffer.alloc(5);
      header.writeUInt8(marker8 + 2, 0);
      header.writeUInt32BE(size, 1);
      out.push(header);
    }
  };
  if (value === null || value === undefined) bytes(0xc0);
  else if (value === true) bytes(0xc3);
  else if (value === false) bytes(0xc2);
  else if (typeof value === 'bigint') packInteger(value, out);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) packInteger(BigInt(value), out);
    else {
      const buffer = Buffer.alloc(9);
      buffer.writeUInt8(0xc1, 0);
      buffer.writeDoubleBE(value, 1);
      out.push(buffer);
    }
  } else if (typeof value === 'string') {
    const utf8 = Buffer.from(value, 'utf8');
    sized(0x80, 0xd0, utf8.length);
    out.push(utf8);
  } else if (Buffer.isBuffer(value)) {
    sized(-1, 0xcc, value.length);
    out.push(value);
  } else if (Array.isArray(value)) {
    sized(0x90, 0xd4, value.length);
    for (const item of value) packValue(item, out);
  } else if (value instanceof Structure) {
    if (value.fields.length > 0x0f) throw new Error('structures have at most 15 fields');
    bytes(0xb0 + value.fields.length, value.signature);
    for (const field of value.fields) packValue(field, out);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    sized(0xa0, 0xd8, entries.length);
    for (const [key, item] of entries) {
      packValue(key, out);
      packValue(item, out);
    }
  } else {
    throw new Error(`cannot pack a ${typeof value}`);
  }
  return out;
}

function packInteger(value: bigint, out: Buffer[]): void {
  if (value >= -16n && value <= 127n) {
    out.push(Buffer.from([Number(value) & 0xff]));
  } else if (value >= -128n && value <= 127n) {
    out.push(Buffer.from([0xc8, Number(value) & 0xff]));
  } else if (value >= -32768n && value <= 32767n) {
    const buffer = Buffer.alloc(3);
    buffer.writeUInt8(0xc9, 0);
    buffer.writeInt16BE(Number(value), 1);
    out.push(buffer);
  } else if (value >= -2147483648n && value <= 2147483647n) {
    const buffer = Buffer.alloc(5);
    buffer.writeUInt8(0xca, 0);
    buffer.writeInt32BE(Number(value), 1);
    out.push(buffer);
  } else {
    const buffer = Buffer.alloc(9);
    buffer.writeUInt8(0xcb, 0);
    buffer.writeBigInt64BE(value, 1);
    out.push(buffer);
  }
}

/** Decodes PackStream values from one complete message buffer. */
export class Unpacker {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  unpack(depth = 0): unknown {
    if (depth > 32) throw new Error('PackStream value nested too deeply');
    const marker = this.u8();
    if (marker <= 0x7f) return marker;
    if (marker >= 0xf0) return marker - 0x100;
    const high = marker & 0xf0;
    const low = marker & 0x0f;
    if (high === 0x80) return this.text(low);
    if (high === 0x90) return this.list(low, depth);
    if (high === 0xa0) return this.map(low, depth);
    if (high === 0xb0) return this.structure(low, depth);
    switch (marker) {
      case 0xc0:
        return null;
      case 0xc1:
        return this.take(8).readDoubleBE(0);
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc8:
        return this.take(1).readInt8(0);
      case 0xc9:
        return this.take(2).readInt16BE(0);
      case 0xca:
        return this.take(4).readInt32BE(0);
      case 0xcb: {
        const value = this.take(8).readBigInt64BE(0);
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      case 0xcc:
      case 0xcd:
      case 0xce:
        return Buffer.from(this.take(this.size(marker - 0xcc)));
      case 0xd0:
      case 0xd1:
      case 0xd2:
        return this.text(this.size(marker - 0xd0));
      case 0xd4:
      case 0xd5:
      case 0xd6:
        return this.list(this.size(marker - 0xd4), depth);
      case 0xd8:
      case 0xd9:
      case 0xda:
        return this.map(this.size(marker - 0xd8), depth);
      default:
        throw new Error(`unknown PackStream marker 0x${marker.toString(16)}`);
    }
  }

  private u8(): number {
    return this.take(1).readUInt8(0);
  }

  private take(length: number): Buffer {
    if (this.offset + length > this.buffer.length) throw new Error('PackStream value truncated');
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** Reads an 8-, 16- or 32-bit unsigned size (width index 0, 1 or 2). */
  private size(width: number): number {
    if (width === 0) return this.u8();
    if (width === 1) return this.take(2).readUInt16BE(0);
    return this.take(4).readUInt32BE(0);
  }

  private text(length: number): string {
    return this.take(length).toString('utf8');
  }

  private list(length: number, depth: number): unknown[] {
    if (length > this.remaining) throw new Error('PackStream list longer than the message');
    const items: unknown[] = [];
    for (let i = 0; i < length; i += 1) items.push(this.unpack(depth + 1));
    return items;
  }

  private map(length: number, depth: number): Record<string, unknown> {
    if (length > this.remaining) throw new Error('PackStream map longer than the message');
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < length; i += 1) {
      const key = this.unpack(depth + 1);
      if (typeof key !== 'string') throw new Error('PackStream map key is not a string');
      entries[key] = this.unpack(depth + 1);
    }
    return entries;
  }

  private structure(fieldCount: number, depth: number): PackStructure {
    const signature = this.u8();
    const fields: unknown[] = [];
    for (let i = 0; i < fieldCount; i += 1) fields.push(this.unpack(depth + 1));
    return { signature, fields };
  }
}

/** One Bolt message as chunks: 2-byte size headers, at most 65535 bytes each, then 00 00. */
export function chunkMessage(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < message.length; offset += MAX_CHUNK) {
    const body = message.subarray(offset, offset + MAX_CHUNK);
    const header = Buffer.alloc(2);
    header.writeUInt16BE(body.length, 0);
    parts.push(header, body);
  }
  parts.push(Buffer.from([0x00, 0x00]));
  return Buffer.concat(parts);
}

function encodeMessage(signature: number, fields: unknown[]): Buffer {
  return chunkMessage(Buffer.concat(packValue(new Structure(signature, fields))));
}

/** Reads an unsigned LEB128 varint (7 bits per byte, least significant group first). */
function readVarInt(buffer: Buffer, offset: number): { value: number; length: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i += 1) {
    if (offset + i >= buffer.length) return undefined;
    const byte = buffer.readUInt8(offset + i);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, length: i + 1 };
  }
  throw new Error('varint longer than 5 bytes');
}

function writeVarInt(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    const group = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? group | 0x80 : group);
  } while (rest > 0 && bytes.length < 10);
  return Buffer.from(bytes);
}

const versionText = (version: BoltVersion): string => `${version.major}.${version.minor}`;

/** Version ranges for the manifest: same-major versions with consecutive minors share one entry. */
function manifestRanges(versions: readonly BoltVersion[]): Buffer[] {
  const sorted = [...versions].sort((a, b) => b.major - a.major || b.minor - a.minor);
  const ranges: Buffer[] = [];
  for (let i = 0; i < sorted.length; ) {
    const top = sorted[i] as BoltVersion;
    let low = top.minor;
    let j = i + 1;
    for (; j < sorted.length; j += 1) {
      const next = sorted[j] as BoltVersion;
      if (next.major !== top.major || next.minor !== low - 1) break;
      low = next.minor;
    }
    ranges.push(Buffer.from([0, top.minor - low, top.minor, top.major]));
    i = j;
  }
  return ranges;
}

// ---------------------------------------------------------------------------------------------
// Server

/** Starts a Bolt test server on 127.0.0.1 and a port the OS picks. */
export async function startBoltServer(options: BoltServerOptions): Promise<BoltTestServer> {
  const versions = options.versions ?? DEFAULT_VERSIONS;
  const manifest = options.manifest ?? true;
  const agent = options.agent ?? 'Neo4j/5.26.0';
  const authFailure = options.authFailure ?? {
    code: 'Neo.ClientError.Security.Unauthorized',
    message: 'The client is unauthorized due to authentication failure.',
  };
  let currentBehaviour = options.behaviour;
  const logs: BoltConnectionLog[] = [];
  const sockets = new Set<net.Socket>();
  const closeWaiters = new Set<() => void>();
  let port = 0;

  const server = net.createServer((socket) => {
    const log: BoltConnectionLog = {
      id: logs.length + 1,
      proposals: [],
      negotiation: undefined,
      version: undefined,
      messages: [],
      auth: [],
      bytesReceived: 0,
      closed: false,
      closedByClient: false,
    };
    logs.push(log);
    sockets.add(socket);
    serveConnection(socket, log, currentBehaviour);
  });

  function serveConnection(socket: net.Socket, log: BoltConnectionLog, behaviour: BoltBehaviour): void {
    let input = Buffer.alloc(0);
    let stage: 'handshake' | 'manifest_choice' | 'messages' | 'done' = 'handshake';
    let negotiated: BoltVersion | undefined;
    let message: Buffer[] = [];
    let failed = false;
    let hung = false;
    let endedByServer = false;

    const send = (signature: number, fields: unknown[]): void => {
      if (!socket.destroyed) socket.write(encodeMessage(signature, fields));
    };
    const success = (metadata: Record<string, unknown> = {}): void => send(RESPONSE.SUCCESS, [metadata]);
    const fail = (code: string, text: string): void => {
      failed = true;
      // Bolt 5.7 moved the Neo4j status code to `neo4j_code` and added GQL fields; the GQL status
      // values sent here are representative placeholders.
      const modern = negotiated !== undefined && (negotiated.major > 5 || (negotiated.major === 5 && negotiated.minor >= 7));
      send(
        RESPONSE.FAILURE,
        [
          modern
            ? {
                neo4j_code: code,
                message: text,
                gql_status: code.startsWith('Neo.ClientError.Security.') ? '42NFF' : '50N42',
                description: text,
                diagnostic_record: { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' },
              }
            : { code, message: text },
        ],
      );
    };
    const endConnection = (): void => {
      stage = 'done';
      endedByServer = true;
      socket.end();
    };

    socket.on('data', (data: Buffer) => {
      log.bytesReceived += data.length;
      if (stage === 'done') return;
      input = Buffer.concat([input, data]);
      if (input.length > MAX_BUFFERED) {
        socket.destroy();
        return;
      }
      try {
        pump();
      } catch {
        // A malformed request: Bolt servers drop such connections.
        endConnection();
      }
    });
    socket.on('end', () => {
      if (!endedByServer) log.closedByClient = true;
      socket.end();
    });
    socket.on('error', () => {
      if (!endedByServer) log.closedByClient = true;
    });
    socket.on('close', () => {
      log.closed = true;
      sockets.delete(socket);
      for (const waiter of [...closeWaiters]) waiter();
    });

    function pump(): void {
      // Each pass consumes input or returns; the count bound is a safety net.
      for (let pass = 0; pass < 10_000 && stage !== 'done'; pass += 1) {
        if (stage === 'handshake') {
          if (input.length < 20) return;
          handshake(input.subarray(0, 20));
          input = input.subarray(20);
        } else if (stage === 'manifest_choice') {
          if (input.length < 4) return;
          const capabilities = readVarInt(input, 4);
          if (!capabilities) return;
          const choice: BoltVersion = { major: input.readUInt8(3), minor: input.readUInt8(2) };
          input = input.subarray(4 + capabilities.length);
          if (!versions.some((v) => v.major === choice.major && v.minor === choice.minor)) {
            endConnection();
            return;
          }
          agree(choice);
        } else {
          if (input.length < 2) return;
          const size = input.readUInt16BE(0);
          if (input.length < 2 + size) return;
          const chunk = input.subarray(2, 2 + size);
          input = input.subarray(2 + size);
          if (size > 0) {
            message.push(Buffer.from(chunk));
          } else if (message.length > 0) {
            // An empty chunk ends a message; one before any data is a NOOP keep-alive.
            const body = Buffer.concat(message);
            message = [];
            handleMessage(body);
          }
        }
      }
    }

    function handshake(bytes: Buffer): void {
      if (bytes.readUInt32BE(0) !== MAGIC) {
        endConnection();
        return;
      }
      const proposals: { major: number; minor: number; range: number }[] = [];
      for (let offset = 4; offset < 20; offset += 4) {
        proposals.push({ range: bytes.readUInt8(offset + 1), minor: bytes.readUInt8(offset + 2), major: bytes.readUInt8(offset + 3) });
      }
      log.proposals = proposals.map((p) => (p.range > 0 ? `${p.major}.${p.minor}-${p.minor - p.range}` : `${p.major}.${p.minor}`));

      if (behaviour === 'silent') {
        stage = 'done';
        return;
      }
      if (behaviour === 'no_version') {
        log.negotiation = 'none';
        socket.write(Buffer.alloc(4));
        endConnection();
        return;
      }
      const offersManifest = proposals.some((p) => p.major === 0xff && p.minor === 1);
      if (manifest && offersManifest) {
        log.negotiation = 'manifest';
        const ranges = manifestRanges(versions);
        const marker = Buffer.alloc(4);
        marker.writeUInt32BE(MANIFEST_MARKER, 0);
        // The whole manifest goes out in one write: the client parses it from the first packet it reads.
        socket.write(Buffer.concat([marker, writeVarInt(ranges.length), ...ranges, writeVarInt(0)]));
        stage = 'manifest_choice';
        return;
      }
      log.negotiation = 'legacy';
      const choice = pickLegacy(proposals);
      if (!choice) {
        log.negotiation = 'none';
        socket.write(Buffer.alloc(4));
        endConnection();
        return;
      }
      socket.write(Buffer.from([0, 0, choice.minor, choice.major]));
      agree(choice);
    }

    /** The first client proposal (in the client's order) that covers a version this server speaks. */
    function pickLegacy(proposals: readonly { major: number; minor: number; range: number }[]): BoltVersion | undefined {
      for (const proposal of proposals) {
        const matches = versions
          .filter((v) => v.major === proposal.major && v.minor <= proposal.minor && v.minor >= proposal.minor - proposal.range)
          .sort((a, b) => b.minor - a.minor);
        if (matches[0]) return matches[0];
      }
      return undefined;
    }

    function agree(version: BoltVersion): void {
      negotiated = version;
      log.version = versionText(version);
      if (behaviour === 'close_after_handshake') {
        endConnection();
        return;
      }
      stage = 'messages';
    }

    function handleMessage(body: Buffer): void {
      const value = new Unpacker(body).unpack();
      if (!value || typeof value !== 'object' || !('signature' in value)) throw new Error('a Bolt message must be a structure');
      const { signature, fields } = value as PackStructure;
      const name = REQUEST_NAMES.get(signature) ?? `UNKNOWN_0x${signature.toString(16)}`;
      log.messages.push({ name, signature, fields });
      // A hung server keeps reading and recording but answers nothing.
      if (hung) return;
      const version = negotiated as BoltVersion;
      const logonSeparate = version.major > 5 || (version.major === 5 && version.minor >= 1);

      if (signature === REQUEST.GOODBYE) {
        endConnection();
        return;
      }
      if (signature === REQUEST.RESET) {
        failed = false;
        success();
        return;
      }
      if (failed) {
        send(RESPONSE.IGNORED, []);
        return;
      }
      const meta = (index: number): Record<string, unknown> => {
        const field = fields[index];
        return field && typeof field === 'object' && !Array.isArray(field) ? (field as Record<string, unknown>) : {};
      };
      const authenticate = (via: 'HELLO' | 'LOGON', token: Record<string, unknown>): boolean => {
        log.auth.push({ via, scheme: token.scheme, principal: token.principal, credentials: token.credentials });
        if (behaviour !== 'unauthorized') return true;
        fail(authFailure.code, authFailure.message);
        // Authentication failures leave the connection defunct: the server closes it.
        endConnection();
        return false;
      };

      switch (signature) {
        case REQUEST.HELLO: {
          if (!logonSeparate && !authenticate('HELLO', meta(0))) return;
          success({ server: agent, connection_id: `bolt-${log.id}`, hints: {} });
          return;
        }
        case REQUEST.LOGON: {
          if (!logonSeparate) break;
          if (authenticate('LOGON', meta(0))) success();
          return;
        }
        case REQUEST.LOGOFF:
        case REQUEST.BEGIN:
        case REQUEST.ROLLBACK:
        case REQUEST.DISCARD:
        case REQUEST.TELEMETRY:
          success();
          return;
        case REQUEST.COMMIT:
          success({ bookmark: `FB:test-${log.id}` });
          return;
        case REQUEST.RUN:
          if (behaviour === 'hang_on_run') {
            hung = true;
            return;
          }
          success({ fields: ['ok'], t_first: 0 });
          return;
        case REQUEST.PULL:
          send(RESPONSE.RECORD, [[behaviour === 'wrong_value' ? 2 : 1]]);
          success({ type: 'r', t_last: 0, db: typeof meta(2).db === 'string' ? meta(2).db : 'neo4j', bookmark: `FB:test-${log.id}` });
          return;
        case REQUEST.ROUTE: {
          // This single instance is router, reader and writer of every database.
          const addresses = [`127.0.0.1:${port}`];
          const db = meta(2).db;
          success({
            rt: {
              ttl: 300,
              db: typeof db === 'string' ? db : 'neo4j',
              servers: ['ROUTE', 'READ', 'WRITE'].map((role) => ({ addresses, role })),
            },
          });
          return;
        }
        default:
          break;
      }
      fail('Neo.ClientError.Request.Invalid', `Message ${name} is not supported by this server in Bolt ${log.version ?? '?'}`);
      endConnection();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as net.AddressInfo).port;

  return {
    port,
    uri: `bolt://127.0.0.1:${port}`,
    connections: logs,
    messages: () => logs.flatMap((log) => log.messages),
    queries: () =>
      logs.flatMap((log) => log.messages.filter((m) => m.signature === REQUEST.RUN).map((m) => String(m.fields[0]))),
    auths: () => logs.flatMap((log) => log.auth),
    waitForAllClosed(timeoutMs, count = 1) {
      const done = (): boolean => logs.length >= count && logs.every((log) => log.closed);
      if (done()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const check = (): void => {
          if (!done()) return;
          clearTimeout(timer);
          closeWaiters.delete(check);
          resolve(true);
        };
        const timer = setTimeout(() => {
          closeWaiters.delete(check);
          resolve(done());
        }, timeoutMs);
        closeWaiters.add(check);
      });
    },
    setBehaviour(behaviour) {
      currentBehaviour = behaviour;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
