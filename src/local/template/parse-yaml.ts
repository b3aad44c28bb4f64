// Reads a CloudFormation/SAM template (YAML or JSON) into plain data, turning the
// short-form tags (!Ref, !Sub, …) into their long forms ({"Ref": …}, {"Fn::Sub": …})
// so the resolver only deals with one shape.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
import { parseDocument, isMap, isSeq, isScalar, isAlias, LineCounter, type Node } from 'yaml';
import { TemplateError } from './errors.js';

/** Short tag → long-form key. `!Ref` and `!Condition` keep their bare names. */
const SHORT_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
};

export interface ParsedTemplate {
  data: unknown;
  /** 1-based line of an object or array produced by the parser, when known. */
  lineOf(value: object): number | undefined;
}

export function parseTemplateText(text: string, file: string): ParsedTemplate {
  const lineCounter = new LineCounter();
  // Accept every short tag in every node kind; the conversion below gives them meaning.
  const customTags = Object.keys(SHORT_TAGS).flatMap((tag) => [
    { tag, resolve: (s: string) => s },
    { tag, collection: 'seq' as const, resolve: (s: unknown) => s as never },
    { tag, collection: 'map' as const, resolve: (s: unknown) => s as never },
  ]);
  const doc = parseDocument(text, { customTags, lineCounter, uniqueKeys: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    throw new TemplateError(file, `line ${pos.line}`, `not valid YAML: ${firstError.message.split('\n')[0]}`);
  }
  const unresolved = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unresolved) {
    const pos = lineCounter.linePos(unresolved.pos[0]);
    throw new TemplateError(file, `line ${pos.line}`, unresolved.message.split(' at line')[0] ?? unresolved.message);
  }
  const lines = new WeakMap<object, number>();
  const lineAt = (node: Node): number | undefined => (node.range ? lineCounter.linePos(node.range[0]).line : undefined);

  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(doc));
    let value: unknown;
    if (isScalar(node)) {
      value = node.value;
    } else if (isSeq(node)) {
      const arr = node.items.map(convert);
      const line = lineAt(node);
      if (line) lines.set(arr, line);
      value = arr;
    } else if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        obj[key] = convert(pair.value);
      }
      const line = lineAt(node);
      if (line) lines.set(obj, line);
      value = obj;
    } else {
      return node;
    }
    const tag = (node as Node).tag;
    const longName = tag ? SHORT_TAGS[tag] : undefined;
    if (!longName) return value;
    // `!GetAtt A.B` is the string form of ["A", "B"].
    if (longName === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    const wrapped = { [longName]: value };
    const line = lineAt(node as Node);
    if (line) lines.set(wrapped, line);
    return wrapped;
  };

  return { data: convert(doc.contents), lineOf: (v) => lines.get(v) };
}
