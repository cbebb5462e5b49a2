// The keyboard side of a clickable row or list item. It is focusable (tabIndex -1: clicking it focuses
// it, Tab skips it, since j/k and the arrows already walk the rows); with the focus on it, Space does what
// a click does and Enter what a double click does. The keys are consumed so the global shortcuts (Enter
// opens the cursor's node or account) do not act on top of them.
import type { KeyboardEvent } from "react";

export function clickKeys(click: () => void, open: () => void = click) {
  return (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return;
    if (event.key !== " " && event.key !== "Enter") return;
    event.preventDefault();
    event.stopPropagation();
    (event.key === " " ? click : open)();
  };
}
