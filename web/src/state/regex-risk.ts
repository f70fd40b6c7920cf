/**
 * Refuses regular expressions whose backtracking can take exponential time, before any line is
 * tested with them: a repeat inside a repeat over the same characters (`(a+)+`, `(a*)*`, `(.*)*`,
 * `(\w+\s?)*`), a repeated choice whose alternatives can match the same text (`(a|a)*`, `(\w|\d)+`,
 * `(a|aa)*`: `aa` is also `a` twice), and a backreference under a repeat. Alternatives that only
 * start alike pass when the next character tells them apart (`(a|ab)*`: what follows `a` is never
 * the `b` of `ab`). On such a pattern a line of a few dozen characters can already
 * hang the tab, so it is refused with a message rather than run (state/line-filter.ts).
 *
 * This is not a proof of safety: patterns that pass can still backtrack polynomially (`.*x` is
 * quadratic in the line's length). That is why lines past MAIN_THREAD_LINE_CHARS are tested in a
 * worker with a time bound (state/regex-runner.ts), where quadratic work can be stopped.
 *
 * The pattern has already compiled with `new RegExp`, so the reader below may be lenient. Sets of
 * characters are compared on a sample alphabet: ASCII, a few others, and every character the
 * pattern names (its literals and the ends of its ranges, in both cases) — enough to tell `\w`
 * from `\.` or `a` from `b`, and to see `ü` overlap `ü` — the overlaps that make a pattern ambiguous.
 */

type CharTest = (code: number) => boolean;

type Node =
  | { readonly kind: 'chars'; readonly test: CharTest }
  | { readonly kind: 'empty'; readonly start?: true } // assertions (^ $ \b): match no character
  | { readonly kind: 'backref' }
  | { readonly kind: 'group'; readonly body: Alternation }
  | { readonly kind: 'look'; readonly body: Alternation }
  | { readonly kind: 'repeat'; readonly item: Node; readonly min: number; readonly max: number; readonly start: number; readonly end: number };

interface Alternation {
  readonly alternatives: readonly (readonly Node[])[];
}

/** A repeat of more than this many times counts as unbounded: `(a+){1,100}` is as bad as `(a+)+`. */
const MANY = 10;

const BASE_SAMPLE: readonly number[] = [
  ...Array.from({ length: 128 }, (_, i) => i),
  0xa0, 0xe9, 0xc9, 0x130, 0x3b1, 0x4e2d, 0x2028, 0xfeff, 0x1f600,
];

/** The sample of the pattern being checked: the base and the characters it names (set per check; checks are synchronous). */
let sample: readonly number[] = BASE_SAMPLE;

/** Why the pattern is refused, or undefined when it has none of the exponential forms. */
export function regexRisk(source: string, ignoreCase: boolean): string | undefined {
  let tree: Alternation;
  const reader = new Reader(source, ignoreCase);
  try {
    tree = reader.pattern();
  } catch {
    return undefined; // not read here; RegExp accepted it, and the worker bounds its time
  }
  sample = [...BASE_SAMPLE, ...reader.named];
  try {
    return riskOf(tree, source);
  } finally {
    sample = BASE_SAMPLE;
  }
}

function riskOf(tree: Alternation, source: string): string | undefined {
  const found = check(tree, NOTHING, undefined);
  if (found) return `This pattern can take exponential time on some lines: ${found.why} (${excerpt(source, found.at)}). Rewrite it so each character can be matched only one way.`;
  const chain = longestChain(tree);
  // An unanchored search tries every start: one more power of the line's length.
  const degree = chain.length + (anchored(tree) ? 0 : 1);
  if (degree >= MAX_DEGREE) {
    const at = { start: chain[0]!.start, end: chain.at(-1)!.end };
    return `This pattern can take too long on some lines: repeats next to each other can share the same characters (${excerpt(source, at)}). Join them into one, or put something between them that only one can match.`;
  }
  return undefined;
}

/**
 * Work growing with the line's length to this power is refused: a 1,024-character line costs
 * about half a second at the third power (`.*.*x`, and `\w+\w+=` or `\S+\S+=` on a line that is
 * one long word — a minified JSON line, a blob), and minutes at the fourth (`a*a*a*x`) — for one
 * line, and `exec` cannot be stopped on the main thread.
 */
const MAX_DEGREE = 3;

const excerpt = (source: string, at: { start: number; end: number }) => {
  const shown = source.slice(at.start, at.end);
  return shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
};

type Repeat = Extract<Node, { kind: 'repeat' }>;

/**
 * The longest run of unbounded repeats one after another, with nothing but optional parts
 * between them, each able to take characters the one before takes (`.*.*`, `\d+\s*\d+`): a run
 * of k of them can split a stretch of text in about n^(k-1) ways before the rest fails. One
 * character between two that the repeat before it takes too (`.*a.*a`) keeps the run going: on
 * a line full of it, it is no boundary. A longer word between them (`.*error.*`) ends the run —
 * text rarely holds it at every place. A repeat may sit in an optional group (`(.*)?`) or be one
 * alternative of a group (`(?:.*|b)`): it still stands side by side with its neighbours.
 */
function longestChain(alt: Alternation): Repeat[] {
  let longest: Repeat[] = [];
  const consider = (chain: Repeat[]) => {
    if (chain.length > longest.length) longest = chain;
  };
  const visit = (alternation: Alternation) => {
    for (const sequence of alternation.alternatives) {
      let chain: Repeat[] = [];
      let bridged = 0;
      for (const part of chainParts(sequence)) {
        const node = part.kind === 'group' ? (repeatAlternative(part) ?? part) : part;
        if (node.kind === 'repeat' && node.max > MANY && canMatchSomething(node.item)) {
          const last = chain.at(-1);
          // They can trade characters where the first ends and the next begins.
          chain = last && overlaps(lasts(last.item), firsts(node.item)) ? [...chain, node] : [node];
          bridged = 0;
          consider(chain);
        } else if (!nullable(node)) {
          const last = chain.at(-1);
          const bridge = last !== undefined && bridged === 0 && node.kind === 'chars' && within(firsts(node), lasts(last.item));
          if (bridge) bridged += 1;
          else chain = [];
        }
        if (node.kind === 'repeat' && node.item.kind === 'group') visit(node.item.body);
        if (part.kind === 'group' || part.kind === 'look') visit(part.body);
      }
    }
  };
  visit(alt);
  return longest;
}

/** A sequence with its plain groups of one alternative opened in place: `(.*)(.*)` is `.*.*`. */
function flatten(sequence: readonly Node[]): Node[] {
  return sequence.flatMap((node) => (node.kind === 'group' && node.body.alternatives.length === 1 ? flatten(node.body.alternatives[0]!) : [node]));
}

/** As flatten, and optional groups of one alternative opened too: `(.*)?(.*)?` is `.*.*` for a run. */
function chainParts(sequence: readonly Node[]): Node[] {
  return flatten(sequence).flatMap((node) =>
    node.kind === 'repeat' && node.max === 1 && node.item.kind === 'group' && node.item.body.alternatives.length === 1 ? chainParts(node.item.body.alternatives[0]!) : [node],
  );
}

/** The unbounded repeat that is one whole alternative of a group (`.*` of `(?:.*|b)`), if any. */
function repeatAlternative(group: Extract<Node, { kind: 'group' }>): Repeat | undefined {
  for (const sequence of group.body.alternatives) {
    const parts = chainParts(sequence);
    const only = parts[0];
    if (parts.length === 1 && only?.kind === 'repeat' && only.max > MANY) return only;
  }
  return undefined;
}

function anchored(alt: Alternation): boolean {
  return alt.alternatives.every((sequence) => {
    const first = flatten(sequence)[0];
    return first?.kind === 'empty' && first.start === true;
  });
}

const NOTHING: CharTest = () => false;
const ANYTHING: CharTest = () => true;
const union = (a: CharTest, b: CharTest): CharTest => (a === NOTHING ? b : b === NOTHING ? a : (c) => a(c) || b(c));
/** Every character `a` takes, `b` takes too (over the sample). */
const within = (a: CharTest, b: CharTest): boolean => a !== NOTHING && b !== NOTHING && sample.every((c) => !a(c) || b(c));
const overlaps = (a: CharTest, b: CharTest): boolean => a !== NOTHING && b !== NOTHING && sample.some((c) => a(c) && b(c));

type Found = { why: string; at: { start: number; end: number } };
type Outer = { start: number; end: number } | undefined;

/**
 * Walks the pattern knowing what can follow each part (`follow`) and the innermost unbounded
 * repeat around it (`outer`). Inside such a repeat, a part that can match a character in two
 * ways — a repeat of a varying count (`a+`, `a?`, `a{2,3}`) that what follows it can also start
 * with, or alternatives that can match alike — lets the engine split a run of characters in
 * exponentially many ways before failing: `(a?a?)*` and `(a{2,3})*` as surely as `(a+)+`.
 */
function check(alt: Alternation, follow: CharTest, outer: Outer): Found | undefined {
  if (outer && alt.alternatives.length > 1) {
    const { alternatives } = alt;
    for (let i = 0; i < alternatives.length; i += 1) {
      for (let j = i + 1; j < alternatives.length; j += 1) {
        if (matchAlike(alternatives[i]!, alternatives[j]!, follow)) return { why: 'a repeated choice whose alternatives can match the same text', at: outer };
      }
    }
  }
  for (const sequence of alt.alternatives) {
    for (let i = 0; i < sequence.length; i += 1) {
      const after = followOf(sequence, i + 1, follow);
      const found = checkNode(sequence[i]!, after, outer);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Whether two alternatives of a repeated choice may match the same text, so that the repeat can
 * split a line in two ways at each of its turns. Alternatives of single characters (`a`, `ab`,
 * `\d\.`) are compared character by character: they can be told apart where their characters
 * differ, or, when the shorter one is as far as it goes like the start of the longer (`a`, `ab`),
 * by the next character — `follow`, what may come after either (the choice again, or what follows
 * the repeat), against the longer one's (`b`): `(a|ab)*` matches any text one way, `(a|aa)*`
 * (`a` may follow `a`) many. Other alternatives may match alike as soon as they may start alike.
 */
function matchAlike(a: readonly Node[], b: readonly Node[], follow: CharTest): boolean {
  const x = singleCharacters(a);
  const y = singleCharacters(b);
  if (!x || !y) return overlaps(firstsOfSequence(a), firstsOfSequence(b));
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  // An empty alternative is `?` spelt out: the turns a bounded repeat must take may be empty (`((a|){3})+`).
  if (shorter.some((test, i) => !overlaps(test, longer[i]!))) return false;
  return shorter.length === longer.length || overlaps(follow, longer[shorter.length]!);
}

/** The characters of a sequence that matches exactly one character per part (groups of one alternative opened), else undefined. */
function singleCharacters(sequence: readonly Node[]): CharTest[] | undefined {
  const tests: CharTest[] = [];
  for (const node of flatten(sequence)) {
    // Zero-width parts (`\B`, `(?=a)`) match no character: the alternative is as short without them.
    if (node.kind === 'empty' || node.kind === 'look') continue;
    if (node.kind !== 'chars') return undefined;
    tests.push(node.test);
  }
  return tests;
}

function checkNode(node: Node, follow: CharTest, outer: Outer): Found | undefined {
  switch (node.kind) {
    case 'chars':
    case 'empty':
      return undefined;
    case 'backref':
      return outer ? { why: 'a backreference inside a repeat', at: outer } : undefined;
    case 'group':
      return check(node.body, follow, outer);
    case 'look':
      return check(node.body, NOTHING, outer);
    case 'repeat': {
      const unbounded = node.max > MANY;
      if (unbounded && node.item.kind === 'backref') return { why: 'a repeated backreference', at: node };
      if (node.min < node.max && outer && overlaps(firsts(node.item), follow)) {
        return { why: 'a repeat inside a repeat, over characters that can follow it', at: outer };
      }
      // Repeated, the item can be followed by its own start, as well as by what follows the repeat.
      const inner = node.max > 1 ? union(firsts(node.item), follow) : follow;
      // A bounded repeat around one (`(\S+\s?){6}`) multiplies the ways as an unbounded one does.
      return checkNode(node.item, inner, node.max > 1 && canMatchSomething(node.item) ? (outer ?? node) : outer);
    }
  }
}

function followOf(sequence: readonly Node[], from: number, follow: CharTest, edge: (node: Node) => CharTest = firsts): CharTest {
  let set = NOTHING;
  for (let i = from; i < sequence.length; i += 1) {
    const node = sequence[i]!;
    set = union(set, edge(node));
    if (!nullable(node)) return set;
  }
  return union(set, follow);
}

/** Where in a match characters are asked about: its first, or its last (firsts read backwards). */
type Place = 'first' | 'last';

/** The characters a match of the node can start or end with. */
function charsOf(node: Node, place: Place): CharTest {
  switch (node.kind) {
    case 'chars':
      return node.test;
    case 'empty':
    case 'look':
      return NOTHING;
    case 'backref':
      return ANYTHING; // could hold anything the group caught
    case 'group':
      return node.body.alternatives.map((sequence) => charsOfSequence(sequence, place)).reduce(union, NOTHING);
    case 'repeat':
      return node.max === 0 ? NOTHING : charsOf(node.item, place);
  }
}

function charsOfSequence(sequence: readonly Node[], place: Place): CharTest {
  return followOf(place === 'first' ? sequence : [...sequence].reverse(), 0, NOTHING, (node) => charsOf(node, place));
}

const firsts = (node: Node): CharTest => charsOf(node, 'first');
const lasts = (node: Node): CharTest => charsOf(node, 'last');
const firstsOfSequence = (sequence: readonly Node[]): CharTest => charsOfSequence(sequence, 'first');

function nullable(node: Node): boolean {
  switch (node.kind) {
    case 'chars':
      return false;
    case 'empty':
    case 'look':
    case 'backref':
      return true;
    case 'group':
      return node.body.alternatives.some((sequence) => sequence.every(nullable));
    case 'repeat':
      return node.min === 0 || nullable(node.item);
  }
}

function canMatchSomething(node: Node): boolean {
  return firsts(node) !== NOTHING;
}

const code = (s: string) => s.codePointAt(0)!;
const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: CharTest = (c) => /\s/.test(String.fromCodePoint(c));
const isLineEnd: CharTest = (c) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const CLASSES: Record<string, CharTest> = {
  d: isDigit,
  D: (c) => !isDigit(c),
  w: isWord,
  W: (c) => !isWord(c),
  s: isSpace,
  S: (c) => !isSpace(c),
};
const CONTROL: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, '0': 0 };

/** A recursive-descent reader of JavaScript regular-expression syntax (no `u`/`v` flag). */
class Reader {
  private at = 0;
  /** Every character the pattern names (literals, ends of ranges), in both cases: for the sample alphabet. */
  readonly named: number[] = [];

  constructor(
    private readonly source: string,
    private readonly ignoreCase: boolean,
  ) {}

  pattern(): Alternation {
    const tree = this.alternation();
    if (this.at < this.source.length) throw new Error('unbalanced )');
    return tree;
  }

  private alternation(): Alternation {
    const alternatives: Node[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.at += 1;
      alternatives.push(this.sequence());
    }
    return { alternatives };
  }

  private sequence(): Node[] {
    const nodes: Node[] = [];
    while (this.at < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const start = this.at;
      const atom = this.atom();
      nodes.push(this.quantified(atom, start));
    }
    return nodes;
  }

  private quantified(item: Node, start: number): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
      if (!braces) return item;
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
      this.at += braces[0].length - 1;
    } else return item;
    this.at += 1;
    if (this.peek() === '?') this.at += 1; // lazy: tries the same ways, in another order
    return this.quantified({ kind: 'repeat', item, min, max, start, end: this.at }, start);
  }

  private atom(): Node {
    const c = this.next();
    if (c === '(') return this.group();
    if (c === '[') return { kind: 'chars', test: this.caseless(this.characterClass()) };
    if (c === '.') return { kind: 'chars', test: (x) => !isLineEnd(x) };
    if (c === '^') return { kind: 'empty', start: true };
    if (c === '$') return { kind: 'empty' };
    if (c === '\\') return this.escape();
    return { kind: 'chars', test: this.caseless(this.literal(code(c))) };
  }

  private group(): Node {
    let look = false;
    if (this.source.startsWith('?:', this.at)) this.at += 2;
    else if (/^\?<?[=!]/.test(this.source.slice(this.at, this.at + 3))) {
      look = true;
      this.at += this.source[this.at + 1] === '<' ? 3 : 2;
    } else if (this.source.startsWith('?<', this.at)) this.at = this.source.indexOf('>', this.at) + 1;
    const body = this.alternation();
    if (this.next() !== ')') throw new Error('unterminated group');
    return look ? { kind: 'look', body } : { kind: 'group', body };
  }

  private escape(): Node {
    const c = this.next();
    if (/[1-9]/.test(c)) {
      while (/\d/.test(this.peek())) this.at += 1;
      return { kind: 'backref' };
    }
    if (c === 'k' && this.peek() === '<') {
      this.at = this.source.indexOf('>', this.at) + 1;
      return { kind: 'backref' };
    }
    if (c === 'b' || c === 'B') return { kind: 'empty' };
    const known = CLASSES[c];
    if (known) return { kind: 'chars', test: known };
    return { kind: 'chars', test: this.caseless(this.literal(this.escapedCode(c))) };
  }

  /** The code of an escaped character (`\n`, `\x41`, `\u0041`, `\cJ`, `\.`). */
  private escapedCode(c: string): number {
    const control = CONTROL[c];
    if (control !== undefined) return control;
    const hex = c === 'x' ? /^[0-9a-f]{2}/i : c === 'u' ? /^[0-9a-f]{4}/i : undefined;
    const digits = hex?.exec(this.source.slice(this.at));
    if (digits) {
      this.at += digits[0].length;
      return parseInt(digits[0], 16);
    }
    if (c === 'c' && /[a-z]/i.test(this.peek())) return code(this.next()) % 32;
    return code(c);
  }

  private characterClass(): CharTest {
    const negated = this.peek() === '^';
    if (negated) this.at += 1;
    const parts: CharTest[] = [];
    while (this.at < this.source.length && this.peek() !== ']') {
      const low = this.classAtom();
      if (this.peek() === '-' && this.source[this.at + 1] !== ']' && this.at + 1 < this.source.length && typeof low === 'number') {
        this.at += 1;
        const high = this.classAtom();
        if (typeof high === 'number') {
          this.name(low);
          this.name(high);
          parts.push((x) => x >= low && x <= high);
          continue;
        }
        parts.push(this.literal(low), this.literal(code('-')), high);
        continue;
      }
      parts.push(typeof low === 'number' ? this.literal(low) : low);
    }
    this.at += 1;
    const any: CharTest = (x) => parts.some((part) => part(x));
    return negated ? (x) => !any(x) : any;
  }

  private classAtom(): number | CharTest {
    const c = this.next();
    if (c !== '\\') return code(c);
    const e = this.next();
    const known = CLASSES[e];
    if (known) return known;
    if (e === 'b') return 8;
    return this.escapedCode(e);
  }

  private literal(value: number): CharTest {
    this.name(value);
    return (x) => x === value;
  }

  private name(value: number): void {
    const s = String.fromCodePoint(value);
    this.named.push(value, code(s.toLowerCase()), code(s.toUpperCase()));
  }

  private caseless(test: CharTest): CharTest {
    if (!this.ignoreCase) return test;
    return (x) => {
      const s = String.fromCodePoint(x);
      return test(x) || test(code(s.toLowerCase())) || test(code(s.toUpperCase()));
    };
  }

  private peek(): string {
    return this.source[this.at] ?? '';
  }

  private next(): string {
    const c = this.source[this.at];
    if (c === undefined) throw new Error('unexpected end');
    this.at += 1;
    return c;
  }
}
