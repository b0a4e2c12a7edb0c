/** Quotes a CSV cell, and neutralizes cells a spreadsheet would run as a formula. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const toCsv = (rows: unknown[][]) => rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

interface ReportLike {
  steps: { id: string; title: string; reached: number; done: number; medianMinutes: number | null; stuck: number }[];
  participants: { username: string; joinedAt: string; stepsDone: number; totalSteps: number; stuckSteps: number }[];
}

/** The funnel by step (the default) or one row per participant. */
export function reportCsv(report: ReportLike, table: 'steps' | 'participants'): string {
  if (table === 'participants') {
    return toCsv([
      ['username', 'joined_at', 'steps_done', 'total_steps', 'steps_stuck_on'],
      ...report.participants.map((p) => [p.username, p.joinedAt, p.stepsDone, p.totalSteps, p.stuckSteps]),
    ]);
  }
  return toCsv([
    ['step_number', 'step_id', 'step_title', 'reached', 'done', 'median_minutes', 'stuck'],
    ...report.steps.map((s, i) => [i + 1, s.id, s.title, s.reached, s.done, s.medianMinutes, s.stuck]),
  ]);
}
