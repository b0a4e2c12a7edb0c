/** What other features may use of the workshops feature: the catalog of loaded content. */
export type { Catalog } from './catalog.ts';
