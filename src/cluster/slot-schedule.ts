import { createTask, validateDetailed } from 'node-cron';

/** A running slot timer; `stop` ends it for good. */
export interface SlotTimer {
  stop(): void;
}

/** Called at the start of every slot with the slot's id (its start, epoch ms) and the next slot's start. */
export type SlotFire = (slot: number, nextSlot: number) => void;

/**
 * Wall-clock slots of a paid rung. A slot is named after its start time, so every pod whose clock
 * is within a few seconds of the others computes the same name for the same slot (docs/cluster.md).
 */
export interface SlotSchedule {
  /** What the schedule is, for fingerprints and logs: `cron <expression>` or `every <n>ms`. */
  readonly text: string;
  /** The usual distance between slots (the shortest one seen for a cron expression). */
  readonly periodMs: number;
  start(fire: SlotFire): SlotTimer;
}

/** Why a cron expression cannot be used, or undefined when it can. */
export function cronProblem(expression: string): string | undefined {
  const check = validateDetailed(expression);
  if (check.valid) return undefined;
  const errors = check.errors.map((error) => `${error.field}: ${error.message}`).join('; ');
  return `invalid cron expression "${expression}" (5 fields, or 6 with seconds first): ${errors || 'not understood'}`;
}

const seconds = (date: Date): number => Math.round(date.getTime() / 1000) * 1000;

/** Slots at the times a cron expression names (node-cron parses and fires it; UTC). */
export function cronSchedule(expression: string): SlotSchedule {
  const problem = cronProblem(expression);
  if (problem) throw new Error(problem);
  const probe = createTask(expression, () => undefined, { timezone: 'Etc/UTC' });
  const upcoming = probe.getNextRuns(4).map(seconds);
  void probe.destroy();
  const gaps = upcoming.slice(1).map((at, index) => at - (upcoming[index] as number));
  const periodMs = gaps.length > 0 ? Math.min(...gaps) : 60_000;
  return {
    text: `cron ${expression}`,
    periodMs,
    start(fire) {
      // node-cron keeps every task in a module-level table; destroy() takes it out again.
      const task = createTask(
        expression,
        (context) => {
          const slot = seconds(context.date);
          const next = task.getNextRun();
          fire(slot, next ? seconds(next) : slot + periodMs);
        },
        { timezone: 'Etc/UTC', unref: true, suppressMissedWarning: true },
      );
      void task.start();
      return { stop: () => void task.destroy() };
    },
  };
}

/** Slots every `intervalMs`, aligned to the Unix epoch, so pods agree on where a slot starts. */
export function intervalSchedule(intervalMs: number): SlotSchedule {
  return {
    text: `every ${intervalMs}ms`,
    periodMs: intervalMs,
    start(fire) {
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const arm = (): void => {
        if (stopped) return;
        const next = (Math.floor(Date.now() / intervalMs) + 1) * intervalMs;
        timer = setTimeout(() => {
          fire(next, next + intervalMs);
          arm();
        }, next - Date.now());
        timer.unref();
      };
      arm();
      return {
        stop() {
          stopped = true;
          if (timer) clearTimeout(timer);
        },
      };
    },
  };
}
