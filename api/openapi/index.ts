/** OpenAPI v3 for the kinds we serve: discovery index, per-group-version documents, unknown-field checks. */
export { openApiV3Index, openApiV3Document, componentSchemas, schemaNameOfKind, groupVersionPath } from './documents.js';
export { findUnknownFields, strictDecodingMessage, unknownFieldText } from './unknown-fields.js';
