// Small ink building blocks for the interactive mode: a frame sized to the terminal, lists that
// scroll inside it, a text input that can mask, a spinner. Colour goes through `useTone`, so
// NO_COLOR turns every colour and dim off while the layout stays the same.
import { Box, Text, useInput, useStdout, type Key, type TextProps } from 'ink';
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { wrapLine } from '../core/wrap.js';
import type { TrailEntry } from './flow.js';
import type { Line, Tone } from './text.js';

// ------------------------------------------------------------------------------------ theme

export type ToneName = Tone;

export const ColorContext = createContext(true);

const TONES: Record<ToneName, TextProps> = {
  accent: { color: 'cyan' },
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  error: { color: 'red' },
  dim: { dimColor: true },
  added: { color: 'green' },
  removed: { color: 'red' },
  strong: { bold: true },
};

/** Text props for a tone: none but bold when colour is off. */
export function useTone(): (name: ToneName | undefined) => TextProps {
  const color = useContext(ColorContext);
  return (name) => {
    if (!name) return {};
    if (name === 'strong') return TONES.strong;
    return color ? TONES[name] : {};
  };
}

export function Tone({ tone, children, wrap = 'truncate-end' }: { tone?: ToneName | undefined; children: ReactNode; wrap?: TextProps['wrap'] }) {
  const paint = useTone();
  return (
    <Text {...paint(tone)} wrap={wrap}>
      {children}
    </Text>
  );
}

/**
 * State that key handlers read and write synchronously: keys that arrive in one chunk (fast
 * typing, a paste, `Down Enter`) are handled before React re-renders, and must see each other.
 */
export function useLive<T>(initial: T | (() => T)): { get(): T; set(value: T): void } {
  const ref = useRef<{ value: T } | null>(null);
  if (ref.current === null) ref.current = { value: typeof initial === 'function' ? (initial as () => T)() : initial };
  const [, render] = useState(0);
  const box = ref.current;
  return {
    get: () => box.value,
    set: (value: T) => {
      if (Object.is(value, box.value)) return;
      box.value = value;
      render((n) => n + 1);
    },
  };
}

// ------------------------------------------------------------------------------------ keys

/** A key handler; returns true when it used the key, so the screen-wide keys (back, quit) leave it alone. */
type KeyHandler = (input: string, key: Key) => boolean | void;

interface KeysHub {
  handlers: Set<{ current: KeyHandler }>;
  /** The screen-wide keys: run for a key no handler used. */
  fallback: Set<{ current: KeyHandler }>;
}

const KeysContext = createContext<KeysHub | null>(null);

/**
 * Reads the keyboard once for the whole tree and hands every key to the handlers of `useKeys`.
 * ink's own `useInput` subscribes in a passive effect, after the screen is drawn: a key pressed
 * as a new screen appears could reach the one before. Here the handlers are registered while the
 * screen is committed, before it is drawn, so a key always reaches the screen on display; and
 * nothing is drawn until the keyboard is read.
 */
export function KeysProvider({ children }: { children: ReactNode }) {
  const hub = useRef<KeysHub>({ handlers: new Set(), fallback: new Set() }).current;
  const [reading, setReading] = useState(false);
  const dispatch = useCallback((input: string, key: Key) => {
    for (const [one, oneKey] of splitKeys(input, key)) {
      let used = false;
      for (const handler of [...hub.handlers]) if (hub.handlers.has(handler) && handler.current(one, oneKey) === true) used = true;
      if (!used) for (const handler of [...hub.fallback]) if (hub.fallback.has(handler)) handler.current(one, oneKey);
    }
  }, []);
  useInput(dispatch);
  // Runs after useInput's effects (declared first), which put the terminal in raw mode and listen.
  useEffect(() => setReading(true), []);
  return <KeysContext.Provider value={hub}>{reading ? children : null}</KeysContext.Provider>;
}

const NO_KEY = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
} as const;

/**
 * The keys of one read, one by one. ink splits escape sequences (arrows, page keys) into their
 * own events but hands a run of plain characters over as one input: `Space Enter` typed fast or
 * arriving together over a slow link is " \r", three presses of `a` are "aaa". Each is a key
 * press of its own; a paste is its characters in order, which a text input appends one by one.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return chars.map((ch): [string, Key] => {
    const base: Key = { ...key, ...NO_KEY };
    if (ch === '\r' || ch === '\n') return ['', { ...base, return: true }];
    if (ch === '\u007f' || ch === '\b') return ['', { ...base, backspace: true }];
    if (ch === '\t') return ['', { ...base, tab: true }];
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20) return [String.fromCharCode(code + 96), { ...base, ctrl: true }];
    return [ch, { ...base, shift: /[A-Z]/.test(ch) }];
  });
}

/**
 * `useInput` for the components below: through KeysProvider when there is one, else ink's own.
 * `fallback`: the screen-wide keys, which get only the keys no other handler used (Esc clears a
 * filter being typed before it quits; Backspace deletes a typed character before it goes back).
 */
export function useKeys(handler: KeyHandler, { isActive = true, fallback = false }: { isActive?: boolean; fallback?: boolean } = {}): void {
  const hub = useContext(KeysContext);
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useLayoutEffect(() => {
    if (!hub || !isActive) return;
    const entry = { current: (input: string, key: Key) => latest.current(input, key) };
    const set = fallback ? hub.fallback : hub.handlers;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }, [hub, isActive, fallback]);
  useInput((input, key) => void handler(input, key), { isActive: isActive && !hub });
}

/** The keys that go back to the question before: Left, Backspace, b. */
export function isBackKey(input: string, key: Key): boolean {
  return key.leftArrow || key.backspace || key.delete || input === 'b';
}

// ------------------------------------------------------------------------------------ size

export interface Size {
  columns: number;
  rows: number;
}

/** The terminal's size, updated when it is resized. */
export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** Lines left for a screen's body: the frame takes a header, a footer and their margins. */
export function bodyHeight(size: Size): number {
  return Math.max(3, size.rows - 6);
}

export const STEPS = ['Gateway', 'Agents', 'Review', 'Apply'] as const;
export type StepName = (typeof STEPS)[number];

/** Lines a trail takes in a frame's body: its lines and a blank one under them. */
export function trailRows(trail: readonly TrailEntry[]): number {
  return trail.length ? trail.length + 1 : 0;
}

/**
 * Every screen: a header with the steps, the answers so far (`trail`), the body, the keys that
 * work here. One line short of the terminal.
 */
export function Frame({ step, hints, trail = [], children }: { step: StepName; hints: string; trail?: readonly TrailEntry[]; children: ReactNode }) {
  const size = useTerminalSize();
  const paint = useTone();
  const labelWidth = Math.max(0, ...trail.map((t) => t.label.length + 1));
  return (
    <Box flexDirection="column" width={size.columns} height={Math.max(8, size.rows - 1)}>
      <Box>
        <Text {...paint('strong')} wrap="truncate-end">
          setup-gateway{'  '}
          {STEPS.map((s, i) => (
            <Text key={s} {...(s === step ? paint('accent') : paint('dim'))} bold={s === step}>
              {i > 0 ? ' › ' : ''}
              {s === step ? `[${s}]` : s}
            </Text>
          ))}
        </Text>
      </Box>
      <Box flexDirection="column" marginTop={1} flexGrow={1} overflow="hidden">
        {trail.length ? (
          <Box flexDirection="column" marginBottom={1}>
            {trail.map((t) => (
              <Text key={t.label} wrap="truncate-end">
                <Text {...paint('ok')}>✓ </Text>
                <Text {...paint('dim')}>{`${t.label}:`.padEnd(labelWidth)} </Text>
                {t.answer}
              </Text>
            ))}
          </Box>
        ) : null}
        {children}
      </Box>
      <Box marginTop={1}>
        <Tone tone="dim">{hints}</Tone>
      </Box>
    </Box>
  );
}

// ------------------------------------------------------------------------------------ lists

/** The first visible index of a window of `height` rows that keeps `cursor` in view, centred. */
export function windowStart(cursor: number, count: number, height: number): number {
  if (count <= height) return 0;
  return Math.min(Math.max(0, cursor - Math.floor(height / 2)), count - height);
}

export interface Item<T> {
  key: string;
  label: string;
  hint?: string;
  value: T;
  /** Shown dimmed (e.g. an agent that is not installed); still selectable. */
  dim?: boolean;
  /** Kept when a filter is typed (e.g. "type a model id…"). */
  pinned?: boolean;
}

interface ListKeys {
  up: boolean;
  down: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
}

/** Moves a cursor for arrow, page, home and end keys (and j/k when letters are not typed). */
export function moveCursor(cursor: number, count: number, page: number, keys: ListKeys): number {
  if (count === 0) return 0;
  if (keys.up) return (cursor - 1 + count) % count;
  if (keys.down) return (cursor + 1) % count;
  if (keys.pageUp) return Math.max(0, cursor - page);
  if (keys.pageDown) return Math.min(count - 1, cursor + page);
  if (keys.home) return 0;
  if (keys.end) return count - 1;
  return cursor;
}

function listKeys(input: string, key: { upArrow: boolean; downArrow: boolean; pageUp: boolean; pageDown: boolean; home: boolean; end: boolean }, letters: boolean): ListKeys {
  return {
    up: key.upArrow || (letters && input === 'k'),
    down: key.downArrow || (letters && input === 'j'),
    pageUp: key.pageUp,
    pageDown: key.pageDown,
    home: key.home,
    end: key.end,
  };
}

export function SelectList<T>({
  items,
  initial = 0,
  height,
  onSelect,
  onCursor,
  isActive = true,
}: {
  items: readonly Item<T>[];
  initial?: number;
  height: number;
  onSelect: (item: Item<T>, index: number) => void;
  onCursor?: (item: Item<T>, index: number) => void;
  isActive?: boolean;
}) {
  const cursor = useLive(Math.min(Math.max(0, initial), Math.max(0, items.length - 1)));
  const at = () => Math.min(cursor.get(), Math.max(0, items.length - 1));
  useKeys(
    (input, key) => {
      const current = at();
      if (key.return) {
        const item = items[current];
        if (item) onSelect(item, current);
        return true;
      }
      const moves = listKeys(input, key, true);
      const next = moveCursor(current, items.length, Math.max(1, height - 1), moves);
      if (next !== current) {
        cursor.set(next);
        const item = items[next];
        if (item) onCursor?.(item, next);
      }
      return Object.values(moves).some(Boolean);
    },
    { isActive },
  );
  return <ListView items={items} cursor={at()} height={height} render={(item, active) => <Row item={item} active={active} />} />;
}

function Row<T>({ item, active }: { item: Item<T>; active: boolean }) {
  const paint = useTone();
  return (
    <Text wrap="truncate-end" {...(item.dim && !active ? paint('dim') : {})}>
      <Text {...(active ? paint('accent') : {})} bold={active}>
        {active ? '› ' : '  '}
        {item.label}
      </Text>
      {item.hint ? <Text {...paint('dim')}>{`  ${item.hint}`}</Text> : null}
    </Text>
  );
}

/** A window of rows with "n more" markers when the list does not fit. */
export function ListView<T>({
  items,
  cursor,
  height,
  render,
}: {
  items: readonly T[];
  cursor: number;
  height: number;
  render: (item: T, active: boolean, index: number) => ReactNode;
}) {
  const fits = items.length <= height;
  const rows = fits ? height : Math.max(1, height - 1);
  const start = windowStart(cursor, items.length, rows);
  const visible = items.slice(start, start + rows);
  return (
    <Box flexDirection="column">
      {visible.map((item, i) => (
        <Box key={start + i}>{render(item, start + i === cursor, start + i)}</Box>
      ))}
      {fits ? null : (
        <Tone tone="dim">{`  ${cursor + 1}/${items.length}${start > 0 ? `  ↑ ${start} more` : ''}${start + rows < items.length ? `  ↓ ${items.length - start - rows} more` : ''}`}</Tone>
      )}
    </Box>
  );
}

/**
 * A SelectList for long lists (a gateway's models): `/` starts a filter that keeps the items
 * containing what is typed; backspace on an empty filter, or Esc, ends it. While filtering every
 * letter is the filter's (`q` and `b` too).
 */
export function FilterSelect<T>({
  items,
  initial = 0,
  height,
  onSelect,
  isActive = true,
}: {
  items: readonly Item<T>[];
  initial?: number;
  height: number;
  onSelect: (item: Item<T>) => void;
  isActive?: boolean;
}) {
  const live = useLive<{ filter: string | null; cursor: number }>({ filter: null, cursor: Math.min(Math.max(0, initial), Math.max(0, items.length - 1)) });
  const matching = (filter: string | null) => {
    const needle = filter?.toLowerCase() ?? '';
    return needle ? items.filter((i) => i.pinned || i.label.toLowerCase().includes(needle)) : items;
  };
  const { filter } = live.get();
  const shown = matching(filter);
  const current = Math.min(live.get().cursor, Math.max(0, shown.length - 1));
  const paint = useTone();
  const refilter = (next: string | null) => {
    const first = matching(next).findIndex((i) => !i.pinned);
    live.set({ filter: next, cursor: Math.max(0, first) });
  };
  useKeys(
    (input, key) => {
      const { filter } = live.get();
      const shown = matching(filter);
      const current = Math.min(live.get().cursor, Math.max(0, shown.length - 1));
      if (key.return) {
        const item = shown[current];
        if (item) onSelect(item);
        return true;
      }
      if (filter !== null) {
        // Esc clears the filter (the whole list again); it does not quit.
        if (key.escape) {
          refilter(null);
          return true;
        }
        if (key.backspace || key.delete) {
          refilter(filter === '' ? null : [...filter].slice(0, -1).join(''));
          return true;
        }
        const typed = key.ctrl || key.meta ? '' : printable(input);
        if (typed) {
          refilter(filter + typed);
          return true;
        }
      } else if (input === '/') {
        refilter('');
        return true;
      }
      const moves = listKeys(input, key, filter === null);
      const next = moveCursor(current, shown.length, Math.max(1, height - 2), moves);
      if (next !== current) live.set({ filter, cursor: next });
      return Object.values(moves).some(Boolean);
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      {filter !== null ? (
        <Text wrap="truncate-end">
          <Text {...paint('strong')}>Filter: </Text>
          {filter}
          <Text {...paint('accent')}>▏</Text>
          <Text {...paint('dim')}>{`  ${shown.filter((i) => !i.pinned).length} match${shown.filter((i) => !i.pinned).length === 1 ? '' : 'es'}`}</Text>
        </Text>
      ) : null}
      <ListView items={shown} cursor={current} height={Math.max(1, height - (filter !== null ? 1 : 0))} render={(item, active) => <Row item={item} active={active} />} />
    </Box>
  );
}

export interface CheckItem<T> extends Item<T> {
  /** Text after the label, e.g. the agent's state; coloured with `tone`. */
  status?: string;
  tone?: ToneName;
}

/** Space toggles, `a` toggles all that are not dimmed (the installed agents), enter confirms (at least one must be checked). */
export function MultiSelect<T>({
  items,
  initial,
  height,
  labelWidth,
  width,
  onSubmit,
  onCursor,
  isActive = true,
}: {
  items: readonly CheckItem<T>[];
  initial: ReadonlySet<string>;
  height: number;
  /** The labels' column; a longer label runs on into the room its own status leaves on a line of `width`. */
  labelWidth: number;
  width?: number;
  onSubmit: (checked: T[]) => void;
  onCursor?: (item: CheckItem<T>) => void;
  isActive?: boolean;
}) {
  const live = useLive<{ cursor: number; checked: ReadonlySet<string>; warning?: string }>({ cursor: 0, checked: initial });
  const { cursor, checked, warning } = live.get();
  const paint = useTone();
  useKeys(
    (input, key) => {
      const { cursor, checked } = live.get();
      const setChecked = (next: ReadonlySet<string>) => live.set({ cursor, checked: next });
      if (key.return) {
        const chosen = items.filter((i) => checked.has(i.key)).map((i) => i.value);
        if (chosen.length === 0) live.set({ cursor, checked, warning: 'Select at least one agent with space.' });
        else onSubmit(chosen);
        return true;
      }
      if (input === ' ') {
        const item = items[cursor];
        if (!item) return true;
        const next = new Set(checked);
        if (next.has(item.key)) next.delete(item.key);
        else next.add(item.key);
        setChecked(next);
        return true;
      }
      if (input === 'a') {
        // All the ones found here, not those shown dimmed as not installed; again: none.
        const found = items.filter((i) => !i.dim).map((i) => i.key);
        const all = found.length > 0 && found.every((k) => checked.has(k));
        setChecked(all ? new Set() : new Set([...checked, ...found]));
        return true;
      }
      const moves = listKeys(input, key, true);
      const next = moveCursor(cursor, items.length, Math.max(1, height - 2), moves);
      if (next !== cursor) {
        live.set({ cursor: next, checked });
        const item = items[next];
        if (item) onCursor?.(item);
      }
      return Object.values(moves).some(Boolean);
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <ListView
        items={items}
        cursor={cursor}
        height={Math.max(1, height - (warning ? 1 : 0))}
        render={(item, active) => (
          <Text wrap="truncate-end" {...(item.dim && !active ? paint('dim') : {})}>
            <Text {...(active ? paint('accent') : {})} bold={active}>
              {active ? '› ' : '  '}
              {checked.has(item.key) ? '[x] ' : '[ ] '}
              {fit(item.label, Math.min([...item.label].length, width ? Math.max(labelWidth, width - 8 - (item.status?.length ?? 0)) : labelWidth), labelWidth)}
            </Text>
            {item.status ? <Text {...paint(item.dim && !active ? 'dim' : item.tone)}>{`  ${item.status}`}</Text> : null}
          </Text>
        )}
      />
      {warning ? <Tone tone="warn">{warning}</Tone> : null}
    </Box>
  );
}

/** `text` cut (with …) to `width` characters at most, padded to `pad` (`width` unless given). */
export function fit(text: string, width: number, pad = width): string {
  const chars = [...text];
  if (chars.length <= width) return text.padEnd(pad);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`.padEnd(pad);
}

// ------------------------------------------------------------------------------------ input

/** Printable characters of a key press or a paste; control characters and newlines dropped. */
export function printable(input: string): string {
  return [...input].filter((c) => c >= ' ' && c !== '\u007f').join('');
}

export function TextInput({
  label,
  initial = '',
  mask = false,
  placeholder,
  error,
  onSubmit,
  onChange,
  isActive = true,
}: {
  label: string;
  initial?: string;
  mask?: boolean;
  placeholder?: string;
  error?: string | undefined;
  onSubmit: (value: string) => void;
  onChange?: (value: string) => void;
  isActive?: boolean;
}) {
  const live = useLive(initial);
  const value = live.get();
  const paint = useTone();
  useKeys(
    (input, key) => {
      const value = live.get();
      if (key.return) {
        onSubmit(value);
        return true;
      }
      // Backspace and Left on an empty line are not the input's: they go back.
      if ((key.backspace || key.delete || key.leftArrow) && value === '') return false;
      if (key.leftArrow || key.rightArrow) return true;
      let next: string;
      if (key.backspace || key.delete) next = [...value].slice(0, -1).join('');
      else if (key.ctrl && input === 'u') next = '';
      // Other control keys (Ctrl-C, Esc) are not the input's.
      else if (key.ctrl || key.meta || key.escape || key.tab) return false;
      else next = value + printable(input);
      if (next !== value) {
        live.set(next);
        onChange?.(next);
      }
      return true;
    },
    { isActive },
  );
  const shown = mask ? '•'.repeat(Math.min([...value].length, 40)) + ([...value].length > 40 ? '…' : '') : value;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-start">
        <Text {...paint('strong')}>{label} </Text>
        {value ? shown : <Text {...paint('dim')}>{placeholder ?? ''}</Text>}
        <Text {...paint('accent')}>▏</Text>
      </Text>
      {error ? <Tone tone="error">{error}</Tone> : null}
    </Box>
  );
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner({ label }: { label: string }) {
  const [frame, setFrame] = useState(0);
  const paint = useTone();
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % SPINNER.length), 80);
    return () => clearInterval(timer);
  }, []);
  return (
    <Text wrap="truncate-end">
      <Text {...paint('accent')}>{SPINNER[frame]}</Text> {label}
    </Text>
  );
}

/**
 * Lines of text that scroll: arrows, page keys, space, home, end. A line wider than `width` is
 * word-wrapped (its continuation lines hang under its text), never cut: these are the lines the
 * user approves.
 */
export function ScrollView({ lines: given, width, height, isActive = true }: { lines: readonly Line[]; width: number; height: number; isActive?: boolean }) {
  const lines = useMemo(() => given.flatMap((line) => wrapLine(line.text, width).map((text) => ({ ...line, text }))), [given, width]);
  const top = useLive(0);
  const fits = lines.length <= height;
  const rows = fits ? height : Math.max(1, height - 1);
  const maxTop = Math.max(0, lines.length - rows);
  const current = Math.min(top.get(), maxTop);
  useKeys(
    (input, key) => {
      const current = Math.min(top.get(), maxTop);
      let next = current;
      if (key.upArrow || input === 'k') next = current - 1;
      else if (key.downArrow || input === 'j') next = current + 1;
      else if (key.pageUp) next = current - rows;
      else if (key.pageDown || input === ' ') next = current + rows;
      else if (key.home || input === 'g') next = 0;
      else if (key.end || input === 'G') next = maxTop;
      else return false;
      next = Math.min(Math.max(0, next), maxTop);
      if (next !== current) top.set(next);
      return true;
    },
    { isActive },
  );
  const visible = lines.slice(current, current + rows);
  return (
    <Box flexDirection="column">
      {visible.map((line, i) => (
        <Tone key={current + i} tone={line.tone}>
          {line.text || ' '}
        </Tone>
      ))}
      {fits ? null : <Tone tone="dim">{`  lines ${current + 1}–${Math.min(lines.length, current + rows)} of ${lines.length}  (↑↓ PgUp PgDn space)`}</Tone>}
    </Box>
  );
}

/** y answers yes, n no (beside a yes/no list, which answers with enter). */
export function YesNoKeys({ onAnswer }: { onAnswer: (yes: boolean) => void }) {
  useKeys((input) => {
    if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N') onAnswer(false);
    else return false;
    return true;
  });
  return null;
}

/** Calls `onEnter` when enter is pressed. */
export function EnterKey({ onEnter }: { onEnter: () => void }) {
  useKeys((_, key) => {
    if (!key.return) return false;
    onEnter();
    return true;
  });
  return null;
}
