// Generates code bindings off the request path: PutCodeBinding stores CREATE_IN_PROGRESS and queues the job here; the
// next turn generates the files, zips them and stores CREATE_COMPLETE with the archive (or CREATE_FAILED).
import type { Logger } from "../../../util/log.ts";
import { pythonBinding, typescriptBinding } from "../domain/codegen.ts";
import type { SchemaType } from "../domain/content.ts";
import { zip } from "../domain/zip.ts";
import type { BindingJob, SchemasEnv } from "../env.ts";
import { findVersion } from "../operations/schemas.ts";

export function bindingGenerator(env: SchemasEnv, log: Logger): { generate(job: BindingJob): void; idle(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  async function run(job: BindingJob): Promise<void> {
    const key = { account: job.account, region: job.region, registry: job.registry, name: job.name };
    const b = await env.store.getCodeBinding(key, job.version, job.language);
    if (!b || b.status !== "CREATE_IN_PROGRESS") return;
    let status = "CREATE_COMPLETE";
    let source: Buffer | undefined;
    try {
      const { version } = await findVersion(env, key, job.version);
      const generate = job.language === "Python36" ? pythonBinding : typescriptBinding;
      const files = generate(job.name, version.type as SchemaType, JSON.parse(version.content) as Record<string, unknown>);
      source = zip(files, new Date(env.clock.now()));
    } catch (e) {
      log.warn(`code binding for ${job.registry}/${job.name} v${job.version} failed: ${e instanceof Error ? e.message : String(e)}`);
      status = "CREATE_FAILED";
    }
    await env.store.putCodeBinding({ ...b, status, source, lastModified: env.clock.now() });
  }
  return {
    generate(job) {
      const k = `${job.account}/${job.region}/${job.registry}/${job.name}/${job.version}/${job.language}`;
      if (running.has(k)) return;
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => run(job))
        .catch((e: unknown) => log.warn(`code binding job failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => running.delete(k));
      running.set(k, p);
    },
    async idle() {
      await Promise.all(running.values());
    },
  };
}
