/** Server-side Table printing: what makes `kubectl get` output look like a real cluster's. */
export { renderTable, asPartialObjectMetadata, type RenderOptions } from './render.js';
export { humanDuration } from './duration.js';
export { formatLabelSelector, formatLabels, labelSelectorString, type LabelSelector, type LabelSelectorRequirement } from './selector.js';
export { printerFor } from './printers/index.js';
export type { IncludeObject, Printer, Table, TableColumn, TableRow, TableRowCondition } from './types.js';
