/** The client library every svcnet component uses to reach an API server. See README.md. */
export { ApiClient } from './rest.js';
export type { ApiClientOptions, DeleteOptions, ListOptions, ObjectList, PatchOptions, PatchType, ResourceType, WatchHandle, WatchOptions, WriteOptions } from './rest.js';
export type { WatchEvent, WatchEventType } from './watch-stream.js';
export { ClientError, isAlreadyExists, isConflict, isExpired, isInvalid, isNotFound } from './client-error.js';
export { connectionForUrl, connectionWithToken } from './connection.js';
export type { Connection, TlsSettings } from './connection.js';
export { clientFromKubeconfig, connectionFromKubeConfig, loadConnection, loadKubeConfig } from './kubeconfig.js';
export type { KubeconfigSource } from './kubeconfig.js';
export { Informer } from './informer.js';
export { objectKey } from './object-cache.js';
export type { InformerOptions } from './informer.js';
export type { EventHandler } from './object-cache.js';
export { InformerFactory } from './informer-factory.js';
export type { InformerScope, SharedInformerDefaults } from './informer-factory.js';
export { resourcePath } from './paths.js';
