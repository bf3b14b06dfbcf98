/**
 * The three ways kube-apiserver answers a patch it cannot apply, so callers can send them as they are.
 */
import { ApiError, badRequest } from '../errors.js';

/** Malformed patch documents and directive formats: 400 with the library's message. */
export function patchBadRequest(message: string): ApiError {
  return badRequest(message);
}

/**
 * errors.NewGenericServerResponse(422, …, isUnexpectedResponse=false): the library's text is dropped
 * and kubectl prints "The request is invalid: the server rejected our request due to an error in our request".
 */
export function patchUnprocessable(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** A plain Go error reaching the handler: 500 with an empty reason and the error text. */
export function patchInternal(message: string): ApiError {
  return new ApiError(500, '', message);
}
