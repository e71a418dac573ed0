// A JSON value as states read and write it (no undefined, no functions).
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
