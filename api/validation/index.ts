/**
 * What the API server runs on every write: upstream defaulting, create/update validation with
 * upstream's field errors, and conversion of legacy Ingress manifests to networking.k8s.io/v1.
 */
export { applyDefaults } from './defaults.js';
export { validateObject } from './validate.js';
export { convertLegacyIngress, isLegacyIngress } from './legacy-ingress.js';

export { prepareServiceForUpdate } from './service-prepare.js';
