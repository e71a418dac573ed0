// The console's shell: sign-in, the pane navigation, hash routing and keyboard shortcuts (ADR 0032).
import { useEffect, useState } from "react";
import { ANONYMOUS, errorText, signIn, storeCredentials, storedCredentials, type Clients } from "./aws.ts";
import { formatRoute, PANE_TITLES, PANES, paneForKey, parseRoute, type Route } from "./lib/route.ts";
import { Queues } from "./panes/Queues.tsx";
import { Topics } from "./panes/Topics.tsx";
import { Buses } from "./panes/Buses.tsx";
import { Streams } from "./panes/Streams.tsx";
import { StateMachines } from "./panes/StateMachines.tsx";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function App() {
  const [clients, setClients] = useState<Clients | undefined>();
  const [state, setState] = useState<"starting" | "login" | "ready">("starting");
  const [error, setError] = useState<string | undefined>();
  const route = useRoute();

  // At start: the tab's stored keys, else anonymous (a server without access keys accepts any), else the form.
  useEffect(() => {
    const stored = storedCredentials();
    signIn(stored ?? ANONYMOUS).then(
      (c) => {
        setClients(c);
        setState("ready");
      },
      (e: unknown) => {
        if (stored) setError(errorText(e));
        setState("login");
      },
    );
  }, []);

  // Keyboard: 1-5 open the panes, "/" focuses the first search or input of the page, Escape leaves a field.
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
        // Escape leaves a field, so the shortcuts work again.
        if (e.key === "Escape") t.blur();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const pane = paneForKey(e.key);
      if (pane) {
        window.location.hash = formatRoute({ pane });
        e.preventDefault();
      } else if (e.key === "/") {
        (document.querySelector("main input, main textarea") as HTMLElement | null)?.focus();
        e.preventDefault();
      }
    };
    window.addEventListener("keydown", on);
    return () => window.removeEventListener("keydown", on);
  }, []);

  if (state === "starting") return <div className="splash">Connecting…</div>;
  if (state === "login" || !clients) {
    return (
      <Login
        error={error}
        onLogin={async (c) => {
          const signed = await signIn(c);
          storeCredentials(c);
          setClients(signed);
          setState("ready");
        }}
      />
    );
  }
  return (
    <div className="shell">
      <header className="top">
        <a className="brand" href="#/queues">Mailroom</a>
        <nav className="panes" aria-label="Services">
          {PANES.map((p, i) => (
            <a key={p} href={formatRoute({ pane: p })} className={route.pane === p ? "active" : undefined} aria-current={route.pane === p ? "page" : undefined} title={`${PANE_TITLES[p]} (${i + 1})`}>
              {PANE_TITLES[p]}
            </a>
          ))}
        </nav>
        <div className="who" data-testid="account">
          <span title={clients.accessKeyId}>Account {clients.account}</span> · <span>{clients.region}</span>
          {storedCredentials() ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                storeCredentials(undefined);
                setClients(undefined);
                setState("login");
              }}
            >
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      <main>
        {route.pane === "queues" ? <Queues clients={clients} route={route} /> : null}
        {route.pane === "topics" ? <Topics clients={clients} route={route} /> : null}
        {route.pane === "buses" ? <Buses clients={clients} route={route} /> : null}
        {route.pane === "streams" ? <Streams clients={clients} route={route} /> : null}
        {route.pane === "statemachines" ? <StateMachines clients={clients} route={route} /> : null}
      </main>
    </div>
  );
}

function Login(props: { error?: string; onLogin: (c: { accessKeyId: string; secretAccessKey: string; region: string }) => Promise<void> }) {
  const [error, setError] = useState(props.error);
  const [busy, setBusy] = useState(false);
  return (
    <div className="login">
      <form
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setBusy(true);
          setError(undefined);
          props
            .onLogin({ accessKeyId: String(f.get("accessKeyId")).trim(), secretAccessKey: String(f.get("secretAccessKey")), region: String(f.get("region")).trim() || "us-east-1" })
            .catch((err: unknown) => setError(errorText(err)))
            .finally(() => setBusy(false));
        }}
      >
        <h1>Mailroom</h1>
        <p>This server has access keys configured. Sign in with one; it is kept for this tab only.</p>
        <label className="field"><span>Access key ID</span><input name="accessKeyId" required autoFocus autoComplete="off" /></label>
        <label className="field"><span>Secret access key</span><input name="secretAccessKey" type="password" required autoComplete="off" /></label>
        <label className="field"><span>Region</span><input name="region" defaultValue="us-east-1" autoComplete="off" /></label>
        <button type="submit" disabled={busy}>Sign in</button>
        {error ? <div className="error" role="alert">{error}</div> : null}
      </form>
    </div>
  );
}
