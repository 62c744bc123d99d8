/**
 * The node types InvokeAI 6.14.2 accepts in a graph, read from its OpenAPI document, so an
 * unknown `type` is refused at enqueue with pydantic's `union_tag_invalid` like the real server.
 * Without the document (the stand-in run outside this repo) every type is accepted.
 */
import { openapiSpec } from '../support/openapi';

let types: string[] | null | undefined;

export function knownInvocationTypes(): string[] | null {
  if (types !== undefined) return types;
  try {
    types = Object.values(openapiSpec().components.schemas)
      .filter((s) => s.class === 'invocation')
      .map((s) => (s.properties as Record<string, { const?: unknown }> | undefined)?.type?.const)
      .filter((t): t is string => typeof t === 'string');
  } catch {
    types = null;
  }
  return types;
}
