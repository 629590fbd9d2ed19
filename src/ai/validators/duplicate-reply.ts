import { z } from 'zod';
import { normaliseReply } from '../challenge';
import { flag, pass, type ValidatorDefinition } from './types';

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Reject a reply identical to an earlier reply to a different challenge.'),
    window: z.number().int().min(1).max(1000).default(16).describe('How many earlier replies a new one is compared with.'),
  })
  .strict();

/**
 * `duplicate_reply`: every challenge differs, so two identical (normalised) replies to two different
 * challenges cannot both be answers: the provider is returning stored text.
 */
export const duplicateReplyValidator: ValidatorDefinition<typeof schema> = {
  name: 'duplicate_reply',
  summary: 'no reply identical to an earlier reply to a different challenge (sliding window)',
  schema,
  create: (config) => ({
    check(ctx) {
      const normalised = normaliseReply(ctx.reply.text);
      if (!normalised) return pass('empty reply (judged by the answer check)');
      const twin = ctx.windows.replies.slice(-config.window).find((past) => past.code !== ctx.challenge.code && past.normalised === normalised);
      if (twin) return flag('duplicate_reply', `the reply is identical to the reply to the earlier challenge ${twin.code}`);
      return pass(`the reply differs from the last ${Math.min(config.window, ctx.windows.replies.length)} replies`);
    },
  }),
};
