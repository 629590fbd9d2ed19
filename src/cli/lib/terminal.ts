/** What a command may know about where its output goes; tests and pipes are not terminals. */
export interface Terminal {
  /** stdout is a terminal: progress bars and colour are allowed. */
  readonly interactive: boolean;
  /** stdin is a terminal too, so a question can be answered. */
  readonly canAsk: boolean;
  readonly colour: boolean;
  readonly columns: number;
}

export function detectTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const interactive = process.stdout.isTTY === true;
  return {
    interactive,
    canAsk: interactive && process.stdin.isTTY === true,
    colour: interactive && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    columns: process.stdout.columns || 100,
  };
}

const CODES = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 } as const;

/** Wraps text in an ANSI colour when the terminal wants colour; plain text otherwise. */
export function paint(terminal: Terminal, colour: keyof typeof CODES, text: string): string {
  return terminal.colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

/** "pass" in green or "FAIL" in red. */
export function verdict(terminal: Terminal, ok: boolean, labels: { pass: string; fail: string } = { pass: 'pass', fail: 'FAIL' }): string {
  return ok ? paint(terminal, 'green', labels.pass) : paint(terminal, 'red', labels.fail);
}

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
