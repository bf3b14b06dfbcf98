/** Endpoints (core/v1) and EndpointSlice (discovery.k8s.io/v1) validation, 1.32. */
import { fieldErr, type FieldError } from '../errors.js';
import { validateLabels } from './labels.js';
import { isDNS1123Subdomain, isDNS1123Label, isValidLabelValue, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { isValidIP, isValidIPv4Address, isValidIPv6Address, validateNonSpecialIP } from './net.js';
import { fieldImmutable, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { supportedProtocols, validateDNS1123Label, validateQualifiedName } from './common.js';
import { asArray, asNumber, asObj, asString, isSet, objOrEmpty, type Obj } from './util.js';

function validateEndpointAddress(addr: Obj, path: string): FieldError[] {
  const ip = asString(addr.ip);
  const errs = isValidIP(`${path}.ip`, ip);
  const hostname = asString(addr.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, `${path}.hostname`));
  if (isSet(addr.nodeName)) {
    const node = asString(addr.nodeName);
    errs.push(...nameIsDNSSubdomain(node, false).map((m) => fieldErr.invalid(`${path}.nodeName`, node, m)));
  }
  errs.push(...validateNonSpecialIP(ip, `${path}.ip`));
  return errs;
}

function validateEndpointPort(port: Obj, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(port.name);
  if (requireName && !name) errs.push(fieldErr.required(`${path}.name`));
  else if (name) errs.push(...validateDNS1123Label(name, `${path}.name`));
  const num = asNumber(port.port);
  errs.push(...isValidPortNum(num).map((m) => fieldErr.invalid(`${path}.port`, num, m)));
  const protocol = asString(port.protocol);
  if (!protocol) errs.push(fieldErr.required(`${path}.protocol`));
  else if (!supportedProtocols.includes(protocol)) errs.push(fieldErr.notSupported(`${path}.protocol`, protocol, supportedProtocols));
  if (isSet(port.appProtocol)) errs.push(...validateQualifiedName(asString(port.appProtocol), `${path}.appProtocol`));
  return errs;
}

/** Endpoints are validated the same way on create and update (plus the metadata update rules). */
export function validateEndpoints(ep: Obj, old?: Obj): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(ep.metadata, old.metadata) : [];
  errs.push(...validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain));
  asArray(ep.subsets).forEach((raw, i) => {
    const ss = objOrEmpty(raw);
    const at = `subsets[${i}]`;
    const addresses = asArray(ss.addresses).map(objOrEmpty);
    const notReady = asArray(ss.notReadyAddresses).map(objOrEmpty);
    if (addresses.length === 0 && notReady.length === 0) errs.push(fieldErr.required(at, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateEndpointAddress(a, `${at}.addresses[${j}]`)));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, `${at}.notReadyAddresses[${j}]`)));
    const ports = asArray(ss.ports).map(objOrEmpty);
    ports.forEach((p, j) => errs.push(...validateEndpointPort(p, ports.length > 1, `${at}.ports[${j}]`)));
  });
  return errs;
}

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

function validateFQDN(path: string, value: string): FieldError[] {
  if (!value) return [fieldErr.required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length) return [fieldErr.invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [fieldErr.invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const e = isDNS1123Label(label);
    if (e.length) return [fieldErr.invalid(path, label, e.join(','))];
  }
  return [];
}

function validateSliceAddress(type: string, address: string, path: string): FieldError[] {
  switch (type) {
    case 'IPv4':
      return [...isValidIPv4Address(path, address), ...validateNonSpecialIP(address, path)];
    case 'IPv6':
      return [...isValidIPv6Address(path, address), ...validateNonSpecialIP(address, path)];
    case 'FQDN':
      return validateFQDN(path, address);
    default:
      // Unknown address types are reported on addressType; their addresses are not checked.
      return [];
  }
}

function validateSliceEndpoints(slice: Obj, type: string): FieldError[] {
  const endpoints = asArray(slice.endpoints).map(objOrEmpty);
  if (endpoints.length > 1000) return [fieldErr.tooMany('endpoints', endpoints.length, 1000)];
  const errs: FieldError[] = [];
  endpoints.forEach((e, i) => {
    const at = `endpoints[${i}]`;
    const addresses = asArray(e.addresses).map(asString);
    if (addresses.length === 0) errs.push(fieldErr.required(`${at}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > 100) errs.push(fieldErr.tooMany(`${at}.addresses`, addresses.length, 100));
    addresses.forEach((a, j) => errs.push(...validateSliceAddress(type, a, `${at}.addresses[${j}]`)));
    if (isSet(e.nodeName)) {
      const node = asString(e.nodeName);
      errs.push(...nameIsDNSSubdomain(node, false).map((m) => fieldErr.invalid(`${at}.nodeName`, node, m)));
    }
    const topology = asObj(e.deprecatedTopology);
    if (topology && Object.keys(topology).length > 16) errs.push(fieldErr.tooMany(`${at}.deprecatedTopology`, Object.keys(topology).length, 16));
    errs.push(...validateLabels(e.deprecatedTopology, `${at}.deprecatedTopology`));
    if (isSet(e.hostname)) errs.push(...validateDNS1123Label(asString(e.hostname), `${at}.hostname`));
    const zones = asArray(objOrEmpty(e.hints).forZones).map((z) => asString(objOrEmpty(z).name));
    const seen = new Set<string>();
    zones.forEach((z, j) => {
      const zp = `${at}.hints.forZones[${j}].name`;
      if (seen.has(z)) errs.push(fieldErr.duplicate(zp, z));
      seen.add(z);
      errs.push(...isValidLabelValue(z).map((m) => fieldErr.invalid(zp, z, m)));
    });
  });
  return errs;
}

function validateSlicePorts(slice: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(slice.ports).forEach((raw, i) => {
    const p = objOrEmpty(raw);
    const at = `ports[${i}]`;
    const name = asString(p.name);
    if (name) errs.push(...validateDNS1123Label(name, `${at}.name`));
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    else names.add(name);
    if (!isSet(p.protocol)) errs.push(fieldErr.required(`${at}.protocol`));
    else if (!supportedProtocols.includes(asString(p.protocol))) errs.push(fieldErr.notSupported(`${at}.protocol`, asString(p.protocol), supportedProtocols));
    if (isSet(p.appProtocol)) errs.push(...validateQualifiedName(asString(p.appProtocol), `${at}.appProtocol`));
  });
  return errs;
}

export function validateEndpointSlice(slice: Obj, old?: Obj): FieldError[] {
  const type = asString(slice.addressType);
  // On update the generic metadata checks (rest.BeforeUpdate) come first.
  const errs = old ? validateObjectMetaUpdate(slice.metadata, old.metadata) : [];
  errs.push(...validateObjectMeta(slice.metadata, true, nameIsDNSSubdomain));
  if (!type) errs.push(fieldErr.required('addressType'));
  else if (!addressTypes.includes(type)) errs.push(fieldErr.notSupported('addressType', type, addressTypes));
  errs.push(...validateSliceEndpoints(slice, type));
  errs.push(...validateSlicePorts(slice));
  if (old && type !== asString(old.addressType)) errs.push(fieldErr.invalid('addressType', type, fieldImmutable));
  return errs;
}
