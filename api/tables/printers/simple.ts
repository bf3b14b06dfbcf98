/** Kinds with one or two plain cells: Namespaces, Secrets, ConfigMaps, ServiceAccounts, Leases. */
import { timeSince } from '../duration.js';
import { keyCount, list, obj, optStr, str } from '../fields.js';
import { ageColumn, column, docColumn, nameColumn, type Printer } from '../types.js';

export const namespacePrinter: Printer = {
  columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  cells(ns, now) {
    // The API server defaults an empty phase to Active.
    return [ns.metadata.name ?? '', str(obj(ns, 'status'), 'phase') || 'Active', timeSince(ns.metadata.creationTimestamp, now)];
  },
};

export const secretPrinter: Printer = {
  columns: [nameColumn, docColumn('Type', 'string', 'core/v1 Secret.type'), docColumn('Data', 'string', 'core/v1 Secret.data'), ageColumn],
  cells(secret, now) {
    return [secret.metadata.name ?? '', str(secret, 'type') || 'Opaque', secretDataCount(secret), timeSince(secret.metadata.creationTimestamp, now)];
  },
};

/** Keys of `data` and `stringData` together: conversion merges stringData into data before printing. */
function secretDataCount(secret: object): number {
  return new Set([...Object.keys(obj(secret, 'data')), ...Object.keys(obj(secret, 'stringData'))]).size;
}

export const configMapPrinter: Printer = {
  columns: [nameColumn, docColumn('Data', 'string', 'core/v1 ConfigMap.data'), ageColumn],
  cells(cm, now) {
    return [cm.metadata.name ?? '', keyCount(cm, 'data') + keyCount(cm, 'binaryData'), timeSince(cm.metadata.creationTimestamp, now)];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn, docColumn('Secrets', 'string', 'core/v1 ServiceAccount.secrets'), ageColumn],
  cells(sa, now) {
    return [sa.metadata.name ?? '', list(sa, 'secrets').length, timeSince(sa.metadata.creationTimestamp, now)];
  },
};

export const leasePrinter: Printer = {
  columns: [nameColumn, docColumn('Holder', 'string', 'coordination/v1 LeaseSpec.holderIdentity'), ageColumn],
  cells(lease, now) {
    return [lease.metadata.name ?? '', optStr(obj(lease, 'spec'), 'holderIdentity') ?? '', timeSince(lease.metadata.creationTimestamp, now)];
  },
};
