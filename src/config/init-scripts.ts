// Init scripts (--init-dir, like LocalStack's ready.d hooks): once the server listens, every executable file of
// the directory runs in name order (a subdirectory's after the files above it, depth first), one at a time, with
// the endpoint in its environment (AWS_ENDPOINT_URL, MAILROOM_ENDPOINT, a region and credentials unless set). A
// failing script is logged and the next one runs, as LocalStack does (init hooks reference, "Execution order and
// script failures"); its state is reported at /_localstack/init.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Logger } from "../util/log.ts";

/** LocalStack's script states (init hooks reference, "Querying stages"). */
export type ScriptState = "UNKNOWN" | "RUNNING" | "SUCCESSFUL" | "ERROR";

export interface InitScripts {
  /** Runs every script once with these variables added to the environment; resolves when the last has ended. */
  run(env: Record<string, string>): Promise<void>;
  state(): { completed: boolean; scripts: { name: string; state: ScriptState }[] };
}

function listScripts(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) if (!e.isDirectory()) out.push(join(dir, e.name));
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(root);
  return out;
}

export function initScripts(dir: string, log: Logger): InitScripts {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    files = listScripts(dir);
  } catch (e) {
    throw new Error(`init directory ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const scripts = files.map((file) => ({ file, name: relative(dir, file), state: "UNKNOWN" as ScriptState }));
  let completed = false;
  const runOne = (file: string, env: Record<string, string>): Promise<number | string> =>
    new Promise((resolve) => {
      const child = spawn(file, [], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      const forward = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") log.info("init script output", { script: relative(dir, file), stream, line });
      };
      child.stdout.on("data", forward("stdout"));
      child.stderr.on("data", forward("stderr"));
      child.once("error", (e) => resolve(e.message));
      child.once("close", (code, signal) => resolve(code ?? `killed by ${signal}`));
    });
  return {
    async run(env) {
      for (const s of scripts) {
        if ((statSync(s.file).mode & 0o111) === 0) {
          log.warn("init script skipped: not executable", { script: s.name });
          continue;
        }
        s.state = "RUNNING";
        const outcome = await runOne(s.file, env);
        s.state = outcome === 0 ? "SUCCESSFUL" : "ERROR";
        if (outcome === 0) log.info("init script done", { script: s.name });
        else log.error("init script failed", { script: s.name, exit: outcome });
      }
      completed = true;
    },
    state: () => ({ completed, scripts: scripts.map(({ name, state }) => ({ name, state })) }),
  };
}
