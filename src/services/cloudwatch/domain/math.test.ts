// Metric math: parsing (precedence, lists, functions, the length and nesting bounds) and evaluation over series
// (alignment, scalars, FILL, IF, the list reducers) with a fixed grid; alarm evaluation (M of N, TreatMissingData).
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AlarmConfig, evaluateAlarm } from "./alarms.ts";
import { evaluate, MAX_NESTING, parseExpression, references, type Series, type Value } from "./math.ts";

const grid = [0, 60_000, 120_000, 180_000];
const s = (pairs: [number, number][]): Series => ({ kind: "series", ts: pairs.map((p) => p[0] * 60_000), values: pairs.map((p) => p[1]) });
const vars: Record<string, Value> = { a: s([[0, 1], [1, 2], [3, 4]]), b: s([[0, 10], [1, 20], [2, 30]]) };
const run = (expr: string) => evaluate(parseExpression(expr), { expr, lookup: (id) => vars[id], metrics: () => [vars.a as Series, vars.b as Series], grid, period: 60 });
const values = (v: Value) => (typeof v === "number" ? v : Array.isArray(v) ? v.map((x) => x.values) : v.values);

test("precedence, unary minus, powers and comparisons", () => {
  assert.equal(run("1 + 2 * 3 ^ 2"), 19);
  assert.equal(run("-(1 + 2) * 2"), -6);
  assert.equal(run("2 ^ 3 ^ 2"), 512);
  assert.equal(run("1 < 2 AND 3 >= 3"), 1);
  assert.equal(run("NOT 1 OR 0"), 0);
});

test("series align on shared timestamps; scalars apply to every point", () => {
  assert.deepEqual(values(run("a + b")), [11, 22]);
  assert.deepEqual(values(run("a * 10")), [10, 20, 40]);
  assert.deepEqual(values(run("100 / b")), [10, 5, 100 / 30]);
});

test("SUM/AVG/MIN/MAX over a list per timestamp, of one series a scalar", () => {
  assert.deepEqual(values(run("SUM([a, b])")), [11, 22, 30, 4]);
  assert.deepEqual(values(run("MAX(METRICS())")), [10, 20, 30, 4]);
  assert.equal(run("AVG(a)"), 7 / 3);
  assert.equal(run("MIN(b)"), 10);
});

test("FILL with a value, REPEAT and LINEAR over the request's grid; IF; DIFF and RATE; PERIOD", () => {
  assert.deepEqual(values(run("FILL(a, 0)")), [1, 2, 0, 4]);
  assert.deepEqual(values(run("FILL(a, REPEAT)")), [1, 2, 2, 4]);
  assert.deepEqual(values(run("FILL(a, LINEAR)")), [1, 2, 3, 4]);
  assert.deepEqual(values(run("IF(b > 15, b, 0)")), [0, 20, 30]);
  assert.deepEqual(values(run("IF(b > 15, b)")), [20, 30]);
  assert.deepEqual(values(run("DIFF(b)")), [10, 10]);
  assert.deepEqual(values(run("RATE(b)")), [10 / 60, 10 / 60]);
  assert.equal(run("PERIOD(a)"), 60);
  assert.deepEqual(values(run("ABS(a - 3)")), [2, 1, 1]);
});

test("references, unknown ids and functions, bounds", () => {
  assert.deepEqual(references(parseExpression("a + SUM([b, c]) * 2")), ["a", "b", "c"]);
  assert.throws(() => run("zz + 1"), /Unrecognized metric id 'zz'/);
  assert.throws(() => parseExpression("SQRTX(a)"), /Unknown function/);
  assert.throws(() => parseExpression("a +"), /Unexpected end/);
  assert.throws(() => parseExpression(`${"(".repeat(MAX_NESTING + 1)}1${")".repeat(MAX_NESTING + 1)}`), /nest at most/);
  assert.doesNotThrow(() => parseExpression(`${"(".repeat(MAX_NESTING - 1)}1${")".repeat(MAX_NESTING - 1)}`));
  assert.throws(() => parseExpression("1".repeat(2049)), /too long/);
  // A long flat chain is iterative, not recursive: no stack overflow.
  assert.equal(run(Array.from({ length: 1000 }, () => "1").join("+")), 1000);
});

const alarm = (o: Partial<AlarmConfig>): AlarmConfig => ({
  AlarmName: "x", AlarmArn: "arn", ActionsEnabled: true, OKActions: [], AlarmActions: [], InsufficientDataActions: [],
  EvaluationPeriods: 3, Threshold: 5, ComparisonOperator: "GreaterThanThreshold", Period: 60, baseUrl: "", ...o,
});
const periods = [0, 60_000, 120_000];
const at = (pairs: [number, number][]) => new Map(pairs.map(([i, v]) => [i * 60_000, v]));

test("M out of N and TreatMissingData", () => {
  assert.equal(evaluateAlarm(alarm({}), periods, at([[0, 6], [1, 7], [2, 8]]), 180_000, "Sum")?.state, "ALARM");
  assert.equal(evaluateAlarm(alarm({}), periods, at([[0, 6], [1, 7], [2, 1]]), 180_000, "Sum")?.state, "OK");
  assert.equal(evaluateAlarm(alarm({ DatapointsToAlarm: 2 }), periods, at([[0, 6], [1, 1], [2, 8]]), 180_000, "Sum")?.state, "ALARM");
  // Missing periods: missing (default) decides on what is there, all missing is INSUFFICIENT_DATA.
  assert.equal(evaluateAlarm(alarm({ DatapointsToAlarm: 1 }), periods, at([[2, 9]]), 180_000, "Sum")?.state, "ALARM");
  assert.equal(evaluateAlarm(alarm({}), periods, at([]), 180_000, "Sum")?.state, "INSUFFICIENT_DATA");
  assert.equal(evaluateAlarm(alarm({ TreatMissingData: "breaching" }), periods, at([]), 180_000, "Sum")?.state, "ALARM");
  assert.equal(evaluateAlarm(alarm({ TreatMissingData: "notBreaching" }), periods, at([]), 180_000, "Sum")?.state, "OK");
  assert.equal(evaluateAlarm(alarm({ TreatMissingData: "ignore" }), periods, at([]), 180_000, "Sum"), undefined);
  const e = evaluateAlarm(alarm({ EvaluationPeriods: 1 }), [0], at([[0, 6]]), 60_000, "Maximum")!;
  // AWS's wording (LocalStack's recorded snapshots): the short form for one period without DatapointsToAlarm.
  assert.equal(e.reason, "Threshold Crossed: 1 datapoint [6.0 (01/01/70 00:00:00)] was greater than the threshold (5.0).");
  const two = evaluateAlarm(alarm({ EvaluationPeriods: 2, DatapointsToAlarm: 1 }), [0, 60_000], at([[0, 6], [1, 1]]), 120_000, "Sum")!;
  assert.equal(two.reason, "Threshold Crossed: 1 out of the last 2 datapoints [1.0 (01/01/70 00:01:00), 6.0 (01/01/70 00:00:00)] was greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).");
  const none = evaluateAlarm(alarm({ EvaluationPeriods: 2, TreatMissingData: "breaching", Unit: "Seconds" }), [0, 60_000], at([]), 120_000, "Average")!;
  assert.equal(none.reason, "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].");
  assert.deepEqual(JSON.parse(none.reasonData).evaluatedDatapoints, [{ timestamp: "1970-01-01T00:01:00.000+0000" }, { timestamp: "1970-01-01T00:00:00.000+0000" }]);
  assert.equal(JSON.parse(none.reasonData).unit, "Seconds");
  assert.equal(JSON.parse(e.reasonData).statistic, "Maximum");
});

test("probe: FILL and IF over the largest grid stay linear", () => {
  const big = Array.from({ length: 100_800 }, (_, i) => i * 1000);
  const sparse: Series = { kind: "series", ts: [0, 100_799_000], values: [0, 100_799] };
  const dense: Series = { kind: "series", ts: big, values: big.map((t) => t / 1000) };
  const ctx = (expr: string) => ({ expr, lookup: (id: string) => (id === "a" ? sparse : dense), metrics: () => [], grid: big, period: 1 });
  const t0 = performance.now();
  const filled = evaluate(parseExpression("FILL(a, LINEAR)"), ctx("FILL(a, LINEAR)")) as Series;
  assert.equal(filled.values.length, 100_800);
  assert.equal(filled.values[50_000], 50_000);
  const picked = evaluate(parseExpression("IF(b > 50000, b, 0 * b)"), ctx("IF(b > 50000, b, 0 * b)")) as Series;
  assert.equal(picked.values.length, 100_800);
  assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
});

test("percentiles with too few samples (EvaluateLowSampleCountPercentile)", async () => {
  const { lowSampleCount } = await import("./alarms.ts");
  assert.equal(lowSampleCount("p99", 999), true);
  assert.equal(lowSampleCount("p99", 1000), false);
  assert.equal(lowSampleCount("p90", 99), true);
  assert.equal(lowSampleCount("p10", 99), true);
  assert.equal(lowSampleCount("p10", 100), false);
  assert.equal(lowSampleCount("p100", 1), false);
});
