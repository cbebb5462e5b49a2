// Ctrl/Cmd+K: every action, searchable, with its shortcut; disabled ones show why.
import { useEffect, useRef, useState } from "react";
import { availability } from "../actions/registry.js";
import { useApp, useAppState } from "./context.js";
import { clickKeys } from "./keys.js";

export function CommandPalette() {
  const { actions, actionContext, store } = useApp();
  const state = useAppState((s) => s);
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  useEffect(() => input.current?.focus(), []);
  // A press on the backdrop, outside the palette, closes it: a pointer's shortcut for Escape. Listened
  // for on the document, as dismissable layers do, since the backdrop itself is no control.
  useEffect(() => {
    const onDown = (event: MouseEvent) => {
      if (event.target === overlay.current) store.getState().setPaletteOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [store]);
  const results = actions
    .search(query)
    .map((action) => ({ action, av: availability(action as never, state) }));
  const run = (i: number) => {
    const item = results[i];
    if (!item?.av.enabled) return;
    store.getState().setPaletteOpen(false);
    actions.run(item.action.id, store.getState(), actionContext);
  };
  const optionId = (i: number) => `palette-option-${i}`;
  return (
    <div className="overlay" ref={overlay}>
      <div className="palette" role="dialog" aria-label="Command palette">
        <input
          ref={input}
          placeholder="Type a command…"
          aria-label="Command"
          role="combobox"
          aria-expanded={true}
          aria-controls="palette-results"
          aria-autocomplete="list"
          aria-activedescendant={results[index] ? optionId(index) : undefined}
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
        <div className="results" role="listbox" id="palette-results" aria-label="Commands">
          {results.map(({ action, av }, i) => (
            <div
              key={action.id}
              id={optionId(i)}
              role="option"
              tabIndex={-1}
              aria-selected={i === index}
              aria-disabled={!av.enabled}
              className={`result${i === index ? " active" : ""}${av.enabled ? "" : " disabled"}`}
              onMouseEnter={() => setIndex(i)}
              onClick={() => run(i)}
              onKeyDown={clickKeys(() => run(i))}
            >
              <span className="section">{action.section}</span>
              <span className="title">{action.title}</span>
              {!av.enabled && <span className="reason">{av.reason}</span>}
              {action.shortcut && <kbd>{action.shortcut}</kbd>}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
