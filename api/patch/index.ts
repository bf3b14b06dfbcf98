export { applyStrategicMergePatch } from './strategic-merge.js';
