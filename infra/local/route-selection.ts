/**
 * Route selection with the expression `$request.body.<field>` (Sidetail uses `action`), as API
 * Gateway does it: the selected key names a route if one exists; anything else — a body that is not
 * JSON, has no such field, or names no route — goes to `$default`, and without `$default` the
 * message is refused (the caller sends the "Forbidden" frame).
 */
export function selectRouteKey(body: string, routeKeys: ReadonlySet<string>, field: string): string | undefined {
  const selected = readSelectionValue(body, field);
  // `$connect`, `$disconnect` and `$default` are never selected by a message's content.
  if (selected !== undefined && !selected.startsWith('$') && routeKeys.has(selected)) return selected;
  return routeKeys.has('$default') ? '$default' : undefined;
}

function readSelectionValue(body: string, field: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const value = (parsed as Record<string, unknown>)[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
