// Output like `flutter doctor`: one line per check, grouped (the gateway, each agent, the relay),
// a mark per level, and for every problem where it is, why it matters and the fix. ASCII marks
// where the terminal may not show Unicode. `--json` gives the same findings as data.
import type { Environment } from '../core/environment.js';
import { displayPath } from '../core/environment.js';
import type { DoctorReport } from './run.js';
import type { Finding, Level } from './types.js';

export type Paint = (color: 'green' | 'yellow' | 'red' | 'dim' | 'bold' | 'cyan', text: string) => string;

const UNICODE: Record<Level, string> = { ok: '[✓]', warn: '[!]', error: '[✗]', crash: '[☠]' };
const ASCII: Record<Level, string> = { ok: '[ok]', warn: '[!!]', error: '[xx]', crash: '[!!!]' };
const COLOR = { ok: 'green', warn: 'yellow', error: 'red', crash: 'red' } as const;

/** Unicode unless the terminal is dumb or the locale is not UTF-8 (an unset locale: not on Linux consoles). */
export function supportsUnicode(env: Environment): boolean {
  const e = env.env;
  if (e.TERM === 'dumb') return false;
  const locale = e.LC_ALL || e.LC_CTYPE || e.LANG;
  if (locale) return /utf-?8/i.test(locale);
  return env.platform !== 'linux';
}

export function marks(unicode: boolean): Record<Level, string> {
  return unicode ? UNICODE : ASCII;
}

export interface Summary {
  ok: number;
  /** Findings doctor could not check (counted apart from the passed ones). */
  unchecked: number;
  warn: number;
  error: number;
  crash: number;
}

export function summarize(findings: readonly Finding[]): Summary {
  const s: Summary = { ok: 0, unchecked: 0, warn: 0, error: 0, crash: 0 };
  for (const f of findings) {
    if (f.unchecked && f.level === 'ok') s.unchecked++;
    else s[f.level]++;
  }
  return s;
}

/** Exit status: errors and crashes fail; warnings only with --strict. */
export function failed(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => f.level === 'error' || f.level === 'crash' || (strict && f.level === 'warn'));
}

interface Section {
  title: string;
  findings: Finding[];
}

export function sections(report: DoctorReport): Section[] {
  const { ctx, findings } = report;
  const out: Section[] = [{ title: 'Gateway', findings: findings.filter((f) => !f.agent && !f.code.startsWith('RELAY_')) }];
  for (const a of ctx.agents) {
    const bin = a.evidence.find((e) => e.kind === 'binary');
    const detail = bin ? ` ${bin.version ? `${bin.version}, ` : ''}${displayPath(ctx.env, bin.path)}` : a.detected ? '' : ', not found';
    out.push({ title: `${a.recipe.name} (${a.recipe.id}${detail})`, findings: findings.filter((f) => f.agent === a.recipe.id) });
  }
  const relay = findings.filter((f) => !f.agent && f.code.startsWith('RELAY_'));
  if (relay.length) out.push({ title: 'Relay', findings: relay });
  return out.filter((s) => s.findings.length > 0);
}

export interface RenderOptions {
  verbose: boolean;
  unicode: boolean;
  paint: Paint;
  env: Environment;
}

export function renderReport(report: DoctorReport, o: RenderOptions): string[] {
  const mark = marks(o.unicode);
  const lines: string[] = [];
  for (const section of sections(report)) {
    lines.push(o.paint('bold', section.title));
    for (const f of section.findings) {
      if (f.unchecked && f.level === 'ok') {
        // Not a pass: nothing was checked. The steps to do by hand follow.
        lines.push(`${o.paint('dim', o.unicode ? '[-]' : '[--]')} ${f.message} ${o.paint('dim', f.code)}`);
        if (f.fix) lines.push(`${' '.repeat(mark.ok.length + 1)}to do: ${f.fix}`);
        continue;
      }
      lines.push(`${o.paint(COLOR[f.level], mark[f.level])} ${f.message} ${o.paint('dim', f.code)}`);
      if (f.level === 'ok' && !o.verbose) continue;
      const indent = ' '.repeat(mark.ok.length + 1);
      if (f.file) lines.push(`${indent}${o.paint('dim', `at ${displayPath(o.env, f.file)}${f.line !== undefined ? `:${f.line}` : ''}`)}`);
      if (f.why) lines.push(`${indent}why: ${f.why}`);
      if (f.fix) lines.push(`${indent}fix: ${f.fix}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(summarize(report.findings), o.paint));
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(s: Summary, paint: Paint): string {
  const checks = s.ok + s.warn + s.error + s.crash;
  const unchecked = s.unchecked ? `; ${s.unchecked} not checked (set up by hand)` : '';
  if (s.warn + s.error + s.crash === 0) return paint('green', `No issues found (${plural(checks, 'check')} passed${unchecked}).`);
  const parts = [
    ...(s.error ? [paint('red', plural(s.error, 'error'))] : []),
    ...(s.warn ? [paint('yellow', plural(s.warn, 'warning'))] : []),
    ...(s.crash ? [paint('red', `${plural(s.crash, 'check')} crashed`)] : []),
  ];
  return `Doctor found ${parts.join(', ')}; ${s.ok} of ${checks} checks passed${unchecked}.`;
}

/** The same findings as data. Paths stay absolute; the printer masks every key. */
export function reportJson(report: DoctorReport, strict: boolean): Record<string, unknown> {
  const { ctx, findings } = report;
  return {
    ok: !failed(findings, strict),
    gateway: {
      ...(ctx.gateway.urls ? { baseUrl: ctx.gateway.urls.openai, anthropicUrl: ctx.gateway.urls.anthropic } : {}),
      urlSource: ctx.gateway.urlSource || null,
      keySource: ctx.gateway.keySource,
      ...(ctx.net?.models.ms !== undefined ? { latencyMs: ctx.net.models.ms } : {}),
      ...(ctx.net?.modelIds ? { models: ctx.net.modelIds } : {}),
    },
    agents: ctx.agents.map((a) => ({ id: a.recipe.id, name: a.recipe.name, detected: a.detected, ...(a.model ? { model: a.model } : {}) })),
    summary: summarize(findings),
    findings,
  };
}
