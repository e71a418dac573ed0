/** "current", "stale" (src/ is newer, or the bundle is missing in a checkout) or "missing" (an installed package without its build). */
export function bundleState(root: string): "current" | "stale" | "missing";
