// The zip writer's archives read back with the system's unzip (names, contents, CRCs checked by `unzip -t`).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { zip } from "./zip.ts";

test("an archive of nested files and an empty one unzip to what went in", () => {
  const dir = mkdtempSync(join(tmpdir(), "mailroom-zip-"));
  try {
    const big = "x".repeat(200_000);
    writeFileSync(join(dir, "a.zip"), zip([{ path: "schema/a/b/One.ts", data: "export class One {}\n" }, { path: "big.txt", data: big }, { path: "c.bin", data: Buffer.from([0, 1, 2]) }], new Date(Date.UTC(2026, 5, 1, 12, 30, 10))));
    execFileSync("unzip", ["-tq", "a.zip"], { cwd: dir });
    execFileSync("unzip", ["-q", "a.zip", "-d", "out"], { cwd: dir });
    assert.equal(readFileSync(join(dir, "out/schema/a/b/One.ts"), "utf8"), "export class One {}\n");
    assert.equal(readFileSync(join(dir, "out/big.txt"), "utf8"), big);
    assert.deepEqual([...readFileSync(join(dir, "out/c.bin"))], [0, 1, 2]);
    const empty = zip([], new Date(0));
    assert.equal(empty.length, 22);
    assert.equal(empty.readUInt32LE(0), 0x06054b50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
