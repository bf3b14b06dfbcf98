export { applyStrategicMergePatch } from './strategic-merge.js';
export { applyMergePatch } from './merge-patch.js';
export { applyJsonPatch } from './json-patch.js';
export { type ApplyOptions, applyServerSideApply } from './server-side-apply.js';
export { type UpdateOptions, recordUpdate } from './update-tracking.js';
