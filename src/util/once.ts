// A lazily made value shared by every caller; a failure is not kept, so the next caller tries again.
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make().catch((e: unknown) => {
    p = undefined;
    throw e;
  }));
}
