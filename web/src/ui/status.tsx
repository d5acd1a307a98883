// Status words (active, suspended, enabled, failed, up ...) as a coloured
// badge that keeps the word: the colour is never the only signal.
const GOOD = new Set(['active', 'enabled', 'ok', 'up', 'success', 'succeeded', 'running', 'on']);
const BAD = new Set(['suspended', 'disabled', 'failed', 'failure', 'down', 'error', 'timeout', 'timed out', 'expired', 'off', 'denied']);

export function statusTone(word: string): 'good' | 'bad' | 'neutral' {
  const w = word.toLowerCase();
  if (GOOD.has(w)) return 'good';
  if (BAD.has(w)) return 'bad';
  return 'neutral';
}

export function Status({ word }: { word: string }) {
  return <span class={`badge status ${statusTone(word)}`}>{word}</span>;
}
