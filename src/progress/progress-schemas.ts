import { z } from 'zod';
import { CHECKPOINT_INPUT_MAX, CHECKPOINT_PASTE_MAX } from '../content/checkpoint.ts';

/** A command's output as pasted into a checkpoint, the same from the step page and the API. */
export const CheckpointOutput = z
  .string()
  .max(CHECKPOINT_PASTE_MAX, `Paste at most ${CHECKPOINT_PASTE_MAX / 1024} KB of output (the last ${CHECKPOINT_INPUT_MAX / 1024} KB are what is checked).`);
