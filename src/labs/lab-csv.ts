/**
 * The lab pool's CSV, read by a small RFC 4180 reader: fields separated by commas, records by CRLF or
 * LF, a field in double quotes may hold commas, line breaks (a private key) and doubled quotes. No
 * other dialect (no other separator, no comments, no escapes with a backslash). It exists because no
 * CSV library is installed; csv-parse (`csv-parse/sync`) is the one to swap in, behind this function.
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

/** Records of the text, blank lines skipped. Linear in the text: one pass, no backtracking. */
export function readCsv(text: string): CsvRow[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endCell();
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: start, cells });
    cells = [];
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (cell !== '' || wasQuoted) throw new CsvError(line, 'a double quote inside a field that does not start with one (put the whole field in quotes and double the quote)');
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else {
      if (wasQuoted) throw new CsvError(line, 'text after the closing quote of a field');
      cell += ch;
    }
  }
  if (quoted) throw new CsvError(start, 'a quoted field is not closed');
  endRow();
  return rows;
}
