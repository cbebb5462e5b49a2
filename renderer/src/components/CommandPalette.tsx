// Ctrl/Cmd+K: every action, searchable, with its shortcut; disabled ones show why.
import { useEffect, useRef, useState } from "react";
import { availability } from "../actions/registry.js";
import { useApp, useAppState } from "./context.js";

export function CommandPalette() {
  const { actions, actionContext, store } = useApp();
  const state = useAppState((s) => s);
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const results = actions
    .search(query)
    .map((action) => ({ action, av: availability(action as never, state) }));
  const run = (i: number) => {
    const item = results[i];
    if (!item?.av.enabled) return;
    store.getState().setPaletteOpen(false);
    actions.run(item.action.id, store.getState(), actionContext);
  };
  return (
    <div className="overlay" onMouseDown={() => store.getState().setPaletteOpen(false)}>
      <div
        className="palette"
        role="dialog"
        aria-label="Command palette"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          placeholder="Type a command…"
          aria-label="Command"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setIndex((i) => Math.min(results.length - 1, i + 1));
            else if (e.key === "ArrowUp") setIndex((i) => Math.max(0, i - 1));
            else if (e.key === "Enter") run(index);
            else return;
            e.preventDefault();
          }}
        />
        <ul role="listbox">
          {results.map(({ action, av }, i) => (
            <li
              key={action.id}
              role="option"
              aria-selected={i === index}
              aria-disabled={!av.enabled}
              className={`${i === index ? "active" : ""}${av.enabled ? "" : " disabled"}`}
              onMouseEnter={() => setIndex(i)}
              onClick={() => run(i)}
            >
              <span className="section">{action.section}</span>
              <span className="title">{action.title}</span>
              {!av.enabled && <span className="reason">{av.reason}</span>}
              {action.shortcut && <kbd>{action.shortcut}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
