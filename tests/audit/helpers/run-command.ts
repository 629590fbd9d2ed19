import type { Command, CommandIo } from '../../../src/cli/types';

export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in-process with captured output, as the binary would with `argv` parsed. */
export async function runCommand(command: Command, config: string, flags: Record<string, string | boolean>, options: { isTty?: boolean } = {}): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), isTty: options.isTty ?? false };
  const code = await command.run({ config, positionals: [], flags }, io);
  return { code, stdout, stderr };
}
