import type { CollectionSpec } from '../records.ts';

/**
 * How a collection is laid out in PostgreSQL: one table, named after the collection in snake_case,
 * with the record's key, its JSON text (`doc`, kept as text: the database never parses it, so any
 * value JSON.stringify writes is accepted and read back byte for byte), its version (the number of the
 * batch that last wrote it) and one column per lookup the collection declares: `ix_<index>` (unique:
 * the database enforces it), `gr_<group>` (indexed), and for a log `log_group` and `log_seq`. The
 * values of those columns are computed here, from the same functions the in-memory indexes use.
 */
export interface TableLayout {
  collection: string;
  table: string;
  /** Extra columns, in order, with the function that gives each one's value (text, or a number for log_seq). */
  columns: { name: string; unique: boolean; value: (v: any) => string | number | null }[];
}

export const tableName = (collection: string) => collection.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function tableLayouts(collections: Record<string, CollectionSpec>): Map<string, TableLayout> {
  const out = new Map<string, TableLayout>();
  for (const [collection, spec] of Object.entries(collections)) {
    if (!/^[a-z][a-zA-Z]*$/.test(collection)) throw new Error(`Collection name ${collection} cannot be a table name`);
    const columns: TableLayout['columns'] = [];
    for (const [name, fn] of Object.entries(spec.indexes ?? {})) columns.push({ name: `ix_${tableName(name)}`, unique: true, value: (v) => fn(v) ?? null });
    for (const [name, fn] of Object.entries(spec.groups ?? {})) columns.push({ name: `gr_${tableName(name)}`, unique: false, value: (v) => fn(v) ?? null });
    if (spec.log) {
      const group = spec.log.group;
      columns.push({ name: 'log_group', unique: false, value: (v) => group(v) });
      columns.push({ name: 'log_seq', unique: false, value: (v: { seq: number }) => v.seq });
    }
    out.set(collection, { collection, table: tableName(collection), columns });
  }
  return out;
}
