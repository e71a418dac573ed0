// pg-boss peer for the full-cycle workload: send → fetch → complete per job, on the same PostgreSQL.
import PgBoss from "pg-boss";

export async function pgBossWorkers(url: string, connections: number, batch: boolean) {
  const boss = new PgBoss({ connectionString: url, max: connections + 2, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  const queue = `bench_${Date.now()}`;
  await boss.createQueue(queue);
  const data = { body: "x".repeat(1024) };
  const make = async () => async () => {
    if (batch) await boss.insert(Array.from({ length: 10 }, () => ({ name: queue, data })));
    else await boss.send(queue, data);
    const jobs = await boss.fetch(queue, { batchSize: batch ? 10 : 1 });
    if (!jobs || jobs.length === 0) return 0;
    await boss.complete(queue, jobs.map((j) => j.id));
    return jobs.length;
  };
  return { make, stop: () => boss.stop({ graceful: false, wait: false }) };
}
