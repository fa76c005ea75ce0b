// Questions one line at a time, for --plain and terminals that cannot move a cursor (TERM=dumb,
// CI): a choice is a numbered list and a typed number, a text is typed and ends with Enter. Not
// one escape sequence is written: what is typed is echoed as it is (Backspace as "\b \b"), a key
// as "•". Esc or Ctrl-C at any question cancels; keys that arrive together (a pasted answer and
// its Enter, the next answer) are each read in turn.
import { StringDecoder } from 'node:string_decoder';
import { wrapText } from '../core/wrap.js';
import type { Terminal } from './terminal.js';

/** Esc, Ctrl-C or Ctrl-D at a question. `escape`: it was Esc (which first clears a filter). */
export class Cancelled extends Error {
  constructor(readonly escape = false) {
    super('cancelled');
  }
}

/** "b" typed at a choice, or Left on an empty line: the question before. */
export class Back extends Error {
  constructor() {
    super('back');
  }
}

export interface Choice<T> {
  title: string;
  /** Shown after the title. */
  hint?: string;
  value: T;
  /** Not among "all" in a multiselect (an agent that is not installed). */
  aside?: boolean;
}

export interface LineAsk {
  /** A numbered list; Enter takes the one marked as the default. */
  select<T>(message: string, choices: readonly Choice<T>[], initial?: number): Promise<T>;
  /** A numbered list with the preselected ones marked; Enter keeps them; "a" takes all but the ones set aside. At least one. */
  multiselect<T>(message: string, choices: ReadonlyArray<Choice<T> & { selected: boolean }>): Promise<T[]>;
  /**
   * A long list (a gateway's models): a number picks, a typed id that is in the list picks it,
   * other text filters the list, Esc clears the filter. `pinned` stay first whatever the filter
   * (e.g. "type a model id"). `initial` counts the pinned ones first.
   */
  search<T>(message: string, choices: readonly Choice<T>[], initial: number, pinned: readonly Choice<T>[]): Promise<T>;
  /** Typed text; `validate` returns a problem to show, and the question is asked again. */
  text(message: string, options?: { mask?: boolean; validate?: (value: string) => string | true }): Promise<string>;
  confirm(message: string, initial: boolean): Promise<boolean>;
}

/** Reads the keyboard a line at a time, in raw mode, echoing only plain characters. */
export class LineReader {
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #wake: (() => void) | undefined;
  #ended = false;
  /** Whether the question being asked has one before it (Left and "b" go back only then). */
  back = false;

  constructor(private readonly terminal: Terminal) {
    const stdin = terminal.stdin;
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', this.#onData);
    stdin.on('end', this.#onEnd);
    stdin.resume();
  }

  #onData = (chunk: Buffer | string): void => {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    this.#wake?.();
  };

  #onEnd = (): void => {
    this.#ended = true;
    this.#wake?.();
  };

  close(): void {
    const stdin = this.terminal.stdin;
    stdin.off('data', this.#onData);
    stdin.off('end', this.#onEnd);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  }

  write(text: string): void {
    this.terminal.stdout.write(text);
  }

  /** The terminal's width (undefined when unknown): what is written is word-wrapped to it. */
  get columns(): number | undefined {
    return this.terminal.stdout.columns || undefined;
  }

  async #next(): Promise<string> {
    while (this.#buffer === '') {
      if (this.#ended) throw new Cancelled();
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    const ch = [...this.#buffer][0] as string;
    this.#buffer = this.#buffer.slice(ch.length);
    return ch;
  }

  /** One line; `mask` echoes • for each character. */
  async line(mask = false): Promise<string> {
    let value = '';
    for (;;) {
      const ch = await this.#next();
      if (ch === '\r' || ch === '\n') {
        // A terminal sends \r\n for some pastes: the \n belongs to this line.
        if (ch === '\r' && this.#buffer.startsWith('\n')) this.#buffer = this.#buffer.slice(1);
        this.write('\n');
        return value;
      }
      if (ch === '\u0003' || (ch === '\u0004' && value === '')) {
        this.write('\n');
        throw new Cancelled();
      }
      if (ch === '\u001b') {
        // An arrow or another key's sequence is skipped (Left on an empty line goes back); Esc alone cancels.
        const sequence = /^(\[[0-9;?]*[ -/]*[@-~]|O.)/.exec(this.#buffer);
        if (sequence) {
          this.#buffer = this.#buffer.slice(sequence[0].length);
          if (value === '' && this.back && (sequence[0] === '[D' || sequence[0] === 'OD')) {
            this.write('\n');
            throw new Back();
          }
          continue;
        }
        this.write('\n');
        throw new Cancelled(true);
      }
      if (ch === '\u007f' || ch === '\b') {
        if (value) {
          value = [...value].slice(0, -1).join('');
          this.write('\b \b');
        }
        continue;
      }
      if (ch === '\u0015') {
        this.write('\b \b'.repeat([...value].length));
        value = '';
        continue;
      }
      if (ch < ' ') continue;
      value += ch;
      this.write(mask ? '•' : ch);
    }
  }
}

/** Numbers typed as "1 3", "1,3" or "1-3". Undefined when something else is typed or one is out of range. */
function numbers(text: string, count: number): number[] | undefined {
  const picked: number[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return undefined;
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from < 1 || to > count || from > to) return undefined;
    for (let n = from; n <= to; n++) picked.push(n - 1);
  }
  return picked;
}

function valueAt<T>(choices: readonly Choice<T>[], index: number): T {
  const choice = choices[index];
  if (!choice) throw new Error(`internal: no choice ${index + 1}`);
  return choice.value;
}

export function lineAsk(reader: LineReader): LineAsk {
  /** Broken between words at the terminal's width, a choice's continuation under its title (core/wrap.ts); the trailing space a prompt ends with is kept. */
  const fit = (text: string) => {
    const columns = reader.columns;
    const body = text.trimEnd();
    return columns ? wrapText(body, columns) + text.slice(body.length) : text;
  };
  const say = (text: string) => reader.write(`${fit(text)}\n`);
  /** A typed answer; "b" at a choice goes back when there is a question before. */
  const prompt = async (text: string, mask = false, choice = true) => {
    reader.write(fit(text));
    const typed = (await reader.line(mask)).trim();
    if (choice && reader.back && /^b(ack)?$/i.test(typed)) throw new Back();
    return typed;
  };
  const back = () => (reader.back ? '; b: back' : '');
  const list = <T>(choices: readonly Choice<T>[], mark: (i: number) => string, from = 0) =>
    choices.forEach((c, i) => say(`  ${String(from + i + 1).padStart(String(from + choices.length).length)}) ${mark(i)}${c.title}${c.hint ? `  (${c.hint})` : ''}`));

  return {
    async select(message, choices, initial = 0) {
      say(message);
      list(choices, (i) => (i === initial ? '* ' : '  '));
      for (;;) {
        const typed = await prompt(`Type a number (Enter: ${initial + 1}${back()}): `);
        if (typed === '') return valueAt(choices, initial);
        const picked = numbers(typed, choices.length);
        if (picked?.length === 1) return valueAt(choices, picked[0] as number);
        say(`Type one number from 1 to ${choices.length}.`);
      }
    },

    async multiselect(message, choices) {
      say(message);
      list(choices, (i) => (choices[i]?.selected ? '[x] ' : '[ ] '));
      for (;;) {
        const typed = await prompt(`Type the numbers to use, e.g. "1 3" or "1-3", "a" for all found (Enter: the ones marked [x]${back()}): `);
        const all = choices.flatMap((c, i) => (c.aside ? [] : [i]));
        const picked = typed === '' ? choices.flatMap((c, i) => (c.selected ? [i] : [])) : /^a(ll)?$/i.test(typed) ? all : numbers(typed, choices.length);
        if (picked && picked.length) return [...new Set(picked)].sort((a, b) => a - b).map((i) => valueAt(choices, i));
        say(picked ? 'Choose at least one.' : `Type numbers from 1 to ${choices.length}.`);
      }
    },

    async search(message, choices, initial, pinned) {
      const all = [...pinned, ...choices];
      let shown = all;
      say(message);
      const show = (items: readonly Choice<unknown>[]) => {
        const limit = 20;
        list(items.slice(0, limit), (i) => (items[i] === all[initial] ? '* ' : '  '));
        if (items.length > limit) say(`  … ${items.length - limit} more: type part of a name to narrow the list.`);
      };
      show(shown);
      for (;;) {
        const typed = await prompt(`Type a number, a model id, or part of one to filter (Enter: ${all[initial]?.title ?? '1'}${back()}): `).catch((error: unknown) => {
          // Esc with a filter on shows the whole list again; without one it cancels.
          if (error instanceof Cancelled && error.escape && shown !== all) return undefined;
          throw error;
        });
        if (typed === undefined) {
          shown = all;
          show(shown);
          continue;
        }
        if (typed === '') return valueAt(all, initial);
        const picked = numbers(typed, Math.min(shown.length, 20));
        if (picked?.length === 1) return valueAt(shown, picked[0] as number);
        const exact = choices.find((c) => c.title === typed);
        if (exact) return exact.value;
        const needle = typed.toLowerCase();
        const matching = choices.filter((c) => c.title.toLowerCase().includes(needle));
        if (matching.length === 0) {
          say(`No model contains "${typed}".`);
          continue;
        }
        shown = [...pinned, ...matching];
        show(shown);
      }
    },

    async text(message, options = {}) {
      for (;;) {
        const typed = await prompt(`${message}: `, options.mask, false);
        const problem = options.validate?.(typed) ?? true;
        if (problem === true) return typed;
        say(problem);
      }
    },

    async confirm(message, initial) {
      for (;;) {
        const typed = await prompt(`${message} ${initial ? '[Y/n' : '[y/N'}${reader.back ? ', b: back' : ''}] `);
        if (typed === '') return initial;
        if (/^y(es)?$/i.test(typed)) return true;
        if (/^no?$/i.test(typed)) return false;
        say('Type y or n.');
      }
    },
  };
}
