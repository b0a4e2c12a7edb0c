import { lazy } from '../lib/lazy.ts';

const csvParse = lazy<typeof import('csv-parse/sync')>('csv-parse/sync');

/**
 * The lab pool's CSV (RFC 4180: commas, records by CRLF or LF, a field in double quotes may hold
 * commas, line breaks (a private key) and doubled quotes), read by csv-parse. What this adds: the line
 * each record starts on, and errors that tell a host what to fix, with the line.
 */

export interface CsvRow {
  /** The line the record starts on (1 is the header), for error messages. */
  line: number;
  cells: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

const SENTENCES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  INVALID_OPENING_QUOTE: 'a double quote inside a field that does not start with one (put the whole field in quotes and double the quote)',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a field',
};

/** Records of the text, blank lines skipped. csv-parse reads in one pass (linear in the text). */
export function readCsv(text: string): CsvRow[] {
  let ended = 0; // the line the last good record ended on
  try {
    const rows: CsvRow[] = [];
    csvParse().parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (record, context) => {
        ended = context.lines;
        rows.push({ line: context.lines - newlinesIn(record), cells: record });
        return null; // kept in rows, with its line
      },
    });
    return rows;
  } catch (err) {
    if (!(err instanceof csvParse().CsvError)) throw err;
    const sentence = SENTENCES[err.code] ?? err.message;
    // An unclosed quote runs to the end of the text: name the line where the field opened.
    const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? ended + 1 : Number((err as unknown as { lines?: number }).lines ?? ended + 1);
    throw new CsvError(line, sentence);
  }
}

function newlinesIn(cells: string[]): number {
  let n = 0;
  for (const c of cells) n += c.match(/\r\n|\n|\r/g)?.length ?? 0;
  return n;
}
