/** Selection in a keyboard-driven list: j/k move, the list may shrink or grow under it. */
export interface NavState {
  index: number;
  count: number;
}

export type NavAction =
  | { type: "next" }
  | { type: "prev" }
  | { type: "first" }
  | { type: "last" }
  | { type: "select"; index: number }
  | { type: "resize"; count: number };

const clamp = (index: number, count: number): number => (count === 0 ? -1 : Math.min(Math.max(index, 0), count - 1));

export const initialNav = (count: number): NavState => ({ index: count > 0 ? 0 : -1, count });

export const navReducer = (state: NavState, action: NavAction): NavState => {
  switch (action.type) {
    case "next":
      return { ...state, index: clamp(state.index + 1, state.count) };
    case "prev":
      return { ...state, index: clamp(state.index - 1, state.count) };
    case "first":
      return { ...state, index: clamp(0, state.count) };
    case "last":
      return { ...state, index: clamp(state.count - 1, state.count) };
    case "select":
      return { ...state, index: clamp(action.index, state.count) };
    case "resize":
      return { count: action.count, index: clamp(Math.max(state.index, 0), action.count) };
  }
};

export type ListCommand = "next" | "prev" | "open" | "search" | "reply" | "note" | "solve" | "first" | "last";

/** The inbox shortcuts; null when the key means nothing here or is typed into a field. */
export const commandForKey = (e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  inField: boolean;
}): ListCommand | null => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.inField) return null;
  switch (e.key) {
    case "j":
    case "ArrowDown":
      return "next";
    case "k":
    case "ArrowUp":
      return "prev";
    case "Home":
      return "first";
    case "End":
      return "last";
    case "Enter":
    case "o":
      return "open";
    case "/":
      return "search";
    case "r":
      return "reply";
    case "n":
      return "note";
    case "e":
      return "solve";
    default:
      return null;
  }
};

/** True when a key press goes to something the user types into. */
export const isTypingTarget = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
};
