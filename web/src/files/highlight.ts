// A small syntax highlighter for the editor (lazy chunk): one regular
// expression per language whose named groups are the token kinds. It only
// colours; it never changes the text, so the editor's textarea and the
// coloured layer under it always line up.
export interface Token {
  kind: string | null; // null: plain text
  text: string;
}

const KEYWORDS: Record<string, string> = {
  js: 'async await break case catch class const continue default delete do else export extends false finally for from function if import in instanceof interface let new null of return static super switch this throw true try type typeof undefined var void while yield',
  php: 'abstract and array as break case catch class clone const continue declare default do echo else elseif empty endforeach endif endwhile extends false final finally fn for foreach function global if implements include include_once instanceof interface isset list match namespace new null or print private protected public readonly require require_once return static switch throw trait true try unset use var while',
  python: 'and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield',
  shell: 'case do done elif else esac export fi for function if in local return then until while echo exit set unset',
  sql: 'add all alter and as asc by create delete desc distinct drop from group having in index inner insert into is join key left like limit not null on or order primary references right select set table update values where',
  css: '',
  json: 'true false null',
  yaml: 'true false null yes no on off',
  ini: 'true false on off yes no',
  html: '',
};

const words = (lang: string) => (KEYWORDS[lang] ? `\\b(?:${KEYWORDS[lang].split(' ').join('|')})\\b` : '(?!)');

const STR = `"(?:[^"\\\\\\n]|\\\\.)*"?|'(?:[^'\\\\\\n]|\\\\.)*'?`;
const NUM = '\\b(?:0x[0-9a-fA-F]+|\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)\\b';

function grammar(lang: string): RegExp | null {
  const kw = words(lang);
  const parts: Record<string, string> = {};
  switch (lang) {
    case 'js':
    case 'php':
      parts.comment = `\\/\\/[^\\n]*|\\/\\*[\\s\\S]*?(?:\\*\\/|$)${lang === 'php' ? '|#[^\\n]*' : ''}`;
      parts.string = `${STR}|\`(?:[^\`\\\\]|\\\\.)*\`?`;
      if (lang === 'php') parts.variable = '\\$[A-Za-z_]\\w*';
      break;
    case 'python':
    case 'shell':
    case 'yaml':
      parts.comment = '#[^\\n]*';
      parts.string = STR;
      if (lang === 'shell') parts.variable = '\\$\\{[^}\\n]*\\}|\\$\\w+';
      if (lang === 'yaml') parts.property = '^[ \\t-]*[\\w.-]+(?=:)';
      break;
    case 'ini':
      parts.comment = '^[ \\t]*[#;][^\\n]*';
      parts.property = '^\\[[^\\]\\n]*\\]|^[ \\t]*[\\w.-]+(?=[ \\t]*=)';
      parts.string = STR;
      break;
    case 'sql':
      parts.comment = '--[^\\n]*|\\/\\*[\\s\\S]*?(?:\\*\\/|$)';
      parts.string = STR;
      break;
    case 'css':
      parts.comment = '\\/\\*[\\s\\S]*?(?:\\*\\/|$)';
      parts.string = STR;
      parts.property = '[\\w-]+(?=\\s*:)';
      break;
    case 'json':
      parts.property = '"(?:[^"\\\\\\n]|\\\\.)*"(?=\\s*:)';
      parts.string = STR;
      break;
    case 'html':
      parts.comment = '<!--[\\s\\S]*?(?:-->|$)';
      parts.tag = '<\\/?[A-Za-z][\\w:-]*|\\/?>';
      parts.property = '\\b[\\w:-]+(?==)';
      parts.string = STR;
      break;
    default:
      return null;
  }
  if (lang !== 'html' && lang !== 'css') parts.keyword = kw;
  parts.number = NUM;
  const src = Object.entries(parts)
    .map(([k, v]) => `(?<${k}>${v})`)
    .join('|');
  return new RegExp(src, lang === 'sql' ? 'gmi' : 'gm');
}

const cache = new Map<string, RegExp | null>();

export function tokenize(text: string, lang: string): Token[] {
  if (!cache.has(lang)) cache.set(lang, grammar(lang));
  const re = cache.get(lang);
  if (!re || text.length > 500_000) return [{ kind: null, text }];
  const out: Token[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) out.push({ kind: null, text: text.slice(last, m.index) });
    const kind = Object.entries(m.groups ?? {}).find(([, v]) => v !== undefined)?.[0] ?? null;
    out.push({ kind, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: null, text: text.slice(last) });
  return out;
}
