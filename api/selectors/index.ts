export { type LabelSelector, parseLabelSelector, labelSelectorFromSpec } from './label-selector.js';
export { type FieldSelector, parseFieldSelector } from './field-selector.js';
