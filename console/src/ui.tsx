// Small shared pieces of the console's UI: data loading with polling, tables, forms, progress, JSON, charts.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { errorText, type Clients } from "./aws.ts";
import { formatRoute, type Route } from "./lib/route.ts";
import { prettyBody } from "./lib/format.ts";

/** Loads with `load` now, again when `deps` change, and every `pollMs` while mounted and visible (when given). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const gen = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++gen.current;
    try {
      const v = await load();
      if (mine === gen.current) {
        setData(v);
        setError(undefined);
      }
    } catch (e) {
      if (mine === gen.current) setError(errorText(e));
    } finally {
      if (mine === gen.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    setLoading(true);
    void reload();
    if (!pollMs) return;
    // No polling while the tab is hidden; the next tick after it shows again reloads.
    const t = setInterval(() => {
      if (!document.hidden) void reload();
    }, pollMs);
    return () => clearInterval(t);
  }, [reload, pollMs]);
  return { data, error, loading, reload };
}

export function Link(props: { to: Route; children: ReactNode; className?: string; testId?: string }) {
  return (
    <a href={formatRoute(props.to)} className={props.className} data-testid={props.testId}>
      {props.children}
    </a>
  );
}

export function ErrorLine({ error }: { error?: string }) {
  return error ? <div className="error" role="alert">{error}</div> : null;
}

export function Section(props: { title: string; children: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <section className="card" aria-label={props.title} id={props.id}>
      <header className="card-head">
        <h2>{props.title}</h2>
        {props.actions ? <div className="actions">{props.actions}</div> : null}
      </header>
      {props.children}
    </section>
  );
}

/** A button that runs an async action, shows its error, and asks for a second click when `confirm` is set. */
export function Action(props: { label: string; run: () => Promise<unknown>; confirm?: string; danger?: boolean; testId?: string; disabled?: boolean; onDone?: () => void }) {
  const [state, setState] = useState<"idle" | "confirm" | "busy">("idle");
  const [error, setError] = useState<string | undefined>();
  const click = async () => {
    if (props.confirm && state === "idle") {
      setState("confirm");
      return;
    }
    setState("busy");
    setError(undefined);
    try {
      await props.run();
      props.onDone?.();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setState("idle");
    }
  };
  return (
    <span className="action">
      <button type="button" className={props.danger ? "danger" : undefined} disabled={props.disabled || state === "busy"} onClick={() => void click()} data-testid={props.testId}>
        {state === "confirm" ? props.confirm : props.label}
      </button>
      {state === "confirm" ? <button type="button" onClick={() => setState("idle")}>Cancel</button> : null}
      {error ? <span className="error inline" role="alert">{error}</span> : null}
    </span>
  );
}

/** A form whose submit runs an async action; fields are plain inputs inside it, read by name. */
export function Form(props: { children: ReactNode; submit: (values: Record<string, string>) => Promise<unknown>; label: string; testId?: string; onDone?: (result: unknown) => void }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  return (
    <form
      className="form"
      data-testid={props.testId}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const values: Record<string, string> = {};
        for (const [k, v] of new FormData(form)) values[k] = String(v);
        setBusy(true);
        setError(undefined);
        setDone(undefined);
        props.submit(values).then(
          (r) => {
            setDone("Done");
            props.onDone?.(r);
          },
          (err: unknown) => setError(errorText(err)),
        ).finally(() => setBusy(false));
      }}
    >
      {props.children}
      <div className="form-foot">
        <button type="submit" disabled={busy}>{props.label}</button>
        {done && !error ? <span className="ok" role="status">{done}</span> : null}
        <ErrorLine error={error} />
      </div>
    </form>
  );
}

export function Field(props: { label: string; name: string; value?: string; placeholder?: string; textarea?: boolean; rows?: number; options?: string[]; required?: boolean }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      {props.options ? (
        <select name={props.name} defaultValue={props.value}>
          {props.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : props.textarea ? (
        <textarea name={props.name} defaultValue={props.value} placeholder={props.placeholder} rows={props.rows ?? 4} required={props.required} spellCheck={false} />
      ) : (
        <input name={props.name} defaultValue={props.value} placeholder={props.placeholder} required={props.required} autoComplete="off" spellCheck={false} />
      )}
    </label>
  );
}

export function Progress(props: { percent: number; label: string; testId?: string }) {
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={props.percent} aria-label={props.label} data-testid={props.testId}>
      <div className="progress-bar" style={{ width: `${props.percent}%` }} />
      <span className="progress-text">{props.label}</span>
    </div>
  );
}

export function Json({ text, testId }: { text?: string; testId?: string }) {
  const p = prettyBody(text);
  return <pre className={p.json ? "json" : "text"} data-testid={testId}>{p.text}</pre>;
}

export function KeyValues({ values }: { values: Record<string, ReactNode> }) {
  return (
    <dl className="kv">
      {Object.entries(values).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? "–"}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A JSON object from a form field; empty is undefined; anything else that is not an object throws. */
export function jsonField(text: string | undefined, what: string): Record<string, unknown> | undefined {
  if (!text || text.trim() === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

export interface MetricSpec {
  label: string;
  name: string;
  stat: "Sum" | "Average" | "Maximum";
}

/** Sparkline charts of a resource's metrics over the last hour, one point a minute, from the metrics store (GetMetricData). */
export function MetricCharts(props: { clients: Clients; namespace: string; dimensions: { Name: string; Value: string }[]; metrics: MetricSpec[] }) {
  const key = JSON.stringify([props.namespace, props.dimensions, props.metrics.map((m) => m.name)]);
  const { data, error } = useLoad(async () => {
    const end = new Date(Math.ceil(Date.now() / 60000) * 60000);
    const start = new Date(end.getTime() - 3600_000);
    const out = await props.clients.cloudwatch.send(new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      ScanBy: "TimestampAscending",
      MetricDataQueries: props.metrics.map((m, i) => ({
        Id: `m${i}`,
        MetricStat: { Metric: { Namespace: props.namespace, MetricName: m.name, Dimensions: props.dimensions }, Period: 60, Stat: m.stat },
      })),
    }));
    return props.metrics.map((m, i) => {
      const r = out.MetricDataResults?.find((x) => x.Id === `m${i}`);
      return { spec: m, times: (r?.Timestamps ?? []).map((t) => new Date(t).getTime()), values: r?.Values ?? [] };
    });
  }, [key, props.clients], 30_000);
  return (
    <div className="charts">
      <ErrorLine error={error} />
      {(data ?? []).map((s) => <Sparkline key={s.spec.name} label={s.spec.label} times={s.times} values={s.values} />)}
    </div>
  );
}

function Sparkline(props: { label: string; times: number[]; values: number[] }) {
  const w = 220;
  const h = 50;
  const pts = props.times.map((t, i) => [t, props.values[i]] as const).sort((a, b) => a[0] - b[0]);
  const max = Math.max(1, ...pts.map((p) => p[1]));
  const t0 = pts.length ? pts[0][0] : 0;
  const t1 = pts.length ? pts[pts.length - 1][0] : 1;
  const span = Math.max(1, t1 - t0);
  const line = pts.map(([t, v]) => `${((t - t0) / span) * (w - 4) + 2},${h - 2 - (v / max) * (h - 4)}`).join(" ");
  const last = pts.length ? pts[pts.length - 1][1] : undefined;
  return (
    <figure className="chart">
      <figcaption>{props.label}: <b>{last === undefined ? "no data" : Math.round(last * 100) / 100}</b></figcaption>
      <svg width={w} height={pts.length ? h : 4} viewBox={`0 0 ${w} ${pts.length ? h : 4}`} role="img" aria-label={props.label}>
        {pts.length ? <polyline points={line} fill="none" stroke="currentColor" strokeWidth="1.5" /> : null}
      </svg>
    </figure>
  );
}
